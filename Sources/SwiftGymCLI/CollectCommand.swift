import NeMoGym
import Dispatch
import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `swift-gym collect`: collects rollouts from a running agent into JSONL files, as NeMo Gym's `ng_collect_rollouts` does.
///
/// Exit codes: 0 when every rollout succeeded, 3 when some failed (the summary says how many), 1 for an
/// input, config or connection problem before dispatch, 2 for a usage error, 130 when interrupted (Ctrl-C):
/// the rollouts in flight are stopped, every line written stays complete, and `--resume` finishes the run.
public struct CollectCommand: GymCommand {
    public static let path = ["collect"]
    public static let summary = "Collect rollouts from a running agent into JSONL files"
    public static let usage = """
        USAGE: swift-gym collect -i IN.jsonl -o OUT.jsonl (--agent-url URL | --head-server URL) [options]

        Sends every task row to the agent's /run, writes successes to OUT.jsonl, failures to
        OUT_failures.jsonl, the dispatched rows to OUT_materialized_inputs.jsonl and the metrics to
        OUT_aggregate_metrics.json.

        OPTIONS:
          -i, --input IN.jsonl        task rows, one JSON object per line (required)
          -o, --output OUT.jsonl      results file (required; a file, not a directory; its directory is created)
          --agent-url URL             the agent server to send rows to
          --head-server URL           a NeMo Gym head server that knows the agents by name
          -a, --agent NAME            agent_ref for rows that have none
          --limit N                   use only the first N lines (0: all)
          --num-repeats K             rollouts per row (default 1), or a JSON map {"agent": K, "_default": K}
          --concurrency C             rollouts in flight at once (default: no limit)
          --resume                    continue a previous run: skip done rollouts, retry failed ones
          --overwrite                 replace a previous run's OUT.jsonl, materialized inputs and metrics
                                      (failures are appended to); without it or --resume, non-empty outputs
                                      are refused
          --max-attempts N            attempts per rollout across resumes (default: $NEMO_GYM_MAX_ROLLOUT_ATTEMPTS or 3)
          --retry-seconds S           retry connection errors of one rollout for S seconds (default 60)
          --temperature T             override responses_create_params.temperature
          --top-p P                   override responses_create_params.top_p
          --max-output-tokens M       override responses_create_params.max_output_tokens
          --disable-aggregation       skip /aggregate_metrics
          -h, --help                  show this help

        Ctrl-C stops the rollouts in flight and exits 130; what was written stays valid, and the same
        command with --resume finishes the run.

        \(HelpText.exitCodes(success: "every rollout succeeded",
                             failure: "input, config or connection error before any rollout was sent",
                             extra: [(3, "some rollouts did not succeed (the summary says how many; --resume retries them)")]))
        """

    /// The parsed options of one invocation.
    struct Options: Sendable {
        var input: String
        var output: String
        var agentURL: String?
        var headServer: String?
        var agentName: String?
        var preprocessing: RolloutRowPreprocessor.Configuration
        var collector: RolloutCollector.Configuration
        var warnings: [String]
    }

    static let parser = CommandLineParser(options: [
        .init(key: "input", names: ["-i", "--input"], takesValue: true),
        .init(key: "output", names: ["-o", "--output"], takesValue: true),
        .init(key: "agent-url", names: ["--agent-url"], takesValue: true),
        .init(key: "head-server", names: ["--head-server"], takesValue: true),
        .init(key: "agent", names: ["-a", "--agent"], takesValue: true),
        .init(key: "limit", names: ["--limit"], takesValue: true),
        .init(key: "num-repeats", names: ["--num-repeats"], takesValue: true),
        .init(key: "concurrency", names: ["--concurrency"], takesValue: true),
        .init(key: "resume", names: ["--resume"]),
        .init(key: "overwrite", names: ["--overwrite"]),
        .init(key: "max-attempts", names: ["--max-attempts"], takesValue: true),
        .init(key: "retry-seconds", names: ["--retry-seconds"], takesValue: true),
        .init(key: "temperature", names: ["--temperature"], takesValue: true),
        .init(key: "top-p", names: ["--top-p"], takesValue: true),
        .init(key: "max-output-tokens", names: ["--max-output-tokens"], takesValue: true),
        .init(key: "disable-aggregation", names: ["--disable-aggregation"]),
    ])

    public static func run(_ arguments: [String], console: Console) async throws -> Int32 {
        try await run(arguments, console: console, environment: ProcessInfo.processInfo.environment,
                      interrupts: InterruptSignal()) { options in
            try makeEndpoint(agentURL: options.agentURL, headServer: options.headServer, agentName: options.agentName)
        }
    }

    /// Builds the endpoint for `--agent-url` or `--head-server`.
    static func makeEndpoint(agentURL: String?, headServer: String?, agentName: String?) throws -> any RolloutAgentEndpoint {
        if let agentURL { return HTTPAgentEndpoint(agentURL: agentURL) }
        if let headServer { return HTTPAgentEndpoint(headServer: headServer) }
        throw UsageError("give --agent-url URL or --head-server URL")
    }

    /// Runs the command with an endpoint factory (tests pass an in-process endpoint).
    static func run(_ arguments: [String], console: Console, environment: [String: String],
                    interrupts: any InterruptSource = NoInterrupts(),
                    endpointFactory: (Options) throws -> any RolloutAgentEndpoint) async throws -> Int32 {
        let options = try parse(arguments, environment: environment)
        for warning in options.warnings { console.printError("warning: \(warning)") }
        let files = RolloutOutputFiles(output: options.output)
        let manager = FileManager.default
        let resumes = options.collector.resume && manager.fileExists(atPath: files.materializedInputs) && manager.fileExists(atPath: files.results)
        var rows: [JSONObject] = []
        if !resumes {
            let output = try RolloutRowPreprocessor(configuration: options.preprocessing).preprocess(contentsOf: options.input)
            for warning in output.warnings { console.printError("warning: \(warning)") }
            rows = output.rows
        }
        let endpoint = try endpointFactory(options)
        try await endpoint.checkReachable()
        // With a head server, every row's agent must be one it knows: fail before writing anything.
        let http = endpoint as? HTTPAgentEndpoint
        if !resumes { try http?.checkAgentsKnown(rows.compactMap { $0["agent_ref"]?["name"]?.string }) }

        let collector = RolloutCollector(endpoint: endpoint, configuration: options.collector)
        let plan = try collector.plan(freshRows: { rows })
        if resumes { try http?.checkAgentsKnown(plan.pendingRows.compactMap { $0["agent_ref"]?["name"]?.string }) }
        for note in plan.notes { console.printError(note) }
        let progress = RolloutProgress(total: plan.pendingRows.count, console: console)
        progress.start()
        let tally = Mutex(Tally(results: plan.previousResults))
        let collecting = Task {
            try await collector.run(plan) { outcome in
                tally.withLock { $0.record(outcome) }
                progress.record(outcome)
            }
        }
        let interrupted = Atomic(false)
        interrupts.start {
            interrupted.store(true, ordering: .sequentiallyConsistent)
            collecting.cancel()
        }
        do {
            try await withTaskCancellationHandler {
                try await collecting.value
            } onCancel: {
                collecting.cancel()
            }
            interrupts.stop()
        } catch is CancellationError where interrupted.load(ordering: .sequentiallyConsistent) {
            interrupts.stop()
            progress.finish()
            let written = tally.withLock { $0.results.count }
            console.printError("interrupted: \(written) of \(plan.materializedRowCount) rollouts written to \(files.results); "
                                   + "run again with --resume to finish")
            return 130
        } catch {
            interrupts.stop()
            throw error
        }
        progress.finish()
        let (succeeded, failed, notPersisted, results) = tally.withLock { ($0.succeeded, $0.failed, $0.notPersisted, $0.results) }

        var aggregates: [RolloutCollectionSummary.AgentMetrics] = []
        if !options.collector.disableAggregation {
            let (entries, errors) = try await collector.aggregate(results)
            aggregates = entries
            for error in errors { console.printError("warning: \(error)") }
        } else {
            console.printError("Skipping aggregate metrics (--disable-aggregation).")
        }

        let missing = plan.materializedRowCount - results.count
        console.print("Collected \(plan.pendingRows.count) rollout(s) this run: \(succeeded) succeeded, \(failed) failed"
            + (notPersisted > 0 ? ", \(notPersisted) not persisted" : "") + ".")
        if plan.resumed { console.print("\(results.count) of \(plan.materializedRowCount) rollouts are done in total.") }
        for entry in aggregates { printMetrics(entry, console: console) }
        console.print("Rollouts: \(files.results)")
        console.print("Materialized inputs: \(files.materializedInputs)")
        if failed > 0 || manager.fileExists(atPath: files.failures) { console.print("Failures: \(files.failures)") }
        if !aggregates.isEmpty { console.print("Aggregate metrics: \(files.aggregateMetrics)") }
        if missing > 0 {
            console.print("\(missing) rollout(s) have not succeeded; run again with --resume to retry them.")
            return 3
        }
        return 0
    }

    /// Prints an agent's key metrics; when the agent reported none, its `mean/*` agent metrics instead, so
    /// the summary is never an empty `{}`.
    static func printMetrics(_ entry: RolloutCollectionSummary.AgentMetrics, console: Console) {
        let metrics = entry.metrics
        if !metrics.keyMetrics.isEmpty {
            console.print("Key metrics for \(entry.agentName):")
            console.print(JSONValue.object(metrics.keyMetrics).jsonString(style: .indented))
            return
        }
        let means = JSONObject(metrics.agentMetrics.filter { $0.key.hasPrefix("mean/") }.map { ($0.key, $0.value) })
        if means.isEmpty {
            console.print("Key metrics for \(entry.agentName): none (the agent reported no key metrics and no mean/* agent metrics).")
            return
        }
        console.print("Key metrics for \(entry.agentName) (none reported; mean/* of agent_metrics):")
        console.print(JSONValue.object(means).jsonString(style: .indented))
    }

    /// Parses and checks the flags.
    /// - Throws: ``UsageError``.
    static func parse(_ arguments: [String], environment: [String: String]) throws -> Options {
        let parsed = try parser.parse(arguments)
        if let extra = parsed.positionals.first { throw UsageError("unexpected argument '\(extra)'") }
        guard let input = parsed.value("input") else { throw UsageError("missing -i/--input IN.jsonl") }
        guard let output = parsed.value("output") else { throw UsageError("missing -o/--output OUT.jsonl") }
        let agentURL = parsed.value("agent-url"), headServer = parsed.value("head-server")
        if agentURL != nil, headServer != nil { throw UsageError("give either --agent-url or --head-server, not both") }
        if agentURL == nil, headServer == nil { throw UsageError("missing --agent-url URL or --head-server URL") }
        var warnings: [String] = []

        var preprocessing = RolloutRowPreprocessor.Configuration(agentName: parsed.value("agent"))
        preprocessing.limit = try parsed.int("limit", option: "--limit", minimum: 0)
        if let text = parsed.value("num-repeats") {
            if text.hasPrefix("{") {
                guard let json = try? JSONValue(parsing: text) else { throw UsageError("option '--num-repeats' needs an integer ≥ 1 or a JSON object, got '\(text)'") }
                do { preprocessing.numRepeats = try RolloutRowPreprocessor.RepeatCount(json: json) } catch { throw UsageError("--num-repeats: \(error)") }
            } else {
                preprocessing.numRepeats = .fixed(try parsed.int("num-repeats", option: "--num-repeats", minimum: 1) ?? 1)
            }
        }
        if let t = try parsed.double("temperature", option: "--temperature") { preprocessing.createParamsOverrides["temperature"] = .double(t) }
        if let p = try parsed.double("top-p", option: "--top-p") { preprocessing.createParamsOverrides["top_p"] = .double(p) }
        if let m = try parsed.int("max-output-tokens", option: "--max-output-tokens", minimum: 1) { preprocessing.createParamsOverrides["max_output_tokens"] = .int(m) }

        var collector = RolloutCollector.Configuration(outputPath: output)
        let concurrency = try parsed.int("concurrency", option: "--concurrency", minimum: 0)
        collector.concurrency = concurrency == 0 ? nil : concurrency
        collector.resume = parsed.flag("resume")
        collector.overwrite = parsed.flag("overwrite")
        if collector.resume && collector.overwrite { throw UsageError("give either --resume or --overwrite, not both") }
        do {
            try RolloutCollector.checkOutput(RolloutOutputFiles(output: output), resume: collector.resume,
                                             overwrite: collector.overwrite)
        } catch let error as RolloutInputError {
            throw UsageError("-o/--output: \(error.message)")
        }
        collector.disableAggregation = parsed.flag("disable-aggregation")
        if let seconds = try parsed.double("retry-seconds", option: "--retry-seconds") {
            guard seconds >= 0, seconds <= 1e9 else {
                throw UsageError("option '--retry-seconds' needs a number of seconds from 0 to 1e9, got '\(parsed.value("retry-seconds") ?? "")'")
            }
            collector.retrySeconds = seconds
        }
        if let attempts = try parsed.int("max-attempts", option: "--max-attempts", minimum: 1) {
            collector.maxAttempts = attempts
        } else if let text = environment["NEMO_GYM_MAX_ROLLOUT_ATTEMPTS"] {
            if let n = Int(text.trimmingCharacters(in: .whitespaces)), n >= 1 {
                collector.maxAttempts = n
            } else {
                warnings.append("NEMO_GYM_MAX_ROLLOUT_ATTEMPTS='\(text)' is not an integer ≥ 1; using 3")
            }
        }
        return Options(input: input, output: output, agentURL: agentURL, headServer: headServer, agentName: parsed.value("agent"),
                       preprocessing: preprocessing, collector: collector, warnings: warnings)
    }
}

/// What one collection has produced so far.
private struct Tally: Sendable {
    var results: [JSONObject]
    var succeeded = 0
    var failed = 0
    var notPersisted = 0

    mutating func record(_ outcome: RolloutOutcome) {
        switch outcome.disposition {
        case .succeeded: succeeded += 1; results.append(outcome.result)
        case .failed: failed += 1
        case .notPersisted: notPersisted += 1
        }
    }
}

/// Tells ``CollectCommand`` that the user asked to stop (Ctrl-C); tests substitute their own.
protocol InterruptSource: Sendable {
    /// Calls `handler` once when an interrupt arrives, until ``stop()``.
    func start(_ handler: @escaping @Sendable () -> Void)
    /// Stops listening and restores the default behaviour.
    func stop()
}

/// No interrupts (the default for in-process callers).
struct NoInterrupts: InterruptSource {
    func start(_ handler: @escaping @Sendable () -> Void) {}
    func stop() {}
}

/// `SIGINT` through a dispatch source. While it listens the signal's default action is off; after the
/// first Ctrl-C the default is restored, so a second one ends the process at once.
final class InterruptSignal: InterruptSource, @unchecked Sendable {
    // The source is set in `start` and cancelled in `stop`, both called by the command's task only.
    private var source: (any DispatchSourceSignal)?

    func start(_ handler: @escaping @Sendable () -> Void) {
        _ = signal(SIGINT, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        source.setEventHandler {
            _ = signal(SIGINT, SIG_DFL)
            handler()
        }
        source.activate()
        self.source = source
    }

    func stop() {
        source?.cancel()
        source = nil
        _ = signal(SIGINT, SIG_DFL)
    }
}

