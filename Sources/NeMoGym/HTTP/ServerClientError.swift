/// Why ``ServerClient/send(_:)`` got no response. HTTP error statuses are not errors: they are responses.
///
/// The message names the URL and the cause, e.g.
/// `could not connect to http://127.0.0.1:9/v1/responses: connection refused (retried for 60 s)`.
public struct ServerClientError: Error, Sendable, CustomStringConvertible {
    /// What went wrong.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        enum Kind: Hashable, Sendable { case invalidURL, connectionFailed, timedOut, invalidResponse, responseTooLarge, cancelled }
        let kind: Kind

        /// The URL is not an absolute `http://` or `https://` URL.
        public static let invalidURL = Code(kind: .invalidURL)
        /// The connection could not be made or was lost before the response began (after the configured
        /// retries), or it was lost after the response began (never retried: the request is not sent twice).
        public static let connectionFailed = Code(kind: .connectionFailed)
        /// The idle or total timeout configured on the client passed.
        public static let timedOut = Code(kind: .timedOut)
        /// The server's reply is not valid HTTP/1.x, or its head exceeds
        /// ``ServerClient/Configuration/maxResponseHeadBytes``.
        public static let invalidResponse = Code(kind: .invalidResponse)
        /// The response body is larger than ``ServerClient/Configuration/maxResponseBodyBytes`` (declared or as it
        /// arrived); nothing beyond the limit is read or allocated.
        public static let responseTooLarge = Code(kind: .responseTooLarge)
        /// The calling task was cancelled.
        public static let cancelled = Code(kind: .cancelled)

        /// The code's name, e.g. `connectionFailed`.
        public var description: String {
            switch kind {
            case .invalidURL: "invalidURL"
            case .connectionFailed: "connectionFailed"
            case .timedOut: "timedOut"
            case .invalidResponse: "invalidResponse"
            case .responseTooLarge: "responseTooLarge"
            case .cancelled: "cancelled"
            }
        }
    }

    /// What went wrong.
    public var code: Code
    /// The request URL.
    public var url: String
    /// A sentence naming the URL and the cause.
    public var message: String

    /// Creates an error.
    public init(code: Code, url: String, message: String) {
        self.code = code
        self.url = url
        self.message = message
    }

    /// The message.
    public var description: String { message }
}
