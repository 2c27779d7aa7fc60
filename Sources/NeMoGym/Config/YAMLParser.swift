private typealias B = YAMLByte

/// The YAML reader's engine: a recursive-descent parser over UTF-8 bytes that builds ``JSONValue``s
/// directly, resolving anchors, aliases and merge keys as it goes (PyYAML `SafeLoader` + OmegaConf rules).
///
/// Block structure lives in this file; flow collections, scalar scanning and implicit typing are in the
/// `YAMLParser+Flow`, `YAMLParser+Scalars` and ``YAMLScalarResolver`` files.
struct YAMLParser {
    /// The normalized input: BOM removed, CRLF and lone CR turned into LF.
    let bytes: [UInt8]
    let source: String
    let limits: YAMLReader.Limits
    /// The read position.
    var i = 0
    /// Current nesting depth of nodes being parsed.
    var depth = 0
    /// Completed anchors by name.
    var anchors: [String: Anchor] = [:]
    /// Anchors whose node is still being parsed (an alias to one of them is a cycle).
    var openAnchors: Set<String> = []
    /// Nodes built so far, counting every node an alias expands to.
    var nodeCount = 0

    struct Anchor {
        var value: JSONValue
        var nodes: Int
    }

    /// Anchor and tag written before a node.
    struct Properties {
        var anchor: String?
        var tag: String?
        var offset = 0
        var isEmpty: Bool { anchor == nil && tag == nil }
    }

    init(bytes: [UInt8], source: String, limits: YAMLReader.Limits) {
        self.bytes = bytes
        self.source = source
        self.limits = limits
    }

    // MARK: - Characters

    @inline(__always) func peek(_ k: Int = 0) -> UInt8 {
        let j = i + k
        return j < bytes.count ? bytes[j] : 0
    }

    @inline(__always) func byte(at j: Int) -> UInt8 { j < bytes.count ? bytes[j] : 0 }

    /// Space, tab, line feed or end of input.
    @inline(__always) static func isBlank(_ c: UInt8) -> Bool { c == B.space || c == B.lineFeed || c == 0 || c == B.tab }

    @inline(__always) static func isFlowIndicator(_ c: UInt8) -> Bool {
        c == B.comma || c == B.openBracket || c == B.closeBracket || c == B.openBrace || c == B.closeBrace
    }

    /// The 0-based byte column of `offset` (only spaces and ASCII indicators precede structural tokens).
    func column(of offset: Int) -> Int {
        var j = offset
        while j > 0 && bytes[j - 1] != B.lineFeed { j -= 1 }
        return offset - j
    }

    /// Whether `offset` starts a `---` or `...` marker at column 0.
    func isDocumentMarker(_ offset: Int) -> Bool {
        guard offset + 2 < bytes.count, column(of: offset) == 0 else { return false }
        let c = bytes[offset]
        guard (c == B.minus || c == B.dot), bytes[offset + 1] == c, bytes[offset + 2] == c else { return false }
        return YAMLParser.isBlank(byte(at: offset + 3))
    }

    /// Whether `offset` is a block sequence entry (`-` followed by a blank).
    func isSequenceEntry(_ offset: Int) -> Bool {
        byte(at: offset) == B.minus && YAMLParser.isBlank(byte(at: offset + 1))
    }

    // MARK: - Errors

    func error(_ code: YAMLError.Code, _ message: String, at offset: Int) -> YAMLError {
        let offset = min(max(offset, 0), bytes.count)
        var line = 1
        var lineStart = 0
        var j = 0
        while j < offset {
            if bytes[j] == B.lineFeed { line += 1; lineStart = j + 1 }
            j += 1
        }
        var column = 1
        j = lineStart
        while j < offset {
            if bytes[j] & 0xC0 != 0x80 { column += 1 }
            j += 1
        }
        return YAMLError(code: code, source: source, line: line, column: column, message: message)
    }

    func tabError(at offset: Int) -> YAMLError {
        error(.tab, "found a tab character where YAML allows only spaces; replace it with spaces", at: offset)
    }

    /// A short quotation of the input at `offset` for messages.
    func quote(at offset: Int) -> String {
        var end = offset
        while end < bytes.count && end - offset < 20 && bytes[end] != B.lineFeed { end += 1 }
        if end == offset { return offset >= bytes.count ? "end of input" : "line break" }
        return "'" + String(decoding: bytes[offset..<end], as: UTF8.self) + "'"
    }

    // MARK: - Whitespace

    /// Skips spaces on the current line; a tab is an error.
    mutating func skipSpaces() throws {
        while true {
            let c = peek()
            if c == B.space { i += 1 } else if c == B.tab { throw tabError(at: i) } else { return }
        }
    }

    /// Whether the rest of the line is empty or a comment (call after ``skipSpaces()``).
    func atLineEnd() -> Bool {
        let c = peek()
        return c == B.lineFeed || c == 0 || c == B.hash
    }

    /// Skips spaces and a comment; the line must end there.
    mutating func expectLineEnd() throws {
        try skipSpaces()
        let c = peek()
        if c == B.hash { while i < bytes.count && bytes[i] != B.lineFeed { i += 1 } }
        if i >= bytes.count || bytes[i] == B.lineFeed { return }
        if c == B.colon {
            throw error(.syntax, "mapping values are not allowed here (a ': ' inside a value; quote the value)", at: i)
        }
        throw error(.syntax, "expected the end of the line, found \(quote(at: i))", at: i)
    }

    /// The offset of the next non-space character after the rest of this line, skipping blank and comment
    /// lines; `nil` at the end of input. Does not move the read position.
    func nextContentStart() throws -> Int? {
        var j = i
        // Finish the current line.
        while j < bytes.count && bytes[j] != B.lineFeed {
            let c = bytes[j]
            if c == B.hash { while j < bytes.count && bytes[j] != B.lineFeed { j += 1 }; break }
            if c == B.tab { throw tabError(at: j) }
            if c != B.space { return j }
            j += 1
        }
        while j < bytes.count {
            j += 1  // the line feed
            while j < bytes.count && bytes[j] == B.space { j += 1 }
            guard j < bytes.count else { return nil }
            let c = bytes[j]
            if c == B.lineFeed { continue }
            if c == B.hash {
                while j < bytes.count && bytes[j] != B.lineFeed { j += 1 }
                continue
            }
            if c == B.tab { throw tabError(at: j) }
            return j
        }
        return nil
    }

    // MARK: - Nodes and anchors

    mutating func enter() throws {
        depth += 1
        if depth > limits.maximumDepth {
            throw error(.tooDeep, "nesting is deeper than \(limits.maximumDepth) levels", at: i)
        }
    }

    mutating func countNodes(_ n: Int, at offset: Int) throws {
        nodeCount += n
        if nodeCount > limits.maximumNodes {
            throw error(.aliasExpansionLimit,
                        "the document expands to more than \(limits.maximumNodes) values (aliases repeat nodes); "
                            + "reduce the aliases", at: offset)
        }
    }

    /// Parses `&anchor` and `!tag` properties and the spaces after them.
    mutating func parseProperties() throws -> Properties {
        var props = Properties(offset: i)
        while true {
            let c = peek()
            guard c == B.ampersand || c == B.exclamation else { return props }
            let start = i
            if c == B.ampersand {
                if props.anchor != nil { throw error(.syntax, "a node can have only one anchor", at: i) }
                i += 1
                let name = try scanAnchorName()
                if name.isEmpty { throw error(.syntax, "expected an anchor name after '&'", at: start) }
                props.anchor = name
            } else {
                if props.tag != nil { throw error(.syntax, "a node can have only one tag", at: i) }
                props.tag = try scanTag()
            }
            if !YAMLParser.isBlank(peek()) && !(peek() == B.comma || peek() == B.closeBracket || peek() == B.closeBrace) {
                throw error(.syntax, "expected a space after the anchor or tag", at: i)
            }
            try skipSpaces()
        }
    }

    /// Scans an anchor or alias name (letters, digits, `-`, `_`), as PyYAML requires.
    mutating func scanAnchorName() throws -> String {
        let start = i
        while i < bytes.count {
            let c = bytes[i]
            let isWordByte = (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A)
                || c == B.minus || c == UInt8(ascii: "_")
            if !isWordByte { break }
            i += 1
        }
        let next = peek()
        guard i > start, YAMLParser.isBlank(next) || next == B.question || next == B.colon || next == B.comma
            || next == B.closeBracket || next == B.closeBrace || next == B.percent || next == B.at
            || next == B.backtick
        else {
            throw error(.syntax, "an anchor or alias name may hold only letters, digits, '-' and '_', found "
                            + quote(at: i), at: i)
        }
        return String(decoding: bytes[start..<i], as: UTF8.self)
    }

    mutating func scanTag() throws -> String {
        let start = i
        i += 1  // '!'
        if peek() == B.lessThan {
            i += 1
            let nameStart = i
            while i < bytes.count && bytes[i] != B.greaterThan && !YAMLParser.isBlank(bytes[i]) { i += 1 }
            guard peek() == B.greaterThan else { throw error(.syntax, "unterminated verbatim tag", at: start) }
            let name = String(decoding: bytes[nameStart..<i], as: UTF8.self)
            i += 1
            return name
        }
        while i < bytes.count && !YAMLParser.isBlank(bytes[i]) && !YAMLParser.isFlowIndicator(bytes[i]) { i += 1 }
        let text = String(decoding: bytes[start..<i], as: UTF8.self)
        if text.hasPrefix("!!") { return "tag:yaml.org,2002:" + text.dropFirst(2) }
        return text
    }

    /// Records `value` under the anchor in `props` (if any), counting the nodes it holds.
    mutating func finish(_ value: JSONValue, props: Properties, nodesBefore: Int) throws -> JSONValue {
        if let name = props.anchor {
            if openAnchors.remove(name) == nil && anchors[name] != nil {
                throw error(.syntax, "found duplicate anchor '\(name)'; give each anchor its own name", at: props.offset)
            }
            anchors[name] = Anchor(value: value, nodes: nodeCount - nodesBefore)
        }
        return value
    }

    mutating func openAnchor(_ props: Properties) throws {
        guard let name = props.anchor else { return }
        if anchors[name] != nil || openAnchors.contains(name) {
            throw error(.syntax, "found duplicate anchor '\(name)'; give each anchor its own name", at: props.offset)
        }
        openAnchors.insert(name)
    }

    /// The value of `*name` at `offset`.
    mutating func resolveAlias(_ name: String, at offset: Int) throws -> JSONValue {
        if openAnchors.contains(name) {
            throw error(.recursiveAlias, "alias '*\(name)' refers to a node that contains it", at: offset)
        }
        guard let anchor = anchors[name] else {
            throw error(.undefinedAlias, "found undefined alias '\(name)'; define '&\(name)' before using it", at: offset)
        }
        try countNodes(anchor.nodes, at: offset)
        return anchor.value
    }

    mutating func scanAlias() throws -> (name: String, offset: Int) {
        let offset = i
        i += 1
        let name = try scanAnchorName()
        if name.isEmpty { throw error(.syntax, "expected an alias name after '*'", at: offset) }
        return (name, offset)
    }
}
