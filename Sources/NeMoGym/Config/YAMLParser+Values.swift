/// Turning scalars and keys into values: implicit typing, core tags, key stringification.
extension YAMLParser {
    private static let corePrefix = "tag:yaml.org,2002:"

    /// The value of a scalar: plain scalars are typed implicitly, quoted and block scalars are strings,
    /// and a core tag (`!!str`, `!!int`, `!!float`, `!!bool`, `!!null`) converts as PyYAML does.
    func scalarValue(_ text: String, plain: Bool, tag: String?, at offset: Int) throws -> JSONValue {
        if let tag {
            // The non-specific tag `!`: PyYAML types the scalar as if it were plain, whatever its style.
            if tag == "!" { return try scalarValue(text, plain: true, tag: nil, at: offset) }
            guard tag.hasPrefix(YAMLParser.corePrefix) else { throw unsupportedTag(tag, at: offset) }
            switch tag.dropFirst(YAMLParser.corePrefix.count) {
            case "str":
                return .string(text)
            case "null":
                return .null
            case "bool":
                guard let b = YAMLScalarResolver.bool(text.lowercased()) else {
                    throw error(.unsupportedScalar, "'\(text)' is not a bool (!!bool takes true/false/yes/no/on/off)",
                                at: offset)
                }
                return .bool(b)
            case "int":
                guard YAMLScalarResolver.isInt(Array(text.utf8)) else {
                    throw error(.unsupportedScalar, "'\(text)' is not an integer (tagged !!int)", at: offset)
                }
                return try number(YAMLScalarResolver.int(text), text: text, at: offset)
            case "float":
                let bytes = Array(text.utf8)
                guard YAMLScalarResolver.isFloat(bytes) || YAMLScalarResolver.isInt(bytes) else {
                    throw error(.unsupportedScalar, "'\(text)' is not a number (tagged !!float)", at: offset)
                }
                var resolved = YAMLScalarResolver.float(text)
                if YAMLScalarResolver.isInt(bytes), case .int(let t) = YAMLScalarResolver.int(text) {
                    resolved = .float(JSONNumber(Double(t) ?? 0).text)
                }
                return try number(resolved, text: text, at: offset)
            default:
                throw unsupportedTag(tag, at: offset)
            }
        }
        guard plain else { return .string(text) }
        let resolved = YAMLScalarResolver.resolve(text)
        switch resolved {
        case .null: return .null
        case .bool(let b): return .bool(b)
        case .string: return .string(text)
        case .merge:
            throw error(.unsupportedScalar, "'<<' is a merge key and cannot be a value; quote it", at: offset)
        case .value:
            throw error(.unsupportedScalar, "'=' cannot be a value (YAML 1.1 reserves it); quote it", at: offset)
        case .int, .float, .invalidNumber:
            return try number(resolved, text: text, at: offset)
        }
    }

    private func number(_ resolved: YAMLScalarResolver.Resolved, text: String, at offset: Int) throws -> JSONValue {
        switch resolved {
        case .int(let t), .float(let t):
            return .number(JSONNumber(unchecked: t))
        case .invalidNumber(let overflow):
            if overflow {
                throw error(.integerOverflow, "the integer '\(text)' does not fit in 64 bits; quote it to keep it "
                                + "as a string", at: offset)
            }
            throw error(.unsupportedScalar, "'\(text)' looks like a number but has no digits; quote it", at: offset)
        default:
            return .string(text)
        }
    }

    private func unsupportedTag(_ tag: String, at offset: Int) -> YAMLError {
        let shown = tag.hasPrefix(YAMLParser.corePrefix) ? "!!" + tag.dropFirst(YAMLParser.corePrefix.count) : tag
        return error(.unsupportedTag, "the tag '\(shown)' is not supported (only !!str, !!int, !!float, !!bool, "
                         + "!!null, !!map and !!seq are); remove it", at: offset)
    }

    /// Checks a tag written on a collection (`!!map`, `!!seq`).
    func applyCollectionTag(_ tag: String?, to value: JSONValue, at offset: Int) throws -> JSONValue {
        guard let tag, tag != "!" else { return value }
        switch (tag, value) {
        case ("tag:yaml.org,2002:map", .object), ("tag:yaml.org,2002:seq", .array):
            return value
        case ("tag:yaml.org,2002:str", _), ("tag:yaml.org,2002:int", _), ("tag:yaml.org,2002:float", _),
             ("tag:yaml.org,2002:bool", _), ("tag:yaml.org,2002:null", _), ("tag:yaml.org,2002:map", _),
             ("tag:yaml.org,2002:seq", _):
            throw error(.unsupportedScalar, "the tag '!!\(tag.dropFirst(YAMLParser.corePrefix.count))' does not "
                            + "fit \(value.kindNameWithArticle)", at: offset)
        default:
            throw unsupportedTag(tag, at: offset)
        }
    }

    /// The string a mapping key becomes (`on` → `"true"`, `1` → `"1"`), and whether it is the merge key.
    mutating func mappingKey(_ token: KeyToken) throws -> (key: String, isMerge: Bool) {
        let value: JSONValue
        switch token {
        case .alias(let name, let offset):
            value = try resolveAlias(name, at: offset)
        case .scalar(let text, let plain, let props, let offset):
            if plain && props.tag == nil {
                switch YAMLScalarResolver.resolve(text) {
                case .merge: return ("<<", true)
                case .value: return ("=", false)
                default: break
                }
            }
            let nodesBefore = nodeCount
            try countNodes(1, at: offset)
            value = try finish(try scalarValue(text, plain: plain, tag: props.tag, at: offset), props: props,
                               nodesBefore: nodesBefore)
        }
        switch value {
        case .string(let s): return (s, false)
        case .bool(let b): return (b ? "true" : "false", false)
        case .number(let n):
            if n.isInteger { return (n.text, false) }
            return (JSONNumber(n.doubleValue ?? .nan).text, false)
        case .null:
            throw error(.nullKey, "a mapping key is null; config keys must be strings (quote it: \"null\")",
                        at: token.offset)
        case .array, .object:
            throw error(.unsupportedExplicitKey, "a collection cannot be a mapping key", at: token.offset)
        }
    }
}

/// Collects the pairs of one mapping: explicit keys (duplicates rejected) and merged pairs (`<<`), built
/// in PyYAML's order (merged pairs first, then explicit ones; a key keeps its first position, last value).
struct MappingBuilder {
    private var pairs: [(String, JSONValue)] = []
    private var seen: [String: Int] = [:]
    private var merged: [(String, JSONValue)] = []

    /// Adds an explicit pair; returns the offset of the earlier key when `key` is a duplicate.
    mutating func add(_ key: String, _ value: JSONValue, at offset: Int) -> Int? {
        if let previous = seen[key] { return previous }
        seen[key] = offset
        pairs.append((key, value))
        return nil
    }

    /// Adds the pairs of a `<<` value: a mapping, or a list of mappings (earlier ones win).
    mutating func merge(_ value: JSONValue, parser: YAMLParser, at offset: Int) throws {
        switch value {
        case .object(let object):
            merged.append(contentsOf: object.map { ($0.key, $0.value) })
        case .array(let items):
            var groups: [[(String, JSONValue)]] = []
            for item in items {
                guard case .object(let object) = item else {
                    throw parser.error(.invalidMerge, "a merge key ('<<') list must hold only mappings, found "
                                           + item.kindNameWithArticle, at: offset)
                }
                groups.append(object.map { ($0.key, $0.value) })
            }
            for group in groups.reversed() { merged.append(contentsOf: group) }
        default:
            throw parser.error(.invalidMerge, "a merge key ('<<') needs a mapping or a list of mappings, found "
                                   + value.kindNameWithArticle, at: offset)
        }
    }

    /// The mapping.
    func build() -> JSONObject {
        if merged.isEmpty {
            var object = JSONObject()
            object.reserveCapacity(pairs.count)
            for (key, value) in pairs { object.appendUnchecked(key, value) }
            return object
        }
        return JSONObject(merged + pairs)
    }
}
