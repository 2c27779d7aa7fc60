import Foundation
import Testing
@testable import NeMoGym

@Suite struct SimpleAgentTests {
    // MARK: - The behaviour matrix, from Fixtures/agent/loop-cases.json

    @Test(arguments: try LoopCase.all())
    func loopCase(_ loopCase: LoopCase) async throws {
        let model = loopCase.model()
        let resources = loopCase.resources()
        let agent = SimpleAgent(configuration: loopCase.configuration, model: model, resources: resources)
        let expect = loopCase.expect
        let response: ModelResponse
        do {
            response = try await agent.responses(loopCase.params, context: AgentCallContext())
        } catch let error as InnerServerError {
            #expect(expect["error"]?.string == "inner_server", "unexpected \(error)")
            return
        } catch let error as InvalidModelResponseError {
            #expect(expect["error"]?.string == "invalid_response", "unexpected \(error)")
            return
        }
        #expect(expect["error"] == nil, "expected an error")
        if let calls = expect["model_calls"]?.int { #expect(model.callCount == calls) }
        if let labels = expect["output"]?.array {
            #expect(response.output.map(\.label) == labels.compactMap(\.string))
        }
        if let expected = expect["output_json"]?.array {
            #expect(response.output.map { JSONValue.object($0.json) } == expected)
        }
        if let toolCalls = expect["tool_calls"]?.array {
            let actual = resources.toolCalls
            #expect(actual.map(\.path) == toolCalls.map { "/" + ($0["name"]?.string ?? "") })
            for (call, wanted) in zip(actual, toolCalls) {
                if let text = wanted["body_text"]?.string {
                    #expect(call.body?.jsonString() == text)
                } else if let body = wanted["body"] {
                    #expect((call.body ?? .null) == body)
                }
            }
        }
        if let texts = expect["outputs_text"]?.object {
            for (callID, text) in texts {
                let output = response.output.first { $0.type == "function_call_output" && $0.callID == callID }
                #expect(output?.output?.string == text.string, "output of \(callID)")
            }
        }
        if let usage = expect["usage"] { #expect((response.json["usage"] ?? .null) == usage) }
        if let id = expect["id"]?.string { #expect(response.id == id) }
        if let details = expect["incomplete_details"] { #expect((response.json["incomplete_details"] ?? .null) == details) }
        if let first = expect["first_request"] {
            #expect(model.requests.first.map { JSONValue.object($0.params.json) } == first)
            // The spliced wire body is the same document.
            let wire = try model.requests.first.map { try JSONValue(parsing: $0.encodedBody()) }
            #expect(wire == first)
        }
        if let types = expect["second_request_input_types"]?.array, model.requests.count > 1 {
            let input = model.requests[1].params.input.normalizedItems
            #expect(input.map { $0.type.map(JSONValue.string) ?? .null } == types)
        }
    }

    // MARK: - SessionCookies

    @Test func firstModelCallSendsNoCookiesAndLaterCallsSendThePreviousAnswersCookies() async throws {
        let model = ScriptedModelClient { request, index in
            let output: [ResponseItem] = index < 2
                ? [.functionCall(name: "t", arguments: "{}", callID: "c\(index)")]
                : [.assistantMessage("done")]
            return ModelReply(body: .object(ModelResponse.make(output: output).json), cookies: ["model_turn": "\(index)"])
        }
        let resources = InProcessResourcesClient(tools: ["t": .init { _, cookies in
            ToolResult(body: "{}", cookies: ["rs": (cookies["rs"] ?? "") + "+"])
        }], reward: { _ in 1 })
        let agent = SimpleAgent(model: model, resources: resources)
        let context = AgentCallContext(cookies: ["rs": "seed"])
        _ = try await agent.responses(ResponseCreateParams(input: .text("go")), context: context)
        #expect(model.requests.map(\.cookies) == [SessionCookies(), ["model_turn": "0"], ["model_turn": "1"]])
        #expect(resources.toolCalls.map(\.cookies) == [["rs": "seed"], ["rs": "seed+"]])
        #expect(context.responseCookies == ["rs": "seed++", "model_turn": "2"])
    }

    @Test func aToolAnswerWithoutSetCookieClearsTheResourcesCookies() async throws {
        let model = ScriptedModelClient(turns: [
            [.functionCall(name: "plain", arguments: "{}", callID: "c1")],
            [.functionCall(name: "plain", arguments: "{}", callID: "c2")],
            [.assistantMessage("ok")],
        ])
        let resources = InProcessResourcesClient(tools: ["plain": .init { _, _ in ToolResult(body: "{}") }], reward: { _ in 1 })
        let context = AgentCallContext(cookies: ["rs": "s0"])
        _ = try await SimpleAgent(model: model, resources: resources).responses(ResponseCreateParams(input: .text("x")), context: context)
        #expect(resources.toolCalls.map(\.cookies) == [["rs": "s0"], SessionCookies()])
        #expect(context.responseCookies == SessionCookies())
    }

    @Test func withoutToolCallsTheInboundCookiesAreEchoed() async throws {
        let model = ScriptedModelClient(turns: [[.assistantMessage("hi")]])
        let context = AgentCallContext(cookies: ["rs": "s0"])
        _ = try await SimpleAgent(model: model, resources: InProcessResourcesClient(reward: { _ in 1 }))
            .responses(ResponseCreateParams(input: .text("x")), context: context)
        #expect(context.responseCookies == ["rs": "s0"])
    }

    @Test func modelPathFollowsTheRolloutPrefix() async throws {
        let model = ScriptedModelClient(turns: [[.assistantMessage("hi")]])
        let context = AgentCallContext(rolloutID: "3-1", modelPathPrefix: "/ng-rollout/3-1/training-token-capture")
        _ = try await SimpleAgent(model: model, resources: InProcessResourcesClient(reward: { _ in 1 }))
            .responses(ResponseCreateParams(input: .text("x")), context: context)
        #expect(model.requests.first?.path == "/ng-rollout/3-1/training-token-capture/v1/responses")
    }
}
