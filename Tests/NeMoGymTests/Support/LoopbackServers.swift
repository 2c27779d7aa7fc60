import Foundation
import Synchronization
@testable import NeMoGym

/// Real servers on loopback port 0 for the collection-over-HTTP tests: fake agents, real agent servers and
/// fake NeMo Gym head servers. Every started server must be shut down by the test (`await server.shutdown()`).
enum LoopbackServers {
    /// Starts `handler` on 127.0.0.1, an ephemeral port; returns the server and its base URL.
    static func start(_ handler: @escaping AgentHTTPHandler) async throws -> (server: AgentHTTPServer, url: String) {
        let server = AgentHTTPServer(configuration: .init(host: "127.0.0.1", port: 0, shutdownGracePeriod: .milliseconds(50)), handler: handler)
        let port = try await server.start()
        return (server, "http://127.0.0.1:\(port)")
    }

    /// Starts a real ``AgentServer`` serving a ``SimpleAgent`` named `name` with `model` and a resources
    /// client whose verify gives `reward`.
    static func agentServer(name: String, model: ScriptedModelClient,
                            reward: @escaping @Sendable (VerifyRequest) async throws -> Double = { _ in 1 })
        async throws -> (server: AgentHTTPServer, url: String) {
        let agent = SimpleAgent(configuration: .init(name: name), model: model, resources: InProcessResourcesClient(reward: reward))
        return try await start(AgentServer(agent: agent).handler)
    }

    /// A model that answers every call with one assistant message.
    static func answeringModel(_ text: String = "done") -> ScriptedModelClient {
        ScriptedModelClient(turns: [[.assistantMessage(text)]], repeatsLastStep: true)
    }

    /// The YAML a head server would hold for agent instances `agents` (name → port) plus other blocks.
    static func config(agents: [(name: String, port: Int)], extra: String = "") -> String {
        var yaml = "head_server:\n  host: 127.0.0.1\n  port: 11000\n"
        yaml += "policy_model:\n  responses_api_models:\n    openai_model:\n      entrypoint: app.py\n      host: 127.0.0.1\n      port: 1\n"
        for agent in agents {
            yaml += "\(agent.name):\n  responses_api_agents:\n    simple_agent:\n      entrypoint: app.py\n      host: 127.0.0.1\n      port: \(agent.port)\n"
        }
        return yaml + extra
    }

    /// A fake head server: `GET /` → `{"status":"ok"}`, `GET /global_config_dict_yaml` → `configAnswer`
    /// (by default the JSON string of `config`). Counts config reads in `reads`.
    static func headServer(config: String, configAnswer: AgentHTTPResponse? = nil) async throws -> (server: AgentHTTPServer, url: String) {
        try await start { request in
            switch (request.method, request.path) {
            case (.get, "/"): return .json(["status": "ok"])
            case (.get, "/global_config_dict_yaml"): return configAnswer ?? .json(.string(config))
            default: return .json(status: 404, ["detail": "Not Found"])
            }
        }
    }

    /// The port of a server that was started and stopped: connecting to it is refused.
    static func refusedURL() async throws -> String {
        "http://127.0.0.1:\(RefusedPort.make())"
    }

    /// The port of a base URL `http://127.0.0.1:PORT`.
    static func port(of url: String) -> Int { Int(url.split(separator: ":").last ?? "") ?? 0 }

    /// A fresh temporary directory.
    static func temporaryDirectory(_ prefix: String) throws -> String {
        let path = NSTemporaryDirectory() + "\(prefix)-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// Writes JSON objects as JSONL to `path`.
    static func writeJSONL(_ rows: [JSONValue], to path: String) throws {
        let text = rows.map { $0.jsonString() + "\n" }.joined()
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    }
}

/// Records the requests a fake server received.
final class RequestLog: Sendable {
    private let requests = Mutex<[AgentHTTPRequest]>([])

    /// Adds one.
    func record(_ request: AgentHTTPRequest) { requests.withLock { $0.append(request) } }

    /// Everything recorded, in arrival order.
    var all: [AgentHTTPRequest] { requests.withLock { $0 } }
}
