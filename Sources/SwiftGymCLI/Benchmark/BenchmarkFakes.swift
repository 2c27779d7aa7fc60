import NeMoGym
import Synchronization

/// The loopback model and resources servers `swift-gym bench` runs in a child process. They count the bytes they
/// receive and send, so the benchmark can report what the agent encoded and decoded, and the model counts
/// how many first calls of a rollout it holds at once (the burst workload's measure of a connection cap) and
/// over how long the first calls and the seeds arrived (what spreads them out: the load's ramp). Each `/stats`
/// read starts a new measurement of the most in flight and the arrival spans; the byte counts only grow.
public final class BenchmarkFakes: Sendable {
    /// The workload the fake model plays.
    public let workload: BenchmarkWorkload
    /// How long the model takes per call (a GPU generation); `.zero` answers at once.
    public let modelLatency: Duration
    private let counters = Mutex<(received: Int, sent: Int)>((0, 0))
    private let firstCalls = Mutex(FirstCalls())
    private let seedArrivals = Mutex(ArrivalSpan())
    private let blob = String(repeating: "lorem ipsum dolor sit amet ", count: 4096 / 27 + 1).prefix(4096)

    /// Creates the fakes.
    public init(workload: BenchmarkWorkload, modelLatency: Duration = .zero) {
        self.workload = workload
        self.modelLatency = modelLatency
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
            if self.modelLatency > .zero {
                let first = outputs == 0
                if first {
                    self.firstCalls.withLock { calls in
                        calls.inFlight += 1
                        calls.total += 1
                        calls.maxInFlight = max(calls.maxInFlight, calls.inFlight)
                        calls.arrivals.record()
                    }
                }
                try? await Task.sleep(for: self.modelLatency)
                if first { self.firstCalls.withLock { $0.inFlight -= 1 } }
            }
            return self.count(request, .json(self.workload.modelAnswer(toolOutputs: outputs, turn: turns)))
        }
    }

    /// The resources server's handler: seed, `get_weather`, `echo_blob` (4 KB), verify (reward 1.0).
    public var resourcesHandler: AgentHTTPHandler {
        { [self] request in
            let session = ["Set-Cookie": "rs_session=bench; Path=/"] as HeaderFields
            switch request.path {
            case "/seed_session":
                self.seedArrivals.withLock { $0.record() }
                return self.count(request, .json([:], headers: session))
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

    /// The counters, starting a new measurement of the most first calls in flight and the arrival spans.
    var statsJSON: JSONValue {
        let (received, sent) = byteCounts
        let first = firstCalls.withLock { calls in
            defer { calls.maxInFlight = calls.inFlight }
            return (total: calls.total, maxInFlight: calls.maxInFlight, span: calls.arrivals.restart())
        }
        let seedSpan = seedArrivals.withLock { $0.restart() }
        return ["received": .int(received), "sent": .int(sent), "first_calls": .int(first.total),
                "max_first_calls_in_flight": .int(first.maxInFlight),
                "first_calls_arrived_over_ms": .double(first.span), "seeds_arrived_over_ms": .double(seedSpan)]
    }
}

/// The fake model's count of rollouts' first calls.
private struct FirstCalls {
    var inFlight = 0
    var maxInFlight = 0
    var total = 0
    var arrivals = ArrivalSpan()
}

/// When the first and the last of a kind of request arrived.
private struct ArrivalSpan {
    private var first: ContinuousClock.Instant?
    private var last: ContinuousClock.Instant?

    mutating func record() {
        let now = ContinuousClock.now
        if first == nil { first = now }
        last = now
    }

    /// From the first arrival to the last, in milliseconds (0 when fewer than two arrived); the span then
    /// starts again.
    mutating func restart() -> Double {
        defer { self = ArrivalSpan() }
        guard let first, let last else { return 0 }
        return (last - first).milliseconds
    }
}
