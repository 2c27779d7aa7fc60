/// OmegaConf interpolation for configs: `${a.b}`, `${.sibling}`, `${oc.env:VAR,default}`,
/// `${oc.select:key,default}`, nested (`${oc.select:a,${b}}`) and embedded in text (`Bearer ${oc.env:T}`),
/// with OmegaConf's result types: a whole-value node reference keeps the referenced value's type;
/// `oc.env` gives a string (`${oc.env:X,6000}` → `"6000"`, `${oc.env:X,false}` → `"False"`) or null for a
/// `null` default; `\${x}` is the literal `${x}`.
struct ConfigInterpolation {
    /// One part of a string: literal text or an interpolation.
    indirect enum Segment {
        case text(String)
        case node(String)
        case resolver(name: String, arguments: [[Segment]], quoted: [Bool])
    }

    let root: JSONValue
    let environment: [String: String]
    /// Paths being resolved (for cycle detection).
    private var active: Set<String> = []
    private var cache: [String: JSONValue] = [:]

    init(root: JSONValue, environment: [String: String]) {
        self.root = root
        self.environment = environment
    }

    // MARK: - Resolving a tree

    /// Resolves every string of `value` (found at `path`).
    mutating func resolveTree(_ value: JSONValue, path: [String]) throws -> JSONValue {
        switch value {
        case .string(let s) where s.contains("${") || s.contains("\\${"):
            return try resolveString(s, path: path)
        case .array(let items):
            var out: [JSONValue] = []
            out.reserveCapacity(items.count)
            for (index, item) in items.enumerated() { out.append(try resolveTree(item, path: path + ["[\(index)]"])) }
            return .array(out)
        case .object(let object):
            var out = JSONObject()
            for (key, item) in object { out[key] = try resolveTree(item, path: path + [key]) }
            return .object(out)
        default:
            return value
        }
    }

    static func display(_ path: [String]) -> String {
        var text = ""
        for part in path {
            if part.hasPrefix("[") { text += part } else { text += text.isEmpty ? part : "." + part }
        }
        return text
    }

    private mutating func resolveString(_ s: String, path: [String]) throws -> JSONValue {
        let key = ConfigInterpolation.display(path)
        if let cached = cache[key] { return cached }
        guard !active.contains(key) else {
            throw ConfigError(.interpolation, "Config value '\(key)' refers to itself through its interpolations "
                                  + "(a cycle); break the cycle")
        }
        active.insert(key)
        defer { active.remove(key) }
        var parser = InterpolationParser(text: s, valuePath: key)
        let segments = try parser.parseTemplate()
        let value = try evaluate(segments, path: path)
        cache[key] = value
        return value
    }

    // MARK: - Evaluation

    private mutating func evaluate(_ segments: [Segment], path: [String]) throws -> JSONValue {
        if segments.count == 1, case .text(let t) = segments[0] { return .string(t) }
        if segments.count == 1 { return try evaluate(segments[0], path: path) }
        var text = ""
        for segment in segments {
            text += ConfigInterpolation.pythonString(try evaluate(segment, path: path))
        }
        return .string(text)
    }

    private mutating func evaluate(_ segment: Segment, path: [String]) throws -> JSONValue {
        switch segment {
        case .text(let t):
            return .string(t)
        case .node(let reference):
            let target = try absolutePath(reference, from: path)
            guard let raw = lookup(target) else {
                throw ConfigError(.interpolation, "Config value '\(ConfigInterpolation.display(path))' references "
                                      + "'\(reference)', which is not set after merging the config files; define "
                                      + "'\(ConfigInterpolation.display(target))' or fix the reference")
            }
            if raw == .string("???") {
                throw ConfigError(.missingValues, "Config value '\(ConfigInterpolation.display(path))' references "
                                      + "'\(reference)', which is unset (???); give it a value",
                                  missingPaths: [ConfigInterpolation.display(target)])
            }
            return try resolveTree(raw, path: target)
        case .resolver(let name, let arguments, let quoted):
            var values: [JSONValue] = []
            for (index, argument) in arguments.enumerated() {
                values.append(try evaluateArgument(argument, quoted: quoted[index], path: path))
            }
            return try call(name, values, path: path)
        }
    }

    /// An argument: a single unquoted word is typed (`6000` int, `false` bool, `null`), a single
    /// interpolation keeps its value, anything else is a string.
    private mutating func evaluateArgument(_ segments: [Segment], quoted: Bool, path: [String]) throws -> JSONValue {
        if segments.isEmpty { return .string("") }
        if segments.count == 1, case .text(let t) = segments[0] {
            return quoted ? .string(t) : ConfigInterpolation.typedWord(t)
        }
        return try evaluate(segments, path: path)
    }

    private mutating func call(_ name: String, _ arguments: [JSONValue], path: [String]) throws -> JSONValue {
        let here = ConfigInterpolation.display(path)
        switch name {
        case "oc.env":
            guard let first = arguments.first, arguments.count <= 2 else {
                throw ConfigError(.interpolation, "Config value '\(here)': oc.env takes a variable name and an "
                                      + "optional default, got \(arguments.count) arguments")
            }
            let variable = ConfigInterpolation.pythonString(first)
            if let value = environment[variable] { return .string(value) }
            guard arguments.count == 2 else {
                throw ConfigError(.interpolation, "Config value '\(here)': environment variable '\(variable)' is "
                                      + "not set and has no default; set it or add one (${oc.env:\(variable),default})")
            }
            if arguments[1].isNull { return .null }
            return .string(ConfigInterpolation.pythonString(arguments[1]))
        case "oc.select":
            guard let first = arguments.first, arguments.count <= 2 else {
                throw ConfigError(.interpolation, "Config value '\(here)': oc.select takes a key and an optional "
                                      + "default, got \(arguments.count) arguments")
            }
            let reference = ConfigInterpolation.pythonString(first)
            let target = try absolutePath(reference, from: path)
            if let raw = lookup(target), raw != .string("???") {
                return try resolveTree(raw, path: target)
            }
            return arguments.count == 2 ? arguments[1] : .null
        default:
            throw ConfigError(.interpolation, "Config value '\(here)' uses the resolver '\(name)', which is not "
                                  + "supported (only oc.env and oc.select are)")
        }
    }

    // MARK: - Paths

    /// Splits `a.b[0].c` into components; a leading `.` is relative to the value's parent (`..` its parent).
    private func absolutePath(_ reference: String, from path: [String]) throws -> [String] {
        var text = Substring(reference)
        var base: [String] = []
        if text.hasPrefix(".") {
            base = Array(path.dropLast())
            text = text.dropFirst()
            while text.hasPrefix(".") {
                if !base.isEmpty { base.removeLast() }
                text = text.dropFirst()
            }
        }
        var components = base
        var current = ""
        var index = text.startIndex
        while index < text.endIndex {
            let c = text[index]
            if c == "." {
                if !current.isEmpty { components.append(current); current = "" }
            } else if c == "[" {
                if !current.isEmpty { components.append(current); current = "" }
                guard let close = text[index...].firstIndex(of: "]") else {
                    throw ConfigError(.interpolation, "the reference '\(reference)' has an unclosed '['")
                }
                components.append("[" + text[text.index(after: index)..<close] + "]")
                index = close
            } else {
                current.append(c)
            }
            index = text.index(after: index)
        }
        if !current.isEmpty { components.append(current) }
        return components
    }

    private func lookup(_ path: [String]) -> JSONValue? {
        var value = root
        for part in path {
            if part.hasPrefix("["), let index = Int(part.dropFirst().dropLast()) {
                guard case .array(let items) = value, items.indices.contains(index) else { return nil }
                value = items[index]
            } else if case .array(let items) = value, let index = Int(part), items.indices.contains(index) {
                value = items[index]
            } else {
                guard case .object(let object) = value, let next = object[part] else { return nil }
                value = next
            }
        }
        return value
    }

    // MARK: - Python-style text

    /// `str(value)` as Python prints it: `None`, `True`, `1e-06`, `inf`.
    static func pythonString(_ value: JSONValue) -> String {
        switch value {
        case .null: return "None"
        case .bool(let b): return b ? "True" : "False"
        case .string(let s): return s
        case .number(let n):
            if n.isInteger { return n.text }
            guard let d = n.doubleValue else { return n.text }
            if d.isNaN { return "nan" }
            if d.isInfinite { return d < 0 ? "-inf" : "inf" }
            return JSONNumber(d).text
        case .array, .object: return value.jsonString(style: .python)
        }
    }

    /// OmegaConf's typing of an unquoted resolver argument.
    static func typedWord(_ word: String) -> JSONValue {
        switch word.lowercased() {
        case "null": return .null
        case "true": return .bool(true)
        case "false": return .bool(false)
        default: break
        }
        let cleaned = word.filter { $0 != "_" }
        if !cleaned.isEmpty, cleaned.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "-" || $0 == "+") }),
           let n = Int64(cleaned.hasPrefix("+") ? String(cleaned.dropFirst()) : cleaned) {
            return .number(JSONNumber(n))
        }
        if word.contains(where: { $0.isNumber }),
           YAMLScalarResolver.isFloat(Array(word.utf8)) || YAMLScalarResolver.isJSONFloat(word),
           case .float(let t) = YAMLScalarResolver.float(word) {
            return .number(JSONNumber(unchecked: t))
        }
        return .string(word)
    }
}
