import Foundation
import Testing
@testable import NeMoGym
@testable import SwiftGymCLI

/// Hydra-style overrides (`key=value`, `+key=value`, `++key=value`) applied after the config files.
@Suite struct ConfigOverrideTests {
    static let agent = TestPaths.fixture("configs/agent.yaml").path

    @Test func parsesTheThreeModesAndDottedKeys() throws {
        let plain = try ConfigOverride.parse("example_agent.responses_api_agents.simple_agent.max_steps=3")
        #expect(plain.mode == .override)
        #expect(plain.path == ["example_agent", "responses_api_agents", "simple_agent", "max_steps"])
        #expect(plain.value == 3)
        #expect(try ConfigOverride.parse("+a=1").mode == .add)
        #expect(try ConfigOverride.parse("++a.b=1").mode == .addOrOverride)
        #expect(try ConfigOverride.parse("++a.b=1").key == "a.b")
        #expect(try ConfigOverride.parse("++a.b[0].c=1").path == ["a", "b", "0", "c"])
        #expect(try ConfigOverride.parse("++url=http://h:8000/v1?a=b").value == "http://h:8000/v1?a=b")
        for bad in ["noequals", "=3", "++a..b=1", "+.a=1"] {
            let error = try #require(throws: ConfigError.self) { try ConfigOverride.parse(bad) }
            #expect(error.code == .invalidOverride)
            #expect(error.message.contains("'\(bad)'"))
        }
    }

    @Test(arguments: [
        ("3", JSONValue.int(3)), ("-2", .int(-2)), ("1e-5", (try? JSONValue(parsing: "1e-5")) ?? .null), ("2.0", (try? JSONValue(parsing: "2.0")) ?? .null),
        ("true", .bool(true)), ("False", .bool(false)), ("null", .null), ("", .string("")),
        ("'3'", .string("3")), ("\"yes\"", .string("yes")), ("hello world", .string("hello world")),
        ("[a, 1]", .array([.string("a"), .int(1)])), ("{k: v, n: 2}", .object(["k": "v", "n": 2])),
        ("${oc.env:HOME,/tmp}", .string("${oc.env:HOME,/tmp}")), ("???", .string("???")),
        ("a: b", .string("a: b")), ("x #y", .string("x #y")),
    ])
    func valuesReadAsYAMLScalarsAndFlowCollections(_ text: String, _ expected: JSONValue) throws {
        #expect(try ConfigOverride.parse("++k=" + text).value == expected)
    }

    @Test func plainOverridesReplaceExistingKeysOnly() throws {
        let config = try GlobalConfig.load(files: [Self.agent])
        let changed = try config.applying(overrides: [
            try .parse("example_agent.responses_api_agents.simple_agent.max_steps=2"),
            try .parse("example_agent.responses_api_agents.simple_agent.datasets.0.name=eval"),
        ])
        let block = changed.values["example_agent"]?["responses_api_agents"]?["simple_agent"]
        #expect(block?["max_steps"] == 2)
        #expect(block?["datasets"]?[0]?["name"] == "eval")
        // Key order is kept.
        #expect(Array(changed.values.keys) == Array(config.values.keys))

        let error = try #require(throws: ConfigError.self) {
            try config.applying(overrides: [try .parse("example_agent.responses_api_agents.simple_agent.max_step=2")])
        }
        #expect(error.code == .invalidOverride)
        #expect(error.message.contains("no key 'example_agent.responses_api_agents.simple_agent.max_step'"))
        #expect(error.message.contains("did you mean 'example_agent.responses_api_agents.simple_agent.max_steps'"))
        #expect(error.message.contains("'+example_agent.responses_api_agents.simple_agent.max_step=…'"))
    }

    @Test func addRefusesAKeyThatIsSetAndAddOrOverrideDoesEither() throws {
        let config = try GlobalConfig.load(files: [Self.agent])
        let added = try config.applying(overrides: [try .parse("+new.nested.key=1"), try .parse("++policy_model_name=m2")])
        #expect(added.values["new"] == ["nested": ["key": 1]])
        #expect(added.values["policy_model_name"] == "m2")
        #expect(added.values.keys.last == "new")

        let error = try #require(throws: ConfigError.self) {
            try config.applying(overrides: [try .parse("+policy_model_name=m2")])
        }
        #expect(error.message.contains("'policy_model_name' is already set (to \"gpt-test\")"))
        #expect(error.message.contains("'++policy_model_name=…'"))
        // A mapping merges into a mapping, as Hydra merges.
        let merged = try config.applying(overrides: [try .parse("+example_resources.resources_servers.example_multi_step={port: 9}")])
        let block = merged.values["example_resources"]?["resources_servers"]?["example_multi_step"]
        #expect(block?["port"] == 9 && block?["domain"] == "agent")
        // Through a scalar or past the end of a list: one error naming the place.
        let scalar = try #require(throws: ConfigError.self) { try config.applying(overrides: [try .parse("++policy_model_name.x=1")]) }
        #expect(scalar.message.contains("'policy_model_name' is \"gpt-test\", not a mapping"))
        let list = try #require(throws: ConfigError.self) {
            try config.applying(overrides: [try .parse("++example_agent.responses_api_agents.simple_agent.datasets.5.name=x")])
        }
        #expect(list.message.contains("is a list of 1 item(s)"))
    }

    @Test func configShowAppliesOverridesAfterTheFilesAndResolvesThem() async throws {
        let (console, output) = Console.capturing()
        let code = await GymCLI.main(["config", "show", "--resolve", "--json", Self.agent,
                                      "++policy_base_url=http://127.0.0.1:9/v1", "++policy_api_key=k",
                                      "example_agent.responses_api_agents.simple_agent.max_steps=4"], console: console)
        #expect(code == 0, "\(output.standardError)")
        let value = try JSONValue(parsing: output.standardOutput)
        #expect(value["policy_model"]?["responses_api_models"]?["openai_model"]?["openai_base_url"] == "http://127.0.0.1:9/v1")
        #expect(value["example_agent"]?["responses_api_agents"]?["simple_agent"]?["max_steps"] == 4)

        let (badConsole, bad) = Console.capturing()
        #expect(await GymCLI.main(["config", "show", Self.agent, "+policy_model_name=x"], console: badConsole) == 1)
        #expect(bad.standardError.hasPrefix("error: cannot apply '+policy_model_name=x': "))
        // The ??? hint suggests overrides the command accepts.
        let (missingConsole, missing) = Console.capturing()
        #expect(await GymCLI.main(["config", "show", "--resolve", Self.agent], console: missingConsole) == 1)
        #expect(missing.standardError.contains("  ++policy_base_url=VALUE ++policy_api_key=VALUE\n"))
    }

    @Test func anArgumentIsAnOverrideWhenItLooksLikeOneAndNoFileHasItsName() {
        #expect(ConfigOverride.looksLikeOverride("++a=1"))
        #expect(ConfigOverride.looksLikeOverride("+a.b=1"))
        #expect(ConfigOverride.looksLikeOverride("a.b-c_d=x=y"))
        #expect(!ConfigOverride.looksLikeOverride("configs/a=b.yaml"))
        #expect(!ConfigOverride.looksLikeOverride(Self.agent))
        #expect(!ConfigOverride.looksLikeOverride("=x"))
    }
}
