import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `gym serve` (the debug build of this package) in a child process started through `/bin/sh`, so a test can
/// lower the child's limits with `ulimit` first (address space, open descriptors) without touching the test
/// process. The agent listens on an ephemeral port of 127.0.0.1; its model and resources servers are given.
final class GymServeProcess: @unchecked Sendable {
    let process: Process
    /// The agent's port, from its `listening on` line.
    let port: Int
    private let errors: Pipe

    private init(process: Process, port: Int, errors: Pipe) {
        self.process = process
        self.port = port
        self.errors = errors
    }

    /// `.build/debug/swift-gym` next to the tests.
    static let binary = TestPaths.packageRoot.appendingPathComponent(".build/debug/swift-gym").path

    /// Whether the binary was built (`swift build --build-tests` builds it).
    static var isAvailable: Bool { FileManager.default.isExecutableFile(atPath: binary) }

    /// Starts `gym serve` after the shell commands in `prelude` (e.g. `ulimit -n 256`); waits for its
    /// listening line (at most 30 s).
    static func start(prelude: String, modelPort: Int, resourcesPort: Int) async throws -> GymServeProcess {
        let agentPort = RefusedPort.unusedPortBelowEphemeralRange()  // gym serve needs a port of its own
        let config = """
            policy_model:
              responses_api_models:
                fake_model: {entrypoint: app.py, host: 127.0.0.1, port: \(modelPort)}
            fake_resources:
              resources_servers:
                fake: {entrypoint: app.py, domain: other, host: 127.0.0.1, port: \(resourcesPort)}
            fault_agent:
              responses_api_agents:
                simple_agent:
                  entrypoint: app.py
                  host: 127.0.0.1
                  port: \(agentPort)
                  resources_server: {type: resources_servers, name: fake_resources}
                  model_server: {type: responses_api_models, name: policy_model}
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "\(prelude)\nexec \"$0\" serve", binary]
        var environment = ProcessInfo.processInfo.environment
        environment["NEMO_GYM_CONFIG_DICT"] = config
        environment["NEMO_GYM_CONFIG_PATH"] = "fault_agent"
        process.environment = environment
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let reader = output.fileHandleForReading
        let line: String? = try await RawSocket.offload {
            var text = ""
            let end = Date().addingTimeInterval(30)
            while Date() < end {
                let data = reader.availableData
                if data.isEmpty { return nil }
                text += String(decoding: data, as: UTF8.self)
                if let range = text.range(of: "listening on http://127.0.0.1:"),
                   let newline = text[range.upperBound...].firstIndex(of: "\n") {
                    return String(text[range.upperBound..<newline])
                }
            }
            return nil
        }
        guard let line, let port = Int(line) else {
            process.terminate()
            process.waitUntilExit()
            let stderr = String(decoding: errors.fileHandleForReading.availableData, as: UTF8.self)
            throw StartFailure(description: "gym serve did not start (exit status \(process.terminationStatus)): \(stderr)")
        }
        return GymServeProcess(process: process, port: port, errors: errors)
    }

    /// `gym serve` ended or stayed silent before its listening line; the description has its standard error.
    struct StartFailure: Error, CustomStringConvertible {
        var description: String
    }

    /// Whether the child still runs.
    var isRunning: Bool { process.isRunning }

    /// How many descriptors the child has open (`/proc/PID/fd`), or `-1` if it cannot be read.
    var openDescriptors: Int {
        (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(process.processIdentifier)/fd").count) ?? -1
    }

    /// The descriptor count once the child is warm (one `GET /` served, so lazily created descriptors exist)
    /// and the count held for five reads 20 ms apart (the warm-up connection's close is asynchronous).
    func settledDescriptors() async -> Int {
        _ = await answersLiveness()
        var counts = [openDescriptors]
        let end = Date().addingTimeInterval(10)
        while Date() < end, !(counts.count >= 5 && Set(counts.suffix(5)).count == 1) {
            try? await Task.sleep(for: .milliseconds(20))
            counts.append(openDescriptors)
        }
        return counts.last ?? -1
    }

    /// Polls `condition` every 20 ms until it holds or `seconds` pass; returns whether it held.
    static func poll(seconds: Double, _ condition: () async -> Bool) async -> Bool {
        let end = Date().addingTimeInterval(seconds)
        while Date() < end {
            if await condition() { return true }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return await condition()
    }

    /// `GET /` on the agent through a fresh connection: whether it answered 200 within `timeout` seconds.
    func answersLiveness(timeout: Double = 10) async -> Bool {
        guard let socket = try? await RawSocket.connect(port: port) else { return false }
        await socket.send("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        return await socket.readResponse(timeout: timeout)?.status == 200
    }

    /// Stops the child (SIGTERM, then SIGKILL after 10 s) and returns its standard error.
    @discardableResult
    func stop() async -> String {
        if process.isRunning { process.terminate() }
        let process = self.process
        _ = try? await RawSocket.offload {
            let end = Date().addingTimeInterval(10)
            while process.isRunning && Date() < end { usleep(10_000) }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
        }
        return String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    }
}
