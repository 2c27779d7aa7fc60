/// A ``ModelClient`` backed by a closure.
///
/// ```swift
/// let model = ClosureModelClient { request in
///     ModelReply(body: .object(ModelResponse.make(output: [.assistantMessage("hi")]).json))
/// }
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
