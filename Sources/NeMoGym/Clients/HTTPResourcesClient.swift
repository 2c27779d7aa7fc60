/// A ``ResourcesClient`` that talks to a NeMo Gym resources server over HTTP.
///
/// `POST /seed_session`, `POST /<tool>`, `POST /verify` and `POST /aggregate_metrics` on ``baseURL``, with
/// cookies passed explicitly. A tool's answer is returned whatever its status; the other routes throw
/// ``InnerServerError`` on a non-2xx answer.
public struct HTTPResourcesClient: ResourcesClient {
    /// The server's base URL, e.g. `http://127.0.0.1:8002`.
    public let baseURL: String
    /// The transport.
    public let client: ServerClient

    /// Creates a client for the resources server at `baseURL`.
    public init(baseURL: String, client: ServerClient = .shared) {
        self.baseURL = baseURL.withoutTrailingSlashes
        self.client = client
    }

    public func seedSession(_ body: JSONValue, cookies: SessionCookies) async throws -> ResourcesReply {
        try await postJSON("/seed_session", body, cookies: cookies)
    }

    public func callTool(_ name: String, arguments: JSONValue?, cookies: SessionCookies) async throws -> ToolResult {
        let answer = try await post(HTTPResourcesClient.toolPath(name), arguments, cookies: cookies)
        return ToolResult(status: answer.status, body: answer.bodyText, cookies: answer.setCookies)
    }

    public func verify(_ body: JSONValue, cookies: SessionCookies) async throws -> ResourcesReply {
        try await postJSON("/verify", body, cookies: cookies)
    }

    public func aggregateMetrics(_ body: JSONValue) async throws -> JSONValue {
        try await postJSON("/aggregate_metrics", body, cookies: SessionCookies()).body
    }

    /// `/<name>`, with the bytes a request target cannot carry percent-encoded as aiohttp's URL quoting does
    /// (controls, space, non-ASCII, double quote, angle, square and curly brackets, backslash, caret, backtick,
    /// vertical bar, and a `%` not followed by two hex digits), so a tool name the model made up reaches the
    /// server (which answers 404, and the episode goes on) instead of failing the rollout. `?` and `#` keep
    /// their URL meaning, as in the reference.
    static func toolPath(_ name: String) -> String {
        let bytes = Array(name.utf8)
        func isHex(_ b: UInt8) -> Bool { (0x30...0x39).contains(b) || (0x41...0x46).contains(b) || (0x61...0x66).contains(b) }
        let hex = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = [UInt8(ascii: "/")]
        out.reserveCapacity(bytes.count + 1)
        for (i, b) in bytes.enumerated() {
            let escape: Bool
            switch b {
            case 0...0x20, 0x7F...0xFF: escape = true
            case UInt8(ascii: "\""), UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "["), UInt8(ascii: "\\"),
                 UInt8(ascii: "]"), UInt8(ascii: "^"), UInt8(ascii: "`"), UInt8(ascii: "{"), UInt8(ascii: "|"), UInt8(ascii: "}"):
                escape = true
            case UInt8(ascii: "%"): escape = !(i + 2 < bytes.count && isHex(bytes[i + 1]) && isHex(bytes[i + 2]))
            default: escape = false
            }
            if escape {
                out += [UInt8(ascii: "%"), hex[Int(b >> 4)], hex[Int(b & 0x0F)]]
            } else {
                out.append(b)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private func post(_ path: String, _ body: JSONValue?, cookies: SessionCookies) async throws -> ServerClientResponse {
        var headers: HeaderFields = [:]
        if let cookie = cookies.cookieHeader { headers.add(name: "Cookie", value: cookie) }
        var bytes: [UInt8]? = nil
        if let body {
            headers.add(name: "Content-Type", value: "application/json")
            // Like orjson, non-finite numbers go out as null so the body stays valid JSON.
            bytes = JSONWriter.nonFiniteAsNull.bytes(body)
        }
        return try await client.send(ServerClientRequest(method: .post, url: baseURL + path, headers: headers, body: bytes))
    }

    private func postJSON(_ path: String, _ body: JSONValue, cookies: SessionCookies) async throws -> ResourcesReply {
        let answer = try await post(path, body, cookies: cookies)
        guard answer.isSuccess else { throw InnerServerError(server: baseURL + path, status: answer.status, body: answer.body) }
        do {
            return ResourcesReply(body: try JSONValue(parsing: answer.body), cookies: answer.setCookies)
        } catch {
            throw InvalidVerifyResponseError(problem: "\(baseURL + path) answered with a body that is not JSON (\(error))", body: .string(answer.bodyText))
        }
    }
}
