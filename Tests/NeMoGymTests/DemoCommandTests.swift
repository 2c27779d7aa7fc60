import Foundation
import Testing
@testable import NeMoGym

@Suite struct DemoCommandTests {
    @Test func runsOfflineAndWritesRollouts() async throws {
        let dir = NSTemporaryDirectory() + "demo-\(UUID().uuidString)"
        let path = dir + "/nested/demo.jsonl"
        let (console, output) = Console.capturing()
        let code = await GymCLI.main(["demo", "--output", path], console: console)
        #expect(code == 0)
        let out = output.standardOutput
        #expect(out.contains("mean/reward"))
        #expect(out.contains("Per-task rewards:"))
        #expect(out.contains(path))
        #expect(output.standardError.contains("Collecting rollouts: 21/21 (100%)"))
        let results = try JSONLFile.readObjects(path).map(\.object)
        #expect(results.count == DemoEnvironment.questions.count * DemoCommand.repeats)
        let rewards = results.compactMap { $0["reward"]?.double }
        #expect(rewards.contains(1) && rewards.contains(0))
        #expect(FileManager.default.fileExists(atPath: RolloutOutputFiles(output: path).aggregateMetrics))
    }

    @Test func policyNeedsTwoToolCallsForComparisons() async throws {
        let agent = DemoEnvironment.agent()
        var row = DemoEnvironment.taskRows[4]
        row["agent_ref"] = ["name": .string(DemoEnvironment.agentName)]
        let result = try await agent.run(RunRequest(validating: .object(row)), context: AgentCallContext())
        #expect(result.reward == 1)
        #expect(result.response.output.filter { $0.type == "function_call" }.count == 2)
    }

    @Test func rejectsUnknownArguments() async {
        let (console, output) = Console.capturing()
        #expect(await GymCLI.main(["demo", "extra"], console: console) == 2)
        #expect(output.standardError.contains("unexpected argument 'extra'"))
    }
}
