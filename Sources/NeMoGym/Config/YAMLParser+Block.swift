private typealias B = YAMLByte

/// Documents, block mappings and block sequences.
extension YAMLParser {
    /// A mapping key as written, before it is turned into a string.
    enum KeyToken {
        case scalar(text: String, plain: Bool, props: Properties, offset: Int)
        case alias(name: String, offset: Int)

        var offset: Int {
            switch self {
            case .scalar(_, _, _, let offset), .alias(_, let offset): return offset
            }
        }
    }

    // MARK: - Document

    /// Parses the whole input: optional directives and `---`, one root node, optional `...`.
    mutating func parseDocument() throws -> JSONValue {
        var explicitStart = false
        var sawDirective = false
        // Directives and the document start marker, each at column 0.
        while let p = try nextContentStart(fromLineStart: true) {
            i = p
            if bytes[p] == B.percent && column(of: p) == 0 {
                try parseDirective()
                sawDirective = true
                continue
            }
            if isDocumentMarker(p) && bytes[p] == B.minus {
                i = p + 3
                explicitStart = true
            } else if isDocumentMarker(p) {
                throw error(.syntax, "found '...' (document end) before any document content", at: p)
            }
            break
        }
        if sawDirective && !explicitStart {
            throw error(.syntax, "a directive must be followed by '---'", at: i)
        }
        var root: JSONValue? = nil
        let rootOffset: Int
        try skipSpaces()
        if explicitStart && !atLineEnd() {
            rootOffset = i
            root = try parseBlockNode(parent: -1, afterKey: false)
        } else if let p = try explicitStart ? nextContentStart() : nextContentStart(fromLineStart: true),
                  !isDocumentMarker(p) {
            i = p
            rootOffset = p
            root = try parseBlockNode(parent: -1, afterKey: false)
        } else {
            rootOffset = i
        }
        // The end of the document.
        if let p = try nextContentStart() {
            if isDocumentMarker(p) && bytes[p] == B.dot {
                i = p + 3
                if let q = try nextContentStart() {
                    throw error(.multipleDocuments, "found a second document; a config file holds exactly one", at: q)
                }
            } else if isDocumentMarker(p) {
                throw error(.multipleDocuments, "found a second document ('---'); a config file holds exactly one",
                            at: p)
            } else {
                throw error(.syntax, "expected the end of the document, found \(quote(at: p))", at: p)
            }
        }
        guard let root else { return .object(JSONObject()) }
        switch root {
        case .object, .array: return root
        case .null: return .object(JSONObject())  // OmegaConf.create(None) is {}
        default:
            throw error(.rootNotCollection,
                        "the document is a single \(root.kindName); a config must be a mapping of keys to values",
                        at: rootOffset)
        }
    }

    /// Like ``nextContentStart()`` but also considers the current line from its first character.
    func nextContentStart(fromLineStart: Bool) throws -> Int? {
        guard fromLineStart else { return try nextContentStart() }
        var j = i
        while j < bytes.count && bytes[j] == B.space { j += 1 }
        if j < bytes.count && bytes[j] == B.tab { throw tabError(at: j) }
        if j < bytes.count && bytes[j] != B.lineFeed && bytes[j] != B.hash { return j }
        var copy = self
        copy.i = j
        return try copy.nextContentStart()
    }

    mutating func parseDirective() throws {
        let start = i
        while i < bytes.count && bytes[i] != B.lineFeed && bytes[i] != B.hash { i += 1 }
        let text = String(decoding: bytes[start..<i], as: UTF8.self).trimmingSpaces()
        let parts = text.split(separator: " ", omittingEmptySubsequences: true)
        if parts.first == "%YAML" {
            guard parts.count == 2, parts[1] == "1.1" || parts[1] == "1.2" || parts[1] == "1.0" else {
                throw error(.unsupportedDirective, "unsupported YAML version directive '\(text)'", at: start)
            }
            return
        }
        throw error(.unsupportedDirective,
                    "the directive '\(parts.first ?? "")' is not supported (only %YAML is); remove it", at: start)
    }

    // MARK: - Block nodes

    /// Parses the node at the read position. `parent` is the column of the enclosing block collection
    /// (-1 at the root); `afterKey` is true when the node follows `key: ` on the same line, where neither
    /// a mapping nor a block sequence may start.
    mutating func parseBlockNode(parent n: Int, afterKey: Bool) throws -> JSONValue {
        try enter()
        defer { depth -= 1 }
        let props = try parseProperties()
        if !props.isEmpty && atLineEnd() {
            // `key: &anchor` / `- !!map` with the node on the following lines.
            let nodesBefore = nodeCount
            try openAnchor(props)
            var value: JSONValue
            if let p = try nextContentStart(), !isDocumentMarker(p),
               column(of: p) > n || (afterKey && column(of: p) == n && isSequenceEntry(p)) {
                i = p
                value = try parseBlockNodeBody(parent: n, afterKey: false, props: Properties())
                value = try applyCollectionTag(props.tag, to: value, at: props.offset)
            } else {
                value = try scalarValue("", plain: true, tag: props.tag, at: props.offset)
                try countNodes(1, at: props.offset)
            }
            return try finish(value, props: props, nodesBefore: nodesBefore)
        }
        return try parseBlockNodeBody(parent: n, afterKey: afterKey, props: props)
    }

    private mutating func parseBlockNodeBody(parent n: Int, afterKey: Bool, props: Properties) throws -> JSONValue {
        let start = i
        let c = peek()
        let nodesBefore = nodeCount
        switch c {
        case B.minus where YAMLParser.isBlank(peek(1)):
            if afterKey || !props.isEmpty {
                throw error(.syntax, "a block sequence cannot start on the same line as its key, anchor or tag; "
                                + "put '- item' on the next line", at: i)
            }
            try openAnchor(props)
            var value = try parseBlockSequence(column: column(of: i))
            value = try applyCollectionTag(props.tag, to: value, at: props.offset)
            return try finish(value, props: props, nodesBefore: nodesBefore)
        case B.question where YAMLParser.isBlank(peek(1)):
            throw error(.unsupportedExplicitKey, "explicit keys ('? key') are not supported; write 'key: value'",
                        at: i)
        case B.colon where YAMLParser.isBlank(peek(1)):
            throw error(.nullKey, "a mapping key is missing before ':'; config keys must be strings", at: i)
        case B.pipe, B.greaterThan:
            let text = try scanBlockScalar(parent: n)
            try countNodes(1, at: start)
            let value = try scalarValue(text, plain: false, tag: props.tag, at: start)
            return try finish(value, props: props, nodesBefore: nodesBefore)
        case B.openBracket, B.openBrace:
            try openAnchor(props)
            var value = try parseFlowCollection()
            try skipSpaces()
            if peek() == B.colon {
                throw error(.unsupportedExplicitKey, "a flow collection cannot be a mapping key; use a string key",
                            at: start)
            }
            try expectLineEnd()
            value = try applyCollectionTag(props.tag, to: value, at: props.offset)
            return try finish(value, props: props, nodesBefore: nodesBefore)
        case B.asterisk:
            if !props.isEmpty { throw error(.syntax, "an alias cannot have an anchor or a tag", at: props.offset) }
            let alias = try scanAlias()
            try skipSpaces()
            if peek() == B.colon && YAMLParser.isBlank(peek(1)) {
                return try startMapping(key: .alias(name: alias.name, offset: alias.offset), afterKey: afterKey)
            }
            try expectLineEnd()
            return try resolveAlias(alias.name, at: alias.offset)
        case B.singleQuote, B.doubleQuote:
            let line = lineNumberMarker()
            let text = try scanQuoted()
            let singleLine = line == lineNumberMarker()
            try skipSpaces()
            if peek() == B.colon && YAMLParser.isBlank(peek(1)) {
                guard singleLine else {
                    throw error(.syntax, "a quoted key must be on a single line", at: start)
                }
                return try startMapping(key: .scalar(text: text, plain: false, props: props, offset: start),
                                        afterKey: afterKey)
            }
            try expectLineEnd()
            try countNodes(1, at: start)
            let value = try scalarValue(text, plain: false, tag: props.tag, at: start)
            return try finish(value, props: props, nodesBefore: nodesBefore)
        default:
            try checkPlainStart(flow: false)
            let (text, isKey) = try scanPlain(parent: n, flow: false)
            if isKey {
                return try startMapping(key: .scalar(text: text, plain: true, props: props, offset: start),
                                        afterKey: afterKey)
            }
            try expectLineEnd()
            try countNodes(1, at: start)
            let value = try scalarValue(text, plain: true, tag: props.tag, at: start)
            return try finish(value, props: props, nodesBefore: nodesBefore)
        }
    }

    /// A cheap marker of the current line (the offset of the previous line feed) to tell single-line scalars.
    private func lineNumberMarker() -> Int {
        var j = i
        while j > 0 && bytes[j - 1] != B.lineFeed { j -= 1 }
        return j
    }

    private mutating func startMapping(key: KeyToken, afterKey: Bool) throws -> JSONValue {
        if afterKey {
            throw error(.syntax, "mapping values are not allowed here (a second 'key:' on one line; "
                            + "quote the value or move the nested key to its own line)", at: i)
        }
        // Properties before the first key belong to the key, and the mapping starts where they do.
        var start = key.offset
        if case .scalar(_, _, let props, _) = key, !props.isEmpty { start = props.offset }
        return .object(try parseBlockMapping(column: column(of: start), firstKey: key))
    }

    // MARK: - Block mappings

    /// Parses a block mapping whose first key has been read; the read position is at that key's `:`.
    mutating func parseBlockMapping(column c: Int, firstKey: KeyToken) throws -> JSONObject {
        try countNodes(1, at: firstKey.offset)
        var builder = MappingBuilder()
        var key = firstKey
        while true {
            i += 1  // ':'
            let resolvedKey = try mappingKey(key)
            let valueOffset = i
            let value = try parseMappingValue(indent: c)
            if resolvedKey.isMerge {
                try builder.merge(value, parser: self, at: valueOffset)
            } else if let previous = builder.add(resolvedKey.key, value, at: key.offset) {
                let first = error(.syntax, "", at: previous)
                throw error(.duplicateKey,
                            "found duplicate key '\(resolvedKey.key)' (first defined at line \(first.line), "
                                + "column \(first.column)); remove or rename one of them", at: key.offset)
            }
            guard let p = try nextContentStart() else { i = bytes.count; break }
            let col = column(of: p)
            if col < c || isDocumentMarker(p) { i = p; break }
            if col > c {
                throw error(.syntax, "unexpected indentation: expected a key at column \(c + 1) of this mapping, "
                                + "found \(quote(at: p)) at column \(col + 1)", at: p)
            }
            i = p
            key = try parseMappingKey()
        }
        return builder.build()
    }

    /// Reads the next key of a block mapping and leaves the read position at its `:`.
    private mutating func parseMappingKey() throws -> KeyToken {
        let props = try parseProperties()
        let start = i
        let c = peek()
        let key: KeyToken
        switch c {
        case B.minus where YAMLParser.isBlank(peek(1)):
            throw error(.syntax, "expected a mapping key, found a sequence entry ('- '); "
                            + "indent the list under its key", at: i)
        case B.question where YAMLParser.isBlank(peek(1)):
            throw error(.unsupportedExplicitKey, "explicit keys ('? key') are not supported; write 'key: value'",
                        at: i)
        case B.colon where YAMLParser.isBlank(peek(1)):
            throw error(.nullKey, "a mapping key is missing before ':'; config keys must be strings", at: i)
        case B.openBracket, B.openBrace:
            throw error(.unsupportedExplicitKey, "a flow collection cannot be a mapping key; use a string key", at: i)
        case B.asterisk:
            let alias = try scanAlias()
            key = .alias(name: alias.name, offset: alias.offset)
        case B.singleQuote, B.doubleQuote:
            let line = lineNumberMarker()
            let text = try scanQuoted()
            if line != lineNumberMarker() { throw error(.syntax, "a quoted key must be on a single line", at: start) }
            key = .scalar(text: text, plain: false, props: props, offset: start)
        default:
            try checkPlainStart(flow: false)
            let (text, isKey) = try scanPlain(parent: Int.max, flow: false)
            guard isKey else {
                throw error(.syntax, "could not find the ':' after the key \(quote(at: start)) "
                                + "(every line of a mapping is 'key: value')", at: start)
            }
            return .scalar(text: text, plain: true, props: props, offset: start)
        }
        try skipSpaces()
        guard peek() == B.colon && YAMLParser.isBlank(peek(1)) else {
            throw error(.syntax, "could not find the ':' after the key \(quote(at: start))", at: i)
        }
        return key
    }

    /// Parses the value after `key:` in a block mapping at column `c`.
    private mutating func parseMappingValue(indent c: Int) throws -> JSONValue {
        try skipSpaces()
        if atLineEnd() {
            if let p = try nextContentStart(), !isDocumentMarker(p) {
                let col = column(of: p)
                if col > c {
                    i = p
                    return try parseBlockNode(parent: c, afterKey: false)
                }
                if col == c && isSequenceEntry(p) {
                    i = p
                    try enter()
                    defer { depth -= 1 }
                    return try parseBlockSequence(column: c)
                }
            }
            try countNodes(1, at: i)
            return .null
        }
        return try parseBlockNode(parent: c, afterKey: true)
    }

    // MARK: - Block sequences

    /// Parses a block sequence whose entries (`- `) are at column `c`; the read position is at the first `-`.
    mutating func parseBlockSequence(column c: Int) throws -> JSONValue {
        try countNodes(1, at: i)
        var items: [JSONValue] = []
        while true {
            i += 1  // '-'
            try skipSpaces()
            if atLineEnd() {
                if let p = try nextContentStart(), !isDocumentMarker(p), column(of: p) > c {
                    i = p
                    items.append(try parseBlockNode(parent: c, afterKey: false))
                } else {
                    try countNodes(1, at: i)
                    items.append(.null)
                }
            } else {
                items.append(try parseBlockNode(parent: c, afterKey: false))
            }
            guard let p = try nextContentStart() else { i = bytes.count; break }
            let col = column(of: p)
            if col < c || isDocumentMarker(p) { i = p; break }
            if col > c {
                throw error(.syntax, "unexpected indentation: expected '- ' at column \(c + 1), "
                                + "found \(quote(at: p)) at column \(col + 1)", at: p)
            }
            i = p
            if !isSequenceEntry(p) { break }
        }
        return .array(items)
    }
}

fileprivate extension String {
    /// The string without leading and trailing spaces.
    func trimmingSpaces() -> String {
        var s = Substring(self)
        while s.first == " " { s = s.dropFirst() }
        while s.last == " " { s = s.dropLast() }
        return String(s)
    }
}
