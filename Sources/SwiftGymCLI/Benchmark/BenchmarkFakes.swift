import NeMoGym
import Synchronization

/// The loopback model and resources servers `swift-gym bench` runs in a child process, served by
/// ``AgentHTTPServer``. They count the bytes they receive and send, so the benchmark can report what the
/// agent encoded and decoded.
public final class BenchmarkFakes: Sendable {
    /// The workload the fake model plays.
    public let workload: BenchmarkWorkload
    private let counters = Mutex<(received: Int, sent: Int)>((0, 0))
    private let blob = String(repeating: "lorem ipsum dolor sit amet ", count: 4096 / 27 + 1).prefix(4096)

    /// Creates the fakes.
    public init(workload: BenchmarkWorkload) {
        self.workload = workload
    }

    /// Bytes received and sent so far (request and response bodies).
    public var byteCounts: (received: Int, sent: Int) { counters.withLock { $0 } }

    private func count(_ request: AgentHTTPRequest, _ response: AgentHTTPResponse) -> AgentHTTPResponse {
        counters.withLock { $0.received += request.body.count; $0.sent += response.body.count }
        return response
    }

    /// The model server's handler: `POST /v1/responses` answers from the workload's script.
    public var modelHandler: AgentHTTPHandler {
        { [self] request in
            guard request.method == .post, request.path.hasSuffix("/v1/responses") else {
                if request.path == "/stats" { return .json(self.statsJSON) }
                return .json(["status": "ok"])
            }
            guard let body = try? JSONValue(parsing: request.body) else { return .json(status: 422, ["detail": "bad json"]) }
            let input = body["input"]?.array ?? []
            let outputs = input.filter { $0["type"] == "function_call_output" }.count
            let turns = input.filter { $0["type"] == "function_call" }.count
            return self.count(request, .json(self.workload.modelAnswer(toolOutputs: outputs, turn: turns)))
        }
    }

    /// The resources server's handler: seed, `get_weather`, `echo_blob` (4 KB), verify (reward 1.0).
    public var resourcesHandler: AgentHTTPHandler {
        { [self] request in
            let session = ["Set-Cookie": "rs_session=bench; Path=/"] as HeaderFields
            switch request.path {
            case "/seed_session": return self.count(request, .json([:], headers: session))
            case "/get_weather": return self.count(request, .json(["city": "Paris", "weather_description": "The weather in Paris is cold."], headers: session))
            case "/echo_blob": return self.count(request, .json(["blob": .string(String(self.blob))], headers: session))
            case "/verify":
                guard var body = try? JSONValue(parsing: request.body) else { return .json(status: 422, ["detail": "bad json"]) }
                body["reward"] = 1.0
                return self.count(request, .json(body, headers: session))
            case "/aggregate_metrics":
                return .json(["group_level_metrics": [], "agent_metrics": ["mean/reward": 1.0], "key_metrics": ["mean/reward": 1.0]])
            case "/stats": return .json(self.statsJSON)
            default: return .json(["status": "ok"])
            }
        }
    }

    var statsJSON: JSONValue {
        let (received, sent) = byteCounts
        return ["received": .int(received), "sent": .int(sent)]
    }
}
