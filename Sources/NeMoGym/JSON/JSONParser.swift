/// Options for ``JSONValue/init(parsing:options:)``.
public struct JSONParseOptions: Sendable, Hashable {
    /// Whether an object may repeat a key (the last value wins, at the first key's position).
    public var allowsDuplicateKeys: Bool
    /// Whether `NaN`, `Infinity` and `-Infinity` are accepted as numbers.
    public var allowsNonFiniteNumbers: Bool
    /// How deep arrays and objects may nest.
    public var maximumDepth: Int

    /// Creates options.
    public init(allowsDuplicateKeys: Bool = false, allowsNonFiniteNumbers: Bool = false, maximumDepth: Int = 512) {
        self.allowsDuplicateKeys = allowsDuplicateKeys
        self.allowsNonFiniteNumbers = allowsNonFiniteNumbers
        self.maximumDepth = maximumDepth
    }

    /// RFC 8259 JSON: duplicate keys and non-finite numbers are errors. The default everywhere.
    public static let strict = JSONParseOptions()

    /// What Python's `json.loads` accepts: duplicate keys (last wins) and `NaN`/`Infinity`. Used for the
    /// arguments of function calls, which NeMo Gym parses with `json.loads`.
    public static let pythonCompatible = JSONParseOptions(allowsDuplicateKeys: true, allowsNonFiniteNumbers: true)
}

extension JSONValue {
    /// Parses a JSON document from UTF-8 bytes.
    /// - Throws: ``JSONParseError`` naming what was expected and the byte offset.
    public init<Bytes: Collection<UInt8>>(parsing bytes: Bytes, options: JSONParseOptions = .strict) throws {
        if let value = try bytes.withContiguousStorageIfAvailable({ try JSONParser.parse($0, options: options) }) {
            self = value
        } else {
            self = try Array(bytes).withUnsafeBufferPointer { try JSONParser.parse($0, options: options) }
        }
    }

    /// Parses a JSON document from a string.
    /// - Throws: ``JSONParseError`` naming what was expected and the byte offset.
    public init(parsing text: String, options: JSONParseOptions = .strict) throws {
        var text = text
        self = try text.withUTF8 { try JSONParser.parse($0, options: options) }
    }
}

/// A recursive-descent parser over UTF-8 bytes.
struct JSONParser {
    let bytes: UnsafeBufferPointer<UInt8>
    let options: JSONParseOptions
    var position = 0
    var depth = 0
    var scratch: [UInt8] = []

    static func parse(_ bytes: UnsafeBufferPointer<UInt8>, options: JSONParseOptions) throws -> JSONValue {
        var parser = JSONParser(bytes: bytes, options: options)
        parser.skipWhitespace()
        let value = try parser.parseValue()
        parser.skipWhitespace()
        if parser.position < bytes.count {
            throw parser.error(.extraData, "Unexpected text after the JSON document")
        }
        return value
    }

    func error(_ code: JSONParseError.Code, _ reason: String, at offset: Int? = nil) -> JSONParseError {
        JSONParseError(code: code, offset: offset ?? position, reason: reason, in: bytes)
    }

    @inline(__always)
    mutating func skipWhitespace() {
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x0A, 0x0D, 0x09: position += 1
            default: return
            }
        }
    }

    mutating func parseValue() throws -> JSONValue {
        guard position < bytes.count else { throw error(.expectingValue, "Expected a value but the input ended") }
        switch bytes[position] {
        case UInt8(ascii: "{"): return try parseObject()
        case UInt8(ascii: "["): return try parseArray()
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): return try parseLiteral("true", .bool(true))
        case UInt8(ascii: "f"): return try parseLiteral("false", .bool(false))
        case UInt8(ascii: "n"): return try parseLiteral("null", .null)
        case UInt8(ascii: "N"): return try parseNonFinite("NaN")
        case UInt8(ascii: "I"): return try parseNonFinite("Infinity")
        case UInt8(ascii: "-"):
            if position + 1 < bytes.count, bytes[position + 1] == UInt8(ascii: "I") {
                return try parseNonFinite("-Infinity")
            }
            return .number(try parseNumber())
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
        default: throw error(.expectingValue, "Expected a value")
        }
    }

    mutating func parseLiteral(_ word: StaticString, _ value: JSONValue) throws -> JSONValue {
        let count = word.utf8CodeUnitCount
        guard position + count <= bytes.count else { throw error(.expectingValue, "Expected a value") }
        let p = word.utf8Start
        for i in 0..<count where bytes[position + i] != p[i] {
            throw error(.expectingValue, "Expected a value")
        }
        position += count
        return value
    }

    mutating func parseNonFinite(_ word: StaticString) throws -> JSONValue {
        let start = position
        _ = try parseLiteral(word, .null)
        guard options.allowsNonFiniteNumbers else {
            throw error(.nonFiniteNumber, "'\(word)' is not valid JSON (non-finite numbers are not allowed)", at: start)
        }
        return .number(JSONNumber(unchecked: "\(word)"))
    }

    mutating func enter() throws {
        depth += 1
        if depth > options.maximumDepth {
            throw error(.tooDeep, "Arrays and objects nest deeper than \(options.maximumDepth) levels")
        }
    }

    mutating func parseArray() throws -> JSONValue {
        try enter()
        position += 1
        var elements: [JSONValue] = []
        skipWhitespace()
        if position < bytes.count, bytes[position] == UInt8(ascii: "]") {
            position += 1
            depth -= 1
            return .array(elements)
        }
        while true {
            skipWhitespace()
            elements.append(try parseValue())
            skipWhitespace()
            guard position < bytes.count else {
                throw error(.expectingComma, "Expected ',' or ']' but the input ended")
            }
            let b = bytes[position]
            position += 1
            if b == UInt8(ascii: ",") { continue }
            if b == UInt8(ascii: "]") { break }
            throw error(.expectingComma, "Expected ',' or ']' in an array", at: position - 1)
        }
        depth -= 1
        return .array(elements)
    }

    mutating func parseObject() throws -> JSONValue {
        try enter()
        position += 1
        var keys: [String] = []
        var values: [JSONValue] = []
        var keySet: Set<String>? = nil
        skipWhitespace()
        if position < bytes.count, bytes[position] == UInt8(ascii: "}") {
            position += 1
            depth -= 1
            return .object(JSONObject())
        }
        while true {
            skipWhitespace()
            guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else {
                throw error(.expectingPropertyName, "Expected an object key in double quotes")
            }
            let keyStart = position
            let key = try parseString()
            skipWhitespace()
            guard position < bytes.count, bytes[position] == UInt8(ascii: ":") else {
                throw error(.expectingColon, "Expected ':' after the object key \"\(key)\"")
            }
            position += 1
            skipWhitespace()
            let value = try parseValue()
            // Duplicate detection: linear for small objects, a set once they grow.
            var existing: Int? = nil
            if keys.count < 16 {
                existing = keys.firstIndex(of: key)
            } else {
                if keySet == nil { keySet = Set(keys) }
                if keySet!.contains(key) { existing = keys.firstIndex(of: key) }
                keySet!.insert(key)
            }
            if let existing {
                guard options.allowsDuplicateKeys else {
                    throw error(.duplicateKey, "Duplicate object key \"\(key)\"", at: keyStart)
                }
                values[existing] = value
            } else {
                keys.append(key)
                values.append(value)
            }
            skipWhitespace()
            guard position < bytes.count else {
                throw error(.expectingComma, "Expected ',' or '}' but the input ended")
            }
            let b = bytes[position]
            position += 1
            if b == UInt8(ascii: ",") { continue }
            if b == UInt8(ascii: "}") { break }
            throw error(.expectingComma, "Expected ',' or '}' in an object", at: position - 1)
        }
        depth -= 1
        return .object(JSONObject(uncheckedKeys: keys, values: values))
    }

    mutating func parseNumber() throws -> JSONNumber {
        let start = position
        if bytes[position] == UInt8(ascii: "-") { position += 1 }
        guard position < bytes.count, isDigit(bytes[position]) else {
            throw error(.invalidNumber, "Expected a digit in a number", at: start)
        }
        if bytes[position] == UInt8(ascii: "0") {
            position += 1
        } else {
            while position < bytes.count, isDigit(bytes[position]) { position += 1 }
        }
        if position < bytes.count, bytes[position] == UInt8(ascii: "."),
            position + 1 < bytes.count, isDigit(bytes[position + 1])
        {
            position += 2
            while position < bytes.count, isDigit(bytes[position]) { position += 1 }
        }
        if position < bytes.count, bytes[position] | 0x20 == UInt8(ascii: "e") {
            var p = position + 1
            if p < bytes.count, bytes[p] == UInt8(ascii: "+") || bytes[p] == UInt8(ascii: "-") { p += 1 }
            if p < bytes.count, isDigit(bytes[p]) {
                p += 1
                while p < bytes.count, isDigit(bytes[p]) { p += 1 }
                position = p
            }
        }
        return JSONNumber(unchecked: String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self))
    }

    @inline(__always)
    func isDigit(_ b: UInt8) -> Bool { b &- UInt8(ascii: "0") < 10 }

    mutating func parseString() throws -> String {
        let quote = position
        position += 1
        let start = position
        var nonASCII = false
        while position < bytes.count {
            let b = bytes[position]
            if b == UInt8(ascii: "\"") {
                let slice = UnsafeBufferPointer(rebasing: bytes[start..<position])
                position += 1
                if !nonASCII { return String(decoding: slice, as: UTF8.self) }
                return try validated(slice, at: start)
            }
            if b == UInt8(ascii: "\\") { break }
            if b < 0x20 {
                throw error(.invalidControlCharacter, "Raw control character in a string (escape it)")
            }
            if b >= 0x80 { nonASCII = true }
            position += 1
        }
        guard position < bytes.count else {
            throw error(.unterminatedString, "Unterminated string", at: quote)
        }
        return try parseEscapedString(quote: quote, start: start, nonASCII: nonASCII)
    }

    func validated(_ slice: UnsafeBufferPointer<UInt8>, at start: Int) throws -> String {
        if let s = String(validating: slice, as: UTF8.self) { return s }
        // Find the first invalid byte for the error message.
        var offset = 0
        var iterator = slice.makeIterator()
        var decoder = UTF8()
        loop: while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar): offset += UTF8.width(scalar)
            case .emptyInput: break loop
            case .error: break loop
            }
        }
        throw error(.invalidUTF8, "Invalid UTF-8 in a string", at: start + offset)
    }

    mutating func parseEscapedString(quote: Int, start: Int, nonASCII: Bool) throws -> String {
        scratch.removeAll(keepingCapacity: true)
        scratch.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<position]))
        var nonASCII = nonASCII
        while position < bytes.count {
            let b = bytes[position]
            if b == UInt8(ascii: "\"") {
                position += 1
                if !nonASCII { return String(decoding: scratch, as: UTF8.self) }
                return try scratch.withUnsafeBufferPointer { buffer in
                    if let s = String(validating: buffer, as: UTF8.self) { return s }
                    throw error(.invalidUTF8, "Invalid UTF-8 in a string", at: quote)
                }
            }
            if b < 0x20 {
                throw error(.invalidControlCharacter, "Raw control character in a string (escape it)")
            }
            if b != UInt8(ascii: "\\") {
                if b >= 0x80 { nonASCII = true }
                scratch.append(b)
                position += 1
                continue
            }
            let escapeStart = position
            position += 1
            guard position < bytes.count else {
                throw error(.unterminatedString, "Unterminated string", at: quote)
            }
            let e = bytes[position]
            position += 1
            switch e {
            case UInt8(ascii: "\""): scratch.append(UInt8(ascii: "\""))
            case UInt8(ascii: "\\"): scratch.append(UInt8(ascii: "\\"))
            case UInt8(ascii: "/"): scratch.append(UInt8(ascii: "/"))
            case UInt8(ascii: "b"): scratch.append(0x08)
            case UInt8(ascii: "f"): scratch.append(0x0C)
            case UInt8(ascii: "n"): scratch.append(0x0A)
            case UInt8(ascii: "r"): scratch.append(0x0D)
            case UInt8(ascii: "t"): scratch.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = try parseHex4(escapeStart: escapeStart)
                if (0xD800..<0xDC00).contains(scalar) {
                    // A high surrogate: combine with a following low surrogate, else U+FFFD.
                    if position + 1 < bytes.count, bytes[position] == UInt8(ascii: "\\"),
                        bytes[position + 1] == UInt8(ascii: "u")
                    {
                        let save = position
                        position += 2
                        let low = try parseHex4(escapeStart: save)
                        if (0xDC00..<0xE000).contains(low) {
                            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                        } else {
                            position = save
                            scalar = 0xFFFD
                        }
                    } else {
                        scalar = 0xFFFD
                    }
                } else if (0xDC00..<0xE000).contains(scalar) {
                    scalar = 0xFFFD
                }
                nonASCII = nonASCII || scalar >= 0x80
                appendUTF8(UnicodeScalar(scalar) ?? "\u{FFFD}")
            default:
                throw error(.invalidEscape, "Invalid escape '\\\(UnicodeScalar(e))' in a string", at: escapeStart)
            }
        }
        throw error(.unterminatedString, "Unterminated string", at: quote)
    }

    mutating func parseHex4(escapeStart: Int) throws -> UInt32 {
        guard position + 4 <= bytes.count else {
            throw error(.invalidUnicodeEscape, "Invalid \\u escape (expected 4 hex digits)", at: escapeStart)
        }
        var v: UInt32 = 0
        for i in 0..<4 {
            let b = bytes[position + i]
            let d: UInt32
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): d = UInt32(b - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): d = UInt32(b - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): d = UInt32(b - UInt8(ascii: "A") + 10)
            default:
                throw error(.invalidUnicodeEscape, "Invalid \\u escape (expected 4 hex digits)", at: escapeStart)
            }
            v = v << 4 | d
        }
        position += 4
        return v
    }

    mutating func appendUTF8(_ scalar: UnicodeScalar) {
        let v = scalar.value
        if v < 0x80 {
            scratch.append(UInt8(v))
        } else if v < 0x800 {
            scratch.append(UInt8(0xC0 | (v >> 6)))
            scratch.append(UInt8(0x80 | (v & 0x3F)))
        } else if v < 0x10000 {
            scratch.append(UInt8(0xE0 | (v >> 12)))
            scratch.append(UInt8(0x80 | ((v >> 6) & 0x3F)))
            scratch.append(UInt8(0x80 | (v & 0x3F)))
        } else {
            scratch.append(UInt8(0xF0 | (v >> 18)))
            scratch.append(UInt8(0x80 | ((v >> 12) & 0x3F)))
            scratch.append(UInt8(0x80 | ((v >> 6) & 0x3F)))
            scratch.append(UInt8(0x80 | (v & 0x3F)))
        }
    }
}
