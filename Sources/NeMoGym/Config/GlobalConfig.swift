import Foundation

/// A NeMo Gym configuration: config files merged into one mapping of server instances and settings.
///
/// ```swift
/// let config = try GlobalConfig.load(files: ["agent.yaml", "env.yaml"]).resolved()
/// let agent = try config.serverInstance(named: "my_agent")
/// let model = try config.resolveServerRef(agent.block["model_server"], field: "model_server", in: agent)
/// print(try model.baseURL())   // http://127.0.0.1:8000
/// ```
///
/// A child server started by NeMo Gym reads the whole config from `NEMO_GYM_CONFIG_DICT` and its own
/// instance name from `NEMO_GYM_CONFIG_PATH`: use ``fromEnvironment(_:)``.
public struct GlobalConfig: Sendable, Hashable {
    /// The merged config, keys in order.
    public var values: JSONObject

    /// The environment variable holding the whole config (YAML or JSON text).
    public static let configDictVariable = "NEMO_GYM_CONFIG_DICT"
    /// The environment variable holding the instance name of the server being started.
    public static let configPathVariable = "NEMO_GYM_CONFIG_PATH"

    /// Creates a config from a mapping.
    public init(_ values: JSONObject) {
        self.values = values
    }

    // MARK: - Loading

    /// Reads and merges config files in order: later files win, mappings merge deeply, anything else
    /// (lists included) is replaced; a later `???` does not erase a value set earlier.
    /// - Throws: ``YAMLError`` for malformed YAML, ``ConfigError`` for unreadable files or a file whose
    ///   root is not a mapping.
    public static func load(files: [String]) throws -> GlobalConfig {
        var merged = JSONObject()
        for file in files {
            let value = try YAMLReader.parseFile(atPath: file)
            guard case .object(let object) = value else {
                throw ConfigError(.invalidStructure, "the config file '\(file)' holds \(value.kindNameWithArticle); a config "
                                      + "file must be a mapping of keys to values")
            }
            merged = merge(merged, object)
        }
        return GlobalConfig(merged)
    }

    /// Parses config text, YAML or JSON (what `NEMO_GYM_CONFIG_DICT` holds).
    public static func parse(_ text: String, source: String) throws -> GlobalConfig {
        var value: JSONValue? = nil
        if text.drop(while: { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r" }).first == "{" {
            value = try? JSONValue(parsing: text, options: .strict)
        }
        let parsed = try value ?? YAMLReader.parse(text, source: source)
        guard case .object(let object) = parsed else {
            throw ConfigError(.invalidStructure, "\(source) holds \(parsed.kindNameWithArticle); a config must be a mapping")
        }
        return GlobalConfig(object)
    }

    /// Reads the config the way a NeMo Gym child server does: the whole config from `NEMO_GYM_CONFIG_DICT`
    /// (YAML or JSON) with its interpolations resolved, and the server's own instance name from
    /// `NEMO_GYM_CONFIG_PATH`.
    /// - Throws: ``ConfigError`` when a variable is missing or names no server instance; ``YAMLError``.
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment)
        throws -> (config: GlobalConfig, instanceName: String)
    {
        guard let text = environment[configDictVariable], !text.isEmpty else {
            throw ConfigError(.missingEnvironment, "\(configDictVariable) is not set: without config files the "
                                  + "server reads its whole config (YAML or JSON) from it; set it or pass CONFIG.yaml")
        }
        guard let name = environment[configPathVariable], !name.isEmpty else {
            throw ConfigError(.missingEnvironment, "\(configPathVariable) is not set: it names this server's "
                                  + "instance (a top-level key of \(configDictVariable)); set it")
        }
        let config = try parse(text, source: configDictVariable).resolved(environment: environment,
                                                                          checkMissing: false)
        _ = try config.serverInstance(named: name)
        return (config, name)
    }

    /// OmegaConf-style merge: mappings merge key by key (existing keys keep their place), other values are
    /// replaced, and `???` never replaces an existing value.
    public static func merge(_ base: JSONObject, _ override: JSONObject) -> JSONObject {
        var result = base
        for (key, value) in override {
            switch (result[key], value) {
            case (.object(let old)?, .object(let new)):
                result[key] = .object(merge(old, new))
            case (.some, .string("???")):
                continue
            default:
                result[key] = value
            }
        }
        return result
    }

    // MARK: - Resolving

    /// The config with every `${...}` interpolation resolved (OmegaConf's results).
    /// - Parameters:
    ///   - environment: the variables `${oc.env:...}` reads.
    ///   - checkMissing: whether `???` values are an error; all of them are reported together.
    /// - Throws: ``ConfigError`` (``ConfigError/Code/missingValues`` listing every path, or
    ///   ``ConfigError/Code/interpolation``).
    public func resolved(environment: [String: String] = ProcessInfo.processInfo.environment,
                         checkMissing: Bool = true) throws -> GlobalConfig {
        if checkMissing {
            let missing = missingValuePaths()
            if !missing.isEmpty { throw GlobalConfig.missingError(missing) }
        }
        var interpolation = ConfigInterpolation(root: .object(values), environment: environment)
        guard case .object(let object) = try interpolation.resolveTree(.object(values), path: []) else {
            return self
        }
        return GlobalConfig(object)
    }

    /// The path of every `???` value, in document order (`a.b`, `list[0].c`).
    public func missingValuePaths() -> [String] {
        var paths: [String] = []
        func walk(_ value: JSONValue, _ path: [String]) {
            switch value {
            case .string("???"): paths.append(ConfigInterpolation.display(path))
            case .array(let items): for (i, item) in items.enumerated() { walk(item, path + ["[\(i)]"]) }
            case .object(let object): for (key, item) in object { walk(item, path + [key]) }
            default: break
            }
        }
        walk(.object(values), [])
        return paths
    }

    static func missingError(_ paths: [String]) -> ConfigError {
        var message = "\(paths.count) required config value(s) are unset (???) after merging:\n"
        message += paths.map { "  - \($0)" }.joined(separator: "\n")
        message += "\nSet them in a config file, or as overrides after the files (++key=value adds or overrides, "
            + "+key=value adds, key=value overrides), for example:\n"
        message += "  " + paths.map { "++\($0)=VALUE" }.joined(separator: " ")
        return ConfigError(.missingValues, message, missingPaths: paths)
    }

    // MARK: - Server instances

    /// Every server instance (top-level keys shaped `name: {server_type: {implementation: {...}}}`), in order.
    public var serverInstances: [ServerInstance] {
        let defaultHost = values["default_host"]?.string ?? "127.0.0.1"
        return values.compactMap { name, value -> ServerInstance? in
            guard case .object(let typed) = value, typed.count == 1, let (serverType, inner) = typed.first,
                  ServerInstance.serverTypes.contains(serverType), case .object(let impl) = inner,
                  impl.count == 1, let (implementation, blockValue) = impl.first,
                  case .object(let block) = blockValue
            else { return nil }
            return ServerInstance(name: name, serverType: serverType, implementation: implementation, block: block,
                                  defaultHost: defaultHost)
        }
    }

    /// The instance whose top-level key is `name`.
    /// - Throws: ``ConfigError`` (``ConfigError/Code/unknownInstance``) with a did-you-mean or the names defined.
    public func serverInstance(named name: String) throws -> ServerInstance {
        let instances = serverInstances
        if let instance = instances.first(where: { $0.name == name }) { return instance }
        let names = instances.map(\.name)
        throw ConfigError(.unknownInstance, "no server instance is named '\(name)'"
                              + GlobalConfig.hint(for: name, among: names))
    }

    /// The instance a server ref (`{type, name}`) in `instance`'s `field` points to.
    /// - Throws: ``ConfigError`` (``ConfigError/Code/serverRefNotFound``) when the ref is malformed or names
    ///   no instance of that type, with a did-you-mean (difflib, cutoff 0.6) or the names available.
    public func resolveServerRef(_ value: JSONValue?, field: String, in instance: ServerInstance) throws -> ServerInstance {
        let place = "'\(field)' of server instance '\(instance.name)'"
        guard case .object(let ref)? = value, let type = ref["type"]?.string, let name = ref["name"]?.string else {
            throw ConfigError(.serverRefNotFound, "\(place) must be a server ref {type: <server type>, name: "
                                  + "<instance>}, found \(value.map { $0.jsonString() } ?? "nothing")")
        }
        guard ServerInstance.serverTypes.contains(type) else {
            throw ConfigError(.serverRefNotFound, "\(place) has type '\(type)'; expected one of "
                                  + ServerInstance.serverTypes.joined(separator: ", "))
        }
        let candidates = serverInstances.filter { $0.serverType == type }
        if let target = candidates.first(where: { $0.name == name }) { return target }
        throw ConfigError(.serverRefNotFound, "\(place) refers to \(type) instance '\(name)', which is not defined"
                              + GlobalConfig.hint(for: name, among: candidates.map(\.name)))
    }

    /// Checks every top-level field of every server block that is a server ref; throws the first that
    /// names no defined instance.
    public func validateServerRefs() throws {
        for instance in serverInstances {
            for (field, value) in instance.block {
                guard case .object(let ref) = value, ref.count == 2, let type = ref["type"]?.string,
                      ServerInstance.serverTypes.contains(type), ref["name"]?.string != nil else { continue }
                _ = try resolveServerRef(value, field: field, in: instance)
            }
        }
    }

    static func hint(for name: String, among names: [String]) -> String {
        if let best = Similarity.closeMatches(name, in: names, count: 1, cutoff: 0.6).first {
            return ". Did you mean '\(best)'?"
        }
        if names.isEmpty { return "; none is defined" }
        return "; defined: " + names.joined(separator: ", ")
    }

    // MARK: - Text

    /// The config as block-style YAML (what `swift-gym config show` prints and NeMo Gym passes to children).
    public func yamlText() -> String {
        YAMLWriter().string(.object(values))
    }
}
