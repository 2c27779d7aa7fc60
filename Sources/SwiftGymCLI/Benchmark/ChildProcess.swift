import Dispatch
import NeMoGym
import Foundation
import Synchronization

/// A child process whose standard output is read line by line (used by `swift-gym bench`).
final class ChildProcess: Sendable {
    private let process: Process
    private let lines = Mutex<(buffer: String, waiters: [(String, CheckedContinuation<String, any Error>)], ended: Bool)>(("", [], false))

    /// The process id.
    var pid: Int32 { process.processIdentifier }
    /// Whether the process is still running.
    var isRunning: Bool { process.isRunning }

    private init(process: Process) {
        self.process = process
    }

    /// Starts `executable` with `arguments` and extra environment variables.
    static func start(_ executable: String, _ arguments: [String], environment: [String: String]) throws -> ChildProcess {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.standardError
        let child = ChildProcess(process: process)
        pipe.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            child.receive(data.isEmpty ? nil : String(decoding: data, as: UTF8.self))
            if data.isEmpty { handle.readabilityHandler = nil }
        }
        // libdispatch's worker threads block every signal, and the child inherits the mask of the thread that
        // spawns it: a Python fake or strace started from here would ignore SIGTERM and SIGINT. Spawn with none.
        var none = sigset_t(), saved = sigset_t()
        sigemptyset(&none)
        pthread_sigmask(SIG_SETMASK, &none, &saved)
        defer { pthread_sigmask(SIG_SETMASK, &saved, nil) }
        // Registered before it starts, so a termination signal that arrives meanwhile still finds it.
        ChildProcess.registry.withLock { $0.starting += 1 }
        process.terminationHandler = { exited in
            let pid = exited.processIdentifier
            ChildProcess.registry.withLock { r in r.running.removeAll { $0 == pid } }
        }
        do {
            try process.run()
        } catch {
            ChildProcess.registry.withLock { $0.starting -= 1 }
            throw error
        }
        let pid = process.processIdentifier
        ChildProcess.registry.withLock { r in
            r.starting -= 1
            if process.isRunning { r.running.append(pid) }
        }
        return child
    }

    /// The children of this process that run (pids, in start order), and how many are being started.
    private static let registry = Mutex<(running: [Int32], starting: Int)>(([], 0))

    /// Stops every child still running, the last started first (the agent before the fakes it calls, so its
    /// in-flight requests can finish): SIGTERM, up to `grace` seconds for it to end, then SIGKILL. For a
    /// termination signal to the benchmark itself, which must not leave its fakes, its agent or `strace` behind.
    static func terminateAll(grace: Double = 10) {
        // A child being started is registered once it runs: wait for that first (process start is quick).
        let startEnd = DispatchTime.now().uptimeNanoseconds + 2_000_000_000
        while registry.withLock({ $0.starting > 0 }) && DispatchTime.now().uptimeNanoseconds < startEnd { usleep(5_000) }
        while let pid = registry.withLock({ $0.running.last }) {
            kill(pid, SIGTERM)
            if !waitForExit(pid, seconds: grace) {
                kill(pid, SIGKILL)
                _ = waitForExit(pid, seconds: 1)
                registry.withLock { r in r.running.removeAll { $0 == pid } }
            }
        }
    }

    /// Whether child `pid` ended (and was reaped) within `seconds`.
    private static func waitForExit(_ pid: Int32, seconds: Double) -> Bool {
        let end = DispatchTime.now().uptimeNanoseconds + UInt64(seconds * 1e9)
        while registry.withLock({ $0.running.contains(pid) }) {
            if DispatchTime.now().uptimeNanoseconds > end { return false }
            usleep(5_000)
        }
        return true
    }

    private func receive(_ text: String?) {
        let ready: [(CheckedContinuation<String, any Error>, Result<String, any Error>)] = lines.withLock { state in
            if let text { state.buffer += text } else { state.ended = true }
            var done: [(CheckedContinuation<String, any Error>, Result<String, any Error>)] = []
            state.waiters.removeAll { needle, continuation in
                if let line = state.buffer.split(separator: "\n").first(where: { $0.contains(needle) }) {
                    done.append((continuation, .success(String(line))))
                    return true
                }
                if state.ended {
                    done.append((continuation, .failure(ConfigError(.invalidValue, "a child process ended before printing '\(needle)'"))))
                    return true
                }
                return false
            }
            return done
        }
        for (continuation, result) in ready { continuation.resume(with: result) }
    }

    /// Waits for the first output line containing `needle`.
    func firstLine(containing needle: String) async throws -> String {
        try await withCheckedThrowingContinuation { continuation in
            lines.withLock { $0.waiters.append((needle, continuation)) }
            receive("")
        }
    }

    /// Stops the process with SIGINT (as Ctrl-C would) and waits for it.
    func interrupt() {
        if process.isRunning {
            process.interrupt()
            process.waitUntilExit()
        }
    }

    /// Stops the process (SIGTERM, then waits for it).
    func stop() {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
    }
}

/// Finds a free loopback TCP port by binding port 0.
enum FreePort {
    /// Polls `127.0.0.1:port` every 0.1 s for up to 10 s until a connection succeeds.
    static func waitUntilListening(_ port: Int) async -> Bool {
        for _ in 0..<100 {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            address.sin_port = UInt16(port).bigEndian
            let connected = withUnsafePointer(to: &address) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
            }
            close(fd)
            if connected { return true }
            try? await Task.sleep(for: .milliseconds(100))
        }
        return false
    }

    static func find() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw ConfigError(.invalidValue, "cannot create a socket to find a free port") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound else { throw ConfigError(.invalidValue, "cannot bind a loopback socket to find a free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
