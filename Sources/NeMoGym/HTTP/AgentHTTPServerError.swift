/// Why an ``AgentHTTPServer`` could not start.
public struct AgentHTTPServerError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        enum Kind: Hashable, Sendable { case addressInUse, invalidAddress, bindFailed, alreadyStarted }
        let kind: Kind

        /// The port is taken by another socket.
        public static let addressInUse = Code(kind: .addressInUse)
        /// The host does not resolve to an address this machine can bind.
        public static let invalidAddress = Code(kind: .invalidAddress)
        /// Creating, binding or listening on the socket failed for another reason (see the message).
        public static let bindFailed = Code(kind: .bindFailed)
        /// ``AgentHTTPServer/start()`` was called twice or after ``AgentHTTPServer/shutdown()``.
        public static let alreadyStarted = Code(kind: .alreadyStarted)

        /// The code's name, e.g. `addressInUse`.
        public var description: String {
            switch kind {
            case .addressInUse: "addressInUse"
            case .invalidAddress: "invalidAddress"
            case .bindFailed: "bindFailed"
            case .alreadyStarted: "alreadyStarted"
            }
        }
    }

    /// What went wrong.
    public var code: Code
    /// A sentence naming the host and port, e.g. `port 8000 on 127.0.0.1 is already in use`.
    public var message: String

    /// Creates an error.
    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    /// The message.
    public var description: String { message }
}
