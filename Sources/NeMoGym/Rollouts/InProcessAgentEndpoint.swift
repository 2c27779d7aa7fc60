/// A ``RolloutAgentEndpoint`` that runs agents in this process: no sockets, the same results as the agent
/// server would send.
///
/// Rows go to the agent named by their `agent_ref.name`; with a single agent, every row goes to it. A
/// row the agent server would reject with 422 fails as `http_422`; an error inside the agent (a failing
/// model or resources call) fails as `http_500`, as the agent server would answer.
///
/// ```swift
/// let agent = SimpleAgent(configuration: .init(name: "my_agent"), model: model, resources: resources)
/// let endpoint = InProcessAgentEndpoint(agent)
/// let result = try await endpoint.run(["responses_create_params": ["input": "Hello"]])
/// print(result["reward"] ?? .null)  // 1.0
/// ```
public struct InProcessAgentEndpoint: RolloutAgentEndpoint {
    private let agents: [String: any ResponsesAPIAgent]
    private let single: (any ResponsesAPIAgent)?

    /// An endpoint for one agent, which receives every row whatever its `agent_ref`.
    public init(_ agent: any ResponsesAPIAgent) {
        self.agents = [agent.instanceName: agent]
        self.single = agent
    }

    /// An endpoint for several agents, chosen by each row's `agent_ref.name`.
    public init(agents: [String: any ResponsesAPIAgent]) {
        self.agents = agents
        self.single = agents.count == 1 ? agents.values.first : nil
    }

    public func checkReachable() async throws {}

    private func agent(named name: String?) throws -> any ResponsesAPIAgent {
        if let single { return single }
        guard let name, let agent = agents[name] else {
            throw RolloutFailure(code: .http(404), detail: "no in-process agent named \(name.map { "'\($0)'" } ?? "(none)"); known: \(agents.keys.sorted())")
        }
        return agent
    }

    public func run(_ row: JSONObject) async throws -> JSONObject {
        let agent = try agent(named: row["agent_ref"]?["name"]?.string)
        let request: RunRequest
        do {
            request = try RunRequest(validating: .object(row))
        } catch {
            throw RolloutFailure(code: .http(422), detail: String(describing: error))
        }
        do {
            return try await agent.run(request, context: AgentCallContext()).json
        } catch let failure as RolloutFailure {
            throw failure
        } catch is CancellationError {
            throw RolloutFailure(code: .connectionError, detail: "cancelled")
        } catch {
            throw RolloutFailure(code: .http(500), detail: String(describing: error))
        }
    }

    public func aggregateMetrics(_ request: AggregateMetricsRequest, agentName: String) async throws -> AggregateMetrics {
        try await agent(named: agentName).aggregateMetrics(request, context: AgentCallContext())
    }
}
