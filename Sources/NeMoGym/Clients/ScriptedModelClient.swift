import Synchronization

/// A model that answers from a script, for tests and offline demos.
///
/// Each call takes the next step of the script; every request is recorded so a test can check what the
/// agent sent. When the script runs out the client throws (it never hangs), unless `repeatsLastStep`.
///
/// ```swift
/// let model = ScriptedModelClient(turns: [
///     [.functionCall(name: "get_weather", arguments: #"{"city":"Paris"}"#, callID: "c1")],
///     [.assistantMessage("It is cold in Paris.")],
/// ])
/// let agent = SimpleAgent(model: model, resources: InProcessResourcesClient(
///     tools: ["get_weather": .json { _ in ["weather": "cold"] }], reward: { _ in 1 }))
/// _ = try await agent.run(RunRequest(params: ResponseCreateParams(input: .text("Paris?"))), context: AgentCallContext())
/// print(model.requests.count)  // 2
/// ```
public final class ScriptedModelClient: ModelClient {
    /// One scripted answer.
    public enum Step: Sendable {
        /// A 200 answer with this JSON body (valid or not) and these `Set-Cookie` cookies.
        case response(JSONValue, cookies: SessionCookies = SessionCookies())
        /// A non-2xx answer: thrown as ``InnerServerError``.
        case httpError(status: Int, body: String)
    }

    private let answer: @Sendable (ModelRequest, Int) async throws -> ModelReply
    private let recorded = Mutex<[ModelRequest]>([])

    /// A model that answers with `steps` in order.
    public init(steps: [Step], repeatsLastStep: Bool = false) {
        answer = { _, index in
            guard !steps.isEmpty else { throw ScriptExhaustedError(call: index + 1, scriptLength: 0) }
            if index >= steps.count, !repeatsLastStep {
                throw ScriptExhaustedError(call: index + 1, scriptLength: steps.count)
            }
            switch steps[min(index, steps.count - 1)] {
            case .response(let body, let cookies): return ModelReply(body: body, cookies: cookies)
            case .httpError(let status, let body): throw InnerServerError(server: "scripted model", status: status, body: Array(body.utf8))
            }
        }
    }

    /// A model whose turn `i` outputs `turns[i]` (responses `resp_1`, `resp_2`, ... with the given usage).
    public convenience init(turns: [[ResponseItem]], usage: ResponseUsage? = nil, repeatsLastStep: Bool = false) {
        self.init(steps: turns.enumerated().map { i, output in
            .response(.object(ModelResponse.make(id: "resp_\(i + 1)", output: output, usage: usage).json))
        }, repeatsLastStep: repeatsLastStep)
    }

    /// A model that answers with a closure, given the request and the 0-based call number.
    public init(_ answer: @escaping @Sendable (ModelRequest, Int) async throws -> ModelReply) {
        self.answer = answer
    }

    public func createResponse(_ request: ModelRequest) async throws -> ModelReply {
        let index = recorded.withLock { calls in
            calls.append(request)
            return calls.count - 1
        }
        return try await answer(request, index)
    }

    /// Every request received, in order.
    public var requests: [ModelRequest] { recorded.withLock { $0 } }

    /// How many calls were made.
    public var callCount: Int { recorded.withLock { $0.count } }
}

/// A ``ScriptedModelClient`` was called more often than its script has steps.
public struct ScriptExhaustedError: Error, Sendable, CustomStringConvertible {
    /// The 1-based call that had no step.
    public var call: Int
    /// How many steps the script has.
    public var scriptLength: Int

    public var description: String {
        "the scripted model has \(scriptLength) step(s) but was called \(call) time(s); add steps or set repeatsLastStep"
    }
}
