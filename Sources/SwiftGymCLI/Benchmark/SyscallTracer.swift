import NeMoGym
import Foundation

/// System calls counted by `strace -f -c` over a number of rollouts.
public struct SyscallCount: Sendable {
    /// Calls per rollout, all system calls together.
    public var perRollout: Double
    /// Calls per rollout by system call, most frequent first.
    public var breakdown: [(name: String, perRollout: Double)]

    /// The breakdown as one line (`recvfrom 6.0, sendto 5.0, ...`).
    public var summary: String {
        breakdown.map { "\($0.name) \(($0.perRollout * 10).rounded() / 10)" }.joined(separator: ", ")
    }
}

/// Attaches `strace -f -c -p PID` to the agent while traced rollouts run (the same as running
/// `strace -f -c -p $(pgrep -f 'gym serve') -o counts.txt` by hand, then Ctrl-C).
final class SyscallTracer: Sendable {
    private let process: ChildProcess
    private let output: String

    private init(process: ChildProcess, output: String) {
        self.process = process
        self.output = output
    }

    /// Starts `strace` on every thread of `pid` and waits until it is attached.
    static func attach(pid: Int32) async throws -> SyscallTracer {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("gym-bench-strace-\(pid).txt").path
        let process = try ChildProcess.start("/usr/bin/env", ["strace", "-f", "-c", "-q", "-o", output, "-p", "\(pid)"], environment: [:])
        // strace prints nothing once attached with -q; give it time to attach to every thread.
        try await Task.sleep(for: .seconds(1))
        return SyscallTracer(process: process, output: output)
    }

    /// Stops `strace` and parses its table.
    func finish(rollouts: Int) async throws -> SyscallCount {
        process.interrupt()
        defer { try? FileManager.default.removeItem(atPath: output) }
        let text = try String(contentsOfFile: output, encoding: .utf8)
        let n = Double(max(rollouts, 1))
        var total = 0
        var rows: [(String, Double)] = []
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count >= 5, Double(fields[0]) != nil, let calls = Int(fields[3]) else { continue }
            let name = String(fields[fields.count - 1])
            if name == "total" { total = calls } else { rows.append((name, Double(calls) / n)) }
        }
        rows.sort { $0.1 > $1.1 }
        return SyscallCount(perRollout: Double(total) / n, breakdown: rows.map { (name: $0.0, perRollout: $0.1) })
    }
}
