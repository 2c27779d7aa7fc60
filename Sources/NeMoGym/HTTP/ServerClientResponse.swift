/// A complete response received by ``ServerClient``. Any status is a response, not an error: the caller decides
/// what a `4xx` or `5xx` means.
public struct ServerClientResponse: Sendable {
    /// The status code.
    public var status: Int
    /// The header fields; repeated fields such as `Set-Cookie` stay separate (see ``HeaderFields/values(for:)``).
    public var headers: HeaderFields
    /// The decoded body (de-chunked).
    public var body: [UInt8]

    /// Creates a response.
    public init(status: Int, headers: HeaderFields = [:], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The cookies this response set: one per `Set-Cookie` field, attributes dropped, later names win.
    public var setCookies: SessionCookies { SessionCookies(setCookieHeaders: headers.values(for: "Set-Cookie")) }

    /// Whether the status is 2xx.
    public var isSuccess: Bool { (200..<300).contains(status) }

    /// The body as UTF-8 text (invalid sequences become U+FFFD).
    public var bodyText: String { String(decoding: body, as: UTF8.self) }

    /// The body parsed as JSON.
    public func json(options: JSONParseOptions = .strict) throws -> JSONValue {
        try JSONValue(parsing: body, options: options)
    }
}
