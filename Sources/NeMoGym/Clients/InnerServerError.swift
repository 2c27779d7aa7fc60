/// A model or resources server answered with a non-2xx status.
///
/// The agent server turns it into HTTP 500 with the JSON string
/// `"Hit an exception in <AgentClass>___<name> calling an inner server: <body>"`, as NeMo Gym's agent words it.
public struct InnerServerError: Error, Sendable, CustomStringConvertible {
    /// Which server and route, e.g. `http://127.0.0.1:8001/v1/responses` or `model`.
    public var server: String
    /// The HTTP status.
    public var status: Int
    /// The raw body.
    public var body: [UInt8]

    /// Creates the error.
    public init(server: String, status: Int, body: [UInt8]) {
        self.server = server
        self.status = status
        self.body = body
    }

    /// The body as text.
    public var bodyText: String { String(decoding: body, as: UTF8.self) }

    public var description: String {
        let text = bodyText.count > 500 ? String(bodyText.prefix(500)) + "…" : bodyText
        return "\(server) answered HTTP \(status): \(text)"
    }
}
