import Synchronization

/// A resources server made of Swift closures, for tests, demos and in-process environments.
///
/// Tools are looked up by name; an unknown tool answers 404 `{"detail":"Not Found"}` and a call with no
/// body (arguments `null`) answers 422, as a FastAPI resources server does. Every call is recorded.
///
/// ```swift
/// let resources = InProcessResourcesClient(
///     tools: ["get_weather": .json { args in ["city": args["city"] ?? "?", "weather": "cold"] }],
///     reward: { request in request.response.outputText.contains("cold") ? 1 : 0 })
/// let model = ScriptedModelClient(turns: [
///     [.functionCall(name: "get_weather", arguments: #"{"city":"Oslo"}"#, callID: "c1")],
///     [.assistantMessage("It is cold in Oslo.")],
/// ])
/// let agent = SimpleAgent(model: model, resources: resources)
/// let result = try await agent.run(RunRequest(params: ResponseCreateParams(input: .text("Oslo?"))),
///                                  context: AgentCallContext())
/// print(result.reward, resources.calls.map(\.path))  // 1.0 ["/seed_session", "/get_weather", "/verify"]
/// ```
public final class InProcessResourcesClient: ResourcesClient {
    /// A tool implementation: arguments (never `nil` here) and cookies in, result out.
    public struct Tool: Sendable {
        let handler: @Sendable (JSONValue, SessionCookies) async throws -> ToolResult

        /// A tool with full control over status, body and cookies.
        public init(_ handler: @escaping @Sendable (JSONValue, SessionCookies) async throws -> ToolResult) {
            self.handler = handler
        }

        /// A tool that answers 200 with a JSON body and re-sends the incoming cookies (as NeMo Gym
        /// servers do with their session cookie).
        public static func json(_ body: @escaping @Sendable (JSONValue) async throws -> JSONValue) -> Tool {
            Tool { arguments, cookies in ToolResult(status: 200, body: try await body(arguments).jsonString(), cookies: cookies) }
        }
    }

    /// One recorded call.
    public struct Call: Sendable {
        /// The route: `/seed_session`, `/<tool>`, `/verify` or `/aggregate_metrics`.
        public var path: String
        /// The JSON body (`nil` for a tool call without a body).
        public var body: JSONValue?
        /// The cookies sent.
        public var cookies: SessionCookies
    }

    private let tools: [String: Tool]
    private let seedHandler: @Sendable (JSONValue, SessionCookies) async throws -> ResourcesReply
    private let verifyHandler: @Sendable (JSONValue, SessionCookies) async throws -> ResourcesReply
    private let recorded = Mutex<[Call]>([])

    /// Creates a resources server from closures.
    /// - Parameters:
    ///   - tools: tools by name.
    ///   - seedSession: answers `/seed_session`; default `{}` and no cookies.
    ///   - verify: answers `/verify` with the full verify body (it must add `reward`).
    public init(tools: [String: Tool] = [:],
                seedSession: @escaping @Sendable (JSONValue, SessionCookies) async throws -> ResourcesReply = { _, _ in ResourcesReply(body: [:]) },
                verify: @escaping @Sendable (JSONValue, SessionCookies) async throws -> ResourcesReply) {
        self.tools = tools
        self.seedHandler = seedSession
        self.verifyHandler = verify
    }

    /// Creates a resources server whose verifier computes the reward from the verify request; the
    /// answer is the request plus `reward`.
    public convenience init(tools: [String: Tool] = [:], reward: @escaping @Sendable (VerifyRequest) async throws -> Double) {
        self.init(tools: tools, verify: { body, cookies in
            var result = body
            result["reward"] = .double(try await reward(VerifyRequest(json: body.object ?? [:])))
            return ResourcesReply(body: result, cookies: cookies)
        })
    }

    private func record(_ path: String, _ body: JSONValue?, _ cookies: SessionCookies) {
        recorded.withLock { $0.append(Call(path: path, body: body, cookies: cookies)) }
    }

    public func seedSession(_ body: JSONValue, cookies: SessionCookies) async throws -> ResourcesReply {
        record("/seed_session", body, cookies)
        return try await seedHandler(body, cookies)
    }

    public func callTool(_ name: String, arguments: JSONValue?, cookies: SessionCookies) async throws -> ToolResult {
        record("/" + name, arguments, cookies)
        guard let tool = tools[name] else { return ToolResult(status: 404, body: #"{"detail":"Not Found"}"#) }
        guard let arguments else {
            return ToolResult(status: 422, body: #"{"detail":[{"type":"missing","loc":["body"],"msg":"Field required","input":null}]}"#)
        }
        return try await tool.handler(arguments, cookies)
    }

    public func verify(_ body: JSONValue, cookies: SessionCookies) async throws -> ResourcesReply {
        record("/verify", body, cookies)
        return try await verifyHandler(body, cookies)
    }

    /// Every call received, in order.
    public var calls: [Call] { recorded.withLock { $0 } }

    /// The tool calls received (routes other than seed, verify and metrics), in order.
    public var toolCalls: [Call] {
        calls.filter { !["/seed_session", "/verify", "/aggregate_metrics"].contains($0.path) }
    }
}
