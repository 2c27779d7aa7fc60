import NeMoGym
import Foundation

/// `swift-gym bench`: measures the agent's own overhead per rollout over loopback fakes.
public enum BenchCommand: GymCommand {
    public static let path = ["bench"]
    public static let summary = "Measure agent CPU, latency and memory per rollout against loopback fakes"
    public static let usage = """
    USAGE: swift-gym bench [--workload single|long|wide] [--rollouts N] [--concurrency C] [--json]

    Starts a scripted model server and a resources server in a child process, serves a SimpleAgent with
    'swift-gym serve' in another, and drives N POST /run calls at concurrency C over keep-alive connections.
    Reports rollouts/s, p50/p99 latency, the agent process's CPU per rollout and peak RSS, and the bytes
    the agent decoded and encoded per rollout. Build with 'swift build -c release' for real numbers.

    OPTIONS:
      --workload W      single (1 tool call), long (31 steps, 4 KB tool outputs), wide (8 parallel calls) (default: single)
      --rollouts N      measured rollouts (default: 1000; long: 200)
      --concurrency C   concurrent /run calls (default: 64)
      --json            print one JSON object
      -h, --help        show this help

    \(HelpText.exitCodes(success: "every measured rollout succeeded", failure: "some rollouts failed, or the fakes or the agent did not start"))
    """

    static let parser = CommandLineParser(options: [
        .init(key: "workload", names: ["--workload"], takesValue: true),
        .init(key: "rollouts", names: ["--rollouts"], takesValue: true),
        .init(key: "concurrency", names: ["--concurrency"], takesValue: true),
        .init(key: "warmup", names: ["--warmup"], takesValue: true, hidden: true),
        .init(key: "json", names: ["--json"]),
        .init(key: "serve-fakes", names: ["--serve-fakes"], hidden: true),
    ])

    public static func run(_ arguments: [String], console: Console) async throws -> Int32 {
        let parsed = try parser.parse(arguments)
        guard parsed.positionals.isEmpty else { throw UsageError("unexpected argument '\(parsed.positionals[0])'") }
        let workloadName = parsed.value("workload") ?? "single"
        guard let workload = BenchmarkWorkload(rawValue: workloadName) else {
            throw UsageError("unknown workload '\(workloadName)' (expected single, long or wide)")
        }
        if parsed.flag("serve-fakes") { return try await serveFakes(workload, console: console) }
        let rollouts = try parsed.int("rollouts", option: "--rollouts", minimum: 1) ?? (workload == .long ? 200 : 1000)
        let concurrency = try parsed.int("concurrency", option: "--concurrency", minimum: 1) ?? 64
        let warmup = try parsed.int("warmup", option: "--warmup", minimum: 0) ?? min(100, rollouts)
        let runner = BenchmarkRunner(
            options: .init(workload: workload, rollouts: rollouts, concurrency: concurrency, warmup: warmup),
            executable: executablePath())
        let report = try await runner.run { console.printError($0) }
        console.print(parsed.flag("json") ? report.json.jsonString() : report.text)
        return report.failures == 0 ? 0 : 1
    }

    /// The child-process mode: serves the fakes and prints their ports until terminated.
    static func serveFakes(_ workload: BenchmarkWorkload, console: Console) async throws -> Int32 {
        let fakes = BenchmarkFakes(workload: workload)
        let model = AgentHTTPServer(configuration: .init(), handler: fakes.modelHandler)
        let resources = AgentHTTPServer(configuration: .init(), handler: fakes.resourcesHandler)
        let modelPort = try await model.start()
        let resourcesPort = try await resources.start()
        await model.runUntilTerminated {
            console.print("fakes model=\(modelPort) resources=\(resourcesPort)")
        }
        await resources.shutdown()
        return 0
    }

    static func executablePath() -> String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }
}
