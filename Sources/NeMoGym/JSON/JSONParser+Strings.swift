/// String scanning for ``JSONParser``: escapes, surrogate pairs and UTF-8 validation.
extension JSONParser {
    /// Parses the string starting at the opening quote under `position`.
    mutating func parseString() throws -> String {
        let quote = position
        let start = position + 1
        var p = start
        var high: UInt64 = 0
        while true {
            // Eight bytes at a time while none of them is a quote, a backslash or a control character.
            while p + 8 <= count {
                let w = UnsafeRawPointer(base + p).loadUnaligned(as: UInt64.self)
                if JSONParser.needsAttention(w) { break }
                high |= w
                p += 8
            }
            // Then byte by byte through the word that stopped the fast loop.
            let stop = min(count, p + 8)
            guard p < stop else { break }
            while p < stop {
                let b = base[p]
                if b == UInt8(ascii: "\"") {
                    position = p + 1
                    let slice = UnsafeBufferPointer(start: base + start, count: p - start)
                    if high & 0x8080_8080_8080_8080 == 0 { return String(decoding: slice, as: UTF8.self) }
                    if let s = String(validating: slice, as: UTF8.self) { return s }
                    throw invalidUTF8(utf8Problem(from: start, to: p) ?? (start, "invalid start byte"))
                }
                if b == UInt8(ascii: "\\") {
                    position = p
                    return try parseEscapedString(quote: quote, start: start, high: high)
                }
                if b < 0x20 { throw controlCharacter(at: p) }
                high |= UInt64(b)
                p += 1
            }
        }
        throw error(.unterminatedString, "Unterminated string (no closing '\"')", at: quote)
    }

    /// Whether any of the eight bytes in `w` is `"`, `\` or below 0x20 (may be true in rarer extra cases).
    @inline(__always)
    static func needsAttention(_ w: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        let q = w ^ 0x2222_2222_2222_2222
        let s = w ^ 0x5C5C_5C5C_5C5C_5C5C
        let t = ((q &- ones) & ~q) | ((s &- ones) & ~s) | ((w &- 0x2020_2020_2020_2020) & ~w)
        return t & highs != 0
    }

    /// Parses the rest of a string from its first backslash (at `position`), building it in `scratch`.
    /// `high` carries the bytes already scanned before that backslash (OR-ed together), so that non-ASCII
    /// bytes in front of the first escape are validated too.
    mutating func parseEscapedString(quote: Int, start: Int, high scanned: UInt64) throws -> String {
        scratch.removeAll()
        var high = scanned
        var runStart = start
        var p = position
        while p < count {
            while p + 8 <= count {
                let w = UnsafeRawPointer(base + p).loadUnaligned(as: UInt64.self)
                if JSONParser.needsAttention(w) { break }
                high |= w
                p += 8
            }
            // Byte by byte through the word that stopped the fast loop, up to the next special byte.
            let stop = min(count, p + 8)
            while p < stop {
                let b = base[p]
                if b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") || b < 0x20 { break }
                high |= UInt64(b)
                p += 1
            }
            guard p < count else { break }
            if p == stop { continue }
            let b = base[p]
            if runStart < p { scratch.append(base + runStart, count: p - runStart) }
            if b == UInt8(ascii: "\"") {
                position = p + 1
                if high & 0x8080_8080_8080_8080 == 0 { return String(decoding: scratch.bytes, as: UTF8.self) }
                if let s = String(validating: scratch.bytes, as: UTF8.self) { return s }
                throw invalidUTF8(utf8Problem(from: start, to: p) ?? (start, "invalid start byte"))
            }
            if b < 0x20 { throw controlCharacter(at: p) }
            // A backslash.
            let escapeStart = p
            guard p + 1 < count else { break }
            let e = base[p + 1]
            p += 2
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
                var scalar = try hex4(at: p, escapeStart: escapeStart)
                p += 4
                if scalar >= 0xD800 && scalar < 0xDC00 {
                    // A high surrogate: combine with a following low surrogate; a lone one becomes U+FFFD.
                    if p + 1 < count, base[p] == UInt8(ascii: "\\"), base[p + 1] == UInt8(ascii: "u") {
                        let low = try hex4(at: p + 2, escapeStart: p)
                        if low >= 0xDC00 && low < 0xE000 {
                            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                            p += 6
                        } else {
                            scalar = 0xFFFD
                        }
                    } else {
                        scalar = 0xFFFD
                    }
                } else if scalar >= 0xDC00 && scalar < 0xE000 {
                    scalar = 0xFFFD
                }
                appendUTF8(scalar)
            default:
                throw error(.invalidEscape,
                            "Invalid escape '\\\(Character(UnicodeScalar(e)))' in a string (valid: \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)",
                            at: escapeStart)
            }
            runStart = p
        }
        throw error(.unterminatedString, "Unterminated string (no closing '\"')", at: quote)
    }

    /// The value of the four hex digits at `p`, the digits of the `\u` escape at `escapeStart`.
    func hex4(at p: Int, escapeStart: Int) throws -> UInt32 {
        var v: UInt32 = 0
        var i = 0
        while i < 4, p + i < count {
            let b = base[p + i]
            let d: UInt32
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): d = UInt32(b &- UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): d = UInt32(b &- UInt8(ascii: "a") &+ 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): d = UInt32(b &- UInt8(ascii: "A") &+ 10)
            default: d = 0xFF
            }
            if d == 0xFF { break }
            v = v << 4 | d
            i += 1
        }
        guard i == 4 else {
            let end = min(count, p + 4)
            let digits = String(decoding: UnsafeBufferPointer(start: base + p, count: max(0, end - p)), as: UTF8.self)
            throw error(.invalidUnicodeEscape,
                        "Invalid escape '\\u\(digits)' in a string (expected four hex digits after \\u)",
                        at: escapeStart + 1)
        }
        return v
    }

    mutating func appendUTF8(_ v: UInt32) {
        scratch.reserve(4)
        if v < 0x80 {
            scratch.appendUnchecked(UInt8(v))
        } else if v < 0x800 {
            scratch.appendUnchecked(UInt8(0xC0 | (v >> 6)))
            scratch.appendUnchecked(UInt8(0x80 | (v & 0x3F)))
        } else if v < 0x10000 {
            scratch.appendUnchecked(UInt8(0xE0 | (v >> 12)))
            scratch.appendUnchecked(UInt8(0x80 | ((v >> 6) & 0x3F)))
            scratch.appendUnchecked(UInt8(0x80 | (v & 0x3F)))
        } else {
            scratch.appendUnchecked(UInt8(0xF0 | (v >> 18)))
            scratch.appendUnchecked(UInt8(0x80 | ((v >> 12) & 0x3F)))
            scratch.appendUnchecked(UInt8(0x80 | ((v >> 6) & 0x3F)))
            scratch.appendUnchecked(UInt8(0x80 | (v & 0x3F)))
        }
    }

    func controlCharacter(at p: Int) -> JSONParseError {
        error(.invalidControlCharacter,
              "Raw control character \(describe(at: p)) in a string (write it as an escape such as \\n or \\u0000)",
              at: p)
    }

    // MARK: - UTF-8 validation (error path only)

    /// The first invalid UTF-8 sequence in `from..<to`, with Python's name for the problem.
    func utf8Problem(from: Int, to: Int) -> (offset: Int, reason: String)? {
        var i = from
        while i < to {
            let b = base[i]
            if b < 0x80 {
                i += 1
                continue
            }
            var length = 0
            var low: UInt8 = 0x80
            var high: UInt8 = 0xBF
            switch b {
            case 0xC2...0xDF: length = 2
            case 0xE0: length = 3; low = 0xA0
            case 0xE1...0xEC, 0xEE, 0xEF: length = 3
            case 0xED: length = 3; high = 0x9F
            case 0xF0: length = 4; low = 0x90
            case 0xF1...0xF3: length = 4
            case 0xF4: length = 4; high = 0x8F
            default: return (i, "invalid start byte")
            }
            for k in 1..<length {
                guard i + k < count else { return (i, "unexpected end of data") }
                let c = base[i + k]
                if c < (k == 1 ? low : 0x80) || c > (k == 1 ? high : 0xBF) { return (i, "invalid continuation byte") }
            }
            i += length
        }
        return nil
    }

    func invalidUTF8(_ problem: (offset: Int, reason: String)) -> JSONParseError {
        let byte = "0x" + PythonRepr.hex(UInt32(base[problem.offset]), width: 2)
        return error(.invalidUTF8, "Invalid UTF-8 (\(problem.reason) \(byte)); the input must be UTF-8 text",
                     at: problem.offset,
                     python: "'utf-8' codec can't decode byte \(byte) in position \(problem.offset): \(problem.reason)")
    }
}
