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
        var episode = Episode(params: ResponseCreateParams(input: .text("x")))
        episode.step = 1_000
        #expect(!agent.shouldStopAfterTools(&episode))
    }

    @Test func aNegativeMaxStepsStopsAfterTheFirstTurnAsInTheReference() throws {
        // `if self.config.max_steps and step >= self.config.max_steps`: -1 is truthy and 1 >= -1.
        let agent = SimpleAgent(configuration: try .init(name: "a", block: ["max_steps": -1]),
                                model: ScriptedModelClient(steps: []), resources: InProcessResourcesClient(reward: { _ in 0 }))
        var episode = Episode(params: ResponseCreateParams(input: .text("x")))
        episode.step = 1
        #expect(agent.shouldStopAfterTools(&episode))
    }

    /// What pydantic 2 (lax mode) makes of each value, checked against pydantic itself.
    static let accepted: [(key: String, value: JSONValue, expected: JSONValue)] = [
        ("max_steps", "2", 2), ("max_steps", " 2 ", 2), ("max_steps", "2.0", 2), ("max_steps", 2.0, 2),
        ("max_steps", "-1", -1), ("max_steps", "1_000", 1000), ("max_steps", true, 1), ("max_steps", 7, 7),
        ("skip_verification", "yes", true), ("skip_verification", "YES", true), ("skip_verification", "on", true),
        ("skip_verification", "1", true), ("skip_verification", "t", true), ("skip_verification", "y", true),
        ("skip_verification", "True", true), ("skip_verification", 1, true), ("skip_verification", 1.0, true),
        ("skip_verification", "no", false), ("skip_verification", "off", false), ("skip_verification", "0", false),
        ("skip_verification", "f", false), ("skip_verification", "n", false), ("skip_verification", "false", false),
        ("skip_verification", 0, false), ("skip_verification", 0.0, false), ("skip_verification", false, false),
        ("skip_verification_reward", "1.5", 1.5), ("skip_verification_reward", " 2 ", 2.0),
        ("skip_verification_reward", 2, 2.0), ("skip_verification_reward", true, 1.0), ("skip_verification_reward", "1e3", 1000.0),
        ("token_id_capture", "true", true), ("token_id_capture", false, false),
    ]

    @Test(arguments: accepted)
    func readsValuesAsPydanticLaxModeDoes(key: String, value: JSONValue, expected: JSONValue) throws {
        let c = try SimpleAgent.Configuration(name: "a", block: [key: value])
        let read: JSONValue
        switch key {
        case "max_steps": read = c.maxSteps.map { .number(JSONNumber($0)) } ?? .null
        case "skip_verification": read = .bool(c.skipVerification)
        case "token_id_capture": read = .bool(c.tokenIDCapture)
        default: read = .number(JSONNumber(c.skipVerificationReward))
        }
        #expect(read.double == expected.double && read.bool == expected.bool, "\(key): \(value.jsonString()) read as \(read.jsonString())")
    }

    static let refused: [(key: String, value: JSONValue, reason: String)] = [
        ("max_steps", .null, "Input should be a valid integer"),
        ("max_steps", "ten", "Input should be a valid integer, unable to parse string as an integer"),
        ("max_steps", "2.5", "Input should be a valid integer, unable to parse string as an integer"),
        ("max_steps", 2.5, "Input should be a valid integer, got a number with a fractional part"),
        ("max_steps", "1e3", "Input should be a valid integer, unable to parse string as an integer"),
        ("max_steps", "", "Input should be a valid integer, unable to parse string as an integer"),
        ("skip_verification", "maybe", "Input should be a valid boolean, unable to interpret input"),
        ("skip_verification", 2, "Input should be a valid boolean, unable to interpret input"),
        ("skip_verification", "2", "Input should be a valid boolean, unable to interpret input"),
        ("skip_verification", .null, "Input should be a valid boolean"),
        ("skip_verification_reward", "abc", "Input should be a valid number, unable to parse string as a number"),
        ("skip_verification_reward", .null, "Input should be a valid number"),
    ]

    @Test(arguments: refused)
    func refusesWhatPydanticRefusesNamingTheField(key: String, value: JSONValue, reason: String) {
        do {
            _ = try SimpleAgent.Configuration(name: "my_agent", block: [key: value])
            Issue.record("expected \(key): \(value.jsonString()) to be refused")
        } catch {
            #expect("\(error)" == "agent 'my_agent': \(key): \(reason) (got \(value.jsonString()))")
        }
    }

    @Test func valuesFromEnvironmentInterpolationsAreStringsAndStillWork() throws {
        let config = try GlobalConfig.parse("""
            a:
              responses_api_agents:
                simple_agent:
                  max_steps: ${oc.env:TEST_MAX_STEPS,5}
                  skip_verification: ${oc.env:TEST_SKIP,false}
            """, source: "test.yaml").resolved(environment: ["TEST_SKIP": "yes"])
        let block = try #require(config.serverInstances.first?.block)
        let c = try SimpleAgent.Configuration(name: "a", block: block)
        #expect(c.maxSteps == 5)
        #expect(c.skipVerification)
    }

    @Test func namesTheKeysItDoesNotUseInBlockOrder() {
        let block: JSONObject = ["entrypoint": "app.py", "observability_enabled": true, "max_step": 3, "datasets": [], "num_workers": 2]
        #expect(SimpleAgent.Configuration.unusedKeys(in: block) == ["observability_enabled", "max_step"])
    }
}
