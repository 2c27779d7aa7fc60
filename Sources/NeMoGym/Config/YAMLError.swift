/// A YAML document could not be read: where (source, line, column) and what kind of problem.
///
/// ``description`` is `FILE:LINE:COLUMN: message`, the form `swift-gym config show` prints after `error: `;
/// ``humanDescription`` reads as a sentence (`Config 'agent.yaml' line 12, column 7: duplicate key 'datasets'.`).
/// Lines and columns are 1-based; columns count characters.
public struct YAMLError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of problem. Compare with the static members (`error.code == .duplicateKey`).
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Kind: String {
            case syntax, tab, duplicateKey, nullKey, undefinedAlias, recursiveAlias, aliasExpansionLimit
            case tooDeep, integerOverflow, multipleDocuments, rootNotCollection, unsupportedDirective
            case unsupportedExplicitKey, unsupportedScalar, unsupportedTag, invalidMerge, invalidEncoding
        }
        private let kind: Kind
        private init(_ kind: Kind) { self.kind = kind }

        /// Malformed YAML (unexpected character, bad indentation, unterminated scalar, ...).
        public static let syntax = Code(.syntax)
        /// A tab where YAML (as PyYAML reads it) allows only spaces: indentation, separators, after a value.
        public static let tab = Code(.tab)
        /// The same key twice in one mapping (OmegaConf refuses these too).
        public static let duplicateKey = Code(.duplicateKey)
        /// A mapping key that is null (`~: x`); config keys must be strings.
        public static let nullKey = Code(.nullKey)
        /// An alias (`*name`) with no anchor (`&name`) before it.
        public static let undefinedAlias = Code(.undefinedAlias)
        /// An alias used inside the node its anchor is on (a cycle).
        public static let recursiveAlias = Code(.recursiveAlias)
        /// Aliases expand to more nodes than the reader allows (a "billion laughs" document).
        public static let aliasExpansionLimit = Code(.aliasExpansionLimit)
        /// Collections nested deeper than the reader allows.
        public static let tooDeep = Code(.tooDeep)
        /// A hexadecimal, octal, binary or base-60 integer that does not fit in 64 bits.
        public static let integerOverflow = Code(.integerOverflow)
        /// More than one document (`---` after content, or content after `...`).
        public static let multipleDocuments = Code(.multipleDocuments)
        /// The document is a single scalar; a config must be a mapping (or a sequence).
        public static let rootNotCollection = Code(.rootNotCollection)
        /// A directive other than `%YAML` (for example `%TAG`).
        public static let unsupportedDirective = Code(.unsupportedDirective)
        /// An explicit `?` key or a collection used as a key.
        public static let unsupportedExplicitKey = Code(.unsupportedExplicitKey)
        /// A scalar with no config value: `=`, `<<` as a value, or a tagged scalar that does not convert.
        public static let unsupportedScalar = Code(.unsupportedScalar)
        /// A tag other than `!!str`, `!!int`, `!!float`, `!!bool`, `!!null`, `!!map`, `!!seq`.
        public static let unsupportedTag = Code(.unsupportedTag)
        /// A merge key (`<<`) whose value is not a mapping or a list of mappings.
        public static let invalidMerge = Code(.invalidMerge)
        /// The bytes are not UTF-8 text (UTF-16/32, invalid sequences, control characters).
        public static let invalidEncoding = Code(.invalidEncoding)

        /// The kind's name, as used by the conformance data (`duplicateKey`, `tab`, ...).
        public var description: String { kind.rawValue }
    }

    /// The kind of problem.
    public let code: Code
    /// The name of the input (usually its path), as given to the reader.
    public let source: String
    /// The 1-based line of the problem.
    public let line: Int
    /// The 1-based column (in characters) of the problem.
    public let column: Int
    /// What is wrong and, where possible, how to fix it.
    public let message: String

    /// Creates an error.
    public init(code: Code, source: String, line: Int, column: Int, message: String) {
        self.code = code
        self.source = source
        self.line = line
        self.column = column
        self.message = message
    }

    /// `FILE:LINE:COLUMN: message`.
    public var description: String { "\(source):\(line):\(column): \(message)" }

    /// `Config 'FILE' line L, column C: message.` (the wording NeMo Gym users see from PyYAML marks).
    public var humanDescription: String {
        "Config '\(source)' line \(line), column \(column): \(message)" + (message.hasSuffix(".") ? "" : ".")
    }
}
