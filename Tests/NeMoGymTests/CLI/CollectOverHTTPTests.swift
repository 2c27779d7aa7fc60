import Foundation
import Testing
@testable import NeMoGym
@testable import SwiftGymCLI

/// `swift-gym collect` end to end over real loopback sockets: an in-process agent server (or a fake head server in
/// front of agents), the command run through `GymCLI.main`, the files and the exit code checked.
@Suite(.timeLimit(.minutes(1))) struct CollectOverHTTPTests {
    /// A temp dir with `in.jsonl` holding one row per input text (no agent_ref unless `agents` names one per row).
    private func workspace(inputs: [String], agents: [String]? = nil) throws -> (dir: String, input: String, output: String) {
        let dir = try LoopbackServers.temporaryDirectory("collect-http")
        let rows: [JSONValue] = inputs.enumerated().map { i, text in
            var row: JSONObject = ["responses_create_params": ["input": .string(text)], "id": .int(i)]
            if let agents { row["agent_ref"] = ["name": .string(agents[i])] }
            return .object(row)
        }
        try LoopbackServers.writeJSONL(rows, to: dir + "/in.jsonl")
        return (dir, dir + "/in.jsonl", dir + "/out/rollouts.jsonl")
    }

    private func collect(_ arguments: [String]) async -> (Int32, CapturedOutput) {
        let (console, output) = Console.capturing()
        let code = await GymCLI.main(["collect"] + arguments, console: console)
        return (code, output)
    }

    private func exists(_ path: String) -> Bool { FileManager.default.fileExists(atPath: path) }

    private func errorLines(_ output: CapturedOutput) -> [Substring] {
        output.standardError.split(separator: "\n").filter { $0.hasPrefix("error: ") }
    }

    /// Whether the request the model got holds `text` somewhere in its input.
    private static func mentions(_ request: ModelRequest, _ text: String) -> Bool {
        JSONValue.object(request.params.json).jsonString().contains(text)
    }

    @Test func collectsFromAnAgentServer() async throws {
        let (server, url) = try await LoopbackServers.agentServer(name: "math", model: LoopbackServers.answeringModel())
        let w = try workspace(inputs: ["q0", "q1", "q2"])
        let (code, output) = await collect(["-i", w.input, "-o", w.output, "--agent-url", url, "--agent", "math",
                                            "--num-repeats", "2", "--concurrency", "3"])
        #expect(code == 0)
        #expect(errorLines(output).isEmpty)

        let results = try JSONLFile.readObjects(w.output).map(\.object)
        #expect(results.count == 6)
        let keys = Set(results.compactMap { r in r["_ng_task_index"]?.int.flatMap { t in r["_ng_rollout_index"]?.int.map { "\(t):\($0)" } } })
        #expect(keys == ["0:0", "0:1", "1:0", "1:1", "2:0", "2:1"])
        #expect(results.allSatisfy { $0["agent_ref"] == ["name": "math"] && $0["reward"] == 1.0 && $0["response"]?["output"] != nil })

        let materialized = try JSONLFile.readObjects(w.dir + "/out/rollouts_materialized_inputs.jsonl").map(\.object)
        #expect(materialized.count == 6)
        #expect(materialized.map { $0["_ng_rollout_index"]?.int } == [0, 1, 0, 1, 0, 1])
        #expect(!exists(w.dir + "/out/rollouts_failures.jsonl"))

        let metricsText = try String(contentsOfFile: w.dir + "/out/rollouts_aggregate_metrics.json", encoding: .utf8)
        let metrics = try #require(try JSONValue(parsing: metricsText).array)
        #expect(metrics.count == 1)
        #expect(metrics.first?["agent_ref"] == ["name": "math"])
        #expect(metrics.first?["key_metrics"]?["mean/reward"] == 1.0)
        #expect(metrics.first?["group_level_metrics"]?.array?.count == 3)

        #expect(output.standardOutput.contains("Collected 6 rollout(s) this run: 6 succeeded, 0 failed."))
        #expect(output.standardOutput.contains("Key metrics for math:"))
        #expect(output.standardOutput.contains("\"mean/reward\": 1.0"))
        #expect(output.standardOutput.contains("Aggregate metrics: " + w.dir + "/out/rollouts_aggregate_metrics.json"))
        #expect(output.standardError.contains("Collecting rollouts: 6/6 (100%)"))
        await server.shutdown()
    }

    @Test func failedRowsAreRecordedAndTheOthersWritten() async throws {
        let model = ScriptedModelClient { request, _ in
            if Self.mentions(request, "FAIL") { throw InnerServerError(server: "policy", status: 503, body: Array("overloaded".utf8)) }
            return ModelReply(body: .object(ModelResponse.make(id: "r", output: [.assistantMessage("ok")]).json))
        }
        let (server, url) = try await LoopbackServers.agentServer(name: "math", model: model)
        let w = try workspace(inputs: ["q0", "FAIL", "q2"])
        let (code, output) = await collect(["-i", w.input, "-o", w.output, "--agent-url", url, "--agent", "math",
                                            "--num-repeats", "2", "--concurrency", "3"])
        #expect(code == 3)
        #expect(errorLines(output).isEmpty)
        let results = try JSONLFile.readObjects(w.output).map(\.object)
        #expect(results.count == 4)
        #expect(Set(results.compactMap { $0["_ng_task_index"]?.int }) == [0, 2])

        let failures = try JSONLFile.readObjects(w.dir + "/out/rollouts_failures.jsonl").map(\.object)
        #expect(failures.count == 2)
        for failure in failures {
            #expect(failure["_ng_failure_class"] == "http_500")
            #expect(failure["_ng_failure_detail"]?.string?.contains("Hit an exception in SimpleAgent___math calling an inner server: overloaded") == true)
            #expect(failure["_ng_task_index"] == 1)
            #expect(failure["_ng_attempt_index"] == 0)
            #expect(failure["responses_create_params"]?["input"] == "FAIL")
        }
        #expect(output.standardOutput.contains("6 rollout(s) this run: 4 succeeded, 2 failed"))
        #expect(output.standardOutput.contains("2 rollout(s) have not succeeded; run again with --resume"))
        #expect(output.standardOutput.contains("Failures: " + w.dir + "/out/rollouts_failures.jsonl"))
        await server.shutdown()
    }

    /// With the default 60 s retry window: a retry loop at setup would hit the time limit.
    @Test func unreachableAgentFailsAtOnceWithOneLine() async throws {
        let url = try await LoopbackServers.refusedURL()
        let w = try workspace(inputs: ["q0", "q1"])
        let (code, output) = await collect(["-i", w.input, "-o", w.output, "--agent-url", url, "--agent", "math"])
        #expect(code == 1)
        let lines = output.standardError.split(separator: "\n")
        #expect(lines.count == 1)
        #expect(lines.first?.hasPrefix("error: the agent at \(url) is not reachable") == true)
        #expect(lines.first?.contains("gym serve") == true)
        #expect(output.standardOutput.isEmpty)
        #expect(!exists(w.output))
        #expect(!exists(w.dir + "/out/rollouts_materialized_inputs.jsonl"))
    }

    @Test func headServerWithAnUnknownAgentFailsBeforeDispatch() async throws {
        let model = LoopbackServers.answeringModel()
        let (agent, agentURL) = try await LoopbackServers.agentServer(name: "math", model: model)
        let config = LoopbackServers.config(agents: [("math", LoopbackServers.port(of: agentURL)), ("code", LoopbackServers.port(of: agentURL))])
        let (head, headURL) = try await LoopbackServers.headServer(config: config)
        let w = try workspace(inputs: ["q0", "q1"])
        let (code, output) = await collect(["-i", w.input, "-o", w.output, "--head-server", headURL, "--agent", "chess"])
        #expect(code == 1)
        let lines = errorLines(output)
        #expect(lines.count == 1)
        #expect(lines.first?.contains("the head server at \(headURL) has no agent instance named 'chess'") == true)
        #expect(lines.first?.contains("known agents: code, math") == true)
        #expect(model.callCount == 0)
        #expect(!exists(w.output))
        #expect(!exists(w.dir + "/out/rollouts_materialized_inputs.jsonl"))
        for server in [agent, head] { await server.shutdown() }
    }

    @Test func headServerRoutesRowsToTheirAgents() async throws {
        let (math, mathURL) = try await LoopbackServers.agentServer(name: "math", model: LoopbackServers.answeringModel("m"), reward: { _ in 1 })
        let (code, codeURL) = try await LoopbackServers.agentServer(name: "code", model: LoopbackServers.answeringModel("c"), reward: { _ in 0 })
        let config = LoopbackServers.config(agents: [("math", LoopbackServers.port(of: mathURL)), ("code", LoopbackServers.port(of: codeURL))])
        let (head, headURL) = try await LoopbackServers.headServer(config: config)
        let w = try workspace(inputs: ["q0", "q1", "q2"], agents: ["math", "code", "math"])
        let (exit, output) = await collect(["-i", w.input, "-o", w.output, "--head-server", headURL, "--num-repeats", "2"])
        #expect(exit == 0)
        let results = try JSONLFile.readObjects(w.output).map(\.object)
        #expect(results.count == 6)
        for result in results {
            let agent = result["agent_ref"]?["name"]?.string
            #expect(result["reward"] == (agent == "math" ? 1.0 : 0.0))
            #expect(result["response"]?["output"]?[0]?["content"]?[0]?["text"]?.string == (agent == "math" ? "m" : "c"))
        }
        let metricsText = try String(contentsOfFile: w.dir + "/out/rollouts_aggregate_metrics.json", encoding: .utf8)
        let entries = try #require(try JSONValue(parsing: metricsText).array)
        #expect(Set(entries.compactMap { $0["agent_ref"]?["name"]?.string }) == ["math", "code"])
        #expect(output.standardOutput.contains("Key metrics for math:") && output.standardOutput.contains("Key metrics for code:"))
        for server in [math, code, head] { await server.shutdown() }
    }

    /// The agent server goes away while a rollout is in flight: that rollout and the next are retried for
    /// `--retry-seconds`, then recorded as `connection_error`.
    @Test func lostAgentMidRunBecomesConnectionErrorFailures() async throws {
        let (started, signal) = AsyncStream.makeStream(of: Void.self)
        let model = ScriptedModelClient { _, call in
            if call >= 1 {
                signal.yield()
                try await Task.sleep(for: .seconds(30))  // until the server cancels the handler
            }
            return ModelReply(body: .object(ModelResponse.make(id: "r", output: [.assistantMessage("ok")]).json))
        }
        let (server, url) = try await LoopbackServers.agentServer(name: "math", model: model)
        let w = try workspace(inputs: ["q0", "q1", "q2"])
        async let run = collect(["-i", w.input, "-o", w.output, "--agent-url", url, "--agent", "math",
                                 "--concurrency", "1", "--retry-seconds", "0.3"])
        for await _ in started { break }
        await server.shutdown()
        let (code, output) = await run

        #expect(code == 3)
        #expect(try JSONLFile.readObjects(w.output).count == 1)
        let failures = try JSONLFile.readObjects(w.dir + "/out/rollouts_failures.jsonl").map(\.object)
        #expect(failures.count == 2)
        #expect(failures.allSatisfy { $0["_ng_failure_class"] == "connection_error" })
        #expect(failures.allSatisfy { $0["_ng_failure_detail"]?.string?.contains("(gave up after retrying for 0.3 s)") == true })
        #expect(failures.allSatisfy { $0["_ng_failure_detail"]?.string?.contains(url + "/run") == true })
        #expect(output.standardOutput.contains("1 succeeded, 2 failed"))
    }

    /// The agent server restarts on the same port within `--retry-seconds`: the interrupted rollouts succeed.
    @Test func agentRestartWithinTheRetryWindowIsTransparent() async throws {
        let (started, signal) = AsyncStream.makeStream(of: Void.self)
        let model = ScriptedModelClient { _, call in
            if call == 1 {
                signal.yield()
                try await Task.sleep(for: .seconds(30))
            }
            return ModelReply(body: .object(ModelResponse.make(id: "r", output: [.assistantMessage("ok")]).json))
        }
        let (server, url) = try await LoopbackServers.agentServer(name: "math", model: model)
        let w = try workspace(inputs: ["q0", "q1", "q2"])
        async let run = collect(["-i", w.input, "-o", w.output, "--agent-url", url, "--agent", "math",
                                 "--concurrency", "1", "--retry-seconds", "30"])
        for await _ in started { break }
        await server.shutdown()
        let agent = SimpleAgent(configuration: .init(name: "math"), model: LoopbackServers.answeringModel(),
                                resources: InProcessResourcesClient(reward: { _ in 1 }))
        let again = AgentHTTPServer(configuration: .init(port: LoopbackServers.port(of: url)), handler: AgentServer(agent: agent).handler)
        _ = try await again.start()
        let (code, output) = await run
        #expect(code == 0)
        #expect(try JSONLFile.readObjects(w.output).count == 3)
        #expect(!exists(w.dir + "/out/rollouts_failures.jsonl"))
        #expect(output.standardOutput.contains("3 succeeded, 0 failed"))
        await again.shutdown()
    }

    // MARK: - Summary

    /// An agent whose `/aggregate_metrics` has empty key metrics: the summary shows its `mean/*` metrics.
    @Test func summaryFallsBackToMeanAgentMetrics() async throws {
        let (server, url) = try await LoopbackServers.start { request in
            switch request.path {
            case "/run": return .json(["response": ["output": []], "reward": 0.75])
            case "/aggregate_metrics":
                return .json(["agent_metrics": ["mean/reward": 0.75, "std/reward": 0.0, "mean/turns": 2], "key_metrics": [:], "group_level_metrics": []])
            default: return .json(["status": "ok"])
            }
        }
        let w = try workspace(inputs: ["q0"])
        let (code, output) = await collect(["-i", w.input, "-o", w.output, "--agent-url", url, "--agent", "custom"])
        #expect(code == 0)
        #expect(output.standardOutput.contains("Key metrics for custom (none reported; mean/* of agent_metrics):"))
        #expect(output.standardOutput.contains("\"mean/reward\": 0.75"))
        #expect(output.standardOutput.contains("\"mean/turns\": 2"))
        #expect(!output.standardOutput.contains("std/reward"))
        #expect(!output.standardOutput.contains("{}"))
        await server.shutdown()
    }

    @Test func summarySaysWhenThereAreNoMetricsAtAll() {
        let (console, output) = Console.capturing()
        CollectCommand.printMetrics(.init(agentName: "bare", metrics: AggregateMetrics(agentMetrics: ["max/reward": 1])), console: console)
        #expect(output.standardOutput == "Key metrics for bare: none (the agent reported no key metrics and no mean/* agent metrics).\n")
    }
}
