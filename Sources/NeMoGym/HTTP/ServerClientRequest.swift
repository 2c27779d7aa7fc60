/// A request for ``ServerClient/send(_:)``.
///
/// A body is always sent with `Content-Length` (never chunked); `POST`, `PUT` and `PATCH` without a body send
/// `Content-Length: 0`. The client writes `Host`, `Content-Length` and `Connection` itself.
///
/// ```swift
/// let cookies: SessionCookies = ["session_id": "abc"]
/// let payload: JSONValue = ["input": "Hello"]
/// var request = ServerClientRequest(method: .post, url: "http://127.0.0.1:8000/v1/responses")
/// request.headers["Content-Type"] = "application/json"
/// request.headers["Cookie"] = cookies.cookieHeader
/// request.body = payload.jsonBytes()
/// let response = try await ServerClient.shared.send(request)
/// print(response.status)
/// ```
public struct ServerClientRequest: Sendable {
    /// The method.
    public var method: RequestMethod
    /// The absolute URL, `http://host[:port]/path[?query]` or `https://…`.
    public var url: String
    /// Header fields to send (empty ones are skipped).
    public var headers: HeaderFields
    /// The body, or `nil` for none.
    public var body: [UInt8]?

    /// Creates a request.
    public init(method: RequestMethod = .get, url: String, headers: HeaderFields = [:], body: [UInt8]? = nil) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
    }

    /// A `POST` of `value` as compact JSON with `Content-Type: application/json`.
    public static func json(_ method: RequestMethod = .post, url: String, _ value: JSONValue, headers: HeaderFields = [:]) -> ServerClientRequest {
        var headers = headers
        if !headers.contains("Content-Type") { headers.add(name: "Content-Type", value: "application/json") }
        return ServerClientRequest(method: method, url: url, headers: headers, body: value.jsonBytes())
    }
}
