/// A config could not be loaded, composed, resolved or read into an agent's settings (YAML syntax
/// problems are ``YAMLError``s).
///
/// Messages are sentences that name the input, quote the bad value and say how to fix it.
public struct ConfigError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of problem. Compare with the static members (`error.code == .missingValues`).
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Kind: String {
            case fileNotFound, missingValues, interpolation, serverRefNotFound, unknownInstance, missingPort
            case missingEnvironment, invalidStructure, invalidPort, invalidValue, unknownImplementation, invalidArguments,
                 invalidOverride
        }
        private let kind: Kind
        private init(_ kind: Kind) { self.kind = kind }

        /// A config file could not be read.
        public static let fileNotFound = Code(.fileNotFound)
        /// `???` values remain after merging; ``ConfigError/missingPaths`` lists them all.
        public static let missingValues = Code(.missingValues)
        /// A `${...}` interpolation is malformed, refers to an unset key or uses an unknown resolver.
        public static let interpolation = Code(.interpolation)
        /// A server ref (`{type, name}`) names an instance that is not defined.
        public static let serverRefNotFound = Code(.serverRefNotFound)
        /// No server instance has the requested name.
        public static let unknownInstance = Code(.unknownInstance)
        /// A server block has no `port`.
        public static let missingPort = Code(.missingPort)
        /// A server block's `port` is not a port number (a word, a fraction, a boolean, out of 1...65535).
        public static let invalidPort = Code(.invalidPort)
        /// `NEMO_GYM_CONFIG_DICT` or `NEMO_GYM_CONFIG_PATH` is not set.
        public static let missingEnvironment = Code(.missingEnvironment)
        /// The config does not have the expected shape (for example a server block that is not a mapping).
        public static let invalidStructure = Code(.invalidStructure)
        /// A command-line override (`key=value`, `+key=value`, `++key=value`) is malformed or cannot apply.
        public static let invalidOverride = Code(.invalidOverride)

        /// A setting has a value of the wrong type or range (NeMo Gym's pydantic would refuse it too), or a
        /// required setting is missing.
        public static let invalidValue = Code(.invalidValue)
        /// An agent block's implementation key names no implementation this server knows.
        public static let unknownImplementation = Code(.unknownImplementation)
        /// The arguments of an agent executable (``AgentLauncher/Options/init(arguments:)``) are wrong.
        public static let invalidArguments = Code(.invalidArguments)

        /// The kind's name.
        public var description: String { kind.rawValue }
    }

    /// The kind of problem.
    public let code: Code
    /// What is wrong and how to fix it.
    public let message: String
    /// For ``Code/missingValues``: the dotted path of every `???` left, in document order.
    public let missingPaths: [String]

    /// Creates an error.
    public init(_ code: Code, _ message: String, missingPaths: [String] = []) {
        self.code = code
        self.message = message
        self.missingPaths = missingPaths
    }

    public var description: String { message }
}
