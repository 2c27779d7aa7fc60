import Foundation
import Testing
@testable import NeMoGym
@testable import SwiftGymCLI

@Suite struct ConfigShowCommandTests {
    static let agent = TestPaths.fixture("configs/agent.yaml").path
    static let env = TestPaths.fixture("configs/env.yaml").path

    func run(_ arguments: [String]) async -> (code: Int32, out: String, err: String) {
        let (console, output) = Console.capturing()
        let code = await GymCLI.main(["config", "show"] + arguments, console: console)
        return (code, output.standardOutput, output.standardError)
    }

    @Test func printsTheMergedConfigAsYAMLThatReadsBack() async throws {
        let result = await run([Self.agent, Self.env])
        #expect(result.code == 0)
        #expect(result.out.contains("      max_steps: 3\n"))
        let expected = try GlobalConfig.load(files: [Self.agent, Self.env]).values
        #expect(try YAMLReader.parse(result.out) == .object(expected))
    }

    @Test func printsJSONKeepingIntsAndFloatsApart() async throws {
        let result = await run(["--json", Self.agent])
        let value = try JSONValue(parsing: result.out)
        #expect(value["example_agent"]?["responses_api_agents"]?["simple_agent"]?["max_steps"]?.number?.text == "10")
        #expect(value.object?.keys.first == "policy_base_url")
    }

    @Test func resolveListsEveryMissingValue() async {
        let result = await run(["--resolve", Self.agent])
        #expect(result.code == 1)
        #expect(result.err.hasPrefix("error: 2 required config value(s) are unset"))
        #expect(result.err.contains("  - policy_base_url\n") && result.err.contains("  - policy_api_key\n"))
        let resolved = await run(["--resolve", "--json", Self.agent, Self.env])
        #expect(resolved.code == 0)
        #expect(resolved.out.contains("\"openai_base_url\":\"https://api.example.com/v1\""))
    }

    @Test func yamlErrorsPrintFileLineAndColumn() async throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("bad-\(UUID().uuidString).yaml")
        try "a: 1\na: 2\n".write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let result = await run([file.path])
        #expect(result.code == 1)
        #expect(result.err.hasPrefix("error: \(file.path):2:1: found duplicate key 'a'"))
    }

    @Test func needsAtLeastOneFile() async {
        #expect(await run([]).code == 2)
        #expect(await run(["--help"]).out.hasPrefix("USAGE: swift-gym config show"))
    }
}
