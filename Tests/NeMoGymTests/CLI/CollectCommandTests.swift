import Foundation
import Synchronization
import Testing
@testable import NeMoGym
@testable import SwiftGymCLI

@Suite struct CollectCommandTests {
    private func temporaryDirectory() throws -> String {
        let path = NSTemporaryDirectory() + "collect-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    private func run(_ arguments: [String], environment: [String: String] = [:],
                     endpoint: (any RolloutAgentEndpoint)? = nil) async -> (Int32, CapturedOutput) {
        let (console, output) = Console.capturing()
        do {
            let code = try await CollectCommand.run(arguments, console: console, environment: environment) { _ in
                guard let endpoint else { throw RolloutEndpointError(message: "no endpoint") }
                return endpoint
            }
            return (code, output)
        } catch let error as UsageError {
            console.printError(error.message)
            return (2, output)
        } catch {
            console.printError("error: \(error)")
            return (1, output)
        }
    }

    @Test(arguments: [
        (["-o", "o.jsonl", "--agent-url", "http://x"], "missing -i/--input"),
        (["-i", "i.jsonl", "--agent-url", "http://x"], "missing -o/--output"),
        (["-i", "i.jsonl", "-o", "o.jsonl"], "missing --agent-url"),
        (["-i", "i.jsonl", "-o", "o.jsonl", "--agent-url", "u", "--head-server", "h"], "not both"),
        (["-i", "i.jsonl", "-o", "o.jsonl", "--agent-url", "u", "--num-repeats", "0"], "--num-repeats"),
        (["-i", "i.jsonl", "-o", "o.jsonl", "--agent-url", "u", "--concurrency", "x"], "--concurrency"),
    ])
    func usageErrors(_ arguments: [String], _ message: String) async {
        let (console, output) = Console.capturing()
        #expect(await GymCLI.main(["collect"] + arguments, console: console) == 2)
        #expect(output.standardError.contains(message))
    }

    @Test func maxAttemptsFromEnvironment() throws {
        let base = ["-i", "i", "-o", "o", "--agent-url", "u"]
        #expect(try CollectCommand.parse(base, environment: ["NEMO_GYM_MAX_ROLLOUT_ATTEMPTS": "5"]).collector.maxAttempts == 5)
        let bad = try CollectCommand.parse(base, environment: ["NEMO_GYM_MAX_ROLLOUT_ATTEMPTS": "0"])
        #expect(bad.collector.maxAttempts == 3 && bad.warnings.count == 1)
        #expect(try CollectCommand.parse(base + ["--max-attempts", "7"], environment: ["NEMO_GYM_MAX_ROLLOUT_ATTEMPTS": "5"]).collector.maxAttempts == 7)
        let options = try CollectCommand.parse(base + ["--temperature", "0.5", "--max-output-tokens", "64", "--num-repeats", "{\"a\": 2}"], environment: [:])
        #expect(options.preprocessing.createParamsOverrides == ["temperature": 0.5, "max_output_tokens": 64])
        #expect(options.preprocessing.numRepeats == .perAgent(["a": 2], default: nil))
    }

    @Test func inputErrorsExitOne() async throws {
        let dir = try temporaryDirectory()
        let (missing, output) = await run(["-i", dir + "/none.jsonl", "-o", dir + "/o.jsonl", "--agent-url", "u", "-a", "x"])
        #expect(missing == 1)
        #expect(output.standardError.contains("Input file not found"))
        try Data("{\"responses_create_params\":{}}\n\n".utf8).write(to: URL(fileURLWithPath: dir + "/bad.jsonl"))
        let (blank, blankOutput) = await run(["-i", dir + "/bad.jsonl", "-o", dir + "/o.jsonl", "--agent-url", "u", "-a", "x"])
        #expect(blank == 1)
        #expect(blankOutput.standardError.contains("bad.jsonl line 2"))
    }

    @Test func endpointNotAvailableYet() async throws {
        let (console, output) = Console.capturing()
        let input = TestPaths.fixture("rollouts/tasks.jsonl").path
        let dir = try temporaryDirectory()
        #expect(await GymCLI.main(["collect", "-i", input, "-o", dir + "/o.jsonl", "--agent-url", "http://127.0.0.1:1", "-a", "x"], console: console) == 1)
        #expect(output.standardError.hasPrefix("error: "))
    }

    @Test func exitCodesReflectFailures() async throws {
        let dir = try temporaryDirectory()
        let input = TestPaths.fixture("rollouts/tasks.jsonl").path
        let agent = SimpleAgent(configuration: .init(name: "a"),
                                model: ScriptedModelClient(turns: [[.assistantMessage("done")]], repeatsLastStep: true),
                                resources: InProcessResourcesClient(reward: { _ in 1 }))
        let endpoint = InProcessAgentEndpoint(agent)
        let (ok, output) = await run(["-i", input, "-o", dir + "/o.jsonl", "--agent-url", "u", "-a", "a", "--num-repeats", "2"], endpoint: endpoint)
        #expect(ok == 0)
        #expect(output.standardOutput.contains("8 succeeded, 0 failed"))
        #expect(output.standardOutput.contains("\"mean/reward\": 1.0"))

        let broken = SimpleAgent(configuration: .init(name: "a"), model: ScriptedModelClient(steps: [.httpError(status: 500, body: "down")], repeatsLastStep: true),
                                 resources: InProcessResourcesClient(reward: { _ in 1 }))
        let (failed, failedOutput) = await run(["-i", input, "-o", dir + "/p.jsonl", "--agent-url", "u", "-a", "a"], endpoint: InProcessAgentEndpoint(broken))
        #expect(failed == 3)
        #expect(failedOutput.standardOutput.contains("0 succeeded, 4 failed"))
        #expect(try JSONLFile.readObjects(dir + "/p_failures.jsonl").allSatisfy { $0.object["_ng_failure_class"] == "http_500" })

        // Resume with a working agent finishes the job: exit 0.
        let (resumed, resumedOutput) = await run(["-i", input, "-o", dir + "/p.jsonl", "--agent-url", "u", "-a", "a", "--resume"], endpoint: endpoint)
        #expect(resumed == 0)
        #expect(resumedOutput.standardError.contains("Resumed from cache"))
        #expect(try JSONLFile.readObjects(dir + "/p.jsonl").count == 4)
    }

    /// D14: `-o` naming a directory (or ending in `/`) is a usage error that deletes nothing; a previous run's
    /// output is refused without --resume or --overwrite; --overwrite replaces it.
    @Test func outputMustBeAFileAndIsNeverReplacedSilently() async throws {
        let dir = try temporaryDirectory()
        let input = TestPaths.fixture("rollouts/tasks.jsonl").path
        try FileManager.default.createDirectory(atPath: dir + "/out", withIntermediateDirectories: true)
        try Data("precious\n".utf8).write(to: URL(fileURLWithPath: dir + "/out/keep.txt"))
        let agent = SimpleAgent(configuration: .init(name: "a"),
                                model: ScriptedModelClient(turns: [[.assistantMessage("done")]], repeatsLastStep: true),
                                resources: InProcessResourcesClient(reward: { _ in 1 }))
        let endpoint = InProcessAgentEndpoint(agent)
        for output in [dir + "/out", dir + "/out/"] {
            let (code, captured) = await run(["-i", input, "-o", output, "--agent-url", "u", "-a", "a", "--overwrite"], endpoint: endpoint)
            #expect(code == 2)
            #expect(captured.standardError.contains("must name a file") || captured.standardError.contains("is a directory"),
                    "\(captured.standardError)")
        }
        #expect(try String(contentsOfFile: dir + "/out/keep.txt", encoding: .utf8) == "precious\n")

        let out = dir + "/o.jsonl"
        #expect(await run(["-i", input, "-o", out, "--agent-url", "u", "-a", "a"], endpoint: endpoint).0 == 0)
        let before = try String(contentsOfFile: out, encoding: .utf8)
        let (again, againOutput) = await run(["-i", input, "-o", out, "--agent-url", "u", "-a", "a", "--limit", "1"], endpoint: endpoint)
        #expect(again == 2)
        #expect(againOutput.standardError.contains("--resume") && againOutput.standardError.contains("--overwrite"))
        #expect(try String(contentsOfFile: out, encoding: .utf8) == before)
        let (replaced, _) = await run(["-i", input, "-o", out, "--agent-url", "u", "-a", "a", "--limit", "1", "--overwrite"], endpoint: endpoint)
        #expect(replaced == 0)
        #expect(try JSONLFile.readObjects(out).count == 1)
        #expect(await run(["-i", input, "-o", out, "--agent-url", "u", "--resume", "--overwrite"], endpoint: endpoint).0 == 2)
        let (console, help) = Console.capturing()
        _ = await GymCLI.main(["collect", "--help"], console: console)
        #expect(help.standardOutput.contains("--overwrite"))
    }

    /// Ctrl-C: the collection stops, one `interrupted:` line with the --resume hint, exit 130; the file has
    /// only whole lines and `--resume` finishes the run.
    @Test(.timeLimit(.minutes(1)))
    func anInterruptStopsTheCollectionAndExits130() async throws {
        let dir = try temporaryDirectory()
        let input = TestPaths.fixture("rollouts/tasks.jsonl").path
        let out = dir + "/o.jsonl"
        let (agent, started) = RolloutCollectorTests.hangingAgent(answered: 1)
        let interrupts = ManualInterrupts()
        Task {
            var waiting = started.makeAsyncIterator()
            _ = await waiting.next()
            interrupts.fire()
        }
        let (console, output) = Console.capturing()
        let code = try await CollectCommand.run(["-i", input, "-o", out, "--agent-url", "u", "-a", "a", "--concurrency", "1"],
                                                console: console, environment: [:], interrupts: interrupts) { _ in
            InProcessAgentEndpoint(agent)
        }
        #expect(code == 130)
        let lines = output.standardError.split(separator: "\n").filter { $0.hasPrefix("interrupted:") }
        #expect(lines == ["interrupted: 1 of 4 rollouts written to \(out); run again with --resume to finish"])
        #expect(!output.standardOutput.contains("Collected"))
        let bytes = try Data(contentsOf: URL(fileURLWithPath: out))
        #expect(bytes.last == 0x0A && bytes.split(separator: 0x0A).count == 1)

        let (working, _) = RolloutCollectorTests.hangingAgent(answered: .max)
        let (resumed, resumedOutput) = await run(["-i", input, "-o", out, "--agent-url", "u", "-a", "a", "--resume"],
                                                 endpoint: InProcessAgentEndpoint(working))
        #expect(resumed == 0)
        #expect(resumedOutput.standardOutput.contains("4 of 4 rollouts are done in total"))
    }
}

/// An interrupt source a test fires by hand.
private final class ManualInterrupts: InterruptSource {
    private let handler = Mutex<(@Sendable () -> Void)?>(nil)
    private let pending = Mutex(false)
    func start(_ handler: @escaping @Sendable () -> Void) {
        let fireNow = pending.withLock { $0 }
        self.handler.withLock { $0 = handler }
        if fireNow { handler() }
    }
    func stop() { handler.withLock { $0 = nil } }
    func fire() {
        pending.withLock { $0 = true }
        handler.withLock { $0 }?()
    }
}
