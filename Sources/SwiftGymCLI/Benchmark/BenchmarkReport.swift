import NeMoGym
/// The figures `swift-gym bench` reports for one workload.
public struct BenchmarkReport: Sendable {
    /// The workload.
    public var workload: BenchmarkWorkload
    /// Rollouts measured (after warm-up).
    public var rollouts: Int
    /// Concurrent `/run` calls.
    public var concurrency: Int
    /// Wall time of the measured rollouts, in seconds.
    public var seconds: Double
    /// Latency percentiles of `/run`, in seconds.
    public var p50: Double, p99: Double
    /// Agent process CPU (user + system) per rollout, in milliseconds.
    public var agentCPUMillisecondsPerRollout: Double
    /// Agent CPU per model step, in microseconds.
    public var agentCPUMicrosecondsPerStep: Double
    /// Peak RSS of the agent process, in bytes.
    public var agentPeakRSSBytes: Int
    /// Bytes the agent decoded (received) and encoded (sent) per rollout, bodies only.
    public var bytesDecodedPerRollout: Double, bytesEncodedPerRollout: Double
    /// Rollouts that failed (non-200 or transport errors).
    public var failures: Int
    /// The peers the agent ran against.
    public var peers: BenchmarkRunner.Peers = .swift
    /// The fake model's latency per call, in milliseconds.
    public var modelLatencyMilliseconds: Double = 0
    /// Agent CPU over the measured rollouts, in seconds.
    public var agentCPUSeconds: Double = 0
    /// The system (kernel) part of ``agentCPUMillisecondsPerRollout``, in milliseconds per rollout.
    public var agentSystemCPUMillisecondsPerRollout: Double = 0
    /// `syscr + syscw` of the agent's `/proc/<pid>/io` per rollout (read/write-family calls only).
    public var readWriteSyscallsPerRollout: Double = 0
    /// All system calls per rollout, counted by `strace -f -c` over extra rollouts (`--strace N`).
    public var syscalls: SyscallCount?
    /// The most first model calls of rollouts the fake model held at once (slow-model runs only).
    public var maxFirstCallsInFlight: Int?
    /// From the first to the last arrival of the rollouts' first model calls, in milliseconds (slow-model runs only).
    public var firstCallsArrivedOverMilliseconds: Double?
    /// From the first to the last arrival of the rollouts' `/seed_session` calls, in milliseconds (slow-model runs only).
    public var seedsArrivedOverMilliseconds: Double?
    /// CPU seconds the load generator (this process) and the fakes' processes used during the measured rollouts:
    /// on a small machine they share the cores with the agent.
    public var loadCPUSeconds: (driver: Double, fakes: Double)?

    /// Rollouts per second.
    public var rolloutsPerSecond: Double { seconds > 0 ? Double(rollouts) / seconds : 0 }

    /// The report as one JSON object.
    public var json: JSONValue {
        var object: JSONValue = [
            "workload": .string(workload.rawValue), "rollouts": .int(rollouts), "concurrency": .int(concurrency),
            "seconds": .double(round3(seconds)), "rollouts_per_second": .double(round3(rolloutsPerSecond)),
            "latency_p50_ms": .double(round3(p50 * 1000)), "latency_p99_ms": .double(round3(p99 * 1000)),
            "agent_cpu_ms_per_rollout": .double(round3(agentCPUMillisecondsPerRollout)),
            "agent_cpu_us_per_step": .double(round3(agentCPUMicrosecondsPerStep)),
            "agent_system_cpu_ms_per_rollout": .double(round3(agentSystemCPUMillisecondsPerRollout)),
            "agent_peak_rss_mb": .double(round3(Double(agentPeakRSSBytes) / 1_048_576)),
            "bytes_decoded_per_rollout": .double(round3(bytesDecodedPerRollout)),
            "bytes_encoded_per_rollout": .double(round3(bytesEncodedPerRollout)),
            "failures": .int(failures), "peers": .string(peers.rawValue),
            "model_latency_ms": .double(round3(modelLatencyMilliseconds)),
            "agent_cpu_seconds": .double(round3(agentCPUSeconds)),
            "agent_read_write_syscalls_per_rollout": .double(round3(readWriteSyscallsPerRollout)),
        ]
        if let syscalls {
            object["agent_syscalls_per_rollout"] = .double(round3(syscalls.perRollout))
            object["agent_syscalls_breakdown"] = .object(JSONObject(syscalls.breakdown.map { ($0.name, JSONValue.double(round3($0.perRollout))) }))
        }
        if let maxFirstCallsInFlight { object["model_max_first_calls_in_flight"] = .int(maxFirstCallsInFlight) }
        if let firstCallsArrivedOverMilliseconds { object["model_first_calls_arrived_over_ms"] = .double(round3(firstCallsArrivedOverMilliseconds)) }
        if let seedsArrivedOverMilliseconds { object["resources_seeds_arrived_over_ms"] = .double(round3(seedsArrivedOverMilliseconds)) }
        if let loadCPUSeconds {
            object["driver_cpu_seconds"] = .double(round3(loadCPUSeconds.driver))
            object["fakes_cpu_seconds"] = .double(round3(loadCPUSeconds.fakes))
        }
        return object
    }

    /// The report as aligned text lines.
    public var text: String {
        func f(_ x: Double, _ digits: Int = 2) -> String {
            let scale = pow10(digits)
            let v = (x * scale).rounded() / scale
            return "\(v)"
        }
        var extra = ""
        if let syscalls {
            extra += "\n  syscalls / rollout    \(f(syscalls.perRollout, 1)) (strace -f -c): \(syscalls.summary)"
        }
        if let maxFirstCallsInFlight {
            extra += "\n  model in flight      \(maxFirstCallsInFlight) first calls at once (of \(rollouts))"
            if let firstCallsArrivedOverMilliseconds, let seedsArrivedOverMilliseconds {
                extra += "; they arrived over \(f(firstCallsArrivedOverMilliseconds / 1000)) s, the seeds over \(f(seedsArrivedOverMilliseconds / 1000)) s"
            }
        }
        if let loadCPUSeconds {
            extra += "\n  load CPU             driver \(f(loadCPUSeconds.driver)) s, fakes \(f(loadCPUSeconds.fakes)) s (beside the agent's, on the same cores)"
        }
        return """
        workload \(workload.rawValue) on \(peers.rawValue) peers\(modelLatencyMilliseconds > 0 ? " (model \(f(modelLatencyMilliseconds, 0)) ms)" : ""): \(rollouts) rollouts at concurrency \(concurrency) in \(f(seconds)) s (\(failures) failed)
          rollouts/s            \(f(rolloutsPerSecond, 1))
          latency p50 / p99     \(f(p50 * 1000)) ms / \(f(p99 * 1000)) ms
          agent CPU / rollout   \(f(agentCPUMillisecondsPerRollout, 3)) ms (\(f(agentSystemCPUMillisecondsPerRollout, 3)) ms of it in the kernel; \(f(agentCPUMicrosecondsPerStep, 1)) µs per model step; \(f(agentCPUSeconds, 2)) s in all)
          read/write calls      \(f(readWriteSyscallsPerRollout, 1)) / rollout (/proc/PID/io syscr+syscw; sockets' recvfrom/sendto not included)
          agent peak RSS        \(f(Double(agentPeakRSSBytes) / 1_048_576, 1)) MB
          bytes / rollout       \(Int(bytesDecodedPerRollout)) decoded, \(Int(bytesEncodedPerRollout)) encoded\(extra)
        """
    }

    private func round3(_ x: Double) -> Double { (x * 1000).rounded() / 1000 }
    private func pow10(_ n: Int) -> Double { (0..<n).reduce(1.0) { acc, _ in acc * 10 } }
}
