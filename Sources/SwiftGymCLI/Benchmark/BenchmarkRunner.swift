import NeMoGym
import Foundation
import Synchronization

/// Runs `swift-gym bench`: the fakes in one child process, the agent (`swift-gym serve`) in another, and `/run` calls
/// from this process, so the agent's CPU and memory are its own.
public struct BenchmarkRunner: Sendable {
    /// What to run.
    public struct Options: Sendable {
        /// The workload.
        public var workload: BenchmarkWorkload = .single
        /// Measured rollouts.
        public var rollouts: Int = 1000
        /// Concurrent `/run` calls.
        public var concurrency: Int = 64
        /// Rollouts run before measuring (connection set-up, caches).
        public var warmup: Int = 100

        /// Creates options.
        public init(workload: BenchmarkWorkload = .single, rollouts: Int = 1000, concurrency: Int = 64, warmup: Int = 100) {
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
        let fakes = try ChildProcess.start(executable, ["bench", "--serve-fakes", "--workload", options.workload.rawValue], environment: [:])
        defer { fakes.stop() }
        let fakesLine = try await fakes.firstLine(containing: "fakes ")
        let ports = fakesLine.split(separator: " ").compactMap { part -> Int? in
            part.split(separator: "=").last.flatMap { Int($0) }
        }
        guard ports.count == 2 else { throw ConfigError(.invalidValue, "gym bench: the fakes process printed '\(fakesLine)'") }
        let agentPort = try FreePort.find()
        let config = """
        bench_model:
          responses_api_models:
            bench_model:
              entrypoint: app.py
              host: 127.0.0.1
              port: \(ports[0])
        bench_resources:
          resources_servers:
            bench_resources:
              entrypoint: app.py
              domain: other
              host: 127.0.0.1
              port: \(ports[1])
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
        let agent = try ChildProcess.start(executable, ["serve"], environment: [
            "NEMO_GYM_CONFIG_DICT": config, "NEMO_GYM_CONFIG_PATH": "bench_agent",
        ])
        defer { agent.stop() }
        _ = try await agent.firstLine(containing: "listening on")
        progress("fakes on ports \(ports[0]) and \(ports[1]); agent pid \(agent.pid) on port \(agentPort)")

        let client = ServerClient()
        let base = "http://127.0.0.1:\(agentPort)"
        let statsURL = "http://127.0.0.1:\(ports[1])/stats"
        _ = try await drive(client: client, url: base + "/run", count: options.warmup, offset: 0)

        // Both fakes share one counter (they run in one process), so one of them reports the totals.
        func fakeBytes() async throws -> (received: Int, sent: Int) {
            let stats = try JSONValue(parsing: try await client.send(ServerClientRequest(url: statsURL)).body)
            return (stats["received"]?.int ?? 0, stats["sent"]?.int ?? 0)
        }
        let bytesBefore = try await fakeBytes()
        guard let before = ProcessStats.read(pid: agent.pid) else { throw ConfigError(.invalidValue, "gym bench: cannot read /proc for the agent") }
        let started = ContinuousClock.now
        let outcome = try await drive(client: client, url: base + "/run", count: options.rollouts, offset: options.warmup)
        let elapsed = ContinuousClock.now - started
        guard let after = ProcessStats.read(pid: agent.pid) else { throw ConfigError(.invalidValue, "gym bench: cannot read /proc for the agent") }
        let bytesAfter = try await fakeBytes()

        let n = Double(max(options.rollouts, 1))
        let latencies = outcome.latencies.sorted()
        func percentile(_ p: Double) -> Double {
            latencies.isEmpty ? 0 : latencies[min(latencies.count - 1, Int(Double(latencies.count) * p))]
        }
        let cpu = after.cpuSeconds - before.cpuSeconds
        return BenchmarkReport(
            workload: options.workload, rollouts: options.rollouts, concurrency: options.concurrency,
            seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18,
            p50: percentile(0.5), p99: percentile(0.99),
            agentCPUMillisecondsPerRollout: cpu * 1000 / n,
            agentCPUMicrosecondsPerStep: cpu * 1e6 / (n * Double(options.workload.modelCalls)),
            agentPeakRSSBytes: after.peakResidentBytes,
            bytesDecodedPerRollout: Double(bytesAfter.sent - bytesBefore.sent + outcome.requestBytes) / n,
            bytesEncodedPerRollout: Double(bytesAfter.received - bytesBefore.received + outcome.responseBytes) / n,
            failures: outcome.failures)
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
        return await withTaskGroup(of: DriveOutcome.self) { group in
            for _ in 0..<max(1, min(options.concurrency, count)) {
                group.addTask {
                    var outcome = DriveOutcome()
                    while true {
                        let i = next.take()
                        if i >= count { break }
                        let body = workload.runBody(index: offset + i).jsonBytes()
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
