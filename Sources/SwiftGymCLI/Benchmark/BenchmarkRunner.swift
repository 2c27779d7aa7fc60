import NeMoGym
import Foundation
import Synchronization

/// Runs `swift-gym bench`: the fakes in one child process, the agent (`swift-gym serve`) in another, and `/run` calls
/// from this process, so the agent's CPU and memory are its own.
public struct BenchmarkRunner: Sendable {
    /// Which servers play the model and the resources server.
    public enum Peers: String, Sendable {
        /// This package's fakes in a child process, answering like uvicorn servers (a scheduling delay,
        /// head and body in separate writes).
        case swift
        /// `fake_model.py` and `fake_resources.py` of the conformance kit (Python's `ThreadingHTTPServer`).
        case python
    }

    /// What to run.
    public struct Options: Sendable {
        /// The workload.
        public var workload: BenchmarkWorkload = .single
        /// Measured rollouts.
        public var rollouts: Int = 1000
        /// Concurrent `/run` calls.
        public var concurrency: Int = 16
        /// Rollouts run before measuring (connection set-up, caches).
        public var warmup: Int = 100
        /// The peers.
        public var peers: Peers = .swift
        /// Model latency per call (Swift peers only).
        public var modelLatency: Duration = .zero
        /// The Swift peers' delay before each answer (a Python server's scheduling delay).
        public var peerDelay: Duration = .microseconds(100)
        /// The folder holding `fake_model.py` and `fake_resources.py` (Python peers).
        public var pythonFakes: String = "../shared/conformance/agent"
        /// Rollouts traced with `strace -f -c` after the measured ones, to count system calls; `0`: none.
        public var straceRollouts: Int = 0
        /// The executable serving the agent (`swift-gym serve`); `nil`: the running `swift-gym`.
        public var agentExecutable: String?
        /// A shell command that serves the agent instead of `swift-gym serve` (for example NeMo Gym's Python
        /// `simple_agent`: `cd .../responses_api_agents/simple_agent && exec .venv/bin/python app.py`). It is run
        /// by `/bin/sh -c` with `NEMO_GYM_CONFIG_DICT` (which then also holds the `head_server` and `dry_run`
        /// keys NeMo Gym's launcher adds) and `NEMO_GYM_CONFIG_PATH`, and is ready when `GET /` answers 200. The
        /// shell's process is the one measured, so the command must `exec` the server.
        public var agentCommand: String?

        /// Creates options.
        public init(workload: BenchmarkWorkload = .single, rollouts: Int = 1000, concurrency: Int = 16, warmup: Int = 100) {
            self.workload = workload
            self.rollouts = rollouts
            self.concurrency = concurrency
            self.warmup = warmup
        }
    }

    /// The options.
    public var options: Options
    /// The `gym` executable to start the children with.
    public var executable: String

    /// Creates a runner.
    public init(options: Options, executable: String) {
        self.options = options
        self.executable = executable
    }

    /// Runs the benchmark and returns the report.
    public func run(progress: @escaping @Sendable (String) -> Void = { _ in }) async throws -> BenchmarkReport {
        OpenFileLimit.raise()
        let (fakes, ports) = try await startPeers()
        defer { fakes.forEach { $0.stop() } }
        let client = ServerClient(configuration: .init(maxConnectionsPerHost: 1 << 20))
        let (agent, agentPort) = try await startAgent(ports: ports, progress: progress)
        defer { agent.stop() }
        let base = "http://127.0.0.1:\(agentPort)"
        progress("\(options.peers.rawValue) peers: model on port \(ports.model), resources on \(ports.resources); agent pid \(agent.pid) on port \(agentPort)")

        let statsURL = "http://127.0.0.1:\(ports.resources)/stats"
        if options.warmup > 0 {
            _ = try await drive(client: client, url: base + "/run", count: options.warmup, offset: 0)
        }

        // Both Swift fakes share one counter (they run in one process), so one of them reports the totals.
        func fakeStats() async -> JSONValue {
            guard options.peers == .swift else { return [:] }
            return (try? JSONValue(parsing: try await client.send(ServerClientRequest(url: statsURL)).body)) ?? [:]
        }
        let statsBefore = await fakeStats()
        guard let before = ProcessStats.read(pid: agent.pid) else { throw ConfigError(.invalidValue, "swift-gym bench: cannot read /proc for the agent") }
        let loadBefore = Self.loadCPU(fakes)
        let started = ContinuousClock.now
        let outcome = try await drive(client: client, url: base + "/run", count: options.rollouts, offset: options.warmup)
        let elapsed = ContinuousClock.now - started
        guard let after = ProcessStats.read(pid: agent.pid) else { throw ConfigError(.invalidValue, "swift-gym bench: cannot read /proc for the agent") }
        let loadAfter = Self.loadCPU(fakes)
        let statsAfter = await fakeStats()

        var syscalls: SyscallCount?
        if options.straceRollouts > 0 {
            progress("tracing \(options.straceRollouts) rollouts with strace -f -c -p \(agent.pid)")
            let tracer = try await SyscallTracer.attach(pid: agent.pid)
            let traced = try await drive(client: client, url: base + "/run", count: options.straceRollouts, offset: options.warmup + options.rollouts)
            syscalls = try await tracer.finish(rollouts: options.straceRollouts - traced.failures)
        }

        let n = Double(max(options.rollouts, 1))
        let latencies = outcome.latencies.sorted()
        func percentile(_ p: Double) -> Double {
            latencies.isEmpty ? 0 : latencies[min(latencies.count - 1, Int(Double(latencies.count) * p))]
        }
        func delta(_ key: String) -> Int { (statsAfter[key]?.int ?? 0) - (statsBefore[key]?.int ?? 0) }
        let cpu = after.cpuSeconds - before.cpuSeconds
        var report = BenchmarkReport(
            workload: options.workload, rollouts: options.rollouts, concurrency: options.concurrency,
            seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18,
            p50: percentile(0.5), p99: percentile(0.99),
            agentCPUMillisecondsPerRollout: cpu * 1000 / n,
            agentCPUMicrosecondsPerStep: cpu * 1e6 / (n * Double(options.workload.modelCalls)),
            agentPeakRSSBytes: after.peakResidentBytes,
            bytesDecodedPerRollout: options.peers == .swift ? Double(delta("sent") + outcome.requestBytes) / n : 0,
            bytesEncodedPerRollout: options.peers == .swift ? Double(delta("received") + outcome.responseBytes) / n : 0,
            failures: outcome.failures)
        report.peers = options.peers
        report.modelLatencyMilliseconds = options.peers == .swift ? options.modelLatency.milliseconds : 0
        report.agentCPUSeconds = cpu
        report.agentSystemCPUMillisecondsPerRollout = (after.systemCPUSeconds - before.systemCPUSeconds) * 1000 / n
        report.readWriteSyscallsPerRollout = Double(after.readWriteSyscalls - before.readWriteSyscalls) / n
        report.syscalls = syscalls
        if options.peers == .swift, options.modelLatency > .zero {
            report.maxFirstCallsInFlight = statsAfter["max_first_calls_in_flight"]?.int ?? 0
            report.firstCallsArrivedOverMilliseconds = statsAfter["first_calls_arrived_over_ms"]?.double ?? 0
            report.seedsArrivedOverMilliseconds = statsAfter["seeds_arrived_over_ms"]?.double ?? 0
        }
        report.loadCPUSeconds = (loadAfter.driver - loadBefore.driver, loadAfter.fakes - loadBefore.fakes)
        return report
    }

    /// CPU seconds of this process (the load generator) and of the fakes' processes so far.
    private static func loadCPU(_ fakes: [ChildProcess]) -> (driver: Double, fakes: Double) {
        let driver = ProcessStats.read(pid: getpid())?.cpuSeconds ?? 0
        return (driver, fakes.reduce(0) { $0 + (ProcessStats.read(pid: $1.pid)?.cpuSeconds ?? 0) })
    }

    /// Starts the agent on a free port. The port is free when picked, but another process's connection can take
    /// it before the agent binds it: a Swift agent that ends before it listens is started again on another port
    /// (three tries).
    private func startAgent(ports: (model: Int, resources: Int), progress: @Sendable (String) -> Void) async throws -> (ChildProcess, Int) {
        var attempt = 1
        while true {
            let agentPort = try FreePort.find()
            let config = """
            bench_model:
              responses_api_models:
                bench_model:
                  entrypoint: app.py
                  host: 127.0.0.1
                  port: \(ports.model)
            bench_resources:
              resources_servers:
                bench_resources:
                  entrypoint: app.py
                  domain: other
                  host: 127.0.0.1
                  port: \(ports.resources)
            bench_agent:
              responses_api_agents:
                simple_agent:
                  entrypoint: app.py
                  host: 127.0.0.1
                  port: \(agentPort)
                  resources_server: {type: resources_servers, name: bench_resources}
                  model_server: {type: responses_api_models, name: bench_model}
                  max_steps: 64
            """
            // NeMo Gym's launcher adds these keys for its children; its Python servers refuse to start without them.
            let launcherKeys = options.agentCommand == nil ? "" : "head_server: {host: 127.0.0.1, port: \(try FreePort.find())}\ndry_run: false\n"
            let environment = ["NEMO_GYM_CONFIG_DICT": launcherKeys + config, "NEMO_GYM_CONFIG_PATH": "bench_agent"]
            let agent = try options.agentCommand.map { try ChildProcess.start("/bin/sh", ["-c", $0], environment: environment) }
                ?? ChildProcess.start(options.agentExecutable ?? executable, ["serve"], environment: environment)
            do {
                if options.agentCommand != nil {
                    try await Self.waitUntilLive("http://127.0.0.1:\(agentPort)", agent: agent)
                } else {
                    _ = try await agent.firstLine(containing: "listening on")
                }
                return (agent, agentPort)
            } catch {
                agent.stop()
                guard options.agentCommand == nil, attempt < 3 else { throw error }
                progress("the agent did not start on port \(agentPort) (taken meanwhile?); trying another port")
                attempt += 1
            }
        }
    }

    /// Polls `GET /` until it answers 200 (at most 180 s: a Python agent starts a Ray cluster first).
    private static func waitUntilLive(_ base: String, agent: ChildProcess) async throws {
        let client = ServerClient(configuration: .init(maxRetryDuration: .seconds(1)))
        let end = ContinuousClock.now + .seconds(180)
        while ContinuousClock.now < end {
            if !agent.isRunning { throw ConfigError(.invalidValue, "swift-gym bench: the --agent-command process exited before it served") }
            if let answer = try? await client.send(ServerClientRequest(url: base + "/")), answer.status == 200 { return }
            try await Task.sleep(for: .milliseconds(200))
        }
        throw ConfigError(.invalidValue, "swift-gym bench: the --agent-command server did not answer GET \(base)/ within 180 s")
    }

    /// Starts the fakes; returns their processes and ports.
    private func startPeers() async throws -> ([ChildProcess], (model: Int, resources: Int)) {
        switch options.peers {
        case .swift:
            let fakes = try ChildProcess.start(executable, [
                "bench", "--serve-fakes", "--workload", options.workload.rawValue,
                "--model-latency-ms", "\(options.modelLatency.milliseconds)",
                "--peer-delay-us", "\(Int(options.peerDelay.milliseconds * 1000))",
            ], environment: [:])
            let fakesLine = try await fakes.firstLine(containing: "fakes ")
            let ports = fakesLine.split(separator: " ").compactMap { part -> Int? in
                part.split(separator: "=").last.flatMap { Int($0) }
            }
            guard ports.count == 2 else {
                fakes.stop()
                throw ConfigError(.invalidValue, "swift-gym bench: the fakes process printed '\(fakesLine)'")
            }
            return ([fakes], (ports[0], ports[1]))
        case .python:
            let folder = options.pythonFakes
            guard FileManager.default.fileExists(atPath: folder + "/fake_model.py"),
                  FileManager.default.fileExists(atPath: folder + "/fake_resources.py") else {
                throw ConfigError(.invalidValue, "swift-gym bench: no fake_model.py and fake_resources.py in '\(folder)' (set --python-fakes)")
            }
            let script = FileManager.default.temporaryDirectory.appendingPathComponent("gym-bench-script-\(getpid()).json").path
            try options.workload.pythonScript.jsonString().write(toFile: script, atomically: true, encoding: .utf8)
            let modelPort = try FreePort.find(), resourcesPort = try FreePort.find()
            let model = try ChildProcess.start("/usr/bin/env", ["python3", folder + "/fake_model.py", "\(modelPort)", script], environment: [:])
            let resources = try ChildProcess.start("/usr/bin/env", ["python3", folder + "/fake_resources.py", "\(resourcesPort)"], environment: [:])
            for port in [modelPort, resourcesPort] {
                guard await FreePort.waitUntilListening(port) else {
                    model.stop()
                    resources.stop()
                    throw ConfigError(.invalidValue, "swift-gym bench: the Python fake on port \(port) did not start")
                }
            }
            return ([model, resources], (modelPort, resourcesPort))
        }
    }

    private struct DriveOutcome: Sendable {
        var latencies: [Double] = []
        var failures = 0
        var requestBytes = 0
        var responseBytes = 0
    }

    private func drive(client: ServerClient, url: String, count: Int, offset: Int) async throws -> DriveOutcome {
        let next = TicketCounter()
        let workload = options.workload
        let fixedPrompt = options.peers == .python
        let loops = BenchmarkPeerServer.eventLoopExecutors
        return await withTaskGroup(of: DriveOutcome.self) { group in
            for worker in 0..<max(1, min(options.concurrency, count)) {
                // On the epoll loops, like the agent's handlers: the load generator shares the cores with the agent
                // on a small machine, so what it spends on thread hops is taken from the agent.
                group.addTask(executorPreference: loops.isEmpty ? nil : loops[worker % loops.count]) {
                    var outcome = DriveOutcome()
                    while true {
                        let i = next.take()
                        if i >= count { break }
                        let body = workload.runBody(index: offset + i, fixedPrompt: fixedPrompt).jsonBytes()
                        let start = ContinuousClock.now
                        do {
                            let answer = try await client.send(ServerClientRequest(method: .post, url: url, headers: ["Content-Type": "application/json"], body: body))
                            let d = ContinuousClock.now - start
                            outcome.latencies.append(Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18)
                            outcome.requestBytes += body.count
                            outcome.responseBytes += answer.body.count
                            if answer.status != 200 { outcome.failures += 1 }
                        } catch {
                            outcome.failures += 1
                        }
                    }
                    return outcome
                }
            }
            var total = DriveOutcome()
            for await part in group {
                total.latencies += part.latencies
                total.failures += part.failures
                total.requestBytes += part.requestBytes
                total.responseBytes += part.responseBytes
            }
            return total
        }
    }
}

/// Hands out 0, 1, 2, ... to concurrent workers.
private final class TicketCounter: Sendable {
    private let value = Atomic<Int>(0)

    func take() -> Int { value.add(1, ordering: .relaxed).oldValue }
}

extension Duration {
    /// The duration in milliseconds.
    var milliseconds: Double {
        Double(components.seconds) * 1000 + Double(components.attoseconds) / 1e15
    }
}
