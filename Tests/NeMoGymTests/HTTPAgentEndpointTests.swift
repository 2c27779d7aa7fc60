import Foundation
import Testing
@testable import NeMoGym

/// ``HTTPAgentEndpoint`` against real loopback servers: fake agents that misbehave on cue, and fake head
/// servers holding a config.
@Suite(.timeLimit(.minutes(1))) struct HTTPAgentEndpointTests {
    private let row: JSONObject = ["responses_create_params": ["input": "hi"], "agent_ref": ["name": "a"], "_ng_task_index": 0, "_ng_rollout_index": 0]

    /// Runs `row` and returns the failure it threw (records an issue when it succeeded or threw something else).
    private func failure(of endpoint: HTTPAgentEndpoint, _ row: JSONObject) async -> RolloutFailure? {
        do {
            let result = try await endpoint.run(row)
            Issue.record("expected a RolloutFailure, got \(result)")
        } catch let failure as RolloutFailure {
            return failure
        } catch {
            Issue.record("expected a RolloutFailure, got \(error)")
        }
        return nil
    }

    @Test func runPostsTheRowAndReturnsTheObject() async throws {
        let log = RequestLog()
        let (server, url) = try await LoopbackServers.start { request in
            log.record(request)
            return .json(["reward": 1.0, "response": ["output": []], "echo": (try? JSONValue(parsing: request.body)) ?? .null])
        }
        let result = try await HTTPAgentEndpoint(agentURL: url + "/").run(row)
        #expect(result["reward"] == 1.0)
        #expect(result["echo"] == .object(row))
        #expect(log.all.map { "\($0.method) \($0.path)" } == ["POST /run"])
        #expect(log.all.first?.headers["Content-Type"]?.contains("application/json") == true)
        await server.shutdown()
    }

    @Test(arguments: [(500, #""Hit an exception in SimpleAgent___a calling an inner server: b'down'""#), (422, #"{"detail":[]}"#), (404, "no such route")])
    func nonSuccessIsAnHTTPFailureWithTheBody(_ status: Int, _ body: String) async throws {
        let (server, url) = try await LoopbackServers.start { _ in AgentHTTPResponse(status: status, body: Array(body.utf8)) }
        let failure = await failure(of: HTTPAgentEndpoint(agentURL: url), row)
        #expect(failure?.code == .http(status))
        #expect(failure?.code.name == "http_\(status)")
        #expect(failure?.detail == body)
        await server.shutdown()
    }

    @Test func refusedConnectionIsAConnectionError() async throws {
        let url = try await LoopbackServers.refusedURL()
        let failure = await failure(of: HTTPAgentEndpoint(agentURL: url), row)
        #expect(failure?.code == .connectionError)
        #expect(failure?.code.name == "connection_error")
        #expect(failure?.detail.contains(url) == true)
    }

    @Test func aHugeDeclaredAnswerIsAnInvalidResponseNotACrash() async throws {
        let agent = try ScriptedServer { socket, _ in
            while socket.blockingReadRequest() != nil {
                socket.blockingWrite("HTTP/1.1 200 OK\r\nContent-Length: 100000000000\r\n\r\n{")
            }
        }
        let url = "http://127.0.0.1:\(agent.port)"
        let failure = await failure(of: HTTPAgentEndpoint(agentURL: url), row)
        #expect(failure?.code == .invalidResponse)
        #expect(failure?.detail.hasPrefix("the response from \(url)/run declares a body of 100000000000 bytes, over the client's limit of 1073741824 bytes (1 GiB)") == true)
        #expect(agent.connections == 1)
    }

    @Test(arguments: ["[1, 2]", "\"text\"", "not json", ""])
    func successWithoutAnObjectIsAnInvalidResponse(_ body: String) async throws {
        let (server, url) = try await LoopbackServers.start { _ in AgentHTTPResponse(status: 200, body: Array(body.utf8)) }
        let failure = await failure(of: HTTPAgentEndpoint(agentURL: url), row)
        #expect(failure?.code == .invalidResponse)
        #expect(failure?.detail.contains(url + "/run") == true)
        await server.shutdown()
    }

    @Test func aggregateMetricsPostsVerifyResponsesAndParsesTheAnswer() async throws {
        let log = RequestLog()
        let (server, url) = try await LoopbackServers.start { request in
            log.record(request)
            return .json(["group_level_metrics": [["_ng_task_index": 0]], "agent_metrics": ["mean/reward": 0.5, "std/reward": 0.5],
                          "key_metrics": ["mean/reward": 0.5]])
        }
        let responses: [JSONObject] = [["_ng_task_index": 0, "_ng_rollout_index": 0, "reward": 1.0], ["_ng_task_index": 0, "_ng_rollout_index": 1, "reward": 0.0]]
        let metrics = try await HTTPAgentEndpoint(agentURL: url).aggregateMetrics(AggregateMetricsRequest(verifyResponses: responses), agentName: "a")
        #expect(metrics.agentMetrics == ["mean/reward": 0.5, "std/reward": 0.5])
        #expect(metrics.keyMetrics == ["mean/reward": 0.5])
        #expect(metrics.groupLevelMetrics == [["_ng_task_index": 0]])
        let request = try #require(log.all.first)
        #expect("\(request.method) \(request.path)" == "POST /aggregate_metrics")
        #expect(try JSONValue(parsing: request.body) == ["verify_responses": .array(responses.map(JSONValue.object))])
        await server.shutdown()
    }

    @Test func aggregateMetricsErrorNamesTheServerAndStatus() async throws {
        let (server, url) = try await LoopbackServers.start { _ in .json(status: 500, .string("boom")) }
        let error = await #expect(throws: (any Error).self) {
            try await HTTPAgentEndpoint(agentURL: url).aggregateMetrics(AggregateMetricsRequest(verifyResponses: []), agentName: "a")
        }
        #expect(String(describing: error).contains("500"))
        #expect(String(describing: error).contains(url + "/aggregate_metrics"))
        await server.shutdown()
    }

    @Test func checkReachableOnADeadURLThrowsOneClearMessage() async throws {
        let url = try await LoopbackServers.refusedURL()
        let error = await #expect(throws: RolloutEndpointError.self) { try await HTTPAgentEndpoint(agentURL: url).checkReachable() }
        let message = try #require(error?.description)
        #expect(message.contains("the agent at \(url) is not reachable"))
        #expect(message.contains("gym serve"))
        #expect(message.contains("fix the URL"))
        #expect(!message.contains("\n"))
        #expect(!message.contains("retried"))
    }

    @Test func checkReachableOnASilentAgentGivesUp() async throws {
        let (server, url) = try await LoopbackServers.start { _ in
            try? await Task.sleep(for: .seconds(30))  // until shutdown cancels it
            return .json(["status": "ok"])
        }
        let endpoint = HTTPAgentEndpoint(agentURL: url, setupTimeout: .milliseconds(200))
        let error = await #expect(throws: RolloutEndpointError.self) { try await endpoint.checkReachable() }
        #expect(error?.description.contains("the agent at \(url) is not reachable") == true)
        #expect(error?.description.contains("timeout") == true)
        await server.shutdown()
    }

    @Test func checkReachableOnALiveAgent() async throws {
        let (server, url) = try await LoopbackServers.agentServer(name: "a", model: LoopbackServers.answeringModel())
        try await HTTPAgentEndpoint(agentURL: url).checkReachable()
        await server.shutdown()
    }

    // MARK: - Head server

    @Test func headServerRoutesRowsByAgentName() async throws {
        let (first, firstURL) = try await LoopbackServers.start { request in
            request.path == "/aggregate_metrics" ? .json(["key_metrics": ["who": "first"]]) : .json(["served_by": "first"])
        }
        let (second, secondURL) = try await LoopbackServers.start { request in
            request.path == "/aggregate_metrics" ? .json(["key_metrics": ["who": "second"]]) : .json(["served_by": "second"])
        }
        let config = LoopbackServers.config(agents: [("first_agent", LoopbackServers.port(of: firstURL)), ("second_agent", LoopbackServers.port(of: secondURL))])
        let (head, headURL) = try await LoopbackServers.headServer(config: config)
        let endpoint = HTTPAgentEndpoint(headServer: headURL)
        try await endpoint.checkReachable()
        #expect(endpoint.knownAgents == ["first_agent", "second_agent"])
        for name in ["second_agent", "first_agent", "second_agent"] {
            var row = row
            row["agent_ref"] = ["name": .string(name)]
            #expect(try await endpoint.run(row)["served_by"]?.string == String(name.prefix { $0 != "_" }))
        }
        let metrics = try await endpoint.aggregateMetrics(AggregateMetricsRequest(verifyResponses: []), agentName: "second_agent")
        #expect(metrics.keyMetrics == ["who": "second"])
        try endpoint.checkAgentsKnown(["first_agent", "second_agent"])
        for server in [first, second, head] { await server.shutdown() }
    }

    @Test func headServerUnknownAgentFailsClearly() async throws {
        let (agent, agentURL) = try await LoopbackServers.start { _ in .json(["served_by": "a"]) }
        let config = LoopbackServers.config(agents: [("math_agent", LoopbackServers.port(of: agentURL))])
        let (head, headURL) = try await LoopbackServers.headServer(config: config)
        let endpoint = HTTPAgentEndpoint(headServer: headURL)
        try await endpoint.checkReachable()
        var row = row
        row["agent_ref"] = ["name": "code_agent"]
        let failure = await failure(of: endpoint, row)
        #expect(failure?.detail.contains("no agent named 'code_agent'") == true)
        #expect(failure?.detail.contains("math_agent") == true)

        let error = #expect(throws: RolloutEndpointError.self) { try endpoint.checkAgentsKnown(["math_agent", "code_agent"]) }
        let message = try #require(error?.description)
        #expect(message.contains(headURL))
        #expect(message.contains("'code_agent'"))
        #expect(message.contains("known agents: math_agent"))
        #expect(!message.contains("\n"))
        for server in [agent, head] { await server.shutdown() }
    }

    @Test func headServerAgentWithoutAPortIsNamed() async throws {
        let (agent, agentURL) = try await LoopbackServers.start { _ in .json([:]) }
        let extra = "portless_agent:\n  responses_api_agents:\n    simple_agent:\n      entrypoint: app.py\n"
        let config = LoopbackServers.config(agents: [("math_agent", LoopbackServers.port(of: agentURL))], extra: extra)
        let (head, headURL) = try await LoopbackServers.headServer(config: config)
        let endpoint = HTTPAgentEndpoint(headServer: headURL)
        try await endpoint.checkReachable()
        let error = #expect(throws: RolloutEndpointError.self) { try endpoint.checkAgentsKnown(["portless_agent"]) }
        #expect(error?.description.contains("'portless_agent'") == true)
        #expect(error?.description.contains("no port") == true)
        for server in [agent, head] { await server.shutdown() }
    }

    @Test func headServerWithoutAgentsFailsClearly() async throws {
        let (head, headURL) = try await LoopbackServers.headServer(config: LoopbackServers.config(agents: []))
        let error = await #expect(throws: RolloutEndpointError.self) { try await HTTPAgentEndpoint(headServer: headURL).checkReachable() }
        #expect(error?.description.contains("the head server at \(headURL)") == true)
        #expect(error?.description.contains("no agent instance") == true)
        await head.shutdown()
    }

    @Test func unreachableHeadServerFailsClearly() async throws {
        let url = try await LoopbackServers.refusedURL()
        let error = await #expect(throws: RolloutEndpointError.self) { try await HTTPAgentEndpoint(headServer: url).checkReachable() }
        #expect(error?.description.contains("the head server at \(url) is not reachable") == true)
        #expect(error?.description.contains("fix --head-server") == true)
        #expect(error?.description.contains("\n") == false)
    }

    @Test func headServerAgentThatIsDownFailsClearly() async throws {
        let deadAgent = try await LoopbackServers.refusedURL()
        let (head, headURL) = try await LoopbackServers.headServer(config: LoopbackServers.config(agents: [("a", LoopbackServers.port(of: deadAgent))]))
        let error = await #expect(throws: RolloutEndpointError.self) { try await HTTPAgentEndpoint(headServer: headURL).checkReachable() }
        #expect(error?.description.contains("\(deadAgent) is not reachable") == true)
        #expect(error?.description.contains("'a'") == true)
        await head.shutdown()
    }

    @Test(arguments: [
        (AgentHTTPResponse.json(["a": 1]), "no YAML string"),
        (AgentHTTPResponse.json(status: 500, .string("x")), "HTTP 500"),
        (AgentHTTPResponse.json(.string("a: [1, 2\n")), "not a valid config"),
    ])
    func headServerWithABadConfigAnswerFailsClearly(_ answer: AgentHTTPResponse, _ expected: String) async throws {
        let (head, headURL) = try await LoopbackServers.headServer(config: "", configAnswer: answer)
        let error = await #expect(throws: RolloutEndpointError.self) { try await HTTPAgentEndpoint(headServer: headURL).checkReachable() }
        #expect(error?.description.contains(headURL + "/global_config_dict_yaml") == true)
        #expect(error?.description.contains(expected) == true)
        await head.shutdown()
    }
}
