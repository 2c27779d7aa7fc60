private typealias B = YAMLByte

/// Flow collections: `[a, b]`, `{k: v}`, nested and spread over lines.
extension YAMLParser {
    /// Skips spaces, line breaks and comments inside a flow collection; a tab is an error.
    private mutating func skipFlowSpace() throws {
        while i < bytes.count {
            let c = bytes[i]
            if c == B.space || c == B.lineFeed {
                i += 1
            } else if c == B.hash {
                while i < bytes.count && bytes[i] != B.lineFeed { i += 1 }
            } else if c == B.tab {
                throw tabError(at: i)
            } else {
                return
            }
        }
    }

    /// Parses the flow collection at the read position (`[` or `{`).
    mutating func parseFlowCollection() throws -> JSONValue {
        try enter()
        defer { depth -= 1 }
        let start = i
        try countNodes(1, at: start)
        let isSequence = peek() == B.openBracket
        let close = isSequence ? B.closeBracket : B.closeBrace
        i += 1
        var items: [JSONValue] = []
        var builder = MappingBuilder()
        while true {
            try skipFlowSpace()
            guard i < bytes.count else {
                throw error(.syntax, "unterminated flow collection: expected '\(isSequence ? "]" : "}")' before "
                                + "the end of the input", at: start)
            }
            if bytes[i] == close { i += 1; break }
            if isDocumentMarker(i) {
                throw error(.syntax, "unterminated flow collection before a document marker", at: start)
            }
            let entryOffset = i
            if bytes[i] == B.question && YAMLParser.isBlank(byte(at: i + 1)) {
                throw error(.unsupportedExplicitKey, "explicit keys ('? key') are not supported", at: i)
            }
            // A key (or a sequence item) ...
            var keyToken: KeyToken? = nil
            var node: JSONValue? = nil
            if bytes[i] == B.colon && (YAMLParser.isBlank(byte(at: i + 1)) || YAMLParser.isFlowIndicator(byte(at: i + 1))) {
                throw error(.nullKey, "a mapping key is missing before ':'; config keys must be strings", at: i)
            }
            let props = try parseFlowProperties()
            let c = peek()
            if c == B.openBracket || c == B.openBrace {
                let nodesBefore = nodeCount
                try openAnchor(props)
                let value = try applyCollectionTag(props.tag, to: try parseFlowCollection(), at: props.offset)
                node = try finish(value, props: props, nodesBefore: nodesBefore)
            } else if c == B.asterisk {
                let alias = try scanAlias()
                keyToken = .alias(name: alias.name, offset: alias.offset)
            } else if c == B.singleQuote || c == B.doubleQuote {
                keyToken = .scalar(text: try scanQuoted(), plain: false, props: props, offset: entryOffset)
            } else if c == B.comma || c == close || c == B.colon {
                guard !props.isEmpty else { throw error(.syntax, "expected a value, found \(quote(at: i))", at: i) }
                keyToken = .scalar(text: "", plain: true, props: props, offset: entryOffset)
            } else {
                try checkPlainStart(flow: true)
                let (text, _) = try scanPlain(parent: -1, flow: true)
                keyToken = .scalar(text: text, plain: true, props: props, offset: entryOffset)
            }
            try skipFlowSpace()
            let hasValue = peek() == B.colon
            if hasValue {
                if node != nil {
                    throw error(.unsupportedExplicitKey, "a flow collection cannot be a mapping key", at: entryOffset)
                }
                i += 1
                try skipFlowSpace()
            }
            if isSequence && !hasValue {
                items.append(try node ?? flowScalar(keyToken))
            } else {
                guard let keyToken else {
                    throw error(.unsupportedExplicitKey, "a flow collection cannot be a mapping key", at: entryOffset)
                }
                let value: JSONValue
                if hasValue && peek() != B.comma && peek() != close {
                    value = try parseFlowNode()
                } else {
                    try countNodes(1, at: i)
                    value = .null
                }
                let key = try mappingKey(keyToken)
                if isSequence {
                    // `[a: 1]` is a list holding a one-pair mapping.
                    var single = MappingBuilder()
                    if key.isMerge { try single.merge(value, parser: self, at: entryOffset) } else { _ = single.add(key.key, value, at: entryOffset) }
                    try countNodes(1, at: entryOffset)
                    items.append(.object(single.build()))
                } else if key.isMerge {
                    try builder.merge(value, parser: self, at: entryOffset)
                } else if let previous = builder.add(key.key, value, at: entryOffset) {
                    let first = error(.syntax, "", at: previous)
                    throw error(.duplicateKey, "found duplicate key '\(key.key)' (first defined at line \(first.line), "
                                    + "column \(first.column)); remove or rename one of them", at: entryOffset)
                }
            }
            try skipFlowSpace()
            if peek() == B.comma { i += 1; continue }
            if peek() == close { i += 1; break }
            throw error(.syntax, "expected ',' or '\(isSequence ? "]" : "}")' in a flow collection, found "
                            + quote(at: i), at: i)
        }
        return isSequence ? .array(items) : .object(builder.build())
    }

    /// Anchor and tag inside a flow collection.
    private mutating func parseFlowProperties() throws -> Properties {
        let props = try parseProperties()
        try skipFlowSpace()
        return props
    }

    /// A flow value (after `key:`).
    private mutating func parseFlowNode() throws -> JSONValue {
        let start = i
        let props = try parseFlowProperties()
        let c = peek()
        let nodesBefore = nodeCount
        if c == B.openBracket || c == B.openBrace {
            try openAnchor(props)
            let value = try applyCollectionTag(props.tag, to: try parseFlowCollection(), at: props.offset)
            return try finish(value, props: props, nodesBefore: nodesBefore)
        }
        if c == B.asterisk {
            if !props.isEmpty { throw error(.syntax, "an alias cannot have an anchor or a tag", at: start) }
            let alias = try scanAlias()
            return try resolveAlias(alias.name, at: alias.offset)
        }
        let text: String
        let plain: Bool
        if c == B.singleQuote || c == B.doubleQuote {
            text = try scanQuoted()
            plain = false
        } else if c == B.comma || c == B.closeBracket || c == B.closeBrace {
            text = ""
            plain = true
        } else {
            try checkPlainStart(flow: true)
            text = try scanPlain(parent: -1, flow: true).text
            plain = true
        }
        try countNodes(1, at: start)
        return try finish(try scalarValue(text, plain: plain, tag: props.tag, at: start), props: props,
                          nodesBefore: nodesBefore)
    }

    /// A sequence item that was read as a possible key.
    private mutating func flowScalar(_ token: KeyToken?) throws -> JSONValue {
        switch token {
        case .alias(let name, let offset)?:
            return try resolveAlias(name, at: offset)
        case .scalar(let text, let plain, let props, let offset)?:
            let nodesBefore = nodeCount
            try countNodes(1, at: offset)
            return try finish(try scalarValue(text, plain: plain, tag: props.tag, at: offset), props: props,
                              nodesBefore: nodesBefore)
        case nil:
            return .null
        }
    }
}
