/// A ``ModelClient`` backed by a closure.
///
/// ```swift
/// let model = ClosureModelClient { request in
///     let asked = request.params.input.normalizedItems.last?.texts.joined() ?? ""
///     return ModelReply(body: .object(ModelResponse.make(output: [.assistantMessage("You said: \(asked)")]).json))
/// }
/// let agent = SimpleAgent(model: model, resources: InProcessResourcesClient(reward: { _ in 1 }))
/// let result = try await agent.run(RunRequest(params: ResponseCreateParams(input: .text("Hello"))),
///                                  context: AgentCallContext())
/// print(result.response.outputText)  // You said: Hello
/// ```
public struct ClosureModelClient: ModelClient {
    private let body: @Sendable (ModelRequest) async throws -> ModelReply

    /// Creates a client that calls `body` for every request.
    public init(_ body: @escaping @Sendable (ModelRequest) async throws -> ModelReply) {
        self.body = body
    }

    public func createResponse(_ request: ModelRequest) async throws -> ModelReply {
        try await body(request)
    }
}
