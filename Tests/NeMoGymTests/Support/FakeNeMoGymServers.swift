import Foundation
import Synchronization
@testable import NeMoGym

/// One request a ``FakeGymServer`` received.
struct RecordedRequest: Sendable {
    /// The order in which the server received it (0, 1, ...).
    var index: Int
    var method: RequestMethod
    var path: String
    var headers: HeaderFields
    var body: [UInt8]
    /// The value of the server's own session cookie in the request, if the caller sent it.
    var session: String?

    /// The `Cookie` header as sent (`nil`: none).
    var cookieHeader: String? { headers.values(for: "Cookie").isEmpty ? nil : headers.values(for: "Cookie").joined(separator: "; ") }
    /// The cookies sent.
    var cookies: SessionCookies { SessionCookies(cookieHeader: cookieHeader ?? "") }
    /// The body as text.
    var bodyText: String { String(decoding: body, as: UTF8.self) }
    /// The body parsed strictly (so a non-finite number sent as `NaN` would fail); `nil` when not JSON.
    var json: JSONValue? { try? JSONValue(parsing: body) }
}

/// What a ``FakeGymServer`` answers.
struct FakeReply: Sendable {
    var status: Int
    var body: [UInt8]
    /// The session cookie value to set, replacing the caller's (`nil`: keep the caller's, or mint one).
    var session: String?
    /// Whether the answer carries the session `Set-Cookie` (NeMo Gym's 500s from the exception middleware do not).
    var setsSession: Bool

    init(status: Int = 200, json: JSONValue, session: String? = nil, setsSession: Bool? = nil) {
        self.init(status: status, text: json.jsonString(), session: session, setsSession: setsSession)
    }

    init(status: Int = 200, text: String, session: String? = nil, setsSession: Bool? = nil) {
        self.status = status
        self.body = Array(text.utf8)
        self.session = session
        self.setsSession = setsSession ?? (status < 500)
    }
}

/// A fake NeMo Gym server (model or resources) on a loopback port: it records every request and answers through
/// a script, re-sending its session cookie on every answer as Starlette's `SessionMiddleware` does
/// (`<name>=<value>; path=/; Max-Age=1209600; httponly; samesite=lax`), keeping the caller's session or minting
/// `<name>-<n>` when the caller sent none.
final class FakeGymServer: Sendable {
    typealias Script = @Sendable (RecordedRequest) async -> FakeReply

    let sessionCookieName: String
    let port: Int
    private let server: AgentHTTPServer
    private let box: Box

    private init(sessionCookieName: String, port: Int, server: AgentHTTPServer, box: Box) {
        self.sessionCookieName = sessionCookieName
        self.port = port
        self.server = server
        self.box = box
    }

    /// Starts a fake on `port` (0: a free one).
    static func start(sessionCookieName: String, port: Int = 0, script: @escaping Script) async throws -> FakeGymServer {
        let box = Box()
        let minted = Atomic<Int>(0)
        let name = sessionCookieName
        let server = AgentHTTPServer(configuration: .init(port: port, raisesOpenFileLimit: false)) { request in
            let incoming = request.cookies[name]
            let recorded = box.record { index in
                RecordedRequest(index: index, method: request.method, path: request.path, headers: request.headers,
                                body: request.body, session: incoming)
            }
            let reply = await script(recorded)
            var response = AgentHTTPResponse(status: reply.status, headers: ["Content-Type": "application/json"], body: reply.body)
            if reply.setsSession {
                let value = reply.session ?? incoming ?? "\(name)-\(minted.add(1, ordering: .relaxed).newValue)"
                response.headers.add(name: "Set-Cookie", value: "\(name)=\(value); path=/; Max-Age=1209600; httponly; samesite=lax")
            }
            return response
        }
        let bound = try await server.start()
        return FakeGymServer(sessionCookieName: name, port: bound, server: server, box: box)
    }

    /// `http://127.0.0.1:PORT`.
    var baseURL: String { "http://127.0.0.1:\(port)" }

    /// Every request so far, in arrival order.
    var requests: [RecordedRequest] { box.log.withLock { $0 } }

    /// The requests to `path`.
    func requests(to path: String) -> [RecordedRequest] { requests.filter { $0.path == path } }

    func shutdown() async { await server.shutdown() }

    /// The shared request log, filled before the server exists.
    private final class Box: Sendable {
        let log = Mutex<[RecordedRequest]>([])
        func record(_ make: (Int) -> RecordedRequest) -> RecordedRequest {
            log.withLock { log in
                let request = make(log.count)
                log.append(request)
                return request
            }
        }
    }
}

/// A scripted model server and a weather resources server, as a NeMo Gym agent sees them.
///
/// Default model (stateless, so concurrent rollouts work): when the conversation's last item is a
/// `function_call_output`, it answers an assistant message `"done: <output>"`; otherwise it calls `get_weather`
/// with `{"city": <the first user message's text>}`. The model mints its session as `model-<city>`.
///
/// Default resources server: `/seed_session` answers `{}` and sets the session `rs-<task>` when the body has a
/// `task` key; `/get_weather` answers `{"city", "weather_description"}`; `/verify` echoes the body with
/// `reward: 1.0`; `/aggregate_metrics` answers empty metrics; anything else 404 `{"detail":"Not Found"}`.
struct FakeNeMoGymServers: Sendable {
    static let modelCookie = "VLLMModel___policy_model"
    static let resourcesCookie = "SimpleWeatherResourcesServer___weather"

    let model: FakeGymServer
    let resources: FakeGymServer

    /// Starts both fakes; `modelPort` 0 picks a free port.
    static func start(model: FakeGymServer.Script? = nil, resources: FakeGymServer.Script? = nil) async throws -> FakeNeMoGymServers {
        let modelServer = try await FakeGymServer.start(sessionCookieName: modelCookie, script: model ?? weatherModel)
        let resourcesServer = try await FakeGymServer.start(sessionCookieName: resourcesCookie, script: resources ?? weatherResources)
        return FakeNeMoGymServers(model: modelServer, resources: resourcesServer)
    }

    func shutdown() async {
        await model.shutdown()
        await resources.shutdown()
    }

    // MARK: - Default scripts

    /// The text of the first user message of a model request.
    static func userText(_ request: RecordedRequest) -> String {
        guard let items = request.json?["input"]?.array else { return request.json?["input"]?.string ?? "" }
        for item in items where item["role"]?.string == "user" {
            if let s = item["content"]?.string { return s }
            if let parts = item["content"]?.array, let text = parts.first?["text"]?.string { return text }
        }
        return ""
    }

    /// A valid model answer with `output`.
    static func modelReply(_ output: [ResponseItem], id: String = "resp_0", session: String? = nil) -> FakeReply {
        FakeReply(json: .object(ModelResponse.make(id: id, model: "fake", output: output).json), session: session)
    }

    static let weatherModel: FakeGymServer.Script = { request in
        let city = userText(request)
        let session = request.session == nil ? "model-\(city)" : nil
        let last = request.json?["input"]?.array?.last
        if last?["type"]?.string == "function_call_output" {
            return modelReply([.assistantMessage("done: \(last?["output"]?.string ?? "")")], id: "resp_\(request.index)", session: session)
        }
        let arguments: JSONValue = ["city": .string(city)]
        return modelReply([.functionCall(name: "get_weather", arguments: arguments.jsonString(), callID: "call_\(city)")],
                          id: "resp_\(request.index)", session: session)
    }

    static let weatherResources: FakeGymServer.Script = { request in
        switch request.path {
        case "/seed_session":
            let task = request.json?["task"].map { $0.jsonString() }
            return FakeReply(json: [:], session: task.map { "rs-\($0)" })
        case "/get_weather":
            let city = request.json?["city"]?.string ?? "?"
            return FakeReply(json: ["city": .string(city), "weather_description": .string("The weather in \(city) is cold.")])
        case "/verify":
            var body = request.json?.object ?? [:]
            body["reward"] = 1.0
            return FakeReply(json: .object(body))
        case "/aggregate_metrics":
            return FakeReply(json: ["group_level_metrics": [], "agent_metrics": [:], "key_metrics": [:]])
        default:
            return FakeReply(status: 404, json: ["detail": "Not Found"])
        }
    }
}
