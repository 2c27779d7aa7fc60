/// A ``ResourcesClient`` backed by closures, one per route.
public struct ClosureResourcesClient: ResourcesClient {
    private let seed: @Sendable (JSONValue, SessionCookies) async throws -> ResourcesReply
    private let tool: @Sendable (String, JSONValue?, SessionCookies) async throws -> ToolResult
    private let verifyBody: @Sendable (JSONValue, SessionCookies) async throws -> ResourcesReply
    private let metrics: (@Sendable (JSONValue) async throws -> JSONValue)?

    /// Creates a client from closures; `seedSession` defaults to `{}` and `aggregateMetrics` to a local
    /// computation.
    public init(seedSession: @escaping @Sendable (JSONValue, SessionCookies) async throws -> ResourcesReply = { _, _ in ResourcesReply(body: [:]) },
                callTool: @escaping @Sendable (String, JSONValue?, SessionCookies) async throws -> ToolResult,
                verify: @escaping @Sendable (JSONValue, SessionCookies) async throws -> ResourcesReply,
                aggregateMetrics: (@Sendable (JSONValue) async throws -> JSONValue)? = nil) {
        self.seed = seedSession
        self.tool = callTool
        self.verifyBody = verify
        self.metrics = aggregateMetrics
    }

    public func seedSession(_ body: JSONValue, cookies: SessionCookies) async throws -> ResourcesReply {
        try await seed(body, cookies)
    }

    public func callTool(_ name: String, arguments: JSONValue?, cookies: SessionCookies) async throws -> ToolResult {
        try await tool(name, arguments, cookies)
    }

    public func verify(_ body: JSONValue, cookies: SessionCookies) async throws -> ResourcesReply {
        try await verifyBody(body, cookies)
    }

    public func aggregateMetrics(_ body: JSONValue) async throws -> JSONValue {
        if let metrics { return try await metrics(body) }
        return try AggregateMetrics.computed(fromRequestBody: body)
    }
}
