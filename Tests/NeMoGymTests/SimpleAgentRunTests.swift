import Testing
@testable import NeMoGym

@Suite struct SimpleAgentRunTests {
    static let runBody: JSONValue = [
        "responses_create_params": ["input": "What is the weather in Paris?", "temperature": 0.3],
        "expected": "cold", "_ng_task_index": 4, "id": .number(JSONNumber(unchecked: "12345678901234567890")),
    ]

    func makeResources() -> InProcessResourcesClient {
        InProcessResourcesClient(
            tools: ["get_weather": .init { args, cookies in
                ToolResult(body: #"{"weather":"cold"}"#, cookies: ["rs_session": (cookies["rs_session"] ?? "none") + ".t"])
            }],
            seedSession: { _, _ in ResourcesReply(body: [:], cookies: ["rs_session": "s0"]) },
            verify: { body, cookies in
                var result = body
                result["reward"] = 1  // an int: the agent makes it a float
                result["verify_session"] = .string(cookies["rs_session"] ?? "none")
                result["model_cookie"] = .string(cookies["m"] ?? "none")
                return ResourcesReply(body: result)
            })
    }

    func makeModel() -> ScriptedModelClient {
        ScriptedModelClient { _, index in
            let output: [ResponseItem] = index == 0
                ? [.functionCall(name: "get_weather", arguments: #"{"city":"Paris"}"#, callID: "c1")]
                : [.assistantMessage("It is cold.")]
            return ModelReply(body: .object(ModelResponse.make(id: "resp_\(index)", output: output).json), cookies: ["m": "\(index)"])
        }
    }

    @Test func runSeedsLoopsAndVerifiesWithTheLatestCookies() async throws {
        let resources = makeResources()
        let agent = SimpleAgent(configuration: .init(name: "weather_agent"), model: makeModel(), resources: resources)
        let result = try await agent.run(RunRequest(validating: Self.runBody), context: AgentCallContext())

        #expect(resources.calls.map(\.path) == ["/seed_session", "/get_weather", "/verify"])
        // The seed gets the run body exactly as sent.
        #expect(resources.calls[0].body == Self.runBody)
        #expect(resources.calls[1].cookies == ["rs_session": "s0"])
        // Verify gets the run body plus the final response, with the latest resources and model cookies.
        let verifyBody = try #require(resources.calls[2].body?.object)
        #expect(verifyBody.keys == ["responses_create_params", "expected", "_ng_task_index", "id", "response"])
        #expect(resources.calls[2].cookies == ["rs_session": "s0.t", "m": "1"])

        #expect(result.json.keys == ["responses_create_params", "response", "reward", "expected", "_ng_task_index", "id", "verify_session", "model_cookie"])
        #expect(result.json["reward"]?.number?.text == "1.0")
        #expect(result.json["id"]?.number?.text == "12345678901234567890")
        #expect(result.json["verify_session"] == "s0.t")
        // The string input stays a string in the result.
        #expect(result.json["responses_create_params"]?["input"] == "What is the weather in Paris?")
        #expect(result.response.output.map(\.label) == ["function_call:get_weather", "function_call_output:c1", "message:assistant"])
    }

    @Test func skipVerificationMakesNoVerifyCall() async throws {
        let resources = makeResources()
        let agent = SimpleAgent(configuration: .init(name: "a", skipVerification: true, skipVerificationReward: 0.25),
                                model: makeModel(), resources: resources)
        let result = try await agent.run(RunRequest(validating: Self.runBody), context: AgentCallContext())
        #expect(!resources.calls.map(\.path).contains("/verify"))
        #expect(result.json["reward"]?.number?.text == "0.25")
        #expect(result.json["verification_skipped"] == true)
        #expect(result.json.keys.prefix(3) == ["responses_create_params", "response", "reward"])
        let metrics = try await agent.aggregateMetrics(AggregateMetricsRequest(verifyResponses: [result.json]), context: AgentCallContext())
        #expect(metrics == AggregateMetrics())
    }

    @Test func aFailingSeedFailsTheRun() async throws {
        let resources = InProcessResourcesClient(
            seedSession: { _, _ in throw InnerServerError(server: "resources /seed_session", status: 500, body: Array("boom".utf8)) },
            verify: { body, _ in ResourcesReply(body: body) })
        let agent = SimpleAgent(model: makeModel(), resources: resources)
        await #expect(throws: InnerServerError.self) {
            try await agent.run(RunRequest(validating: Self.runBody), context: AgentCallContext())
        }
    }

    @Test func aVerifyAnswerWithoutRewardIsAnError() async throws {
        let resources = InProcessResourcesClient(verify: { body, _ in ResourcesReply(body: body) })
        let model = ScriptedModelClient(turns: [[.assistantMessage("x")]])
        await #expect(throws: InvalidVerifyResponseError.self) {
            try await SimpleAgent(model: model, resources: resources).run(RunRequest(validating: Self.runBody), context: AgentCallContext())
        }
    }

    @Test func verifierExtrasLikeFailureClassesReachTheResult() async throws {
        let resources = InProcessResourcesClient(verify: { body, _ in
            var result = body
            result["reward"] = 0.0
            result["_ng_failure_class"] = "judge_failed"
            return ResourcesReply(body: result)
        })
        let model = ScriptedModelClient(turns: [[.assistantMessage("x")]])
        let result = try await SimpleAgent(model: model, resources: resources).run(RunRequest(validating: Self.runBody), context: AgentCallContext())
        #expect(result.extraKeys["_ng_failure_class"] == "judge_failed")
        #expect(result.extraKeys["expected"] == "cold")
    }

    @Test func aggregateMetricsProxiesAndDropsUnknownKeys() async throws {
        let resources = ClosureResourcesClient(
            callTool: { _, _, _ in ToolResult(body: "{}") },
            verify: { body, _ in ResourcesReply(body: body) },
            aggregateMetrics: { _ in ["agent_metrics": ["mean/reward": 0.5], "extra": 1] })
        let agent = SimpleAgent(model: ScriptedModelClient(steps: []), resources: resources)
        let metrics = try await agent.aggregateMetrics(AggregateMetricsRequest(verifyResponses: []), context: AgentCallContext())
        #expect(metrics.json == ["group_level_metrics": [], "agent_metrics": ["mean/reward": 0.5], "key_metrics": [:]])
    }
}
