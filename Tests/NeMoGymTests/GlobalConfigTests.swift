import Foundation
import Testing
@testable import NeMoGym

@Suite struct GlobalConfigTests {
    static let agent = TestPaths.fixture("configs/agent.yaml").path
    static let env = TestPaths.fixture("configs/env.yaml").path

    @Test func laterFilesWinAndMappingsMergeDeeply() throws {
        let config = try GlobalConfig.load(files: [Self.agent, Self.env])
        let agent = try config.serverInstance(named: "example_agent")
        #expect(agent.block["max_steps"] == 3)
        #expect(agent.block["datasets"] == [])  // lists are replaced, not merged
        #expect(agent.block["entrypoint"] == "app.py")  // kept from the first file
        #expect(config.values["policy_api_key"] == "sk-test")
        #expect(Array(config.values.keys.prefix(3)) == ["policy_base_url", "policy_api_key", "policy_model_name"])
    }

    @Test func laterMissingMarkerDoesNotEraseAValue() {
        let merged = GlobalConfig.merge(["a": 1, "b": ["c": 2]], ["a": "???", "b": ["c": "???", "d": 3]])
        #expect(merged == ["a": 1, "b": ["c": 2, "d": 3]])
    }

    @Test func missingValuesAreReportedTogether() throws {
        let config = try GlobalConfig.load(files: [Self.agent])
        #expect(config.missingValuePaths() == ["policy_base_url", "policy_api_key"])
        let error = try #require(throws: ConfigError.self) { try config.resolved(environment: [:]) }
        #expect(error.code == .missingValues)
        #expect(error.missingPaths == ["policy_base_url", "policy_api_key"])
        #expect(error.message.hasPrefix("2 required config value(s) are unset"))
        #expect(error.message.contains("  - policy_api_key"))
        #expect(error.message.contains("  ++policy_base_url=VALUE ++policy_api_key=VALUE"))
    }

    @Test func missingPathsIncludeListIndices() {
        let config = GlobalConfig(["a": ["b": [["c": "???"], "x"]]])
        #expect(config.missingValuePaths() == ["a.b[0].c"])
    }

    @Test func interpolationsResolveAsOmegaConfDoes() throws {
        let config = try GlobalConfig.load(files: [TestPaths.fixture("configs/interpolations.yaml").path])
        let resolved = try config.resolved(environment: ["NEMOGYM_TEST_SET": "tok", "NEMOGYM_TEST_SET2": "two"])
        let nested = try #require(resolved.values["nested"]?.object)
        #expect(nested["value"] == 10)
        #expect(nested["sibling"] == 10)
        #expect(nested["selected"] == "judge-1")
        #expect(nested["fallback"] == "policy-1")
        #expect(nested["select_null"] == .null)
        #expect(nested["env_int"] == "6000")
        #expect(nested["env_null"] == .null)
        #expect(nested["env_false"] == "False")
        #expect(nested["env_float"] == "1e-06")
        #expect(nested["env_empty"] == "")
        #expect(nested["env_quoted"] == "a, b")
        #expect(nested["env_set"] == "tok")
        #expect(nested["env_nested"] == "two")
        #expect(nested["embedded"] == "Bearer tok")
        #expect(nested["escaped"] == "${not_resolved}")
        #expect(nested["list"] == ["a", 10])
    }

    @Test func undefinedReferenceNamesBothKeys() throws {
        let config = GlobalConfig(["a": ["b": "${nope.c}"]])
        let error = try #require(throws: ConfigError.self) { try config.resolved(environment: [:]) }
        #expect(error.code == .interpolation)
        #expect(error.message.contains("'a.b' references 'nope.c', which is not set after merging"))
    }

    @Test func unsetVariableWithoutDefaultIsAnError() throws {
        let config = GlobalConfig(["a": "${oc.env:NEMOGYM_TEST_UNSET}"])
        let error = try #require(throws: ConfigError.self) { try config.resolved(environment: [:]) }
        #expect(error.message.contains("NEMOGYM_TEST_UNSET"))
    }

    @Test func cyclesAndMalformedInterpolationsAreErrors() throws {
        #expect(throws: ConfigError.self) { try GlobalConfig(["a": "${b}", "b": "${a}"]).resolved(environment: [:]) }
        #expect(throws: ConfigError.self) { try GlobalConfig(["a": "${unclosed"]).resolved(environment: [:]) }
        #expect(throws: ConfigError.self) { try GlobalConfig(["a": "${x:y}"]).resolved(environment: [:]) }
    }

    @Test func serverInstancesHaveTypeImplementationHostAndPort() throws {
        let config = try GlobalConfig.load(files: [Self.agent, Self.env]).resolved(environment: [:])
        #expect(config.serverInstances.map(\.name) == ["example_agent", "example_resources", "policy_model"])
        let agent = try config.serverInstance(named: "example_agent")
        #expect(agent.serverType == "responses_api_agents")
        #expect(agent.implementation == "simple_agent")
        #expect(agent.host == "127.0.0.1")
        #expect(try agent.baseURL() == "http://127.0.0.1:8002")
        let resources = try config.resolveServerRef(agent.block["resources_server"], field: "resources_server", in: agent)
        #expect(try resources.baseURL() == "http://0.0.0.0:8001")
        let model = try config.resolveServerRef(agent.block["model_server"], field: "model_server", in: agent)
        #expect(model.port == 8000)  // "${oc.env:POLICY_PORT,8000}" resolves to the string "8000"
        #expect(model.block["openai_base_url"] == "https://api.example.com/v1")
        try config.validateServerRefs()
    }

    @Test func missingPortIsAnErrorNamingTheBlock() throws {
        let config = GlobalConfig(["m": ["responses_api_models": ["openai_model": ["host": "h"]]]])
        let error = try #require(throws: ConfigError.self) { try config.serverInstance(named: "m").baseURL() }
        #expect(error.code == .missingPort)
        #expect(error.message.contains("m.responses_api_models.openai_model"))
    }

    @Test func unknownRefSuggestsTheClosestInstance() throws {
        let config = try GlobalConfig.load(files: [Self.agent])
        let agent = try config.serverInstance(named: "example_agent")
        let ref: JSONValue = ["type": "responses_api_models", "name": "polcy_model"]
        let error = try #require(throws: ConfigError.self) {
            try config.resolveServerRef(ref, field: "model_server", in: agent)
        }
        #expect(error.code == .serverRefNotFound)
        #expect(error.message.contains("Did you mean 'policy_model'?"))
        let far: JSONValue = ["type": "responses_api_models", "name": "zzz"]
        let other = try #require(throws: ConfigError.self) { try config.resolveServerRef(far, field: "m", in: agent) }
        #expect(other.message.contains("defined: policy_model"))
        let unknown = try #require(throws: ConfigError.self) { try config.serverInstance(named: "example_agnt") }
        #expect(unknown.message.contains("Did you mean 'example_agent'?"))
    }

    @Test func environmentBootstrapReadsYAMLOrJSON() throws {
        let yaml = try GlobalConfig.load(files: [Self.agent, Self.env]).yamlText()
        let (config, name) = try GlobalConfig.fromEnvironment([
            "NEMO_GYM_CONFIG_DICT": yaml, "NEMO_GYM_CONFIG_PATH": "example_agent",
        ])
        #expect(name == "example_agent")
        #expect(try config.serverInstance(named: "policy_model").block["openai_api_key"] == "sk-test")
        let json = #"{"a": {"responses_api_agents": {"simple_agent": {"port": 9}}}}"#
        let fromJSON = try GlobalConfig.fromEnvironment(["NEMO_GYM_CONFIG_DICT": json, "NEMO_GYM_CONFIG_PATH": "a"])
        #expect(try fromJSON.config.serverInstance(named: "a").baseURL() == "http://127.0.0.1:9")
    }

    @Test func environmentBootstrapExplainsWhatIsMissing() throws {
        let noDict = try #require(throws: ConfigError.self) { try GlobalConfig.fromEnvironment([:]) }
        #expect(noDict.code == .missingEnvironment && noDict.message.contains("NEMO_GYM_CONFIG_DICT"))
        let noPath = try #require(throws: ConfigError.self) {
            try GlobalConfig.fromEnvironment(["NEMO_GYM_CONFIG_DICT": "a: 1"])
        }
        #expect(noPath.message.contains("NEMO_GYM_CONFIG_PATH"))
        let unknown = try #require(throws: ConfigError.self) {
            try GlobalConfig.fromEnvironment(["NEMO_GYM_CONFIG_DICT": "a: 1", "NEMO_GYM_CONFIG_PATH": "b"])
        }
        #expect(unknown.code == .unknownInstance)
    }

    @Test func unreadableFileIsAClearError() throws {
        let error = try #require(throws: ConfigError.self) { try GlobalConfig.load(files: ["/nonexistent/x.yaml"]) }
        #expect(error.code == .fileNotFound && error.message.contains("/nonexistent/x.yaml"))
    }

    // MARK: - Messages

    @Test func aConfigThatIsNotAMappingSaysWhatItHoldsWithTheRightArticle() throws {
        for (text, kind) in [("[1, 2]", "holds an array"), ("\"x\"", "holds a string"), ("3", "holds an integer")] {
            do {
                _ = try GlobalConfig.parse(text, source: "NEMO_GYM_CONFIG_DICT")
                Issue.record("\(text) was accepted")
            } catch let error as ConfigError {
                #expect(error.message.contains(kind), "\(error.message)")
            } catch let error as YAMLError {
                // YAML documents that are a single scalar are refused by the reader itself.
                #expect(!error.description.contains(" a a"), "\(error)")
            }
        }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("gc-\(UUID().uuidString).yaml")
        try "- a\n- b\n".write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        #expect(throws: ConfigError.self) { try GlobalConfig.load(files: [file.path]) }
        do { _ = try GlobalConfig.load(files: [file.path]) } catch let error as ConfigError {
            #expect(error.message.contains("holds an array;"), "\(error.message)")
        }
    }

    @Test(arguments: [
        (JSONValue.string("eighty"), "'eighty'", "is not a number"),
        (.number(JSONNumber(unchecked: "80.5")), "80.5", "is not a number"),
        (.bool(true), "true", "is not a number"),
        (.int(70000), "70000", "is out of range"),
        (.int(-1), "-1", "is out of range"),
    ])
    func aPortThatIsNotAPortNumberIsReportedAsSuch(port: JSONValue, shown: String, problem: String) {
        let instance = ServerInstance(name: "policy_model", serverType: "responses_api_models",
                                      implementation: "vllm_model", block: ["port": port])
        #expect(instance.port == nil)
        do {
            _ = try instance.baseURL()
            Issue.record("accepted \(port)")
        } catch let error as ConfigError {
            #expect(error.code == .invalidPort)
            #expect(error.message.contains("has port \(shown)"), "\(error.message)")
            #expect(error.message.contains(problem), "\(error.message)")
            #expect(error.message.contains("expected an integer from 1 to 65535"), "\(error.message)")
            #expect(!error.message.contains("has no port"))
        } catch {
            Issue.record("\(error)")
        }
    }

    @Test func aMissingOrZeroPortStillSaysThereIsNoPort() throws {
        for block: JSONObject in [[:], ["port": nil], ["port": 0], ["port": "0"]] {
            let instance = ServerInstance(name: "m", serverType: "responses_api_models", implementation: "x", block: block)
            #expect(throws: ConfigError.self) { try instance.baseURL() }
            do { _ = try instance.baseURL() } catch let error as ConfigError {
                #expect(error.code == .missingPort)
            }
        }
        let ok = ServerInstance(name: "m", serverType: "t", implementation: "x", block: ["port": "8000"])
        #expect(try ok.baseURL() == "http://127.0.0.1:8000")
    }
}
