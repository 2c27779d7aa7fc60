/// An HTTP request as a handler sees it: the head and the complete body.
///
/// The server has already removed the transfer framing: ``body`` holds the decoded bytes whether the client
/// sent `Content-Length` or `Transfer-Encoding: chunked`.
public struct AgentHTTPRequest: Sendable {
    /// The method, e.g. ``RequestMethod/post``.
    public var method: RequestMethod
    /// The request target exactly as sent, e.g. `/v1/responses?x=1`.
    public var target: String
    /// The target without its query, not percent-decoded, e.g. `/v1/responses`.
    public var path: String
    /// The text after the first `?` of the target, not percent-decoded; `nil` when there is no `?`.
    public var query: String?
    /// The protocol version the client used.
    public var version: HTTPProtocolVersion
    /// The header fields.
    public var headers: HeaderFields
    /// The decoded body (empty when there is none).
    public var body: [UInt8]
    /// The client's address as `ip:port` (`[ip]:port` for IPv6), when known.
    public var remoteAddress: String?

    /// Creates a request; ``path`` and ``query`` are split from `target`.
    public init(
        method: RequestMethod,
        target: String,
        version: HTTPProtocolVersion = .http1_1,
        headers: HeaderFields = [:],
        body: [UInt8] = [],
        remoteAddress: String? = nil
    ) {
        self.method = method
        self.target = target
        var pathAndQuery = Substring(target)
        if !target.hasPrefix("/"), let scheme = target.firstRange(of: "://") {
            // Absolute form (`http://host/path`, as sent to proxies): keep the path.
            let rest = target[scheme.upperBound...]
            pathAndQuery = rest.firstIndex(where: { $0 == "/" || $0 == "?" }).map { rest[$0...] } ?? "/"
            if pathAndQuery.hasPrefix("?") { pathAndQuery = "/" + pathAndQuery }
        }
        if let q = pathAndQuery.firstIndex(of: "?") {
            self.path = String(pathAndQuery[..<q])
            self.query = String(pathAndQuery[pathAndQuery.index(after: q)...])
        } else {
            self.path = String(pathAndQuery)
            self.query = nil
        }
        self.version = version
        self.headers = headers
        self.body = body
        self.remoteAddress = remoteAddress
    }

    /// The cookies of the `Cookie` header fields.
    public var cookies: SessionCookies {
        var result = SessionCookies()
        for line in headers.values(for: "Cookie") { result = result.merging(SessionCookies(cookieHeader: line)) }
        return result
    }

    /// The body as UTF-8 text (invalid sequences become U+FFFD).
    public var bodyText: String { String(decoding: body, as: UTF8.self) }
}
