/// How to run one agent instance of a NeMo Gym config: its `simple_agent` settings, where its model and
/// resources servers are, and where to listen.
///
/// ```swift
/// let (config, name) = try GlobalConfig.fromEnvironment()   // as a NeMo Gym child server starts
/// let deployment = try AgentDeployment(config: config, instanceName: name)
/// let server = HTTPServer(configuration: deployment.serverConfiguration,
///                         handler: AgentServer(agent: deployment.makeAgent()).handler)
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
    /// The rollout captures that apply to this agent: the global `observability_enabled` and
    /// `token_id_capture` (`enabled` with `all_agents` or the block's own `token_id_capture: true`).
    public let observability: ObservabilitySettings

    /// Finds the instance `instanceName` in `config` and resolves its `model_server` and
    /// `resources_server` refs.
    /// - Throws: ``ConfigError`` or ``ConfigurationError`` naming the instance, the field and the fix.
    public init(config: GlobalConfig, instanceName: String) throws {
        let instance = try config.serverInstance(named: instanceName)
        guard instance.serverType == "responses_api_agents" else {
            throw ConfigurationError("'\(instanceName)' is a \(instance.serverType) instance, not an agent: name an instance whose block is under 'responses_api_agents'")
        }
        var block = instance.block
        for key in ["skip_verification", "skip_verification_reward"] where block[key] == nil {
            if let global = config.values[key] { block[key] = global }
        }
        for field in ["model_server", "resources_server"] where block[field] == nil {
            throw ConfigurationError("agent '\(instanceName)' has no '\(field)': add '\(field): {type: \(field == "model_server" ? "responses_api_models" : "resources_servers"), name: <instance>}' to the block '\(instance.blockPath)'")
        }
        self.instance = instance
        self.agentConfiguration = try SimpleAgent.Configuration(name: instanceName, block: block)
        self.modelServer = try config.resolveServerRef(block["model_server"], field: "model_server", in: instance)
        self.resourcesServer = try config.resolveServerRef(block["resources_server"], field: "resources_server", in: instance)
        self.observability = ObservabilitySettings(globalConfig: config.values, agentBlock: block)
        _ = try modelServer.baseURL()
        _ = try resourcesServer.baseURL()
    }

    /// The only agent instance of `config`, or `name` when given.
    /// - Throws: ``ConfigurationError`` when `name` is `nil` and there is not exactly one agent instance.
    public static func agentInstanceName(in config: GlobalConfig, named name: String?) throws -> String {
        if let name { return name }
        let agents = config.serverInstances.filter { $0.serverType == "responses_api_agents" }.map(\.name)
        guard agents.count == 1 else {
            let list = agents.isEmpty ? "none" : agents.joined(separator: ", ")
            throw ConfigurationError("choose the agent instance to serve with --agent NAME (agent instances in the config: \(list))")
        }
        return agents[0]
    }

    /// Where to listen: the block's host and port.
    /// - Throws: ``ConfigError`` when the block has no port.
    public func serverConfiguration() throws -> HTTPServer.Configuration {
        guard let port = instance.port else { _ = try instance.baseURL(); return HTTPServer.Configuration() }
        var configuration = HTTPServer.Configuration()
        configuration.host = instance.host
        configuration.port = port
        return configuration
    }

    /// A ``SimpleAgent`` wired to the model and resources servers over HTTP, with the config's
    /// ``observability`` and the model server's ref for its trajectories.
    public func makeAgent(client: HTTPClient = .shared) throws -> SimpleAgent {
        SimpleAgent(configuration: agentConfiguration,
                    model: HTTPModelClient(baseURL: try modelServer.baseURL(), client: client),
                    resources: HTTPResourcesClient(baseURL: try resourcesServer.baseURL(), client: client),
                    observability: observability,
                    modelServerRef: ModelServerRef(type: modelServer.serverType, name: modelServer.name))
    }
}
