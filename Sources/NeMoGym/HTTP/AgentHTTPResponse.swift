/// An HTTP response produced by a handler: status, header fields and the complete body.
///
/// The server adds `Content-Length`, `Date` and, when it closes the connection, `Connection: close`;
/// a handler sets only the fields that describe its content.
///
/// ```swift
/// let handler: AgentHTTPHandler = { request in
///     switch request.path {
///     case "/": return .json(["status": "ok"])
///     case "/hello": return AgentHTTPResponse(status: 200, headers: ["Content-Type": "text/plain"], body: Array("hi".utf8))
///     default: return .json(status: 404, ["detail": "Not Found"])
///     }
/// }
/// let reply = await handler(AgentHTTPRequest(method: .get, target: "/hello"))
/// print(reply.status, String(decoding: reply.body, as: UTF8.self))  // 200 hi
/// ```
public struct AgentHTTPResponse: Sendable {
    /// The status code, e.g. `200`.
    public var status: Int
    /// The header fields (without framing fields; the server writes `Content-Length` itself).
    public var headers: HeaderFields
    /// The body bytes.
    public var body: [UInt8]

    /// Creates a response.
    public init(status: Int = 200, headers: HeaderFields = [:], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A response whose body is `value` printed as compact JSON, with `Content-Type: application/json`.
    public static func json(status: Int = 200, _ value: JSONValue, headers: HeaderFields = [:]) -> AgentHTTPResponse {
        var headers = headers
        if !headers.contains("Content-Type") { headers.add(name: "Content-Type", value: "application/json") }
        return AgentHTTPResponse(status: status, headers: headers, body: value.jsonBytes())
    }

    /// A `text/plain; charset=utf-8` response.
    public static func text(status: Int = 200, _ text: String, headers: HeaderFields = [:]) -> AgentHTTPResponse {
        var headers = headers
        if !headers.contains("Content-Type") { headers.add(name: "Content-Type", value: "text/plain; charset=utf-8") }
        return AgentHTTPResponse(status: status, headers: headers, body: Array(text.utf8))
    }

    /// Appends one `Set-Cookie` field per cookie (`name=value; Path=/; SameSite=lax`).
    public mutating func setCookies(_ cookies: SessionCookies) {
        for line in cookies.setCookieHeaders { headers.add(name: "Set-Cookie", value: line) }
    }

    /// The standard reason phrase for a status code (`"OK"` for 200), or `"Unknown"`.
    public static func reasonPhrase(for status: Int) -> String {
        switch status {
        case 100: "Continue"
        case 101: "Switching Protocols"
        case 200: "OK"
        case 201: "Created"
        case 202: "Accepted"
        case 204: "No Content"
        case 206: "Partial Content"
        case 301: "Moved Permanently"
        case 302: "Found"
        case 303: "See Other"
        case 304: "Not Modified"
        case 307: "Temporary Redirect"
        case 308: "Permanent Redirect"
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 403: "Forbidden"
        case 404: "Not Found"
        case 405: "Method Not Allowed"
        case 408: "Request Timeout"
        case 409: "Conflict"
        case 411: "Length Required"
        case 413: "Content Too Large"
        case 414: "URI Too Long"
        case 415: "Unsupported Media Type"
        case 417: "Expectation Failed"
        case 422: "Unprocessable Entity"
        case 429: "Too Many Requests"
        case 431: "Request Header Fields Too Large"
        case 500: "Internal Server Error"
        case 501: "Not Implemented"
        case 502: "Bad Gateway"
        case 503: "Service Unavailable"
        case 504: "Gateway Timeout"
        case 505: "HTTP Version Not Supported"
        default: "Unknown"
        }
    }
}
