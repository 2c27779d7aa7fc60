import NeMoGym
import Testing
import WeatherAgents

@Suite struct WeatherAgentsTests {
    /// Asks for `lookup(<user text>)`, then answers `done`; the tool fails for `bad`; the verifier wants `done`.
    static func clients() -> (any ModelClient, any ResourcesClient) {
        let model = ClosureModelClient { request in
            let items = request.params.input.normalizedItems
            if items.last?.type == "function_call_output" {
                return ModelReply(body: .object(ModelResponse.make(output: [.assistantMessage("done")]).json))
            }
            let city = items.first?.texts.joined() ?? ""
            return ModelReply(body: .object(ModelResponse.make(output: [
                .functionCall(name: "lookup", arguments: #"{"city":"\#(city)"}"#, callID: "call_1"),
            ]).json))
        }
        let resources = InProcessResourcesClient(
            tools: ["lookup": .init { arguments, cookies in
                ToolResult(status: arguments["city"]?.string == "bad" ? 500 : 200, body: "{}", cookies: cookies)
            }],
            reward: { request in request.response.outputText == "done" ? 1 : 0 })
        return (model, resources)
    }

    @Test func stopsAfterAFailedToolCall() async throws {
        let (model, resources) = Self.clients()
        let agent = StopOnToolErrorAgent(model: model, resources: resources)
        let result = try await agent.run(RunRequest(params: ResponseCreateParams(input: .text("bad"))), context: AgentCallContext())
        #expect(result.reward == 0)
    }

    @Test func keepsNoStateBetweenConcurrentRollouts() async throws {
        let requests = (0..<200).map { RunRequest(params: ResponseCreateParams(input: .text($0 % 2 == 0 ? "bad" : "city\($0)"))) }
        let mismatches = try await ConcurrentRolloutCheck.run(requests, concurrency: 200) {
            let (model, resources) = Self.clients()
            return StopOnToolErrorAgent(model: model, resources: resources)
        }
        #expect(mismatches.isEmpty)
    }

    @Test func aDirectConformerRunsOnTheHarness() async throws {
        let agent = SingleTurnAgent(model: ScriptedModelClient(turns: [[.assistantMessage("done")]]),
                                    resources: InProcessResourcesClient(reward: { _ in 1 }))
        let result = try await agent.run(RunRequest(params: ResponseCreateParams(input: .text("hi"))), context: AgentCallContext())
        #expect(result.reward == 1)
    }

    @Test func servesOverTheAgentRoutesWithoutSockets() async throws {
        let (model, resources) = Self.clients()
        let server = AgentServer(agent: StopOnToolErrorAgent(model: model, resources: resources))
        let reply = await server.handle(AgentHTTPRequest(method: .get, target: "/"))
        #expect(reply.status == 200)
    }
}
