import Foundation
import Synchronization
import Testing
@testable import NeMoGym

/// An endpoint whose `/run` answer is chosen per row by a closure.
private struct ScriptedEndpoint: RolloutAgentEndpoint {
    let answer: @Sendable (JSONObject) async throws -> JSONObject
    let calls = CallLog()

    func checkReachable() async throws {}
    func run(_ row: JSONObject) async throws -> JSONObject {
        calls.add(row)
        return try await answer(row)
    }
    func aggregateMetrics(_ request: AggregateMetricsRequest, agentName: String) async throws -> AggregateMetrics {
        calls.addAggregation(request)
        return try MetricsAggregator().aggregate(request.verifyResponses)
    }
}

private final class CallLog: Sendable {
    private let state = Mutex<(runs: [JSONObject], aggregations: [AggregateMetricsRequest])>(([], []))
    func add(_ row: JSONObject) { state.withLock { $0.runs.append(row) } }
    func addAggregation(_ r: AggregateMetricsRequest) { state.withLock { $0.aggregations.append(r) } }
    var runs: [JSONObject] { state.withLock { $0.runs } }
    var aggregations: [AggregateMetricsRequest] { state.withLock { $0.aggregations } }
}

private func temporaryDirectory() throws -> String {
    let path = NSTemporaryDirectory() + "rollouts-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

private func rows(tasks: Int, repeats: Int, agent: String = "a") throws -> [JSONObject] {
    let text = (0..<tasks).map { #"{"responses_create_params":{"input":"q\#($0)"},"id":\#($0)}"# }.joined(separator: "\n") + "\n"
    return try RolloutRowPreprocessor(configuration: .init(agentName: agent, numRepeats: .fixed(repeats)))
        .preprocess(bytes: Array(text.utf8), source: "in.jsonl").rows
}

private func success(_ row: JSONObject, reward: Double = 1) -> JSONObject {
    var result = row
    result["response"] = ["output": [], "usage": ["input_tokens": 3, "output_tokens": 2, "total_tokens": 5]]
    result["reward"] = .double(reward)
    return result
}

private func lines(_ path: String) -> [JSONObject] {
    (try? JSONLFile.readObjects(path).map(\.object)) ?? []
}

@Suite struct RolloutCollectorTests {
    /// Case 56: failures to the sidecar, `_ng_no_persist` nowhere, the rest to the main file; a failing
    /// `/run` becomes a failure row and the others continue.
    @Test func routesResultsAndRecordsFailures() async throws {
        let dir = try temporaryDirectory()
        let endpoint = ScriptedEndpoint { row in
            switch row["id"]?.int {
            case 1: throw RolloutFailure(code: .http(500), detail: "boom")
            case 2: var r = success(row); r["_ng_failure_class"] = "timeout_exceeded"; return r
            case 3: var r = success(row); r["_ng_no_persist"] = true; return r
            default: return success(row)
            }
        }
        let collector = RolloutCollector(endpoint: endpoint, configuration: .init(outputPath: dir + "/out/r.jsonl", concurrency: 2))
        let input = try rows(tasks: 5, repeats: 1)
        let summary = try await collector.collect(freshRows: { input })
        #expect(summary.succeeded == 2 && summary.failed == 2 && summary.notPersisted == 1)
        let files = try #require(summary.files)
        #expect(lines(files.results).map { $0["id"]?.int } .sorted { ($0 ?? 0) < ($1 ?? 0) } == [0, 4])
        let failures = lines(files.failures)
        #expect(failures.count == 2)
        let http = try #require(failures.first { $0["id"] == 1 })
        #expect(http["_ng_failure_class"] == "http_500" && http["_ng_failure_detail"] == "boom" && http["_ng_attempt_index"] == 0)
        #expect(http["reward"] == nil)
        #expect(lines(files.materializedInputs) == input)
        // Stamped keys (§9.4).
        let ok = lines(files.results)[0]
        #expect(ok["agent_ref"] == ["name": "a"] && ok["_ng_task_index"] != nil && ok["_ng_rollout_index"] == 0)
        // Aggregate metrics file: one entry per agent, indented.
        let text = try String(contentsOfFile: files.aggregateMetrics, encoding: .utf8)
        #expect(text.hasPrefix("[\n  {\n    \"agent_ref\": {"))
        let entries = try JSONValue(parsing: text)
        #expect(entries[0]?["agent_ref"] == ["name": "a"])
        #expect(entries[0]?["key_metrics"]?["mean/reward"] == 1.0)
        #expect(entries[0]?.object?.keys == ["agent_ref", "agent_metrics", "key_metrics", "group_level_metrics"])
    }

    /// Case 60: the aggregation request strips the heavy keys but keeps `response.usage`.
    @Test func aggregationRequestShape() {
        let result: JSONObject = ["responses_create_params": ["input": "q"], "response": ["output": [], "usage": ["total_tokens": 5]],
                                  "reward": 1.0, "ng_trajectory": [], "ng_model_call_capture": [], "ng_agent_observations": [], "_ng_task_index": 0]
        let bare: JSONObject = ["response": ["output": [], "usage": nil], "reward": 0.0]
        let request = RolloutCollector.aggregationRequest(for: [result, bare])
        #expect(request.verifyResponses[0] == ["reward": 1.0, "_ng_task_index": 0, "response": ["usage": ["total_tokens": 5]]])
        #expect(request.verifyResponses[1] == ["reward": 0.0])
    }

    /// Cases 57–58: after a crash (a torn last line), resume keeps earlier successes, skips terminal and
    /// exhausted failures, retries the rest with `_ng_attempt_index`, and never writes duplicates.
    @Test func resumesAfterCrashWithoutDuplicates() async throws {
        let dir = try temporaryDirectory()
        let out = dir + "/r.jsonl"
        let files = RolloutOutputFiles(output: out)
        let input = try rows(tasks: 6, repeats: 1)
        // A first run: tasks 0 and 1 succeed, 2..5 fail.
        let first = ScriptedEndpoint { row in
            if let id = row["id"]?.int, id >= 2 { throw RolloutFailure(code: .http(503), detail: "busy") }
            return success(row)
        }
        _ = try await RolloutCollector(endpoint: first, configuration: .init(outputPath: out, maxAttempts: 2)).collect(freshRows: { input })
        // Simulate a kill -9 mid-write: a torn line at the end of the results file; task 3 failed terminally,
        // task 4 once more (now at the limit of 2).
        let handle = try #require(FileHandle(forWritingAtPath: out))
        handle.seekToEndOfFile()
        handle.write(Data(#"{"_ng_task_index":2,"_ng_rollout_index":0,"rew"#.utf8))
        handle.closeFile()
        var extra = input[3]; extra["_ng_failure_class"] = "x"; extra["_ng_failure_terminal"] = true
        var again = input[4]; again["_ng_failure_class"] = "http_503"
        let sidecar = try #require(FileHandle(forWritingAtPath: files.failures))
        sidecar.seekToEndOfFile()
        sidecar.write(Data((JSONValue.object(extra).jsonString() + "\n" + JSONValue.object(again).jsonString() + "\n").utf8))
        sidecar.closeFile()

        let second = ScriptedEndpoint { row in success(row, reward: 0.5) }
        let summary = try await RolloutCollector(endpoint: second, configuration: .init(outputPath: out, maxAttempts: 2, resume: true))
            .collect(freshRows: { Issue.record("resume must not re-read the input"); return [] })
        #expect(summary.plan.resumed)
        #expect(summary.plan.notes.contains { $0.contains("torn last line") })
        let dispatched = second.calls.runs
        #expect(dispatched.map { $0["id"]?.int ?? -1 }.sorted() == [2, 5])
        #expect(dispatched.allSatisfy { $0["_ng_attempt_index"] == 1 })
        let results = lines(out)
        let keys = results.compactMap { RolloutKey(of: $0) }
        #expect(keys.count == 4 && Set(keys).count == 4)
        #expect(summary.results.count == 4)
        #expect(results.first { $0["id"] == 2 }?["_ng_attempt_index"] == 1)
        // A third resume has nothing left but the gated rows, and dispatches nothing.
        let third = ScriptedEndpoint { row in success(row) }
        let last = try await RolloutCollector(endpoint: third, configuration: .init(outputPath: out, maxAttempts: 2, resume: true)).collect(freshRows: { [] })
        #expect(last.dispatched == 0 && third.calls.runs.isEmpty)
        #expect(lines(out).count == 4)
        // Aggregation counted earlier successes too.
        #expect(third.calls.aggregations.last?.verifyResponses.count == 4)
    }

    /// Case 58 under D14: a fresh run over a previous run's files is refused (nothing touched) unless
    /// `overwrite`, which truncates the main output and appends to the failures file as NeMo Gym does.
    @Test func freshRunOverPreviousFilesNeedsOverwriteAndKeepsFailureSidecar() async throws {
        let dir = try temporaryDirectory()
        let out = dir + "/r.jsonl"
        let failing = ScriptedEndpoint { _ in throw RolloutFailure(code: .invalidResponse, detail: "not JSON") }
        let input = try rows(tasks: 2, repeats: 1)
        _ = try await RolloutCollector(endpoint: failing, configuration: .init(outputPath: out)).collect(freshRows: { input })
        await #expect(throws: RolloutInputError.self) {
            _ = try await RolloutCollector(endpoint: failing, configuration: .init(outputPath: out)).collect(freshRows: { input })
        }
        #expect(failing.calls.runs.count == 2)
        _ = try await RolloutCollector(endpoint: failing, configuration: .init(outputPath: out, overwrite: true)).collect(freshRows: { input })
        #expect(lines(RolloutOutputFiles(output: out).failures).count == 4)
        let ok = ScriptedEndpoint { success($0) }
        try Data("stale\n".utf8).write(to: URL(fileURLWithPath: out))
        do {
            _ = try await RolloutCollector(endpoint: ok, configuration: .init(outputPath: out)).collect(freshRows: { input })
            Issue.record("a non-empty results file was replaced without overwrite")
        } catch let error as RolloutInputError {
            #expect(error.code == .outputExists)
            #expect(error.message.contains("--resume") && error.message.contains("--overwrite"), "\(error.message)")
        }
        #expect(try String(contentsOfFile: out, encoding: .utf8) == "stale\n")
        _ = try await RolloutCollector(endpoint: ok, configuration: .init(outputPath: out, overwrite: true)).collect(freshRows: { input })
        #expect(lines(out).count == 2)
        #expect(ok.calls.runs.count == 2)
    }

    /// D14: an output path that is a directory, or ends in `/`, is refused and nothing in it is deleted.
    @Test func aDirectoryAsOutputIsRefusedAndLeftIntact() async throws {
        let dir = try temporaryDirectory()
        let keep = dir + "/results/keep.txt"
        try FileManager.default.createDirectory(atPath: dir + "/results", withIntermediateDirectories: true)
        try Data("precious\n".utf8).write(to: URL(fileURLWithPath: keep))
        let ok = ScriptedEndpoint { success($0) }
        let input = try rows(tasks: 2, repeats: 1)
        for output in [dir + "/results", dir + "/results/", dir + "/new/"] {
            for overwrite in [false, true] {
                for resume in [false, true] {
                    let configuration = RolloutCollector.Configuration(outputPath: output, resume: resume, overwrite: overwrite)
                    do {
                        _ = try await RolloutCollector(endpoint: ok, configuration: configuration).collect(freshRows: { input })
                        Issue.record("\(output) was accepted")
                    } catch let error as RolloutInputError {
                        #expect(error.code == .outputIsADirectory, "\(error)")
                    }
                }
            }
        }
        #expect(try String(contentsOfFile: keep, encoding: .utf8) == "precious\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir + "/results") == ["keep.txt"])
        #expect(!FileManager.default.fileExists(atPath: dir + "/new"))
        #expect(ok.calls.runs.isEmpty)
        // A sibling that is a directory (the failures file's name) is refused too.
        try FileManager.default.createDirectory(atPath: dir + "/x_failures.jsonl", withIntermediateDirectories: true)
        await #expect(throws: RolloutInputError.self) {
            _ = try await RolloutCollector(endpoint: ok, configuration: .init(outputPath: dir + "/x.jsonl", overwrite: true))
                .collect(freshRows: { input })
        }
    }

    /// An in-process agent whose verifier answers the first `answered` calls and hangs on the others until
    /// cancelled; `started` yields once per hanging call.
    static func hangingAgent(answered: Int) -> (SimpleAgent, AsyncStream<Void>) {
        let (started, continuation) = AsyncStream.makeStream(of: Void.self)
        let calls = Mutex(0)
        let resources = InProcessResourcesClient(reward: { _ in
            let n = calls.withLock { $0 += 1; return $0 }
            if n > answered {
                continuation.yield()
                try await Task.sleep(for: .seconds(3_600))
            }
            return 1
        })
        let agent = SimpleAgent(configuration: .init(name: "a"),
                                model: ScriptedModelClient(turns: [[.assistantMessage("done")]], repeatsLastStep: true),
                                resources: resources)
        return (agent, started)
    }

    /// Issue 9 (cancellation): cancelling the collecting task stops the rollouts in flight; the results file
    /// holds only complete lines, no failure is recorded for the cancelled rollouts, and a resume finishes.
    @Test(.timeLimit(.minutes(1)))
    func cancellingTheCollectionStopsInFlightRolloutsAndLeavesValidFiles() async throws {
        let dir = try temporaryDirectory()
        let out = dir + "/r.jsonl"
        let input = try rows(tasks: 6, repeats: 1)
        let (agent, started) = Self.hangingAgent(answered: 2)
        let collector = RolloutCollector(endpoint: InProcessAgentEndpoint(agent), configuration: .init(outputPath: out, concurrency: 1))
        let task = Task { try await collector.collect(freshRows: { input }) }
        var waiting = started.makeAsyncIterator()
        _ = await waiting.next()
        task.cancel()
        let result = await task.result
        #expect(throws: CancellationError.self) { try result.get() }

        let bytes = try Data(contentsOf: URL(fileURLWithPath: out))
        #expect(bytes.isEmpty || bytes.last == 0x0A)
        let written = lines(out)
        #expect(written.count == 2)
        #expect(written.count == bytes.split(separator: 0x0A).count)
        #expect(!FileManager.default.fileExists(atPath: RolloutOutputFiles(output: out).failures)
            || lines(RolloutOutputFiles(output: out).failures).isEmpty)

        let (working, _) = Self.hangingAgent(answered: .max)
        let resumed = try await RolloutCollector(endpoint: InProcessAgentEndpoint(working),
                                                 configuration: .init(outputPath: out, resume: true))
            .collect(freshRows: { [] })
        #expect(resumed.plan.resumed && resumed.dispatched == 4 && resumed.succeeded == 4)
        #expect(Set(lines(out).compactMap { RolloutKey(of: $0) }).count == 6)
        #expect(lines(out).count == 6)
    }

    /// Issue 10 item 6: without an output path the collection touches no file; the outcomes and the summary
    /// are the results.
    @Test func collectsInMemoryWithoutFiles() async throws {
        let input = try rows(tasks: 4, repeats: 2)
        let endpoint = ScriptedEndpoint { row in
            if row["id"]?.int == 3 { throw RolloutFailure(code: .http(500), detail: "boom") }
            return success(row)
        }
        let collector = RolloutCollector(endpoint: endpoint, configuration: .init(concurrency: 3))
        #expect(collector.files == nil)
        let summary = try await collector.collect(freshRows: { input })
        #expect(summary.files == nil)
        #expect(summary.succeeded == 6 && summary.failed == 2)
        #expect(summary.results.count == 6)
        #expect(summary.aggregates.first?.metrics.agentMetrics["mean/reward"]?.double == 1)

        let plan = try collector.plan(freshRows: { input })
        #expect(plan.pendingRows.count == 8 && !plan.resumed)
        var rewards: [Double] = []
        var failures = 0
        for try await outcome in collector.outcomes(for: plan) {
            if let reward = outcome.reward { rewards.append(reward) }
            if case .failed = outcome.disposition { failures += 1 }
        }
        #expect(rewards.count == 6 && failures == 2)
        // resume and overwrite mean nothing without files.
        let again = try await RolloutCollector(endpoint: endpoint, configuration: .init(resume: true)).collect(freshRows: { input })
        #expect(again.dispatched == 8 && !again.plan.resumed)
    }

    /// Connection errors are retried within the retry window, then recorded as `connection_error`.
    @Test func retriesConnectionErrors() async throws {
        let dir = try temporaryDirectory()
        let attempts = Mutex(0)
        let flaky = ScriptedEndpoint { row in
            let n = attempts.withLock { $0 += 1; return $0 }
            if n < 3 { throw RolloutFailure(code: .connectionError, detail: "refused") }
            return success(row)
        }
        let input = try rows(tasks: 1, repeats: 1)
        let retried = try await RolloutCollector(endpoint: flaky, configuration: .init(outputPath: dir + "/r.jsonl", retrySeconds: 30, retryInterval: 0.001))
            .collect(freshRows: { input })
        #expect(retried.succeeded == 1 && attempts.withLock { $0 } == 3)
        let down = ScriptedEndpoint { _ in throw RolloutFailure(code: .connectionError, detail: "refused") }
        let failed = try await RolloutCollector(endpoint: down, configuration: .init(outputPath: dir + "/s.jsonl", retrySeconds: 0))
            .collect(freshRows: { input })
        #expect(failed.failed == 1 && down.calls.runs.count == 1)
        #expect(lines(try #require(failed.files).failures).first?["_ng_failure_class"] == "connection_error")
    }

    /// The concurrency limit bounds the rollouts in flight.
    @Test func boundsConcurrency() async throws {
        let dir = try temporaryDirectory()
        let state = Mutex((now: 0, peak: 0))
        let endpoint = ScriptedEndpoint { row in
            state.withLock { $0.now += 1; $0.peak = max($0.peak, $0.now) }
            try await Task.sleep(for: .milliseconds(2))
            state.withLock { $0.now -= 1 }
            return success(row)
        }
        let input = try rows(tasks: 10, repeats: 2)
        let summary = try await RolloutCollector(endpoint: endpoint, configuration: .init(outputPath: dir + "/r.jsonl", concurrency: 3)).collect(freshRows: { input })
        #expect(summary.succeeded == 20)
        #expect(state.withLock { $0.peak } <= 3)
    }

    @Test func outputFileNames() {
        let files = RolloutOutputFiles(output: "dir/a.b.jsonl")
        #expect(files.materializedInputs == "dir/a.b_materialized_inputs.jsonl")
        #expect(files.failures == "dir/a.b_failures.jsonl")
        #expect(files.aggregateMetrics == "dir/a.b_aggregate_metrics.json")
        #expect(RolloutOutputFiles(output: "out").materializedInputs == "out_materialized_inputs.jsonl")
    }

    /// The in-process endpoint runs a real SimpleAgent and classifies invalid rows as 422.
    @Test func inProcessEndpointRunsSimpleAgent() async throws {
        let endpoint = InProcessAgentEndpoint(DemoEnvironment.agent())
        var row = DemoEnvironment.taskRows[0]
        row["agent_ref"] = ["name": "demo_simple_agent"]
        let result = try await endpoint.run(row)
        #expect(result["reward"] == 1.0)
        await #expect(throws: RolloutFailure.self) { try await endpoint.run(["x": 1]) }
        do { _ = try await endpoint.run(["x": 1]) } catch let failure as RolloutFailure { #expect(failure.code == .http(422)) }
    }
}
