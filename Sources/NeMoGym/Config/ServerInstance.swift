/// One server of a config: a top-level key whose value names a server type and an implementation.
///
/// ```yaml
/// my_agent:                      # name
///   responses_api_agents:        # serverType
///     simple_agent:              # implementation
///       port: 8000               # block (with host, port, refs, max_steps, ...)
///       model_server: {type: responses_api_models, name: policy_model}
/// ```
public struct ServerInstance: Sendable, Hashable {
    /// The server types NeMo Gym knows, in the order it lists them.
    public static let serverTypes = ["responses_api_models", "resources_servers", "responses_api_agents"]

    /// The instance name (the top-level key).
    public let name: String
    /// The server type: `responses_api_agents`, `responses_api_models` or `resources_servers`.
    public let serverType: String
    /// The implementation directory name, for example `simple_agent`.
    public let implementation: String
    /// The implementation block: `entrypoint`, `host`, `port`, refs and the server's own settings.
    public let block: JSONObject
    /// The block's `host`, else the config's `default_host`, else `127.0.0.1`.
    public let host: String
    /// The block's `port` (an integer or a numeric string); `nil` when absent, null or 0.
    public let port: Int?

    /// Creates an instance.
    public init(name: String, serverType: String, implementation: String, block: JSONObject,
                defaultHost: String = "127.0.0.1") {
        self.name = name
        self.serverType = serverType
        self.implementation = implementation
        self.block = block
        self.host = block["host"]?.string.flatMap { $0.isEmpty ? nil : $0 } ?? defaultHost
        self.port = Self.portNumber(block["port"]).flatMap { (1...65_535).contains($0) ? $0 : nil }
    }

    /// The integer a `port` value holds (an integer, or a string of one), or `nil`.
    private static func portNumber(_ value: JSONValue?) -> Int? {
        switch value {
        case .number(let n)?: return n.intValue
        case .string(let s)?: return Int(s)
        default: return nil
        }
    }

    /// `serverType.implementation`, as messages name the block.
    public var blockPath: String { "\(name).\(serverType).\(implementation)" }

    /// `http://host:port`.
    /// - Throws: ``ConfigError`` (``ConfigError/Code/missingPort``) naming the block when it has no port,
    ///   (``ConfigError/Code/invalidPort``) quoting the value when its port is not a port number.
    public func baseURL() throws -> String {
        guard let port else {
            if let value = block["port"], !value.isNull, Self.portNumber(value) != 0 {
                let shown: String
                if case .string(let s) = value { shown = "'\(s)'" } else { shown = value.jsonString() }
                let what = Self.portNumber(value) == nil ? "is not a number" : "is out of range"
                throw ConfigError(.invalidPort, "server instance '\(name)' has port \(shown) in the block "
                                      + "'\(blockPath)', which \(what): expected an integer from 1 to 65535")
            }
            throw ConfigError(.missingPort, "server instance '\(name)' has no port: set 'port:' in the block "
                                  + "'\(blockPath)' (swift-gym does not pick ports)")
        }
        let shownHost = host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
        return "http://\(shownHost):\(port)"
    }
}
