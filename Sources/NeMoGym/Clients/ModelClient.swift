/// Sends Responses API requests to a model server.
///
/// The agent calls ``createResponse(_:)`` once per step with the whole conversation so far. A
/// conformer sends ``ModelRequest/cookies`` and returns the cookies the answer set (its `Set-Cookie`
/// headers only; there is no cookie jar). A non-2xx answer must be thrown as ``InnerServerError``;
/// the agent validates the body itself.
///
/// ## Implementing a custom model client
/// ```swift
/// struct EchoModel: ModelClient {
///     func createResponse(_ request: ModelRequest) async throws -> ModelReply {
///         let last = request.params.input.normalizedItems.last?.texts.joined() ?? ""
///         let response = ModelResponse.make(output: [.assistantMessage("echo: \(last)")])
///         return ModelReply(body: .object(response.json))
///     }
/// }
/// ```
/// The library ships ``HTTPModelClient`` (a real server), ``ScriptedModelClient`` (tests) and
/// ``ClosureModelClient``.
public protocol ModelClient: Sendable {
    /// Sends one non-streaming `POST /v1/responses` and returns the answer's JSON body and cookies.
    /// - Throws: ``InnerServerError`` for a non-2xx answer; transport errors as they come.
    func createResponse(_ request: ModelRequest) async throws -> ModelReply
}

/// One model call: the create params to send, the URL path and the cookies.
public struct ModelRequest: Sendable {
    /// The params, exactly as the client set them, with `input` holding the whole conversation.
    public var params: ResponseCreateParams {
        didSet { preEncodedBody = nil }
    }
    /// The path on the model server: `/v1/responses`, or a `/ng-rollout/{id}/...` twin.
    public var path: String
    /// The cookies to send (those the previous model answer set; none on the first call).
    public var cookies: SessionCookies
    /// The already-encoded body, when the agent built it incrementally (see ``encodedBody()``); changing
    /// ``params`` drops it.
    var preEncodedBody: [UInt8]?

    /// Creates a request.
    public init(params: ResponseCreateParams, path: String = "/v1/responses", cookies: SessionCookies = SessionCookies()) {
        self.params = params
        self.path = path
        self.cookies = cookies
    }

    init(params: ResponseCreateParams, path: String, cookies: SessionCookies, preEncodedBody: [UInt8]) {
        self.init(params: params, path: path, cookies: cookies)
        self.preEncodedBody = preEncodedBody
    }

    /// The compact JSON body to send.
    public func encodedBody() -> [UInt8] {
        preEncodedBody ?? JSONValue.object(params.json).jsonBytes()
    }
}

/// A model server's answer: its JSON body and the cookies it set.
public struct ModelReply: Sendable {
    /// The parsed JSON body (validated by the agent).
    public var body: JSONValue
    /// The cookies the answer's `Set-Cookie` headers set.
    public var cookies: SessionCookies

    /// Creates a reply.
    public init(body: JSONValue, cookies: SessionCookies = SessionCookies()) {
        self.body = body
        self.cookies = cookies
    }
}
