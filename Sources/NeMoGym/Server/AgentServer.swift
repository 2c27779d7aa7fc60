import Foundation
import Synchronization

/// Serves a ``ResponsesAPIAgent`` with NeMo Gym's agent routes, as a transport-agnostic handler.
///
/// Routes, as NeMo Gym's agent server has them: `POST /v1/responses` and its `/ng-rollout/{id}/v1/responses` and
/// `/ng-rollout/{id}/training-token-capture/v1/responses` twins, `POST /run`, `POST /aggregate_metrics` and
/// the liveness `GET /`. Errors map as NeMo Gym maps them: 422 `{"detail": [...]}` for invalid bodies, 500
/// with a JSON string naming the failing inner server, 404/405 `{"detail": ...}`.
///
/// ```swift
/// let server = AgentHTTPServer(configuration: .init(port: 8000), handler: AgentServer(agent: agent).handler)
/// let port = try await server.start()
/// print("listening on http://127.0.0.1:\(port)")
/// await server.runUntilTerminated()
/// ```
///
/// The handler is `AgentHTTPRequest -> AgentHTTPResponse`, so it can be mounted in another HTTP framework too: build an
/// ``AgentHTTPRequest`` from the framework's request (method, target, headers, body bytes), call
/// ``handle(_:)``, and copy status, headers and body back.
public struct AgentServer: Sendable {
    /// The agent being served.
    public let agent: any ResponsesAPIAgent
    /// The name of the agent's own session cookie and the prefix of its error messages:
    /// `<AgentClass>___<instance name>`, e.g. `SimpleAgent___my_agent`.
    public let serverIdentity: String
    /// Where request lines go: at debug level one line per request, at info level one line per failed
    /// request (status 4xx/5xx) with its status and error text (`nil`: no request log).
    public let log: AgentLog?

    /// Creates a server for `agent`.
    public init(agent: any ResponsesAPIAgent, log: AgentLog? = nil) {
        self.agent = agent
        self.serverIdentity = "\(String(describing: type(of: agent)))___\(agent.instanceName)"
        self.log = log
    }

    /// The handler to give an ``AgentHTTPServer``.
    public var handler: AgentHTTPHandler {
        let server = self
        return { request in await server.handle(request) }
    }

    /// Answers one request.
    public func handle(_ request: AgentHTTPRequest) async -> AgentHTTPResponse {
        let response = await route(request)
        if let log {
            if response.status >= 400 && response.status != 404 && response.status != 405 {
                let text = String(decoding: response.body.prefix(2_000), as: UTF8.self)
                log.info("\(request.method) \(request.target) -> \(response.status): \(text)")
            } else {
                log.debug("\(request.method) \(request.target) -> \(response.status)")
            }
        }
        return response
    }

    private func route(_ request: AgentHTTPRequest) async -> AgentHTTPResponse {
        let session = sessionCookie(from: request)
        let path = request.path
        guard let route = AgentRoute(path: path) else {
            // Like Starlette's redirect_slashes: `/run/` answers 307 to `/run`; clients follow it with the body.
            if path.count > 1, path.hasSuffix("/"), AgentRoute(path: String(path.dropLast())) != nil {
                var target = String(path.dropLast())
                if let query = request.query { target += "?" + query }
                let location = request.headers["Host"].map { "http://\($0)\(target)" } ?? target
                return withSession(AgentHTTPResponse(status: 307, headers: ["Location": location]), session)
            }
            return withSession(.json(status: 404, ["detail": "Not Found"]), session)
        }
        guard request.method == route.method else {
            var response = AgentHTTPResponse.json(status: 405, ["detail": "Method Not Allowed"])
            response.headers.add(name: "Allow", value: route.method.rawValue)
            return withSession(response, session)
        }
        do {
            switch route {
            case .liveness:
                return withSession(.json(["status": "ok"]), session)
            case .responses(let rolloutID, let prefix):
                let params = try ResponseCreateParams(validating: try parseBody(request))
                let context = AgentCallContext(cookies: request.cookies, rolloutID: rolloutID, modelPathPrefix: prefix)
                let response = try await agent.responses(params, context: context)
                var http = AgentHTTPResponse.json(.object(response.json))
                http.setCookies(context.responseCookies)
                return withSession(http, session)
            case .run:
                let run = try RunRequest(validating: try parseBody(request))
                let context = AgentCallContext(cookies: request.cookies, rolloutID: AgentServer.rolloutID(of: run))
                let result = try await agent.run(run, context: context)
                return withSession(.json(.object(result.json)), session)
            case .aggregateMetrics:
                let body = try AggregateMetricsRequest(validating: try parseBody(request))
                let metrics = try await agent.aggregateMetrics(body, context: AgentCallContext(cookies: request.cookies))
                return withSession(.json(metrics.json), session)
            }
        } catch let error as RequestValidationError {
            return withSession(.json(status: 422, error.detailJSON), session)
        } catch {
            // Like NeMo Gym's exception middleware: 500, a JSON string body, no Set-Cookie.
            return .json(status: 500, .string(errorText(error)))
        }
    }

    /// Parses a JSON body; a malformed one is a 422 `json_invalid` issue as FastAPI reports it.
    private func parseBody(_ request: AgentHTTPRequest) throws -> JSONValue {
        guard !request.body.isEmpty else {
            throw RequestValidationError([ValidationIssue(type: "missing", location: ["body"], message: "Field required", input: .null)])
        }
        do {
            return try JSONValue(parsing: request.body)
        } catch let error as JSONParseError {
            throw RequestValidationError([ValidationIssue(
                type: "json_invalid", location: ["body", .int(error.offset)], message: "JSON decode error",
                input: [:], context: ["error": .string(error.pythonReason)])])
        }
    }

    /// The 500 body text for an error, worded as NeMo Gym's agent words it: an inner server's
    /// failure quotes its body as text (or, when it gave no answer, the ``ServerClientError`` message naming its URL
    /// and the cause), an invalid model answer starts `Received an invalid response from
    /// model server: ` followed by the JSON; anything else is `ErrorType('description')`.
    func errorText(_ error: any Error) -> String {
        switch error {
        case let error as InnerServerError:
            return "Hit an exception in \(serverIdentity) calling an inner server: \(error.bodyText)"
        case let error as ServerClientError where error.code != .cancelled:
            // No answer from the inner server (unreachable, cut short, too large): its URL and the cause.
            return "Hit an exception in \(serverIdentity) calling an inner server: \(error.message)"
        case let error as InvalidModelResponseError:
            return error.referenceMessage
        case let error as InvalidRolloutIDError:
            return "ValueError(\(PythonRepr.string(String(describing: error))))"  // the reference raises ValueError
        default:
            return "\(String(describing: type(of: error)))(\(PythonRepr.string(String(describing: error))))"
        }
    }

    /// The rollout id of a run body as NeMo Gym computes it (``RolloutCorrelation/rolloutID(fromRunBody:)``):
    /// `_ng_rollout_id`, or `<task>-<rollout>[-a<attempt>]` from the indices; `nil` when it has none or a
    /// malformed one (the agent refuses that one itself when a capture is on).
    static func rolloutID(of run: RunRequest) -> String? {
        (try? RolloutCorrelation.rolloutID(fromRunBody: run.json)) ?? nil
    }

    // MARK: - The agent's own session cookie

    private func sessionCookie(from request: AgentHTTPRequest) -> String {
        if let existing = request.cookies[serverIdentity], !existing.isEmpty { return existing }
        return Self.mintSessionCookie(seconds: Int(Date().timeIntervalSince1970))
    }

    /// A new session value in the shape of NeMo Gym's session cookie (unsigned, as before): the base64 of
    /// `{"session_id": "<random UUID, lowercase>"}`, a dot, the Unix time in seconds. Built in one pass over
    /// bytes (this runs once per `/run`).
    static func mintSessionCookie(seconds: Int) -> String {
        var uuid = SessionEntropy.next16()
        uuid[6] = (uuid[6] & 0x0F) | 0x40  // version 4
        uuid[8] = (uuid[8] & 0x3F) | 0x80  // RFC 4122 variant
        let hex = Array("0123456789abcdef".utf8)
        var json: [UInt8] = Array(#"{"session_id": ""#.utf8)
        json.reserveCapacity(54)
        for (i, b) in uuid.enumerated() {
            if i == 4 || i == 6 || i == 8 || i == 10 { json.append(UInt8(ascii: "-")) }
            json.append(hex[Int(b >> 4)])
            json.append(hex[Int(b & 0x0F)])
        }
        json.append(contentsOf: #""}"#.utf8)
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        var out: [UInt8] = []
        out.reserveCapacity((json.count + 2) / 3 * 4 + 21)
        var i = 0
        while i < json.count {
            let n = min(3, json.count - i)
            let b0 = UInt32(json[i])
            let b1 = n > 1 ? UInt32(json[i + 1]) : 0
            let b2 = n > 2 ? UInt32(json[i + 2]) : 0
            let triple = b0 << 16 | b1 << 8 | b2
            out.append(alphabet[Int(triple >> 18 & 63)])
            out.append(alphabet[Int(triple >> 12 & 63)])
            out.append(n > 1 ? alphabet[Int(triple >> 6 & 63)] : UInt8(ascii: "="))
            out.append(n > 2 ? alphabet[Int(triple & 63)] : UInt8(ascii: "="))
            i += 3
        }
        out.append(UInt8(ascii: "."))
        out.append(contentsOf: String(seconds).utf8)
        return String(decoding: out, as: UTF8.self)
    }

    private func withSession(_ response: AgentHTTPResponse, _ session: String) -> AgentHTTPResponse {
        var response = response
        response.headers.add(name: "Set-Cookie", value: "\(serverIdentity)=\(session); path=/; Max-Age=1209600; httponly; samesite=lax")
        return response
    }
}

/// Kernel randomness for session ids, fetched 256 bytes at a time (one `getentropy` call per 16 sessions
/// instead of one `getrandom` per 8 bytes, as `SystemRandomNumberGenerator` does).
private enum SessionEntropy {
    private static let pool = Mutex<(bytes: [UInt8], used: Int)>(([UInt8](repeating: 0, count: 256), 256))

    static func next16() -> [UInt8] {
        pool.withLock { p in
            if p.used + 16 > p.bytes.count {
                let ok = p.bytes.withUnsafeMutableBytes { getentropy($0.baseAddress, $0.count) == 0 }
                if !ok {
                    var random = SystemRandomNumberGenerator()
                    for i in p.bytes.indices { p.bytes[i] = UInt8(truncatingIfNeeded: random.next()) }
                }
                p.used = 0
            }
            defer { p.used += 16 }
            return Array(p.bytes[p.used..<p.used + 16])
        }
    }
}
