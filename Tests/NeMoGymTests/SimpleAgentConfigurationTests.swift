import Testing
@testable import NeMoGym

@Suite struct SimpleAgentConfigurationTests {
    @Test func readsASimpleAgentBlock() throws {
        let block: JSONObject = [
            "entrypoint": "app.py", "max_steps": 10, "skip_verification": true, "skip_verification_reward": 0.5,
            "resources_server": ["type": "resources_servers", "name": "r"], "unknown_key": "ignored",
        ]
        let configuration = try SimpleAgent.Configuration(name: "my_agent", block: block)
        #expect(configuration == SimpleAgent.Configuration(name: "my_agent", maxSteps: 10, skipVerification: true, skipVerificationReward: 0.5))
    }

    @Test func anOmittedMaxStepsMeansNoLimitAndZeroToo() throws {
        #expect(try SimpleAgent.Configuration(name: "a", block: [:]).maxSteps == nil)
        let zero = try SimpleAgent.Configuration(name: "a", block: ["max_steps": 0])
        let agent = SimpleAgent(configuration: zero, model: ScriptedModelClient(steps: []), resources: InProcessResourcesClient(reward: { _ in 0 }))
        #expect(!agent.shouldStopAfterTools(step: 1_000))
    }

    @Test(arguments: [JSONValue.null, "ten", -1, 2.5])
    func anExplicitNullOrBadMaxStepsIsRejected(value: JSONValue) {
        #expect(throws: ConfigurationError.self) {
            try SimpleAgent.Configuration(name: "my_agent", block: ["max_steps": value])
        }
    }

    @Test func errorsNameTheAgentAndTheFix() {
        do {
            _ = try SimpleAgent.Configuration(name: "my_agent", block: ["max_steps": nil])
            Issue.record("expected an error")
        } catch {
            #expect("\(error)" == "agent 'my_agent': max_steps must be a non-negative integer (omit it for no limit), got null")
        }
    }
}
