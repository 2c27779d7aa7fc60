import Foundation

/// One command-line override of a config value, as Hydra (and so NeMo Gym) spells them:
/// `key=value` overrides a key the config has, `+key=value` adds a key it does not have, and
/// `++key=value` adds or overrides. Keys are dotted paths (`policy_model.responses_api_models.openai_model.port`;
/// a number indexes a list: `datasets.0.name` or `datasets[0].name`); values are read as YAML, as Hydra reads them: `3` is an int, `1e-5` a float,
/// `true` a bool, `null` null, `[a, b]` a list, `{k: v}` a mapping, `'3'` a string, `${oc.env:X}` an
/// interpolation kept as text, and `key=` the empty string.
///
/// ```swift
/// let overrides = try ["++policy_base_url=http://127.0.0.1:8000/v1", "+max_steps=5"].map(ConfigOverride.parse)
/// let config = try GlobalConfig.load(files: ["agent.yaml"]).applying(overrides: overrides).resolved()
/// print(config.values["max_steps"] ?? .null)  // 5
/// ```
public struct ConfigOverride: Sendable, Hashable, CustomStringConvertible {
    /// How an override treats the key.
    public enum Mode: Sendable, Hashable {
        /// `key=value`: the key must exist.
        case override
        /// `+key=value`: the key must not hold a value yet (a mapping or list value merges into one).
        case add
        /// `++key=value`: sets the key whether or not it exists.
        case addOrOverride
    }

    /// How the key is treated.
    public var mode: Mode
    /// The key path, split at the dots.
    public var path: [String]
    /// The value, read as YAML.
    public var value: JSONValue
    /// The override as it was written.
    public var text: String

    /// Creates an override.
    public init(mode: Mode, path: [String], value: JSONValue, text: String? = nil) {
        self.mode = mode
        self.path = path
        self.value = value
        let prefix = mode == .add ? "+" : mode == .addOrOverride ? "++" : ""
        self.text = text ?? prefix + path.joined(separator: ".") + "=" + value.jsonString()
    }

    /// The override as written.
    public var description: String { text }

    /// The dotted key.
    public var key: String { path.joined(separator: ".") }

    /// Parses `key=value`, `+key=value` or `++key=value`.
    /// - Throws: ``ConfigError`` (``ConfigError/Code/invalidOverride``) when there is no `=` or the key is
    ///   empty or has an empty part.
    public static func parse(_ text: String) throws -> ConfigOverride {
        var rest = Substring(text)
        var mode = Mode.override
        if rest.hasPrefix("++") {
            mode = .addOrOverride
            rest = rest.dropFirst(2)
        } else if rest.hasPrefix("+") {
            mode = .add
            rest = rest.dropFirst()
        }
        guard let equals = rest.firstIndex(of: "=") else {
            throw ConfigError(.invalidOverride, "the override '\(text)' has no '=': write key=value (override), "
                                  + "+key=value (add) or ++key=value (add or override)")
        }
        let key = rest[..<equals].trimmingCharacters(in: .whitespaces)
        // `a.b[0].c` (how missing values are listed) is `a.b.0.c`.
        let dotted = key.replacingOccurrences(of: "]", with: "").replacingOccurrences(of: "[", with: ".")
        let path = dotted.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard !key.isEmpty, !path.contains(where: \.isEmpty) else {
            throw ConfigError(.invalidOverride, "the override '\(text)' has an empty key or key part; keys are "
                                  + "dotted paths such as policy_model.responses_api_models.openai_model.port")
        }
        return ConfigOverride(mode: mode, path: path, value: parseValue(String(rest[rest.index(after: equals)...])),
                              text: text)
    }

    /// Whether a command-line argument is an override rather than a file: it starts with `+`, or it has an
    /// `=` before which there is a dotted key (letters, digits, `_`, `-`, `.`; no `/`), and no file has that
    /// name.
    public static func looksLikeOverride(_ argument: String) -> Bool {
        if argument.hasPrefix("+") { return true }
        guard let equals = argument.firstIndex(of: "="), equals != argument.startIndex else { return false }
        let key = argument[..<equals]
        let isKey = key.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" || $0 == "." }
        return isKey && !FileManager.default.fileExists(atPath: argument)
    }

    /// The value text read as YAML (a flow scalar, list or mapping); text YAML cannot read as one value
    /// stays a string, and the empty text is the empty string.
    static func parseValue(_ text: String) -> JSONValue {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { return .string("") }
        if let document = try? YAMLReader.parse("_: " + trimmed, source: "override"),
           case .object(let object) = document, object.count == 1, let value = object["_"] {
            // A plain scalar YAML would cut at ' #' (a comment) is kept whole.
            if case .string(let string) = value, string != trimmed, !trimmed.hasPrefix("'"), !trimmed.hasPrefix("\"") {
                return .string(trimmed)
            }
            return value
        }
        return .string(trimmed)
    }
}

extension GlobalConfig {
    /// The config with command-line overrides applied in order, after the files, as NeMo Gym applies its
    /// Hydra overrides: `key=value` replaces an existing value, `+key=value` adds a missing one,
    /// `++key=value` does either; a mapping value merges into an existing mapping.
    /// - Throws: ``ConfigError`` (``ConfigError/Code/invalidOverride``) naming the override, the key and the
    ///   fix (for example `+` for a key that does not exist yet).
    public func applying(overrides: [ConfigOverride]) throws -> GlobalConfig {
        var root = JSONValue.object(values)
        for override in overrides {
            try Self.apply(override, at: override.path[...], to: &root, done: [])
        }
        return GlobalConfig(root.object ?? [:])
    }

    private static func apply(_ override: ConfigOverride, at path: ArraySlice<String>, to node: inout JSONValue,
                              done: [String]) throws {
        guard let key = path.first else { return }
        let here = done + [key]
        let last = path.count == 1
        func fail(_ message: String) -> ConfigError {
            ConfigError(.invalidOverride, "cannot apply '\(override.text)': \(message)")
        }
        switch node {
        case .object(var object):
            if last {
                object[key] = try assign(override, existing: object[key], siblings: Array(object.keys), fail: fail)
            } else {
                var child: JSONValue
                if let existing = object[key], existing != .null {
                    child = existing
                } else if override.mode == .override {
                    throw fail(missingKey(override, at: here, siblings: Array(object.keys)))
                } else {
                    child = .object([:])
                }
                try apply(override, at: path.dropFirst(), to: &child, done: here)
                object[key] = child
            }
            node = .object(object)
        case .array(var items):
            guard let index = Int(key), items.indices.contains(index) else {
                throw fail("'\(ConfigOverride.dotted(done))' is a list of \(items.count) item(s); "
                               + "'\(key)' is not an index of it (0 to \(items.count - 1))")
            }
            if last {
                items[index] = try assign(override, existing: items[index], siblings: [], fail: fail)
            } else {
                try apply(override, at: path.dropFirst(), to: &items[index], done: here)
            }
            node = .array(items)
        default:
            throw fail("'\(ConfigOverride.dotted(done))' is \(node.jsonString()), not a mapping, so it has no key '\(key)'")
        }
    }

    /// The new value of the last key of `override`, given what it holds now.
    private static func assign(_ override: ConfigOverride, existing: JSONValue?, siblings: [String],
                               fail: (String) -> ConfigError) throws -> JSONValue {
        let merged: JSONValue
        if case .object(let old)? = existing, case .object(let new) = override.value {
            merged = .object(merge(old, new))
        } else {
            merged = override.value
        }
        switch override.mode {
        case .override:
            guard existing != nil else { throw fail(missingKey(override, at: override.path, siblings: siblings)) }
        case .add:
            if let existing, existing != .null, !isCollection(override.value) {
                throw fail("'\(override.key)' is already set (to \(existing.jsonString())); override it with "
                               + "'\(override.key)=…' or '++\(override.key)=…'")
            }
        case .addOrOverride:
            break
        }
        return merged
    }

    private static func isCollection(_ value: JSONValue) -> Bool {
        switch value {
        case .object, .array: return true
        default: return false
        }
    }

    private static func missingKey(_ override: ConfigOverride, at path: [String], siblings: [String]) -> String {
        let name = path.last ?? ""
        var message = "the config has no key '\(ConfigOverride.dotted(path))'"
        if let best = Similarity.closeMatches(name, in: siblings, count: 1, cutoff: 0.6).first {
            message += " (did you mean '\(ConfigOverride.dotted(path.dropLast() + [best]))'?)"
        }
        return message + "; to add it, write '+\(override.key)=…' (or '++\(override.key)=…' to add or override)"
    }
}

extension ConfigOverride {
    static func dotted(_ path: [String]) -> String { path.joined(separator: ".") }
}
