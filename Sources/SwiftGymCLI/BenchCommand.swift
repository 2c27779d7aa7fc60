import NeMoGym
import Foundation

/// `swift-gym bench`: measures the agent's own overhead per rollout over loopback fakes.
public enum BenchCommand: GymCommand {
    public static let path = ["bench"]
    public static let summary = "Measure agent CPU, latency and memory per rollout against loopback fakes"
    public static let usage = """
    USAGE: swift-gym bench [--workload single|long|wide|burst] [--peers swift|python] [--rollouts N]
                           [--concurrency C] [--model-latency-ms M] [--strace N]
                           [--agent PATH | --agent-command CMD] [--json]

    Starts a model server and a resources server, serves a SimpleAgent with 'swift-gym serve' in a child
    process, and drives N POST /run calls at concurrency C over keep-alive connections. Reports
    rollouts/s, p50/p99 latency, the agent process's CPU per rollout (/proc/PID/stat), its peak RSS
    (VmHWM), its read/write-family system calls (/proc/PID/io) and, with --strace, all its system calls
    per rollout (strace -f -c -p PID over N extra rollouts). Build with 'swift build -c release'.

    Peers: 'swift' (default) are this package's fakes in a child process, answering like uvicorn servers
    on a busy machine: after a scheduling delay (--peer-delay-us), head and body in separate writes, the
    model after --model-latency-ms. 'python' runs fake_model.py and fake_resources.py of the conformance
    kit (Python's ThreadingHTTPServer; --python-fakes DIR, default ../shared/conformance/agent).

    The burst workload is the scale test: N (default 8192) single-tool-call rollouts all started at once
    against a model that takes --model-latency-ms (default 1000) per call; it also reports the most first
    model calls the model held at once.

    SIGINT, SIGTERM or SIGHUP stops strace, the agent and the fakes (SIGTERM, then SIGKILL after 10 s), then
    ends the benchmark by that signal.

    OPTIONS:
      --workload W          single (1 tool call), long (31 steps, 4 KB tool outputs), wide (8 parallel
                            calls), burst (default: single)
      --peers P             swift or python (default: swift)
      --rollouts N          measured rollouts (default: 1000; long: 200; burst: 8192)
      --concurrency C       concurrent /run calls (default: 16; long: 8; burst: N)
      --warmup N            rollouts before measuring (default: 100; burst: 0)
      --model-latency-ms M  the Swift fake model's latency per call (default: 0; burst: 1000)
      --peer-delay-us D     the Swift fakes' delay before each answer (default: 100)
      --python-fakes DIR    where fake_model.py and fake_resources.py are
      --strace N            afterwards, count system calls over N more rollouts with strace -f -c
      --agent PATH          serve the agent with this swift-gym executable (compare two builds)
      --agent-command CMD   serve the agent with this shell command instead, which must exec the server
                            (NeMo Gym's Python simple_agent: 'cd DIR && exec .venv/bin/python app.py'); it
                            gets NEMO_GYM_CONFIG_DICT and NEMO_GYM_CONFIG_PATH, and is ready when GET /
                            answers 200
      --json                print one JSON object
      -h, --help            show this help

    \(HelpText.exitCodes(success: "every measured rollout succeeded", failure: "some rollouts failed, or the fakes or the agent did not start"))
    """

    static let parser = CommandLineParser(options: [
        .init(key: "workload", names: ["--workload"], takesValue: true),
        .init(key: "peers", names: ["--peers"], takesValue: true),
        .init(key: "rollouts", names: ["--rollouts"], takesValue: true),
        .init(key: "concurrency", names: ["--concurrency"], takesValue: true),
        .init(key: "warmup", names: ["--warmup"], takesValue: true),
        .init(key: "model-latency-ms", names: ["--model-latency-ms"], takesValue: true),
        .init(key: "peer-delay-us", names: ["--peer-delay-us"], takesValue: true),
        .init(key: "python-fakes", names: ["--python-fakes"], takesValue: true),
        .init(key: "strace", names: ["--strace"], takesValue: true),
        .init(key: "agent", names: ["--agent"], takesValue: true),
        .init(key: "agent-command", names: ["--agent-command"], takesValue: true),
        .init(key: "json", names: ["--json"]),
        .init(key: "serve-fakes", names: ["--serve-fakes"], hidden: true),
    ])

    public static func run(_ arguments: [String], console: Console) async throws -> Int32 {
        let parsed = try parser.parse(arguments)
        guard parsed.positionals.isEmpty else { throw UsageError("unexpected argument '\(parsed.positionals[0])'") }
        let workloadName = parsed.value("workload") ?? "single"
        guard let workload = BenchmarkWorkload(rawValue: workloadName) else {
            throw UsageError("unknown workload '\(workloadName)' (expected single, long, wide or burst)")
        }
        let burst = workload == .burst
        let latencyText = parsed.value("model-latency-ms")
        guard let latency = latencyText.map({ Double($0) }) ?? (burst ? 1000 : 0), latency >= 0 else {
            throw UsageError("--model-latency-ms expects a number of milliseconds, got '\(latencyText ?? "")'")
        }
        let delay = try parsed.int("peer-delay-us", option: "--peer-delay-us", minimum: 0) ?? 100
        if parsed.flag("serve-fakes") {
            return try await serveFakes(workload, latency: .microseconds(Int(latency * 1000)), delay: .microseconds(delay), console: console)
        }
        let peersName = parsed.value("peers") ?? "swift"
        guard let peers = BenchmarkRunner.Peers(rawValue: peersName) else {
            throw UsageError("unknown peers '\(peersName)' (expected swift or python)")
        }
        if peers == .python && (burst || latencyText != nil) {
            throw UsageError("--peers python answers at once: the burst workload and --model-latency-ms need the Swift peers")
        }
        let rollouts = try parsed.int("rollouts", option: "--rollouts", minimum: 1) ?? (burst ? 8192 : workload == .long ? 200 : 1000)
        let concurrency = try parsed.int("concurrency", option: "--concurrency", minimum: 1) ?? (burst ? rollouts : workload == .long ? 8 : 16)
        let warmup = try parsed.int("warmup", option: "--warmup", minimum: 0) ?? (burst ? 0 : min(100, rollouts))
        var options = BenchmarkRunner.Options(workload: workload, rollouts: rollouts, concurrency: concurrency, warmup: warmup)
        options.peers = peers
        options.modelLatency = .microseconds(Int(latency * 1000))
        options.peerDelay = .microseconds(delay)
        if let folder = parsed.value("python-fakes") { options.pythonFakes = folder }
        options.straceRollouts = try parsed.int("strace", option: "--strace", minimum: 0) ?? 0
        options.agentExecutable = parsed.value("agent")
        options.agentCommand = parsed.value("agent-command")
        if options.agentExecutable != nil && options.agentCommand != nil {
            throw UsageError("--agent and --agent-command both name the agent: give one")
        }
        let runner = BenchmarkRunner(options: options, executable: executablePath())
        let signals = BenchmarkSignalGuard.install()
        let report: BenchmarkReport
        do {
            defer { signals.finish() }
            report = try await runner.run { console.printError($0) }
        }
        console.print(parsed.flag("json") ? report.json.jsonString() : report.text)
        return report.failures == 0 ? 0 : 1
    }

    /// The child-process mode: serves the fakes and prints their ports until terminated.
    static func serveFakes(_ workload: BenchmarkWorkload, latency: Duration, delay: Duration, console: Console) async throws -> Int32 {
        OpenFileLimit.raise()
        let fakes = BenchmarkFakes(workload: workload, modelLatency: latency)
        let model = try BenchmarkPeerServer(delay: delay, handler: fakes.modelHandler)
        let resources = try BenchmarkPeerServer(delay: delay, handler: fakes.resourcesHandler)
        let signals = TerminationSignal.install()
        console.print("fakes model=\(model.port) resources=\(resources.port)")
        _ = await signals.wait()
        await model.close()
        await resources.close()
        return 0
    }

    static func executablePath() -> String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }
}
