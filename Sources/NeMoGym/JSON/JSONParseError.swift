/// A JSON document could not be parsed; says what was expected and where.
///
/// ``offset`` is the byte offset into the input, ``line`` and ``column`` count from 1 (the column in
/// characters). ``pythonDescription`` renders the error as Python's `json.loads` would report it, which is
/// the text NeMo Gym puts into invalid-tool-argument outputs.
public struct JSONParseError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        enum Kind: Hashable, Sendable {
            case expectingValue, expectingPropertyName, expectingColon, expectingComma
            case unterminatedString, invalidControlCharacter, invalidEscape, invalidUnicodeEscape
            case extraData, duplicateKey, invalidUTF8, tooDeep, nonFiniteNumber, invalidNumber
        }
        let kind: Kind

        /// A value was expected (also: empty input, a bad literal).
        public static let expectingValue = Code(kind: .expectingValue)
        /// An object key (a double-quoted string) was expected.
        public static let expectingPropertyName = Code(kind: .expectingPropertyName)
        /// A `:` after an object key was expected.
        public static let expectingColon = Code(kind: .expectingColon)
        /// A `,` or the end of the object or array was expected.
        public static let expectingComma = Code(kind: .expectingComma)
        /// A string has no closing quote.
        public static let unterminatedString = Code(kind: .unterminatedString)
        /// A string contains a raw control character (below U+0020).
        public static let invalidControlCharacter = Code(kind: .invalidControlCharacter)
        /// A backslash escape that JSON does not define.
        public static let invalidEscape = Code(kind: .invalidEscape)
        /// A `\u` escape without four hex digits.
        public static let invalidUnicodeEscape = Code(kind: .invalidUnicodeEscape)
        /// Text follows the document.
        public static let extraData = Code(kind: .extraData)
        /// An object repeats a key (strict mode).
        public static let duplicateKey = Code(kind: .duplicateKey)
        /// The input is not valid UTF-8.
        public static let invalidUTF8 = Code(kind: .invalidUTF8)
        /// Arrays and objects nest deeper than the limit.
        public static let tooDeep = Code(kind: .tooDeep)
        /// `NaN` or `Infinity` in strict mode.
        public static let nonFiniteNumber = Code(kind: .nonFiniteNumber)
        /// A malformed number such as `1.` or `-`.
        public static let invalidNumber = Code(kind: .invalidNumber)

        /// The code's name, e.g. `expectingValue`.
        public var description: String { "\(kind)" }
    }

    /// What went wrong.
    public let code: Code
    /// The byte offset of the problem in the input.
    public let offset: Int
    /// The line of the problem, from 1.
    public let line: Int
    /// The column of the problem in characters, from 1.
    public let column: Int
    /// The character (code point) offset of the problem, from 0, as Python counts it.
    public let characterOffset: Int
    /// A sentence describing the problem, without the position.
    public let reason: String
    /// Python's own text where it is not a `JSONDecodeError` reason (UTF-8 decoding, recursion, a BOM).
    let pythonOverride: String?

    /// The problem and its position, e.g. `Expecting ',' delimiter at line 1, column 9 (byte 8).`
    public var description: String {
        "\(reason) at line \(line), column \(column) (byte \(offset))."
    }

    /// The problem as Python's `json.loads` reports it (`str(e)`): `Expecting value: line 1 column 1 (char 0)`.
    ///
    /// Invalid UTF-8 reads as Python's `UnicodeDecodeError` text and nesting that is too deep as its
    /// `RecursionError` text. Strict-only problems (duplicate keys, `NaN`) have no Python counterpart and use
    /// ``reason``.
    public var pythonMessage: String {
        switch code.kind {
        case .invalidUTF8, .tooDeep: return pythonOverride ?? reason
        default: return "\(pythonOverride ?? pythonReason): line \(line) column \(column) (char \(characterOffset))"
        }
    }

    /// The Python `repr` of the exception: `JSONDecodeError('Expecting value: line 1 column 1 (char 0)')`.
    public var pythonDescription: String {
        "\(pythonExceptionName)(\(PythonRepr.string(pythonMessage)))"
    }

    /// The name of the Python exception class this error corresponds to.
    public var pythonExceptionName: String {
        switch code.kind {
        case .invalidUTF8: return "UnicodeDecodeError"
        case .tooDeep: return "RecursionError"
        default: return "JSONDecodeError"
        }
    }

    var pythonReason: String {
        switch code.kind {
        case .expectingValue, .invalidNumber, .invalidUTF8, .tooDeep: return "Expecting value"
        case .expectingPropertyName: return "Expecting property name enclosed in double quotes"
        case .expectingColon: return "Expecting ':' delimiter"
        case .expectingComma: return "Expecting ',' delimiter"
        case .unterminatedString: return "Unterminated string starting at"
        case .invalidControlCharacter: return "Invalid control character at"
        case .invalidEscape: return "Invalid \\escape"
        case .invalidUnicodeEscape: return "Invalid \\uXXXX escape"
        case .extraData: return "Extra data"
        case .duplicateKey, .nonFiniteNumber: return reason
        }
    }

    init(code: Code, offset: Int, reason: String, in bytes: UnsafeBufferPointer<UInt8>, pythonMessage: String? = nil) {
        self.code = code
        self.pythonOverride = pythonMessage
        self.offset = offset
        self.reason = reason
        var line = 1
        var lineStartChars = 0
        var chars = 0
        var i = 0
        let end = min(offset, bytes.count)
        while i < end {
            let b = bytes[i]
            if b & 0xC0 != 0x80 {
                chars += 1
                if b == UInt8(ascii: "\n") { line += 1; lineStartChars = chars }
            }
            i += 1
        }
        self.line = line
        self.column = chars - lineStartChars + 1
        self.characterOffset = chars
    }
}
