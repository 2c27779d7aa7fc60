import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `swift-gym bench` stopped by a signal stops its children first.
@Suite(.timeLimit(.minutes(1)))
struct BenchSignalTests {
    /// Whether `pid` is a live process (not gone, not a zombie).
    static func isAlive(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return false }
        let state = stat[stat.index(close, offsetBy: 2)...].first
        return state != "Z" && state != "X"
    }

    /// The children of `pid` (every thread's `children` list).
    static func children(of pid: Int32) -> [Int32] {
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task")) ?? []
        return tasks.flatMap { task -> [Int32] in
            let text = (try? String(contentsOfFile: "/proc/\(pid)/task/\(task)/children", encoding: .utf8)) ?? ""
            return text.split(separator: " ").compactMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        }
    }

    @Test(.enabled(if: GymServeProcess.isAvailable, "needs .build/debug/swift-gym (swift build --build-tests)"),
          arguments: [SIGTERM, SIGHUP])
    func aSignalStopsTheFakesAndTheAgentBeforeTheBenchmarkEnds(_ sig: Int32) async throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: GymServeProcess.binary)
        // One rollout at a time against a model that takes 1 s per call: the children stay idle, so the test
        // does not load the machine for the suite's other tests.
        process.arguments = ["bench", "--workload", "single", "--rollouts", "100000000", "--warmup", "0",
                             "--concurrency", "1", "--model-latency-ms", "1000"]
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        // The progress line names the agent once the fakes and the agent run.
        let reader = errors.fileHandleForReading
        let (agentPID, printed): (Int32?, String) = try await RawSocket.offload {
            var text = ""
            let end = Date().addingTimeInterval(30)
            while Date() < end {
                let data = reader.availableData
                if data.isEmpty { return (nil, text) }
                text += String(decoding: data, as: UTF8.self)
                if let range = text.range(of: "agent pid "),
                   let digits = text[range.upperBound...].split(separator: " ").first {
                    return (Int32(digits), text)
                }
            }
            return (nil, text)
        }
        try #require(agentPID != nil, "swift-gym bench printed: \(printed)")
        let children = Self.children(of: process.processIdentifier)
        #expect(agentPID.map { children.contains($0) } == true)
        #expect(children.count == 2)  // the fakes and the agent
        kill(process.processIdentifier, sig)
        try await RawSocket.offload { process.waitUntilExit() }
        #expect(process.terminationReason == .uncaughtSignal)
        #expect(process.terminationStatus == sig)
        for child in children { #expect(!Self.isAlive(child), "child \(child) still runs") }
    }
}
