/// How to run one agent instance of a NeMo Gym config: its `simple_agent` settings, where its model and
/// resources servers are, and where to listen.
///
/// ``AgentLauncher`` builds one from NeMo Gym's environment variables or config files and hands it to
/// your factory; from it you wire your agent:
///
/// ```swift
/// let launcher = AgentLauncher { deployment in
///     print("serving \(deployment.instance.name), model at \(try deployment.modelServer.baseURL())")
///     return try SimpleAgent(deployment: deployment)
/// }
/// await launcher.main()
/// ```
public struct AgentDeployment: Sendable {
    /// The agent's instance (top-level key, type `responses_api_agents`).
    public let instance: ServerInstance
    /// The agent's settings read from its block (global `skip_verification*` apply when the block has none).
    public let agentConfiguration: SimpleAgent.Configuration
    /// The model server's instance.
    public let modelServer: ServerInstance
    /// The resources server's instance.
    public let resourcesServer: ServerInstance
    /// The whole (resolved) config the instance came from, for settings of your own.
    public let config: GlobalConfig
    /// The rollout captures that apply to this agent: the global `observability_enabled` and
    /// `token_id_capture` (`enabled` with `all_agents` or the block's own `token_id_capture: true`).
    public let observability: ObservabilitySettings
    /// The HTTP client the model and resources clients use. ``AgentLauncher`` sets one whose retry notices
    /// go to the agent's log; default ``ServerClient/shared``.
    public var client: ServerClient = .shared

    /// The implementation key of the agent's block (`simple_agent` in
    /// `my_agent: {responses_api_agents: {simple_agent: {...}}}`).
    public var implementation: String { instance.implementation }

    /// Keys of the agent's block that a `simple_agent` does not read, in block order (a typo, or a
    /// setting meant for another agent); ``AgentLauncher`` warns about them at start-up.
    public var unusedKeys: [String] { SimpleAgent.Configuration.unusedKeys(in: instance.block) }

    /// Finds the instance `instanceName` in `config` and resolves its `model_server` and
    /// `resources_server` refs.
    /// - Throws: ``ConfigError`` naming the instance, the field and the fix.
    public init(config: GlobalConfig, instanceName: String) throws {
        let instance = try config.serverInstance(named: instanceName)
        guard instance.serverType == "responses_api_agents" else {
            throw ConfigError(.invalidValue, "'\(instanceName)' is a \(instance.serverType) instance, not an agent: name an instance whose block is under 'responses_api_agents'")
        }
        var block = instance.block
        for key in ["skip_verification", "skip_verification_reward"] where block[key] == nil {
            if let global = config.values[key] { block[key] = global }
        }
        for field in ["model_server", "resources_server"] where block[field] == nil {
            throw ConfigError(.invalidValue, "agent '\(instanceName)' has no '\(field)': add '\(field): {type: \(field == "model_server" ? "responses_api_models" : "resources_servers"), name: <instance>}' to the block '\(instance.blockPath)'")
        }
        self.instance = instance
        self.config = config
        self.agentConfiguration = try SimpleAgent.Configuration(name: instanceName, block: block)
        self.modelServer = try config.resolveServerRef(block["model_server"], field: "model_server", in: instance)
        self.resourcesServer = try config.resolveServerRef(block["resources_server"], field: "resources_server", in: instance)
        self.observability = ObservabilitySettings(globalConfig: config.values,
                                                   agentTokenIDCapture: agentConfiguration.tokenIDCapture)
        _ = try modelServer.baseURL()
        _ = try resourcesServer.baseURL()
    }

    /// The only agent instance of `config`, or `name` when given.
    /// - Throws: ``ConfigError`` when `name` is `nil` and there is not exactly one agent instance.
    public static func agentInstanceName(in config: GlobalConfig, named name: String?) throws -> String {
        if let name { return name }
        let agents = config.serverInstances.filter { $0.serverType == "responses_api_agents" }.map(\.name)
        guard agents.count == 1 else {
            let list = agents.isEmpty ? "none" : agents.joined(separator: ", ")
            throw ConfigError(.invalidValue, "choose the agent instance to serve with --agent NAME (agent instances in the config: \(list))")
        }
        return agents[0]
    }

    /// Where to listen: the block's host and port.
    /// - Throws: ``ConfigError`` when the block has no port.
    public func serverConfiguration() throws -> AgentHTTPServer.Configuration {
        guard let port = instance.port else { _ = try instance.baseURL(); return AgentHTTPServer.Configuration() }
        var configuration = AgentHTTPServer.Configuration()
        configuration.host = instance.host
        configuration.port = port
        return configuration
    }

    /// A client for the model server over HTTP (through `client`, default ``client``).
    public func modelClient(client: ServerClient? = nil) throws -> HTTPModelClient {
        HTTPModelClient(baseURL: try modelServer.baseURL(), client: client ?? self.client)
    }

    /// A client for the resources server over HTTP (through `client`, default ``client``).
    public func resourcesClient(client: ServerClient? = nil) throws -> HTTPResourcesClient {
        HTTPResourcesClient(baseURL: try resourcesServer.baseURL(), client: client ?? self.client)
    }

    /// The model server's ref (`{type, name}`), as trajectories record it.
    public var modelServerRef: ModelServerRef { ModelServerRef(type: modelServer.serverType, name: modelServer.name) }

    /// A ``SimpleAgent`` wired to the model and resources servers over HTTP, with the config's
    /// ``observability`` and ``modelServerRef`` for its trajectories.
    public func makeAgent(client: ServerClient? = nil) throws -> SimpleAgent {
        SimpleAgent(configuration: agentConfiguration,
                    model: try modelClient(client: client), resources: try resourcesClient(client: client),
                    observability: observability, modelServerRef: modelServerRef)
    }
}
