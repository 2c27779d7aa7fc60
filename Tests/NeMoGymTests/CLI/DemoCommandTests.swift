import Foundation
import Testing
@testable import NeMoGym
@testable import SwiftGymCLI

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
        let files = RolloutOutputFiles(output: path)
        #expect(FileManager.default.fileExists(atPath: files.aggregateMetrics))
        // Every file the demo wrote is listed.
        #expect(out.contains(files.materializedInputs) && out.contains(files.aggregateMetrics))
        for name in try FileManager.default.contentsOfDirectory(atPath: dir + "/nested") {
            #expect(out.contains(dir + "/nested/" + name), "\(name) is not listed")
        }

        // A second run over the same path is refused without --overwrite, and replaces it with.
        let (again, againOutput) = Console.capturing()
        #expect(await GymCLI.main(["demo", "--output", path], console: again) == 2)
        #expect(againOutput.standardError.contains("--overwrite"))
        let (third, _) = Console.capturing()
        #expect(await GymCLI.main(["demo", "--output", path, "--overwrite"], console: third) == 0)
        #expect(try JSONLFile.readObjects(path).count == results.count)
    }

    @Test func aDirectoryAsOutputIsAUsageErrorThatDeletesNothing() async throws {
        let dir = NSTemporaryDirectory() + "demo-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try Data("precious\n".utf8).write(to: URL(fileURLWithPath: dir + "/keep.txt"))
        for output in [dir, dir + "/"] {
            let (console, output) = (Console.capturing().0, output)
            #expect(await GymCLI.main(["demo", "-o", output, "--overwrite"], console: console) == 2)
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["keep.txt"])
        let (console, help) = Console.capturing()
        _ = await GymCLI.main(["demo", "--help"], console: console)
        #expect(help.standardOutput.contains("--overwrite"))
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
