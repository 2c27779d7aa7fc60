/// Talks to a NeMo Gym resources server: session seeding, tools, verification and metrics.
///
/// SessionCookies are passed explicitly on every call and each reply reports the cookies it set. Tool calls
/// never fail on an HTTP status: a 4xx/5xx body is the tool's output, which the model sees. The other
/// calls throw ``InnerServerError`` on a non-2xx answer.
///
/// ## Implementing a custom resources client
/// ```swift
/// struct Calculator: ResourcesClient {
///     func callTool(_ name: String, arguments: JSONValue?, cookies: SessionCookies) async throws -> ToolResult {
///         let a = arguments?["a"]?.double ?? 0, b = arguments?["b"]?.double ?? 0
///         return ToolResult(status: 200, body: JSONValue.object(["sum": .double(a + b)]).jsonString())
///     }
///     func verify(_ body: JSONValue, cookies: SessionCookies) async throws -> ResourcesReply {
///         var result = body
///         result["reward"] = 1.0
///         return ResourcesReply(body: result)
///     }
/// }
/// ```
/// ``seedSession(_:cookies:)`` and ``aggregateMetrics(_:)`` have defaults (an empty session; a local
/// ``AggregateMetrics`` computation).
public protocol ResourcesClient: Sendable {
    /// `POST /seed_session` with the run request body. Default: answers `{}` and sets no cookies.
    func seedSession(_ body: JSONValue, cookies: SessionCookies) async throws -> ResourcesReply
    /// `POST /<name>` with the tool arguments as the JSON body (`nil`: no body). Never throws for an
    /// HTTP status; returns the raw body text.
    func callTool(_ name: String, arguments: JSONValue?, cookies: SessionCookies) async throws -> ToolResult
    /// `POST /verify` with the verify request body; the reply body carries `reward`.
    func verify(_ body: JSONValue, cookies: SessionCookies) async throws -> ResourcesReply
    /// `POST /aggregate_metrics` with `{"verify_responses": [...]}` (no cookies). Default: computes the
    /// metrics locally with ``AggregateMetrics/compute(verifyResponses:)``.
    func aggregateMetrics(_ body: JSONValue) async throws -> JSONValue
}

// MARK: - Default implementations

extension ResourcesClient {
    public func seedSession(_ body: JSONValue, cookies: SessionCookies) async throws -> ResourcesReply {
        ResourcesReply(body: [:], cookies: cookies)
    }

    public func aggregateMetrics(_ body: JSONValue) async throws -> JSONValue {
        return try AggregateMetrics.computed(fromRequestBody: body)
    }
}

/// The answer to a tool call: status, raw body text and the cookies it set.
public struct ToolResult: Sendable, Hashable {
    /// The HTTP status (200 for in-process tools that succeed).
    public var status: Int
    /// The raw body text, used verbatim as the `function_call_output`.
    public var body: String
    /// The cookies the answer set (they replace the resources cookies for the next call).
    public var cookies: SessionCookies

    /// Creates a result.
    public init(status: Int = 200, body: String, cookies: SessionCookies = SessionCookies()) {
        self.status = status
        self.body = body
        self.cookies = cookies
    }
}

/// The answer to `seed_session`, `verify` or another JSON call: the body and the cookies it set.
public struct ResourcesReply: Sendable {
    /// The JSON body.
    public var body: JSONValue
    /// The cookies the answer set.
    public var cookies: SessionCookies

    /// Creates a reply.
    public init(body: JSONValue, cookies: SessionCookies = SessionCookies()) {
        self.body = body
        self.cookies = cookies
    }
}
