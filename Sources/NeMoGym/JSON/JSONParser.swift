/// A recursive-descent parser over UTF-8 bytes.
///
/// Recursion is bounded by ``JSONParseOptions/maximumDepth`` (512 by default), which keeps the stack use
/// small even on the reduced stacks of Swift concurrency tasks. Strings are scanned eight bytes at a time;
/// runs without escapes become a `String` in one step.
struct JSONParser: ~Copyable {
    let base: UnsafePointer<UInt8>
    let count: Int
    let options: JSONParseOptions
    var position = 0
    var depth = 0
    /// Where strings with escapes are rebuilt.
    var scratch = JSONOutputBuffer(capacity: 256)
    /// The elements of the open arrays and the values of the open objects.
    var values = JSONParseStack<JSONValue>(capacity: 64)
    /// The keys of the open objects.
    var keys = JSONParseStack<String>(capacity: 64)

    static func parse(_ bytes: UnsafeBufferPointer<UInt8>, options: JSONParseOptions) throws -> JSONValue {
        guard let base = bytes.baseAddress, bytes.count > 0 else {
            throw JSONParseError(code: .expectingValue, offset: 0, reason: "The input is empty; expected a JSON value",
                                 in: bytes)
        }
        var parser = JSONParser(base: base, count: bytes.count, options: options)
        if bytes.count >= 3, base[0] == 0xEF, base[1] == 0xBB, base[2] == 0xBF {
            throw parser.error(.expectingValue, "The input starts with a UTF-8 byte order mark; remove it",
                               python: "Unexpected UTF-8 BOM (decode using utf-8-sig)")
        }
        parser.skipWhitespace()
        let value = try parser.parseValue()
        parser.skipWhitespace()
        if parser.position < parser.count {
            throw parser.error(.extraData, "Unexpected \(parser.found) after the JSON document (expected the end)")
        }
        return value
    }

    // MARK: - Errors

    func error(_ code: JSONParseError.Code, _ reason: String, at offset: Int? = nil,
               python: String? = nil) -> JSONParseError
    {
        JSONParseError(code: code, offset: offset ?? position, reason: reason,
                       in: UnsafeBufferPointer(start: base, count: count), pythonMessage: python)
    }

    /// The input at the current position, quoted for an error message (`'x'`, or `the end of the input`).
    var found: String { describe(at: position) }

    func describe(at offset: Int) -> String {
        guard offset < count else { return "end of input" }
        let b = base[offset]
        if b >= 0x21 && b < 0x7F { return "'\(Character(UnicodeScalar(b)))'" }
        return "byte 0x" + PythonRepr.hex(UInt32(b), width: 2)
    }

    // MARK: - Structure

    @inline(__always)
    mutating func skipWhitespace() {
        while position < count {
            let b = base[position]
            guard b <= 0x20, b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 else { return }
            position += 1
        }
    }

    mutating func parseValue() throws -> JSONValue {
        guard position < count else { throw error(.expectingValue, "Expected a value but the input ended") }
        switch base[position] {
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "{"): return try parseObject()
        case UInt8(ascii: "["): return try parseArray()
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
        case UInt8(ascii: "-"):
            if position + 1 < count, base[position + 1] == UInt8(ascii: "I") { return try parseNonFinite("-Infinity") }
            return .number(try parseNumber())
        case UInt8(ascii: "t"): return try parseLiteral("true", .bool(true))
        case UInt8(ascii: "f"): return try parseLiteral("false", .bool(false))
        case UInt8(ascii: "n"): return try parseLiteral("null", .null)
        case UInt8(ascii: "N"): return try parseNonFinite("NaN")
        case UInt8(ascii: "I"): return try parseNonFinite("Infinity")
        default:
            if base[position] >= 0x80, let problem = utf8Problem(from: position, to: min(count, position + 4)) {
                throw invalidUTF8(problem)
            }
            throw error(.expectingValue, "Expected a value (a string, number, object, array, true, false or null), found \(found)")
        }
    }

    mutating func parseLiteral(_ word: StaticString, _ value: JSONValue) throws -> JSONValue {
        let length = word.utf8CodeUnitCount
        var matches = position + length <= count
        var i = 0
        while matches, i < length {
            matches = base[position + i] == word.utf8Start[i]
            i += 1
        }
        guard matches else {
            throw error(.expectingValue, "Expected a value, found \(found) (did you mean '\(word)'?)")
        }
        position += length
        return value
    }

    mutating func parseNonFinite(_ word: StaticString) throws -> JSONValue {
        let start = position
        _ = try parseLiteral(word, .null)
        guard options.allowsNonFiniteNumbers else {
            throw error(.nonFiniteNumber,
                        "'\(word)' is not valid JSON (non-finite numbers need the pythonCompatible options)", at: start)
        }
        return .number(JSONNumber(unchecked: "\(word)"))
    }

    @inline(__always)
    mutating func enter(_ kind: String) throws {
        depth += 1
        if depth > options.maximumDepth {
            throw error(.tooDeep, "Arrays and objects nest deeper than \(options.maximumDepth) levels",
                        python: "maximum recursion depth exceeded while decoding a JSON \(kind) from a unicode string")
        }
    }

    mutating func parseArray() throws -> JSONValue {
        try enter("array")
        position += 1
        skipWhitespace()
        if position < count, base[position] == UInt8(ascii: "]") {
            position += 1
            depth -= 1
            return .array([])
        }
        let firstValue = values.count
        while true {
            values.push(try parseValue())
            skipWhitespace()
            guard position < count else { throw error(.expectingComma, "Expected ',' or ']' but the input ended") }
            let b = base[position]
            position += 1
            if b == UInt8(ascii: ",") {
                skipWhitespace()
                continue
            }
            if b == UInt8(ascii: "]") { break }
            position -= 1
            throw error(.expectingComma, "Expected ',' or ']' after an array element, found \(found)")
        }
        depth -= 1
        return .array(values.popArray(from: firstValue))
    }

    mutating func parseObject() throws -> JSONValue {
        try enter("object")
        position += 1
        skipWhitespace()
        if position < count, base[position] == UInt8(ascii: "}") {
            position += 1
            depth -= 1
            return .object(JSONObject())
        }
        let first = keys.count
        let firstValue = values.count
        var keySet: Set<String>? = nil
        while true {
            guard position < count, base[position] == UInt8(ascii: "\"") else {
                throw error(.expectingPropertyName, "Expected an object key in double quotes, found \(found)")
            }
            let keyStart = position
            let key = try parseString()
            skipWhitespace()
            guard position < count, base[position] == UInt8(ascii: ":") else {
                throw error(.expectingColon, "Expected ':' after the object key \"\(key)\", found \(found)")
            }
            position += 1
            skipWhitespace()
            let value = try parseValue()
            // Duplicate detection: linear for small objects, a set once they grow.
            var existing: Int? = nil
            if keys.count - first < 16 {
                existing = keys.index(of: key, from: first)
            } else {
                if keySet == nil {
                    var set = Set<String>(minimumCapacity: 32)
                    for i in first..<keys.count { set.insert(keys[i]) }
                    keySet = set
                }
                if keySet?.insert(key).inserted == false { existing = keys.index(of: key, from: first) }
            }
            if let existing {
                guard options.allowsDuplicateKeys else {
                    throw error(.duplicateKey, "Duplicate object key \"\(key)\" (each key may appear once)",
                                at: keyStart)
                }
                values[firstValue + (existing - first)] = value
            } else {
                keys.push(key)
                values.push(value)
            }
            skipWhitespace()
            guard position < count else { throw error(.expectingComma, "Expected ',' or '}' but the input ended") }
            let b = base[position]
            position += 1
            if b == UInt8(ascii: ",") {
                skipWhitespace()
                continue
            }
            if b == UInt8(ascii: "}") { break }
            position -= 1
            throw error(.expectingComma, "Expected ',' or '}' after the value of \"\(key)\", found \(found)")
        }
        depth -= 1
        let objectValues = values.popArray(from: firstValue)
        return .object(JSONObject(uncheckedKeys: keys.popArray(from: first), values: objectValues))
    }

    // MARK: - Numbers

    /// Scans a number as Python's `json` does (`-?(0|[1-9]\d*)(\.\d+)?([eE][-+]?\d+)?`); what follows a
    /// partial match (`1.`, `01`) is left for the caller to reject.
    mutating func parseNumber() throws -> JSONNumber {
        let start = position
        var p = position
        if base[p] == UInt8(ascii: "-") { p += 1 }
        guard p < count, isDigit(base[p]) else {
            throw error(.invalidNumber, "Expected a digit after '-' in a number, found \(describe(at: p))", at: start)
        }
        if base[p] == UInt8(ascii: "0") {
            p += 1
        } else {
            while p < count, isDigit(base[p]) { p += 1 }
        }
        if p + 1 < count, base[p] == UInt8(ascii: "."), isDigit(base[p + 1]) {
            p += 2
            while p < count, isDigit(base[p]) { p += 1 }
        }
        if p < count, base[p] | 0x20 == UInt8(ascii: "e") {
            var q = p + 1
            if q < count, base[q] == UInt8(ascii: "+") || base[q] == UInt8(ascii: "-") { q += 1 }
            if q < count, isDigit(base[q]) {
                q += 1
                while q < count, isDigit(base[q]) { q += 1 }
                p = q
            }
        }
        position = p
        return JSONNumber(unchecked: String(decoding: UnsafeBufferPointer(start: base + start, count: p - start),
                                            as: UTF8.self))
    }

    @inline(__always)
    func isDigit(_ b: UInt8) -> Bool { b &- UInt8(ascii: "0") < 10 }
}
