private typealias B = YAMLByte

/// Scanning plain, quoted and block scalars (PyYAML's scanner rules).
extension YAMLParser {
    // MARK: - Plain scalars

    /// Rejects characters that cannot start a plain scalar.
    func checkPlainStart(flow: Bool) throws {
        let c = peek()
        switch c {
        case B.at, B.backtick:
            throw error(.syntax, "a plain value cannot start with '\(Character(Unicode.Scalar(c)))'; quote it", at: i)
        case B.percent:
            throw error(.syntax, "a plain value cannot start with '%'; quote it", at: i)
        case B.comma, B.closeBracket, B.closeBrace, B.openBracket, B.openBrace:
            throw error(.syntax, "unexpected \(quote(at: i))", at: i)
        case B.hash, B.pipe, B.greaterThan, B.singleQuote, B.doubleQuote, B.ampersand, B.asterisk, B.exclamation:
            throw error(.syntax, "unexpected \(quote(at: i))", at: i)
        case B.minus, B.question, B.colon:
            let next = peek(1)
            if YAMLParser.isBlank(next) || (flow && YAMLParser.isFlowIndicator(next)) {
                throw error(.syntax, "unexpected \(quote(at: i))", at: i)
            }
        case B.tab:
            throw tabError(at: i)
        case B.lineFeed, 0:
            throw error(.syntax, "expected a value, found \(quote(at: i))", at: i)
        default:
            break
        }
    }

    /// Scans one line's worth of a plain scalar from the read position. Returns the range of its text
    /// (trailing spaces excluded) and whether it stopped at a `:` value indicator.
    private mutating func scanPlainChunk(flow: Bool) throws -> (start: Int, end: Int, atColon: Bool) {
        let start = i
        var end = i
        while i < bytes.count {
            let c = bytes[i]
            if c == B.lineFeed { break }
            if c == B.space {
                if byte(at: i + 1) == B.hash { break }
                i += 1
                continue
            }
            if c == B.tab {
                // A tab ends a plain scalar in PyYAML, and then cannot start a token.
                throw tabError(at: i)
            }
            if c == B.colon {
                let next = byte(at: i + 1)
                if YAMLParser.isBlank(next) || (flow && YAMLParser.isFlowIndicator(next)) {
                    return (start, end, true)
                }
            } else if flow && (YAMLParser.isFlowIndicator(c) || c == B.question) {
                break  // PyYAML also ends a plain scalar at '?' inside a flow collection
            }
            i += 1
            end = i
        }
        return (start, end, false)
    }

    /// Scans a plain scalar, folding continuation lines indented more than `parent` (any indentation in a
    /// flow collection). `isKey` is true when the first line ends at a `:` value indicator.
    mutating func scanPlain(parent n: Int, flow: Bool) throws -> (text: String, isKey: Bool) {
        let first = try scanPlainChunk(flow: flow)
        if first.atColon || peek() != B.lineFeed {
            return (String(decoding: bytes[first.start..<first.end], as: UTF8.self), first.atColon)
        }
        var buffer: [UInt8]? = nil
        while peek() == B.lineFeed {
            // Look ahead over line breaks and blank lines.
            var p = i
            var breaks = 0
            while p < bytes.count && bytes[p] == B.lineFeed {
                breaks += 1
                p += 1
                while p < bytes.count && bytes[p] == B.space { p += 1 }
                if p < bytes.count && bytes[p] == B.tab { throw tabError(at: p) }
            }
            guard p < bytes.count, bytes[p] != B.hash else { break }
            if !flow && column(of: p) <= n { break }
            if isDocumentMarker(p) { break }
            let save = i
            i = p
            let chunk = try scanPlainChunk(flow: flow)
            if chunk.start == chunk.end {
                i = save
                if chunk.atColon || (flow && YAMLParser.isFlowIndicator(bytes[p])) { i = p }
                break
            }
            if buffer == nil { buffer = Array(bytes[first.start..<first.end]) }
            if breaks == 1 {
                buffer!.append(B.space)
            } else {
                buffer!.append(contentsOf: repeatElement(B.lineFeed, count: breaks - 1))
            }
            buffer!.append(contentsOf: bytes[chunk.start..<chunk.end])
            if chunk.atColon { break }
        }
        if let buffer { return (String(decoding: buffer, as: UTF8.self), false) }
        return (String(decoding: bytes[first.start..<first.end], as: UTF8.self), false)
    }

    // MARK: - Quoted scalars

    /// Scans a single- or double-quoted scalar starting at its opening quote.
    mutating func scanQuoted() throws -> String {
        let start = i
        let double = peek() == B.doubleQuote
        i += 1
        var out: [UInt8] = []
        while true {
            guard i < bytes.count else {
                throw error(.syntax, "unterminated quoted value: found the end of the input before the closing "
                                + (double ? "'\"'" : "\"'\""), at: start)
            }
            let c = bytes[i]
            if !double && c == B.singleQuote {
                if byte(at: i + 1) == B.singleQuote { out.append(B.singleQuote); i += 2; continue }
                i += 1
                break
            }
            if double && c == B.doubleQuote { i += 1; break }
            if double && c == B.backslash {
                try scanEscape(into: &out)
                continue
            }
            if c == B.space || c == B.tab {
                var j = i
                while j < bytes.count && (bytes[j] == B.space || bytes[j] == B.tab) { j += 1 }
                if j < bytes.count && bytes[j] == B.lineFeed {
                    i = j  // whitespace before a line break is dropped
                } else {
                    out.append(contentsOf: bytes[i..<j])
                    i = j
                }
                continue
            }
            if c == B.lineFeed {
                let breaks = try scanQuotedBreaks()
                if breaks == 1 {
                    out.append(B.space)
                } else {
                    out.append(contentsOf: repeatElement(B.lineFeed, count: breaks - 1))
                }
                continue
            }
            out.append(c)
            i += 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Consumes line breaks and the indentation after each inside a quoted scalar; returns how many breaks.
    private mutating func scanQuotedBreaks() throws -> Int {
        var breaks = 0
        while peek() == B.lineFeed {
            breaks += 1
            i += 1
            if isDocumentMarker(i) {
                throw error(.syntax, "found a document marker inside a quoted value", at: i)
            }
            while peek() == B.space || peek() == B.tab { i += 1 }
        }
        return breaks
    }

    private mutating func scanEscape(into out: inout [UInt8]) throws {
        let start = i
        i += 1
        let c = peek()
        var simple: String? = nil
        switch c {
        case UInt8(ascii: "0"): simple = "\u{0}"
        case UInt8(ascii: "a"): simple = "\u{7}"
        case UInt8(ascii: "b"): simple = "\u{8}"
        case UInt8(ascii: "t"), B.tab: simple = "\t"
        case UInt8(ascii: "n"): simple = "\n"
        case UInt8(ascii: "v"): simple = "\u{B}"
        case UInt8(ascii: "f"): simple = "\u{C}"
        case UInt8(ascii: "r"): simple = "\r"
        case UInt8(ascii: "e"): simple = "\u{1B}"
        case B.space: simple = " "
        case B.doubleQuote: simple = "\""
        case UInt8(ascii: "/"): simple = "/"
        case B.backslash: simple = "\\"
        case UInt8(ascii: "N"): simple = "\u{85}"
        case UInt8(ascii: "_"): simple = "\u{A0}"
        case UInt8(ascii: "L"): simple = "\u{2028}"
        case UInt8(ascii: "P"): simple = "\u{2029}"
        case UInt8(ascii: "x"), UInt8(ascii: "u"), UInt8(ascii: "U"):
            let count = c == UInt8(ascii: "x") ? 2 : (c == UInt8(ascii: "u") ? 4 : 8)
            var value: UInt32 = 0
            for k in 1...count {
                let d = byte(at: i + k)
                guard let digit = YAMLParser.hexValue(d) else {
                    throw error(.syntax, "expected \(count) hexadecimal digits in the escape \(quote(at: start))",
                                at: start)
                }
                value = value * 16 + UInt32(digit)
            }
            guard let scalar = Unicode.Scalar(value) else {
                throw error(.syntax, "the escape \(quote(at: start)) is not a valid Unicode character", at: start)
            }
            out.append(contentsOf: String(Character(scalar)).utf8)
            i += count + 1
            return
        case B.lineFeed:
            // An escaped line break: join without a space; further blank lines each give a line feed.
            i += 1
            while peek() == B.space || peek() == B.tab { i += 1 }
            let breaks = try scanQuotedBreaks()
            out.append(contentsOf: repeatElement(B.lineFeed, count: breaks))
            return
        default:
            break
        }
        guard let simple else {
            throw error(.syntax, "unknown escape \(quote(at: start)) in a double-quoted value", at: start)
        }
        out.append(contentsOf: simple.utf8)
        i += 1
    }

    static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
        default: return nil
        }
    }

    // MARK: - Block scalars

    /// Scans a `|` or `>` block scalar (header, content, chomping) whose enclosing block collection is at
    /// column `parent`. Leaves the read position at the start of the first line after it.
    mutating func scanBlockScalar(parent n: Int) throws -> String {
        let folded = peek() == B.greaterThan
        i += 1
        var chomp: UInt8? = nil  // '+' keep, '-' strip, nil clip
        var increment: Int? = nil
        for _ in 0..<2 {
            let c = peek()
            if (c == B.plus || c == B.minus) && chomp == nil {
                chomp = c
                i += 1
            } else if c >= UInt8(ascii: "1") && c <= UInt8(ascii: "9") && increment == nil {
                increment = Int(c - UInt8(ascii: "0"))
                i += 1
            } else if c == UInt8(ascii: "0") {
                throw error(.syntax, "a block scalar indentation indicator must be 1-9, found '0'", at: i)
            }
        }
        let headerEnd = i
        try skipSpaces()
        if peek() == B.hash && i > headerEnd { while i < bytes.count && bytes[i] != B.lineFeed { i += 1 } }
        guard peek() == B.lineFeed || i >= bytes.count else {
            throw error(.syntax, "expected a comment or a line break after the block scalar header, found "
                            + quote(at: i), at: i)
        }
        if i < bytes.count { i += 1 }
        let minIndent = max(n + 1, 1)
        var indent: Int
        var breaks = 0
        var q = i  // start of the line being looked at
        var s = 0  // spaces consumed on it
        if let increment {
            indent = minIndent + increment - 1
            (q, s, breaks) = blockBreaks(from: q, indent: indent)
        } else {
            var maxIndent = 0
            while true {
                s = 0
                while q + s < bytes.count && bytes[q + s] == B.space { s += 1 }
                maxIndent = max(maxIndent, s)
                if q + s < bytes.count && bytes[q + s] == B.lineFeed { breaks += 1; q += s + 1; continue }
                break
            }
            indent = max(minIndent, maxIndent)
        }
        var out: [UInt8] = []
        var lineBreak = false
        while s == indent && q + s < bytes.count {
            out.append(contentsOf: repeatElement(B.lineFeed, count: breaks))
            let p = q + s
            let leadingNonSpace = bytes[p] != B.space && bytes[p] != B.tab
            var e = p
            while e < bytes.count && bytes[e] != B.lineFeed { e += 1 }
            out.append(contentsOf: bytes[p..<e])
            lineBreak = e < bytes.count
            (q, s, breaks) = blockBreaks(from: lineBreak ? e + 1 : e, indent: indent)
            if s == indent && q + s < bytes.count {
                let next = bytes[q + s]
                if folded && lineBreak && leadingNonSpace && next != B.space && next != B.tab {
                    if breaks == 0 { out.append(B.space) }
                } else {
                    out.append(B.lineFeed)
                }
            }
        }
        if chomp != B.minus && lineBreak { out.append(B.lineFeed) }
        if chomp == B.plus { out.append(contentsOf: repeatElement(B.lineFeed, count: breaks)) }
        i = q
        return String(decoding: out, as: UTF8.self)
    }

    /// PyYAML's `scan_block_scalar_breaks`: from a line start, skips blank lines (up to `indent` spaces
    /// then a line feed). Returns the start of the first other line, the spaces consumed on it (at most
    /// `indent`) and the number of blank lines.
    private func blockBreaks(from start: Int, indent: Int) -> (line: Int, spaces: Int, breaks: Int) {
        var q = start
        var breaks = 0
        while true {
            var s = 0
            while s < indent && q + s < bytes.count && bytes[q + s] == B.space { s += 1 }
            if q + s < bytes.count && bytes[q + s] == B.lineFeed {
                breaks += 1
                q += s + 1
                continue
            }
            return (q, s, breaks)
        }
    }
}
