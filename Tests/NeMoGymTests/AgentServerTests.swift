import Foundation
import Testing
@testable import NeMoGym

@Suite struct AgentServerTests {
    func makeAgent(turns: [[ResponseItem]] = [[.assistantMessage("hello")]], model: (any ModelClient)? = nil) -> SimpleAgent {
        let resources = InProcessResourcesClient(
            tools: ["get_weather": .init { _, _ in ToolResult(body: #"{"w":"cold"}"#, cookies: ["rs": "t1"]) }],
            seedSession: { _, _ in ResourcesReply(body: [:], cookies: ["rs": "s0"]) },
            verify: { body, _ in
                var result = body
                result["reward"] = 1.0
                return ResourcesReply(body: result)
            })
        return SimpleAgent(configuration: .init(name: "my_agent", maxSteps: 3),
                           model: model ?? ScriptedModelClient(turns: turns), resources: resources)
    }

    func post(_ path: String, _ body: String, cookies: String? = nil) -> AgentHTTPRequest {
        var headers: HeaderFields = ["Content-Type": "application/json"]
        if let cookies { headers.add(name: "Cookie", value: cookies) }
        return AgentHTTPRequest(method: .post, target: path, headers: headers, body: Array(body.utf8))
    }

    func json(_ response: AgentHTTPResponse) throws -> JSONValue { try JSONValue(parsing: response.body) }

    @Test func livenessAnswersOK() async throws {
        let response = await AgentServer(agent: makeAgent()).handle(AgentHTTPRequest(method: .get, target: "/"))
        #expect(response.status == 200)
        #expect(try json(response) == ["status": "ok"])
    }

    @Test func unknownPathsAndWrongMethodsAnswerLikeFastAPI() async throws {
        let server = AgentServer(agent: makeAgent())
        let missing = await server.handle(AgentHTTPRequest(method: .get, target: "/nope"))
        #expect(missing.status == 404)
        #expect(try json(missing) == ["detail": "Not Found"])
        let wrong = await server.handle(AgentHTTPRequest(method: .get, target: "/run"))
        #expect(wrong.status == 405)
        #expect(try json(wrong) == ["detail": "Method Not Allowed"])
        let twin = await server.handle(AgentHTTPRequest(method: .post, target: "/ng-rollout/1-2/v2/responses"))
        #expect(twin.status == 404)
    }

    @Test func aTrailingSlashRedirectsToTheRouteAsStarletteDoes() async throws {
        let server = AgentServer(agent: makeAgent())
        let response = await server.handle(AgentHTTPRequest(method: .post, target: "/run/?x=1", headers: ["Host": "127.0.0.1:8000"]))
        #expect(response.status == 307)
        #expect(response.headers["Location"] == "http://127.0.0.1:8000/run?x=1")
        #expect(await server.handle(AgentHTTPRequest(method: .post, target: "/nope/")).status == 404)
    }

    @Test func responsesSetsResourcesModelAndSessionCookies() async throws {
        let model = ScriptedModelClient { _, index in
            let output: [ResponseItem] = index == 0 ? [.functionCall(name: "get_weather", arguments: "{}", callID: "c")] : [.assistantMessage("ok")]
            return ModelReply(body: .object(ModelResponse.make(output: output).json), cookies: ["m": "\(index)"])
        }
        let response = await AgentServer(agent: makeAgent(model: model)).handle(post("/v1/responses", #"{"input":"hi"}"#, cookies: "rs=s0"))
        #expect(response.status == 200)
        let setCookies = response.headers.values(for: "Set-Cookie")
        #expect(setCookies.contains("rs=t1; Path=/; SameSite=lax"))
        #expect(setCookies.contains("m=1; Path=/; SameSite=lax"))
        #expect(setCookies.contains { $0.hasPrefix("SimpleAgent___my_agent=") })
        #expect(try json(response)["output"]?.array?.count == 3)
    }

    @Test func rolloutTwinsUseTheSamePrefixForTheModel() async throws {
        let model = ScriptedModelClient(turns: [[.assistantMessage("x")], [.assistantMessage("y")]])
        let server = AgentServer(agent: makeAgent(model: model))
        #expect(await server.handle(post("/ng-rollout/7-0/v1/responses", #"{"input":"a"}"#)).status == 200)
        #expect(await server.handle(post("/ng-rollout/7-0/training-token-capture/v1/responses", #"{"input":"a"}"#)).status == 200)
        #expect(model.requests.map(\.path) == ["/ng-rollout/7-0/v1/responses", "/ng-rollout/7-0/training-token-capture/v1/responses"])
    }

    @Test(arguments: [
        (#"{"input":"x","foo":1}"#, #"{"detail":[{"type":"extra_forbidden","loc":["body","foo"],"msg":"Extra inputs are not permitted","input":1}]}"#),
        (#"{}"#, #"{"detail":[{"type":"missing","loc":["body","input"],"msg":"Field required","input":{}}]}"#),
        (#"{"#, #"{"detail":[{"type":"json_invalid","loc":["body",1],"msg":"JSON decode error","input":{},"ctx":{"error":"Expecting property name enclosed in double quotes"}}]}"#),
    ])
    func invalidBodiesGet422WithFastAPIDetail(body: String, expected: String) async throws {
        let response = await AgentServer(agent: makeAgent()).handle(post("/v1/responses", body))
        #expect(response.status == 422)
        #expect(String(decoding: response.body, as: UTF8.self) == expected)
        #expect(response.headers.values(for: "Set-Cookie").count == 1)
    }

    @Test func runWithoutParamsIs422() async throws {
        let response = await AgentServer(agent: makeAgent()).handle(post("/run", #"{"x":1}"#))
        #expect(response.status == 422)
        #expect(String(decoding: response.body, as: UTF8.self) == #"{"detail":[{"type":"missing","loc":["body","responses_create_params"],"msg":"Field required","input":{"x":1}}]}"#)
    }

    @Test func aModelHTTPErrorIs500NamingTheInnerServerWithoutCookies() async throws {
        let model = ScriptedModelClient(steps: [.httpError(status: 500, body: #"{"detail":"boom"}"#)])
        let response = await AgentServer(agent: makeAgent(model: model)).handle(post("/v1/responses", #"{"input":"x"}"#))
        #expect(response.status == 500)
        #expect(try json(response) == .string(#"Hit an exception in SimpleAgent___my_agent calling an inner server: {"detail":"boom"}"#))
        #expect(response.headers.values(for: "Set-Cookie").isEmpty)
    }

    @Test func anInvalidModelResponseIs500NamingTheModelServer() async throws {
        let model = ScriptedModelClient(steps: [.response(["foo": 1])])
        let response = await AgentServer(agent: makeAgent(model: model)).handle(post("/v1/responses", #"{"input":"x"}"#))
        #expect(response.status == 500)
        #expect(try json(response) == .string(#"Received an invalid response from model server: {"foo": 1}"#))
    }

    @Test func runReturnsTheVerifiedResultWithOnlyTheSessionCookie() async throws {
        let response = await AgentServer(agent: makeAgent()).handle(post("/run", #"{"responses_create_params":{"input":"hi"},"task":3}"#))
        #expect(response.status == 200)
        let body = try json(response)
        #expect(body.object?.keys == ["responses_create_params", "response", "reward", "task"])
        #expect(body["reward"]?.number?.text == "1.0")
        #expect(response.headers.values(for: "Set-Cookie").count == 1)
    }

    @Test func aggregateMetricsValidatesItsBody() async throws {
        let server = AgentServer(agent: makeAgent())
        #expect(await server.handle(post("/aggregate_metrics", #"{}"#)).status == 422)
        let ok = await server.handle(post("/aggregate_metrics", #"{"verify_responses":[]}"#))
        #expect(ok.status == 200)
    }

    @Test func rolloutIDsFollowTheReference() throws {
        #expect(AgentServer.rolloutID(of: try RunRequest(validating: ["responses_create_params": ["input": "x"], "_ng_task_index": 3, "_ng_rollout_index": 1])) == "3-1")
        #expect(AgentServer.rolloutID(of: try RunRequest(validating: ["responses_create_params": ["input": "x"], "_ng_task_index": 3, "_ng_rollout_index": 1, "_ng_attempt_index": 2])) == "3-1-a2")
        #expect(AgentServer.rolloutID(of: try RunRequest(validating: ["responses_create_params": ["input": "x"]])) == nil)
    }

    @Test func mintedSessionCookieIsBase64OfASessionIDThenTheTime() throws {
        let a = AgentServer.mintSessionCookie(seconds: 1_700_000_000)
        let b = AgentServer.mintSessionCookie(seconds: 1_700_000_000)
        #expect(a != b)
        let parts = a.split(separator: ".")
        #expect(parts.count == 2)
        #expect(parts.last == "1700000000")
        let payload = try #require(Data(base64Encoded: String(parts[0])))
        let text = String(decoding: payload, as: UTF8.self)
        #expect(text.hasPrefix(#"{"session_id": ""#) && text.hasSuffix(#""}"#))
        let id = String(text.dropFirst(16).dropLast(2))
        #expect(id == id.lowercased())
        let uuid = try #require(UUID(uuidString: id))
        #expect(uuid.uuidString.lowercased() == id)
        #expect(id.dropFirst(14).first == "4")
    }
}
