import Foundation
import Synchronization
import Testing
@testable import NeMoGym

/// `AgentServer` behind a real `AgentHTTPServer`, wired with `HTTPModelClient`/`HTTPResourcesClient` to fake model
/// and resources servers, all on loopback sockets: the HTTP-level edge cases of AGENT_PROTOCOL §11 (D11).
@Suite(.timeLimit(.minutes(1)))
struct AgentServerLoopbackTests {
    static let modelCookie = FakeNeMoGymServers.modelCookie
    static let resourcesCookie = FakeNeMoGymServers.resourcesCookie
    static let sessionAttributes = "; Path=/; SameSite=lax"

    /// An agent server on a loopback port and the fakes it talks to.
    final class LoopbackAgent: Sendable {
        let fakes: FakeNeMoGymServers
        let port: Int
        /// Every request the agent server itself received (method and path).
        let inbound: Mutex<[String]>
        let client: ServerClient

        init(fakes: FakeNeMoGymServers, port: Int, client: ServerClient) {
            self.fakes = fakes
            self.port = port
            self.client = client
            inbound = Mutex([])
        }

        var url: String { "http://127.0.0.1:\(port)" }

        func post(_ path: String, _ body: String, cookie: String? = nil) async throws -> ServerClientResponse {
            var headers: HeaderFields = ["Content-Type": "application/json"]
            if let cookie { headers.add(name: "Cookie", value: cookie) }
            return try await client.send(ServerClientRequest(method: .post, url: url + path, headers: headers, body: Array(body.utf8)))
        }

        func get(_ path: String, headers: HeaderFields = [:]) async throws -> ServerClientResponse {
            try await client.send(ServerClientRequest(method: .get, url: url + path, headers: headers))
        }
    }

    /// Starts fakes and an agent server, runs `body`, shuts everything down.
    static func withAgent(
        _ configuration: SimpleAgent.Configuration = .init(name: "my_agent"),
        server: AgentHTTPServer.Configuration = .init(raisesOpenFileLimit: false),
        model: FakeGymServer.Script? = nil,
        resources: FakeGymServer.Script? = nil,
        _ body: (LoopbackAgent) async throws -> Void
    ) async throws {
        let fakes = try await FakeNeMoGymServers.start(model: model, resources: resources)
        let agentClient = ServerClient()
        let agent = SimpleAgent(configuration: configuration,
                                model: HTTPModelClient(baseURL: fakes.model.baseURL + "/", client: agentClient),
                                resources: HTTPResourcesClient(baseURL: fakes.resources.baseURL, client: agentClient))
        let handler = AgentServer(agent: agent).handler
        let seen = Box<LoopbackAgent>()
        let http = AgentHTTPServer(configuration: server) { request in
            seen.value?.inbound.withLock { $0.append("\(request.method.rawValue) \(request.path)") }
            return await handler(request)
        }
        let port = try await http.start()
        let loopback = LoopbackAgent(fakes: fakes, port: port, client: ServerClient(configuration: .init(maxRetryDuration: .seconds(5))))
        seen.value = loopback
        do {
            try await body(loopback)
        } catch {
            await http.shutdown()
            await fakes.shutdown()
            throw error
        }
        await http.shutdown()
        await fakes.shutdown()
    }

    /// A value set once after the closures that read it were made.
    final class Box<T: Sendable>: Sendable {
        private let stored = Mutex<T?>(nil)
        var value: T? {
            get { stored.withLock { $0 } }
            set { stored.withLock { $0 = newValue } }
        }
    }

    static func setCookies(_ response: ServerClientResponse) -> [String] { response.headers.values(for: "Set-Cookie") }

    static func agentSessionCookie(_ response: ServerClientResponse) -> String? {
        setCookies(response).first { $0.hasPrefix("SimpleAgent___my_agent=") }
    }

    // MARK: - Validation, routing and transport limits (§11 cases 3–7)

    @Test(arguments: [
        ("/v1/responses", #"{"input":"x","foo":1}"#,
         #"{"detail":[{"type":"extra_forbidden","loc":["body","foo"],"msg":"Extra inputs are not permitted","input":1}]}"#),
        ("/v1/responses", #"{"input":"x","stream":true}"#,
         #"{"detail":[{"type":"literal_error","loc":["body","stream"],"msg":"Input should be False","input":true,"ctx":{"expected":"False"}}]}"#),
        ("/v1/responses", #"{}"#,
         #"{"detail":[{"type":"missing","loc":["body","input"],"msg":"Field required","input":{}}]}"#),
        ("/v1/responses", #"{"#,
         #"{"detail":[{"type":"json_invalid","loc":["body",1],"msg":"JSON decode error","input":{},"ctx":{"error":"Expecting property name enclosed in double quotes"}}]}"#),
        ("/v1/responses", #"{"input":"x","seed":1}"#,
         #"{"detail":[{"type":"extra_forbidden","loc":["body","seed"],"msg":"Extra inputs are not permitted","input":1}]}"#),
        ("/v1/responses", #"{"input":"x","metadata":{"k":1}}"#,
         #"{"detail":[{"type":"string_type","loc":["body","metadata","k"],"msg":"Input should be a valid string","input":1}]}"#),
        ("/v1/responses", #"{"input":"x","tools":null}"#,
         #"{"detail":[{"type":"list_type","loc":["body","tools"],"msg":"Input should be a valid list","input":null}]}"#),
        ("/v1/responses", #"{"input":[{"role":"user","content":"x","prompt_token_ids":[1]}]}"#,
         #"{"detail":[{"type":"value_error","loc":["body","input",0],"msg":"Value error, Token metadata must include all required fields; missing: generation_token_ids, generation_log_probs","input":{"role":"user","content":"x","prompt_token_ids":[1]},"ctx":{"error":"Token metadata must include all required fields; missing: generation_token_ids, generation_log_probs"}}]}"#),
        ("/run", #"{"x":1}"#,
         #"{"detail":[{"type":"missing","loc":["body","responses_create_params"],"msg":"Field required","input":{"x":1}}]}"#),
        ("/run", #"{"responses_create_params":{"input":"x","foo":1}}"#,
         #"{"detail":[{"type":"extra_forbidden","loc":["body","responses_create_params","foo"],"msg":"Extra inputs are not permitted","input":1}]}"#),
    ])
    func invalidBodiesGet422WithTheExactFastAPIBody(path: String, body: String, expected: String) async throws {
        try await Self.withAgent { agent in
            let response = try await agent.post(path, body)
            #expect(response.status == 422)
            #expect(response.headers["Content-Type"] == "application/json")
            #expect(response.bodyText == expected)
            #expect(Self.agentSessionCookie(response) != nil)
            #expect(agent.fakes.model.requests.isEmpty)
            #expect(agent.fakes.resources.requests.isEmpty)
        }
    }

    @Test func unknownPathsGet404AndWrongMethods405() async throws {
        try await Self.withAgent { agent in
            for path in ["/nope", "/ng-rollout/1-2/v2/responses", "/ng-rollout/1-2/run", "/v1/responses/x"] {
                let response = try await agent.post(path, "{}")
                #expect(response.status == 404, "\(path)")
                #expect(response.bodyText == #"{"detail":"Not Found"}"#)
            }
            let missing = try await agent.get("/nope")
            #expect(missing.status == 404)
            for (method, path) in [(RequestMethod.get, "/run"), (.get, "/v1/responses"), (.post, "/"), (.put, "/aggregate_metrics"),
                                   (.get, "/ng-rollout/7/v1/responses")] {
                let response = try await agent.client.send(ServerClientRequest(method: method, url: agent.url + path))
                #expect(response.status == 405, "\(method) \(path)")
                #expect(response.bodyText == #"{"detail":"Method Not Allowed"}"#)
                #expect(response.headers["Allow"] == (path == "/" ? "GET" : "POST"))
            }
            #expect(agent.fakes.model.requests.isEmpty)
        }
    }

    @Test func oversizedBodiesGet413AndOversizedHeadsGet431() async throws {
        let limits = AgentHTTPServer.Configuration(maxHeaderBytes: 1024, maxBodyBytes: 1024, raisesOpenFileLimit: false)
        try await Self.withAgent(server: limits) { agent in
            let big = #"{"input":""# + String(repeating: "x", count: 4096) + #""}"#
            let tooLarge = try await agent.post("/v1/responses", big)
            #expect(tooLarge.status == 413)
            #expect(try tooLarge.json()["detail"]?.string?.hasPrefix("Content Too Large") == true)
            #expect(Self.setCookies(tooLarge).isEmpty)

            let headers: HeaderFields = ["Cookie": "junk=" + String(repeating: "a", count: 4000)]
            let headTooLarge = try await agent.get("/", headers: headers)
            #expect(headTooLarge.status == 431)
            #expect(try headTooLarge.json()["detail"]?.string?.hasPrefix("Request Header Fields Too Large") == true)

            // The limits are per request: the server goes on answering.
            let small = try await agent.post("/v1/responses", #"{"input":"Oslo"}"#)
            #expect(small.status == 200)
            #expect(agent.inbound.withLock { $0 } == ["POST /v1/responses"])
        }
    }

    // MARK: - Inner-server failures (§11 cases 24–25, 35)

    @Test(arguments: [
        (500, #"{"detail":"boom"}"#, #"Hit an exception in SimpleAgent___my_agent calling an inner server: {"detail":"boom"}"#),
        (400, #"{"error":"it's bad"}"#, #"Hit an exception in SimpleAgent___my_agent calling an inner server: {"error":"it's bad"}"#),
    ])
    func aModelHTTPErrorIs500NamingTheInnerServer(status: Int, body: String, expected: String) async throws {
        try await Self.withAgent(model: { _ in FakeReply(status: status, text: body) }) { agent in
            let response = try await agent.post("/v1/responses", #"{"input":"x"}"#, cookie: "\(Self.resourcesCookie)=rs-0")
            #expect(response.status == 500)
            #expect(response.headers["Content-Type"] == "application/json")
            #expect(try response.json() == .string(expected))
            #expect(Self.setCookies(response).isEmpty)
            #expect(agent.fakes.model.requests.count == 1)
        }
    }

    @Test(arguments: [
        (#"{"foo": 1}"#, #"Received an invalid response from model server: {"foo": 1}"#),
        ("not json", #"Received an invalid response from model server: "not json""#),
    ])
    func anInvalidModelResponseIs500NamingTheModelServer(body: String, expected: String) async throws {
        try await Self.withAgent(model: { _ in FakeReply(text: body) }) { agent in
            let response = try await agent.post("/v1/responses", #"{"input":"x"}"#)
            #expect(response.status == 500)
            #expect(try response.json() == .string(expected))
            #expect(Self.setCookies(response).isEmpty)
        }
    }

    @Test func aModelOutputItemWithoutTypeIs500() async throws {
        let reply = FakeReply(json: .object(ModelResponse.make(output: [ResponseItem(["role": "assistant", "content": "hi"])]).json))
        try await Self.withAgent(model: { _ in reply }) { agent in
            let response = try await agent.post("/v1/responses", #"{"input":"x"}"#)
            #expect(response.status == 500)
            let text = try #require(try response.json().string)
            #expect(text.hasPrefix("Received an invalid response from model server: {"))
            #expect(text.contains(#""output": [{"role": "assistant", "content": "hi"}]"#))
            #expect(text.hasSuffix("}"))
            #expect(Self.setCookies(response).isEmpty)
        }
    }

    @Test func onlyFiveHundredsLackSetCookie() async throws {
        let failing = Atomic<Bool>(false)
        try await Self.withAgent(model: { request in
            failing.load(ordering: .relaxed) ? FakeReply(status: 503, text: "down") : await FakeNeMoGymServers.weatherModel(request)
        }) { agent in
            let ok = try await agent.post("/v1/responses", #"{"input":"Rome"}"#)
            #expect(ok.status == 200)
            #expect(Self.agentSessionCookie(ok) != nil)
            let invalid = try await agent.post("/v1/responses", #"{"input":1}"#)
            #expect(invalid.status == 422)
            #expect(Self.agentSessionCookie(invalid) != nil)
            let missing = try await agent.get("/missing")
            #expect(missing.status == 404)
            #expect(Self.agentSessionCookie(missing) != nil)
            let live = try await agent.get("/")
            #expect(Self.agentSessionCookie(live) != nil)
            failing.store(true, ordering: .relaxed)
            let failed = try await agent.post("/v1/responses", #"{"input":"Rome"}"#)
            #expect(failed.status == 500)
            #expect(Self.setCookies(failed).isEmpty)
            let failedRun = try await agent.post("/run", #"{"responses_create_params":{"input":"Rome"}}"#)
            #expect(failedRun.status == 500)
            #expect(Self.setCookies(failedRun).isEmpty)
        }
    }

    @Test func theAgentSessionCookieIsKeptWhenTheCallerSendsIt() async throws {
        try await Self.withAgent { agent in
            let first = try await agent.get("/")
            let cookie = try #require(Self.agentSessionCookie(first))
            #expect(cookie.hasSuffix("; path=/; Max-Age=1209600; httponly; samesite=lax"))
            let pair = String(cookie.prefix { $0 != ";" })
            let second = try await agent.get("/", headers: ["Cookie": pair])
            #expect(Self.agentSessionCookie(second) == cookie)
        }
    }

    // MARK: - /v1/responses cookies (§11 cases 32–34)

    @Test func responsesSetsTheResourcesAndModelCookiesPlusItsOwnSession() async throws {
        let modelCalls = Atomic<Int>(0)
        try await Self.withAgent(model: { request in
            let n = modelCalls.add(1, ordering: .relaxed).newValue
            var reply = await FakeNeMoGymServers.weatherModel(request)
            reply.session = "m-\(n)"
            return reply
        }, resources: { _ in FakeReply(json: ["w": "cold"], session: "rs-after-tool") }) { agent in
            let response = try await agent.post("/v1/responses", #"{"input":"Oslo"}"#, cookie: "\(Self.resourcesCookie)=rs-in; other=1")
            #expect(response.status == 200)
            // The tool's answer replaced the inbound cookies (`other` is gone), as in the reference.
            let cookies = Self.setCookies(response)
            #expect(cookies.count == 3)
            #expect(cookies.contains("\(Self.resourcesCookie)=rs-after-tool" + Self.sessionAttributes))
            #expect(cookies.contains("\(Self.modelCookie)=m-2" + Self.sessionAttributes))
            #expect(Self.agentSessionCookie(response)?.hasSuffix("; path=/; Max-Age=1209600; httponly; samesite=lax") == true)

            // Case 32: the first model call sends no cookies; the next one sends what the previous answer set.
            let modelRequests = agent.fakes.model.requests
            #expect(modelRequests.map(\.cookieHeader) == [nil, "\(Self.modelCookie)=m-1"])
            // The tool call carries the caller's cookies.
            let tool = try #require(agent.fakes.resources.requests(to: "/get_weather").first)
            #expect(tool.cookieHeader == "\(Self.resourcesCookie)=rs-in; other=1")
            #expect(tool.bodyText == #"{"city":"Oslo"}"#)

            let body = try response.json()
            #expect(body["output"]?.array?.map { $0["type"]?.string } == ["function_call", "function_call_output", "message"])
            #expect(body["output"]?.array?[1]["output"] == #"{"w":"cold"}"#)

            // Without a tool call the inbound cookies are echoed back as they came.
            let input = #"{"input":[{"role":"user","content":"Oslo"},{"type":"function_call_output","call_id":"c","output":"x"}]}"#
            let echoed = try await agent.post("/v1/responses", input, cookie: "\(Self.resourcesCookie)=rs-in; other=1")
            #expect(echoed.status == 200)
            #expect(Array(Self.setCookies(echoed).prefix(3)) == [
                "\(Self.resourcesCookie)=rs-in" + Self.sessionAttributes, "other=1" + Self.sessionAttributes,
                "\(Self.modelCookie)=m-3" + Self.sessionAttributes,
            ])
            #expect(Self.setCookies(echoed).count == 4)
        }
    }

    @Test func livenessAndTheRolloutTwinsAnswerLikeTheMainRoute() async throws {
        try await Self.withAgent { agent in
            let live = try await agent.get("/")
            #expect(live.status == 200)
            #expect(live.bodyText == #"{"status":"ok"}"#)

            let plain = try await agent.post("/v1/responses", #"{"input":"Lima"}"#)
            let twin = try await agent.post("/ng-rollout/7-0/v1/responses", #"{"input":"Lima"}"#)
            let capture = try await agent.post("/ng-rollout/7-0/training-token-capture/v1/responses", #"{"input":"Lima"}"#)
            for response in [plain, twin, capture] {
                #expect(response.status == 200)
                #expect(Self.setCookies(response).count == 3)
            }
            func shape(_ r: ServerClientResponse) throws -> [String?] {
                try r.json()["output"]?.array?.map { $0["type"]?.string } ?? []
            }
            #expect(try shape(twin) == shape(plain))
            #expect(try shape(capture) == shape(plain))
            #expect(try twin.json()["output"]?.array?.last?["content"]?.array?.first?["text"] == plain.json()["output"]?.array?.last?["content"]?.array?.first?["text"])
            #expect(try twin.json().object?.keys == plain.json().object?.keys)
            #expect(agent.fakes.model.requests.map(\.path) == [
                "/v1/responses", "/v1/responses",
                "/ng-rollout/7-0/v1/responses", "/ng-rollout/7-0/v1/responses",
                "/ng-rollout/7-0/training-token-capture/v1/responses", "/ng-rollout/7-0/training-token-capture/v1/responses",
            ])
        }
    }

    // MARK: - /run (§11 cases 36–38, D1, D4)

    @Test func runSeedsTheSessionWithTheRunBodyAndTheInboundCookies() async throws {
        try await Self.withAgent { agent in
            let run = #"{"responses_create_params":{"input":"Paris","temperature":0.3},"task":1,"meta":null,"weight":1.50,"_ng_task_index":0}"#
            let cookie = "a=1; \(Self.resourcesCookie)=rs-pre"
            let response = try await agent.post("/run", run, cookie: cookie)
            #expect(response.status == 200)
            let seed = try #require(agent.fakes.resources.requests(to: "/seed_session").first)
            #expect(seed.bodyText == run)
            #expect(seed.cookieHeader == cookie)
            #expect(seed.headers["Content-Type"] == "application/json")
            // The seed kept the caller's session (the fake set rs-1 for task 1) and the tool call got it.
            let tool = try #require(agent.fakes.resources.requests(to: "/get_weather").first)
            #expect(tool.cookies[Self.resourcesCookie] == "rs-1")
        }
    }

    @Test func runDispatchesResponsesInProcessWithTheClientParamsAndSeedCookies() async throws {
        try await Self.withAgent { agent in
            let response = try await agent.post("/run", #"{"responses_create_params":{"input":"Paris","temperature":0.3},"task":5}"#)
            #expect(response.status == 200)
            // No HTTP self-call: the agent server saw exactly one request.
            #expect(agent.inbound.withLock { $0 } == ["POST /run"])
            let modelRequests = agent.fakes.model.requests
            #expect(modelRequests.count == 2)
            #expect(modelRequests.first?.path == "/v1/responses")
            #expect(modelRequests.first?.bodyText == #"{"input":[{"role":"user","content":"Paris"}],"temperature":0.3}"#)
            #expect(modelRequests.first?.cookieHeader == nil)
            for request in modelRequests {
                let keys = request.json?.object?.keys ?? []
                #expect(keys == ["input", "temperature"])
            }
            let resourcesPaths = agent.fakes.resources.requests.map(\.path)
            #expect(resourcesPaths == ["/seed_session", "/get_weather", "/verify"])
            let tool = try #require(agent.fakes.resources.requests(to: "/get_weather").first)
            #expect(tool.cookieHeader == "\(Self.resourcesCookie)=rs-5")
        }
    }

    @Test func verifyGetsTheRunBodyPlusResponseWithTheLatestCookies() async throws {
        let modelCalls = Atomic<Int>(0)
        try await Self.withAgent(model: { request in
            let n = modelCalls.add(1, ordering: .relaxed).newValue
            var reply = await FakeNeMoGymServers.weatherModel(request)
            reply.session = "m-\(n)"
            return reply
        }, resources: { request in
            switch request.path {
            case "/get_weather": return FakeReply(json: ["w": "cold"], session: "rs-after-tool")
            case "/verify":
                var body = request.json?.object ?? [:]
                body["reward"] = 0.5
                body["_ng_failure_class"] = "none"
                return FakeReply(json: .object(body))
            default: return await FakeNeMoGymServers.weatherResources(request)
            }
        }) { agent in
            let response = try await agent.post("/run", #"{"responses_create_params":{"input":"Kyiv"},"task":2,"extra":{"k":[1,2]}}"#)
            #expect(response.status == 200)
            let verify = try #require(agent.fakes.resources.requests(to: "/verify").first)
            let body = try #require(verify.json?.object)
            #expect(Set(body.keys) == ["responses_create_params", "task", "extra", "response"])
            #expect(body["responses_create_params"] == ["input": "Kyiv"])
            #expect(body["extra"] == ["k": [1, 2]])
            let result = try response.json()
            #expect(body["response"] == result["response"])
            #expect(body["response"]?["output"]?.array?.count == 3)
            #expect(verify.cookies[Self.resourcesCookie] == "rs-after-tool")
            #expect(verify.cookies[Self.modelCookie] == "m-2")
            #expect(verify.cookies.count == 2)

            // Case 39 and §1.4: the verify result with its extras, and only the agent's own Set-Cookie.
            #expect(result.object?.keys == ["responses_create_params", "response", "reward", "task", "extra", "_ng_failure_class"])
            #expect(result["reward"]?.number?.text == "0.5")
            #expect(Self.setCookies(response).count == 1)
            #expect(Self.agentSessionCookie(response) != nil)
        }
    }

    @Test func consecutiveRolloutsShareNoCookies() async throws {
        try await Self.withAgent { agent in
            for city in ["Oslo", "Rome"] {
                let response = try await agent.post("/run", #"{"responses_create_params":{"input":"\#(city)"}}"#)
                #expect(response.status == 200)
            }
            let seeds = agent.fakes.resources.requests(to: "/seed_session")
            #expect(seeds.map(\.cookieHeader) == [nil, nil])
            let tools = agent.fakes.resources.requests(to: "/get_weather")
            let verifies = agent.fakes.resources.requests(to: "/verify")
            let sessions = tools.map { $0.cookies[Self.resourcesCookie] }
            #expect(sessions.count == 2 && sessions[0] != nil && sessions[1] != nil && sessions[0] != sessions[1])
            #expect(verifies.map { $0.cookies[Self.resourcesCookie] } == sessions)
            let model = agent.fakes.model.requests
            #expect(model.map(\.cookieHeader) == [nil, "\(Self.modelCookie)=model-Oslo", nil, "\(Self.modelCookie)=model-Rome"])
            #expect(verifies.map { $0.cookies[Self.modelCookie] } == ["model-Oslo", "model-Rome"])
        }
    }

    // MARK: - /aggregate_metrics (§11 cases 42–43)

    @Test func aggregateMetricsWithSkipVerificationIsEmptyWithoutAProxyCall() async throws {
        try await Self.withAgent(.init(name: "my_agent", skipVerification: true, skipVerificationReward: 1)) { agent in
            let response = try await agent.post("/aggregate_metrics", #"{"verify_responses":[{"reward":1.0}]}"#)
            #expect(response.status == 200)
            #expect(response.bodyText == #"{"group_level_metrics":[],"agent_metrics":{},"key_metrics":{}}"#)
            #expect(agent.fakes.resources.requests.isEmpty)

            // And /run skips /verify (case 41).
            let run = try await agent.post("/run", #"{"responses_create_params":{"input":"Oslo"}}"#)
            #expect(run.status == 200)
            #expect(try run.json()["reward"]?.number?.text == "1.0")
            #expect(try run.json()["verification_skipped"] == true)
            #expect(agent.fakes.resources.requests.map(\.path) == ["/seed_session", "/get_weather"])
        }
    }

    @Test func aggregateMetricsProxiesWithoutCookiesAndDropsUnknownKeys() async throws {
        let reply: JSONValue = [
            "group_level_metrics": [["mean/reward": 1.0]], "agent_metrics": ["mean/reward": 1.0],
            "key_metrics": ["mean/reward": 1.0], "extra": 1,
        ]
        try await Self.withAgent(resources: { _ in FakeReply(json: reply) }) { agent in
            let body = #"{"verify_responses":[{"reward":1.0,"task":"a"}]}"#
            let response = try await agent.post("/aggregate_metrics", body, cookie: "\(Self.resourcesCookie)=rs-9; a=1")
            #expect(response.status == 200)
            #expect(response.bodyText == #"{"group_level_metrics":[{"mean/reward":1.0}],"agent_metrics":{"mean/reward":1.0},"key_metrics":{"mean/reward":1.0}}"#)
            let proxied = try #require(agent.fakes.resources.requests.first)
            #expect(agent.fakes.resources.requests.count == 1)
            #expect(proxied.path == "/aggregate_metrics")
            #expect(proxied.cookieHeader == nil)
            #expect(proxied.bodyText == body)
        }
    }

    @Test func aFailedAggregateMetricsProxyIs500() async throws {
        try await Self.withAgent(resources: { _ in FakeReply(status: 500, text: "no") }) { agent in
            let response = try await agent.post("/aggregate_metrics", #"{"verify_responses":[]}"#)
            #expect(response.status == 500)
            #expect(try response.json() == "Hit an exception in SimpleAgent___my_agent calling an inner server: no")
            #expect(Self.setCookies(response).isEmpty)
        }
    }

    // MARK: - Retries (§11 case 46)

    @Test func aRefusedModelConnectionIsRetriedUntilTheServerComesUp() async throws {
        let modelPort = try await ServerClientTests.freedPort()
        let resources = try await FakeGymServer.start(sessionCookieName: Self.resourcesCookie, script: FakeNeMoGymServers.weatherResources)
        let agentClient = ServerClient()  // the defaults: retry every 0.5 s, no limit
        #expect(agentClient.configuration.maxRetryDuration == nil)
        #expect(agentClient.configuration.retryDelay == .milliseconds(500))
        let agent = SimpleAgent(configuration: .init(name: "my_agent"),
                                model: HTTPModelClient(baseURL: "http://127.0.0.1:\(modelPort)", client: agentClient),
                                resources: HTTPResourcesClient(baseURL: resources.baseURL, client: agentClient))
        let server = AgentHTTPServer(configuration: .init(raisesOpenFileLimit: false), handler: AgentServer(agent: agent).handler)
        let port = try await server.start()
        let client = ServerClient(configuration: .init(maxRetryDuration: .seconds(5)))
        async let answer = client.send(.json(url: "http://127.0.0.1:\(port)/v1/responses", ["input": "Oslo"]))
        try await Task.sleep(for: .milliseconds(300))
        let model = try await FakeGymServer.start(sessionCookieName: Self.modelCookie, port: modelPort, script: FakeNeMoGymServers.weatherModel)
        let response = try await answer
        #expect(response.status == 200)
        #expect(try response.json()["output"]?.array?.count == 3)
        #expect(model.requests.count == 2)
        await server.shutdown()
        await model.shutdown()
        await resources.shutdown()
    }

    // MARK: - Tool calls over the wire (§11 cases 20–21, D2)

    @Test(arguments: [
        (422, #"{"detail":[{"type":"missing","loc":["body","city"],"msg":"Field required","input":{}}]}"#),
        (500, "Internal Server Error"),
        (404, #"{"detail":"Not Found"}"#),
    ])
    func aToolErrorAnswerReachesTheModelAsItsRawBody(status: Int, body: String) async throws {
        try await Self.withAgent(resources: { _ in FakeReply(status: status, text: body) }) { agent in
            let response = try await agent.post("/v1/responses", #"{"input":"Oslo"}"#)
            #expect(response.status == 200)
            let second = try #require(agent.fakes.model.requests.last)
            #expect(agent.fakes.model.requests.count == 2)
            let last = try #require(second.json?["input"]?.array?.last)
            #expect(last == ["call_id": "call_Oslo", "output": .string(body), "type": "function_call_output"])
            #expect(try response.json()["output"]?.array?[1]["output"]?.string == body)
        }
    }

    @Test func nullArgumentsSendNoBodyAndNonFiniteNumbersAreSentAsNull() async throws {
        try await Self.withAgent(model: { request in
            if request.index == 0 {
                return FakeNeMoGymServers.modelReply([
                    .functionCall(name: "get_weather", arguments: "null", callID: "c1"),
                    .functionCall(name: "get_weather", arguments: #"{"x": NaN, "y": [Infinity, -Infinity], "z": 1.0}"#, callID: "c2"),
                ])
            }
            return FakeNeMoGymServers.modelReply([.assistantMessage("ok")])
        }, resources: { request in
            FakeReply(status: request.body.isEmpty ? 422 : 200, text: request.body.isEmpty ? "no body" : "got it")
        }) { agent in
            let response = try await agent.post("/v1/responses", #"{"input":"Oslo"}"#)
            #expect(response.status == 200)
            let tools = agent.fakes.resources.requests
            #expect(tools.count == 2)
            #expect(tools[0].body.isEmpty)
            #expect(tools[0].headers["Content-Type"] == nil)
            #expect(tools[1].bodyText == #"{"x":null,"y":[null,null],"z":1.0}"#)
            #expect(tools[1].headers["Content-Type"] == "application/json")
            let outputs = try response.json()["output"]?.array?.compactMap { $0["output"]?.string }
            #expect(outputs == ["no body", "got it"])
        }
    }

    // MARK: - Concurrency

    @Test func manyConcurrentRunsKeepTheirOwnCookies() async throws {
        let count = 200
        try await Self.withAgent { agent in
            let results = try await withThrowingTaskGroup(of: (Int, ServerClientResponse).self) { group in
                for i in 0..<count {
                    group.addTask {
                        (i, try await agent.post("/run", #"{"responses_create_params":{"input":"city\#(i)"},"task":\#(i)}"#))
                    }
                }
                var results: [Int: ServerClientResponse] = [:]
                for try await (i, response) in group { results[i] = response }
                return results
            }
            #expect(results.count == count)
            for (i, response) in results {
                #expect(response.status == 200)
                let body = try response.json()
                #expect(body["task"] == .number(JSONNumber(i)))
                #expect(body["reward"]?.number?.text == "1.0")
                let text = body["response"]?["output"]?.array?.last?["content"]?.array?.first?["text"]?.string
                #expect(text?.contains("The weather in city\(i) is cold.") == true)
            }
            let verifies = agent.fakes.resources.requests(to: "/verify")
            #expect(verifies.count == count)
            for verify in verifies {
                let task = try #require(verify.json?["task"]?.int)
                #expect(verify.cookies[Self.resourcesCookie] == "rs-\(task)")
                #expect(verify.cookies[Self.modelCookie] == "model-city\(task)")
            }
            for tool in agent.fakes.resources.requests(to: "/get_weather") {
                let city = try #require(tool.json?["city"]?.string)
                #expect("rs-\(city.dropFirst(4))" == tool.cookies[Self.resourcesCookie])
            }
        }
    }
}

extension AgentServerLoopbackTests {
    // MARK: - Probes of the wire encoding

    @Test func toolNamesThatAreNotValidPathsAreEscapedAndAnswer404() async throws {
        try await Self.withAgent(model: { request in
            if request.index == 0 {
                return FakeNeMoGymServers.modelReply([
                    .functionCall(name: "get weather", arguments: "{}", callID: "c1"),
                    .functionCall(name: "météo", arguments: "{}", callID: "c2"),
                    .functionCall(name: "100%", arguments: "{}", callID: "c3"),
                ])
            }
            return FakeNeMoGymServers.modelReply([.assistantMessage("ok")])
        }) { agent in
            let response = try await agent.post("/v1/responses", #"{"input":"Oslo"}"#)
            #expect(response.status == 200)
            #expect(agent.fakes.resources.requests.map(\.path) == ["/get%20weather", "/m%C3%A9t%C3%A9o", "/100%25"])
            let outputs = try response.json()["output"]?.array?.compactMap { $0["output"]?.string }
            #expect(outputs == Array(repeating: #"{"detail":"Not Found"}"#, count: 3))
        }
    }

    @Test func largeAndUnusualToolOutputsReachTheModelExactly() async throws {
        let outputs = [
            String(repeating: "w", count: 40_000),
            "quotes \" backslash \\ newline \n tab \t nul-free control \u{1} emoji 🌧 line sep \u{2028} é",
            #"{"nested":{"json":[1,2.50,null]}}"#,
        ]
        try await Self.withAgent(.init(name: "my_agent", maxSteps: 3), model: { request in
            FakeNeMoGymServers.modelReply([.functionCall(name: "get_weather", arguments: #"{"i":\#(request.index)}"#, callID: "c\(request.index)")])
        }, resources: { request in
            FakeReply(text: outputs[request.json?["i"]?.int ?? 0])
        }) { agent in
            let response = try await agent.post("/v1/responses", #"{"input":"Oslo","temperature":0.5}"#)
            #expect(response.status == 200)
            let model = agent.fakes.model.requests
            #expect(model.count == 3)
            var expected: [JSONValue] = [["role": "user", "content": "Oslo"]]
            for (k, request) in model.enumerated() {
                let body = try JSONValue(parsing: request.body)  // strict: the spliced body is valid JSON
                #expect(body.object?.keys == ["input", "temperature"])
                #expect(body["input"] == .array(expected), "model call \(k)")
                expected.append(["arguments": .string(#"{"i":\#(k)}"#), "call_id": .string("c\(k)"), "name": "get_weather", "type": "function_call"])
                expected.append(["call_id": .string("c\(k)"), "output": .string(outputs[k]), "type": "function_call_output"])
            }
            let final = try response.json()["output"]?.array ?? []
            #expect(final == Array(expected.dropFirst()))
        }
    }

    @Test(arguments: ["/seed_session", "/verify"])
    func aFailedSeedOrVerifyMakesRunAnswer500(failing: String) async throws {
        try await Self.withAgent(resources: { request in
            request.path == failing ? FakeReply(status: 500, text: #"{"detail":"down"}"#) : await FakeNeMoGymServers.weatherResources(request)
        }) { agent in
            let response = try await agent.post("/run", #"{"responses_create_params":{"input":"Oslo"}}"#)
            #expect(response.status == 500)
            #expect(try response.json() == .string(#"Hit an exception in SimpleAgent___my_agent calling an inner server: {"detail":"down"}"#))
            #expect(Self.setCookies(response).isEmpty)
            #expect(agent.fakes.resources.requests.last?.path == failing)
        }
    }
}
