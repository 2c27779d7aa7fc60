/// The rollout input (a JSONL file of task rows, or the collection options) is not usable; the message
/// names the file and line, quotes the bad value and says how to fix it.
public struct RolloutInputError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        enum Kind: Hashable, Sendable {
            case fileNotReadable, malformedLine, notAnObject, missingAgent, invalidAgentRef
            case missingCreateParams, invalidNumRepeats, missingNumRepeats, invalidMetadata, invalidOutput
            case outputIsADirectory, outputExists
        }
        let kind: Kind

        /// The input file does not exist or cannot be read.
        public static let fileNotReadable = Code(kind: .fileNotReadable)
        /// A line is blank or not valid JSON.
        public static let malformedLine = Code(kind: .malformedLine)
        /// A line is JSON but not an object.
        public static let notAnObject = Code(kind: .notAnObject)
        /// Rows have no `agent_ref` and no agent name was given.
        public static let missingAgent = Code(kind: .missingAgent)
        /// A row's `agent_ref` is null or not an object with a string `name`.
        public static let invalidAgentRef = Code(kind: .invalidAgentRef)
        /// A row has no `responses_create_params` object.
        public static let missingCreateParams = Code(kind: .missingCreateParams)
        /// `num_repeats` (or a per-agent value) is not an integer ≥ 1.
        public static let invalidNumRepeats = Code(kind: .invalidNumRepeats)
        /// A per-agent `num_repeats` map has no entry for an agent and no `_default`.
        public static let missingNumRepeats = Code(kind: .missingNumRepeats)
        /// `metadata` or `metadata.extra_body` cannot take the seed.
        public static let invalidMetadata = Code(kind: .invalidMetadata)
        /// An output file (such as a previous run's outputs on resume) is unreadable.
        public static let invalidOutput = Code(kind: .invalidOutput)
        /// The output path names a directory (or ends in `/`); it must name a file. Nothing was touched.
        public static let outputIsADirectory = Code(kind: .outputIsADirectory)
        /// A previous run's output files are not empty and neither resuming nor overwriting was asked for.
        /// Nothing was touched.
        public static let outputExists = Code(kind: .outputExists)

        public var description: String { "\(kind)" }
    }

    /// What went wrong.
    public let code: Code
    /// The message.
    public let message: String

    /// Creates an error.
    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
