import Testing
import NeMoGym  // public API only: this is how a user tests an agent of their own

/// A subclass that overrides one step: tool outputs are capped.
final class CappingAgent: SimpleAgent, @unchecked Sendable {
    override func callTool(_ call: ResponseItem, episode: inout Episode) async throws -> ToolCallOutcome {
        var outcome = try await super.callTool(call, episode: &episode)
        outcome.output = String(outcome.output.prefix(10))
        return outcome
    }
}

/// A subclass that changes the stop rule: stop as soon as any tool has run.
final class OneToolAgent: SimpleAgent, @unchecked Sendable {
    override func shouldStopAfterTools(_ episode: inout Episode) -> Bool { true }
}

/// An agent written from scratch against the protocol.
struct EchoAgent: ResponsesAPIAgent {
    let model: any ModelClient
    let resources: any ResourcesClient

    func responses(_ params: ResponseCreateParams, context: AgentCallContext) async throws -> ModelResponse {
        try ModelResponse(validating: try await model.createResponse(ModelRequest(params: params)).body)
    }

    func run(_ request: RunRequest, context: AgentCallContext) async throws -> VerifyResponse {
        let response = try await responses(request.responsesCreateParams, context: context)
        let reply = try await resources.verify(.object(VerifyRequest(run: request, response: response).json), cookies: SessionCookies())
        return try VerifyResponse(validating: reply.body)
    }
}

@Suite struct CustomAgentTests {
    let weather = InProcessResourcesClient(
        tools: ["get_weather": .json { _ in ["report": "cold and windy all day"] }],
        reward: { $0.response.outputText.contains("cold") ? 1 : 0 })

    @Test func aSubclassOverridingOneStepChangesOnlyThatStep() async throws {
        let model = ScriptedModelClient(turns: [
            [.functionCall(name: "get_weather", arguments: "{}", callID: "c1")],
            [.assistantMessage("cold")],
        ])
        let agent = CappingAgent(model: model, resources: weather)
        let result = try await agent.run(RunRequest(params: ResponseCreateParams(input: .text("weather?"))), context: AgentCallContext())
        let output = result.response.output.first { $0.type == "function_call_output" }
        #expect(output?.output == "{\"report\":")
        #expect(result.reward == 1)
        #expect(model.callCount == 2)
    }

    @Test func overridingTheStopRuleEndsTheLoopEarly() async throws {
        let model = ScriptedModelClient(turns: [[.functionCall(name: "get_weather", arguments: "{}", callID: "c1")]], repeatsLastStep: true)
        let response = try await OneToolAgent(model: model, resources: weather)
            .responses(ResponseCreateParams(input: .text("x")), context: AgentCallContext())
        #expect(model.callCount == 1)
        #expect(response.output.count == 2)
    }

    @Test func aCustomAgentRunsAFullRolloutWithThePublicHarness() async throws {
        let agent = EchoAgent(model: ScriptedModelClient(turns: [[.assistantMessage("it is cold")]]), resources: weather)
        let result = try await agent.run(RunRequest(params: ResponseCreateParams(input: .text("weather?")), extra: ["task": 7]),
                                         context: AgentCallContext())
        #expect(result.reward == 1)
        #expect(result.extraKeys["task"] == 7)
        // The protocol's default metrics are computed locally.
        let metrics = try await agent.aggregateMetrics(AggregateMetricsRequest(verifyResponses: [result.json]), context: AgentCallContext())
        #expect(metrics.agentMetrics["mean/reward"]?.double == 1)
    }

    @Test func aScriptThatRunsOutThrowsInsteadOfHanging() async throws {
        let model = ScriptedModelClient(turns: [[.functionCall(name: "get_weather", arguments: "{}", callID: "c1")]])
        await #expect(throws: ScriptExhaustedError.self) {
            _ = try await SimpleAgent(model: model, resources: weather).responses(ResponseCreateParams(input: .text("x")), context: AgentCallContext())
        }
    }
}
