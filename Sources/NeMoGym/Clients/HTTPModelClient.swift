/// A ``ModelClient`` that talks to a real model server over HTTP: `POST {baseURL}{path}` with the
/// create params as JSON (a NeMo Gym model server, vLLM's or OpenAI's Responses endpoint).
///
/// SessionCookies are sent explicitly (`Cookie` header) and the answer's `Set-Cookie` values returned; nothing is
/// stored between calls. Connection errors are retried by the ``ServerClient`` (every 0.5 s, without limit
/// by default, as NeMo Gym does); HTTP error statuses are not retried and become ``InnerServerError``.
public struct HTTPModelClient: ModelClient {
    /// The server's base URL, e.g. `http://127.0.0.1:8001` (without a trailing `/`).
    public let baseURL: String
    /// Sent as `Authorization: Bearer <key>` when set.
    public let apiKey: String?
    /// Extra headers sent with every request.
    public let headers: HeaderFields
    /// The transport.
    public let client: ServerClient

    /// Creates a client for the model server at `baseURL`.
    public init(baseURL: String, apiKey: String? = nil, headers: HeaderFields = [:], client: ServerClient = .shared) {
        self.baseURL = baseURL.withoutTrailingSlashes
        self.apiKey = apiKey
        self.headers = headers
        self.client = client
    }

    public func createResponse(_ request: ModelRequest) async throws -> ModelReply {
        let url = baseURL + request.path
        var headers = self.headers
        headers.replaceOrAdd(name: "Content-Type", value: "application/json")
        if let apiKey { headers.replaceOrAdd(name: "Authorization", value: "Bearer \(apiKey)") }
        if let cookie = request.cookies.cookieHeader { headers.replaceOrAdd(name: "Cookie", value: cookie) }
        let answer = try await client.send(ServerClientRequest(method: .post, url: url, headers: headers, body: request.encodedBody()))
        guard answer.isSuccess else { throw InnerServerError(server: url, status: answer.status, body: answer.body) }
        let body: JSONValue
        do {
            body = try JSONValue(parsing: answer.body)
        } catch {
            throw InvalidModelResponseError(problem: "the body is not JSON (\(error))", body: .string(answer.bodyText))
        }
        return ModelReply(body: body, cookies: answer.setCookies)
    }
}
