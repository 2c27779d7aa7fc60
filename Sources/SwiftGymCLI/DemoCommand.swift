import NeMoGym
import Foundation

/// `swift-gym demo`: a complete rollout collection, offline and in one process.
///
/// A ``SimpleAgent`` runs the ``DemoEnvironment`` tasks with the ``DemoPolicyModel`` through
/// ``RolloutCollector``; no sockets are opened, so it works with networking disabled and from any
/// directory.
public struct DemoCommand: GymCommand {
    public static let path = ["demo"]
    public static let summary = "Run an offline rollout collection with a built-in environment and policy"
    public static let usage = """
        USAGE: swift-gym demo [--output PATH] [--overwrite]

        Runs \(DemoEnvironment.questions.count) built-in tasks \(repeats) times each through SimpleAgent with a scripted policy
        and an in-process resources server (no network), prints per-task rewards and aggregate metrics,
        and writes the rollouts as JSONL: PATH, PATH_materialized_inputs.jsonl, PATH_aggregate_metrics.json
        and, when a rollout fails, PATH_failures.jsonl (PATH without its extension).

        OPTIONS:
          -o, --output PATH   the rollouts file (default ./gym-demo-rollouts.jsonl); must not be a directory
          --overwrite         replace the files of a previous demo run at PATH (refused without it)
          -h, --help          show this help

        \(HelpText.exitCodes(success: "every rollout succeeded", extra: [(3, "some rollouts failed (the output names the failures file)")]))
        """

    /// Rollouts per task.
    static let repeats = 3

    public static func run(_ arguments: [String], console: Console) async throws -> Int32 {
        let parsed = try CommandLineParser(options: [
            .init(key: "output", names: ["-o", "--output"], takesValue: true),
            .init(key: "overwrite", names: ["--overwrite"]),
        ]).parse(arguments)
        if let extra = parsed.positionals.first { throw UsageError("unexpected argument '\(extra)'") }
        let output = parsed.value("output") ?? "./gym-demo-rollouts.jsonl"
        guard !output.isEmpty else { throw UsageError("option '--output' needs a file path") }
        let overwrite = parsed.flag("overwrite")
        let files = RolloutOutputFiles(output: output)
        do {
            try RolloutCollector.checkOutput(files, resume: false, overwrite: overwrite)
        } catch let error as RolloutInputError where error.code == .outputIsADirectory {
            throw UsageError("-o/--output: \(error.message)")
        } catch let error as RolloutInputError where error.code == .outputExists {
            throw UsageError("-o/--output: '\(output)' holds a previous demo run's files; pass --overwrite to replace "
                                 + "them or choose another path with -o (the demo has no --resume)")
        }

        let tasks = DemoEnvironment.questions
        console.print("NeMo Gym demo: \(tasks.count) tasks × \(repeats) rollouts, SimpleAgent + scripted policy + in-process tools (offline).")
        let preprocessor = RolloutRowPreprocessor(configuration: .init(agentName: DemoEnvironment.agentName, numRepeats: .fixed(repeats), addSeed: true))
        let rows = try preprocessor.preprocess(bytes: DemoEnvironment.taskJSONL, source: "demo tasks").rows
        let endpoint = InProcessAgentEndpoint(DemoEnvironment.agent())
        let collector = RolloutCollector(endpoint: endpoint, configuration: .init(outputPath: output, concurrency: 4, overwrite: overwrite))
        let progress = RolloutProgress(total: rows.count, console: console)
        let summary = try await collector.collect(freshRows: { rows }, onOutcome: { progress.record($0) })
        progress.finish()

        console.print("")
        console.print("Per-task rewards:")
        for group in MetricsAggregator.groupedByTask(summary.results) {
            guard let first = group.first, let task = first[RolloutKey.taskIndexKey]?.int, tasks.indices.contains(task) else { continue }
            let rewards = group.compactMap { $0["reward"]?.double }
            let mean = rewards.isEmpty ? 0 : rewards.reduce(0, +) / Double(rewards.count)
            let shown = rewards.map { $0 == $0.rounded() ? String(Int($0)) : RolloutProgress.fixed($0, 2) }.joined(separator: " ")
            console.print("  task \(task)  [\(shown)]  mean \(RolloutProgress.fixed(mean, 2))  \(tasks[task].question)")
        }
        if summary.failed > 0 { console.print("  \(summary.failed) rollout(s) failed; see \(files.failures)") }

        console.print("")
        for entry in summary.aggregates {
            console.print("Aggregate metrics for \(entry.agentName):")
            for (name, value) in entry.metrics.agentMetrics where name.hasSuffix("/reward") || name.hasPrefix("mean/") {
                console.print("  \(name): \(value.double.map { RolloutProgress.fixed($0, 4) } ?? value.jsonString())")
            }
        }
        let passAtK = PassAtKMetrics.compute(tasks: MetricsAggregator.groupedByTask(summary.results))
        for k in [1, repeats] {
            if let value = passAtK.metrics["pass@\(k)/accuracy"]?.double {
                console.print("  pass@\(k)/accuracy: \(RolloutProgress.fixed(value, 1))%")
            }
        }
        for error in summary.aggregationErrors { console.printError("warning: \(error)") }
        console.print("")
        console.print("Rollouts written to \(files.results)")
        console.print("Materialized inputs written to \(files.materializedInputs)")
        if FileManager.default.fileExists(atPath: files.failures) { console.print("Failures written to \(files.failures)") }
        if FileManager.default.fileExists(atPath: files.aggregateMetrics) {
            console.print("Aggregate metrics written to \(files.aggregateMetrics)")
        }
        return summary.allSucceeded ? 0 : 3
    }
}
