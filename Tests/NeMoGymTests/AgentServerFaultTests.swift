import Foundation
import Synchronization
import Testing
@testable import NeMoGym

/// `AgentServer` behind a real `AgentHTTPServer` whose model server misbehaves at the socket level (a
/// ``ScriptedServer``): huge declared bodies, answers cut short, a model that never answers. Resources are
/// in-process, so only the model's connection is under test.
@Suite(.timeLimit(.minutes(1)))
struct AgentServerFaultTests {
    /// An agent server whose model is `model`; counts the agent's `/verify` calls.
    final class FaultyAgent: Sendable {
        let server: AgentHTTPServer
        let port: Int
        let model: ScriptedServer
        let verifies = Atomic<Int>(0)
        let tools = Atomic<Int>(0)

        private init(server: AgentHTTPServer, port: Int, model: ScriptedServer) {
            self.server = server
            self.port = port
            self.model = model
        }

        var url: String { "http://127.0.0.1:\(port)" }

        static func start(model: ScriptedServer, client: ServerClient = ServerClient()) async throws -> FaultyAgent {
            let box = Mutex<FaultyAgent?>(nil)
            let resources = InProcessResourcesClient(tools: [:], reward: { _ in
                box.withLock { $0 }?.verifies.add(1, ordering: .relaxed)
                return 1
            })
            let agent = SimpleAgent(configuration: .init(name: "faulty"),
                                    model: HTTPModelClient(baseURL: "http://127.0.0.1:\(model.port)", client: client),
                                    resources: resources)
            let server = AgentHTTPServer(configuration: .init(shutdownGracePeriod: .milliseconds(100), raisesOpenFileLimit: false),
                                    handler: AgentServer(agent: agent).handler)
            let port = try await server.start()
            let faulty = FaultyAgent(server: server, port: port, model: model)
            box.withLock { $0 = faulty }
            return faulty
        }

        func run(_ client: ServerClient = ServerClient(configuration: .init(maxRetryDuration: .zero))) async throws -> ServerClientResponse {
            try await client.send(.json(url: url + "/run", ["responses_create_params": ["input": "hi"]]))
        }
    }

    @Test func aHugeDeclaredModelBodyIs500NamingTheLimit() async throws {
        let model = try ScriptedServer { socket, _ in
            while socket.blockingReadRequest() != nil {
                socket.blockingWrite("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000000000\r\n\r\n{\"id\":")
            }
        }
        let agent = try await FaultyAgent.start(model: model)
        let response = try await agent.run()
        #expect(response.status == 500)
        let modelURL = "http://127.0.0.1:\(model.port)/v1/responses"
        #expect(try response.json() == .string(
            "Hit an exception in SimpleAgent___faulty calling an inner server: the response from \(modelURL) declares a body of "
                + "100000000000 bytes, over the client's limit of 1073741824 bytes (1 GiB); "
                + "raise ServerClient.Configuration.maxResponseBodyBytes if answers that large are expected"))
        #expect(agent.verifies.load(ordering: .relaxed) == 0)
        #expect(try await ServerClient().send(ServerClientRequest(url: agent.url + "/")).status == 200)  // still serving
        #expect(model.connections == 1)  // never resent
        await agent.server.shutdown()
    }

    @Test func aModelAnswerCutShortIs500AndIsNeverResent() async throws {
        let model = try ScriptedServer { socket, _ in
            if socket.blockingReadRequest() != nil {
                socket.blockingWrite("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n{\"id\":\"resp_1\",\"output\":[")
            }
            socket.blockingClose()
        }
        let agent = try await FaultyAgent.start(model: model)  // the agent's client retries without limit (D5)
        // A caller that gives up after 20 s, so a resend loop would fail the test instead of hanging it.
        let response = try await agent.run(ServerClient(configuration: .init(totalTimeout: .seconds(20), maxRetryDuration: .zero)))
        #expect(response.status == 500)
        let modelURL = "http://127.0.0.1:\(model.port)/v1/responses"
        let text = try response.json().string
        #expect(text == (
            "Hit an exception in SimpleAgent___faulty calling an inner server: the connection to \(modelURL) was lost after the "
                + "response had begun (connection closed by the server after 25 of 200 body bytes); the request was not sent again"))
        #expect(model.connections == 1)
        #expect(agent.verifies.load(ordering: .relaxed) == 0)
        await agent.server.shutdown()
    }

    @Test(.enabled(if: GymServeProcess.isAvailable, "needs .build/debug/swift-gym (swift build --build-tests)"))
    func requestHeadsDeclaring512MiBDoNotExhaustTheAddressSpace() async throws {
        // 12 × 512 MiB is 6 GiB: reserving the declared lengths would abort the agent under a 4 GiB address space.
        let agent = try await GymServeProcess.start(prelude: "ulimit -v 4194304", modelPort: RefusedPort.make(), resourcesPort: RefusedPort.make())
        var sockets: [RawSocket] = []
        for _ in 0..<12 {
            let socket = try await RawSocket.connect(port: agent.port)
            await socket.send("POST /run HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\nExpect: 100-continue\r\nContent-Length: 536870912\r\n\r\n")
            // The server answers 100 Continue right before it starts on the body.
            #expect(await socket.readResponse(timeout: 10)?.status == 100)
            await socket.send("{")
            sockets.append(socket)
        }
        #expect(await agent.answersLiveness())
        for socket in sockets { socket.reset() }
        #expect(await agent.answersLiveness())
        #expect(agent.isRunning)
        let stderr = await agent.stop()
        #expect(!stderr.contains("failed to allocate"))
    }

    @Test(.enabled(if: GymServeProcess.isAvailable, "needs .build/debug/swift-gym (swift build --build-tests)"))
    func callersThatLeaveCancelTheirRolloutsAndFreeTheirDescriptors() async throws {
        let asked = Atomic<Int>(0)
        let closed = Atomic<Int>(0)
        let model = try ScriptedServer { socket, _ in  // never answers
            guard socket.blockingReadRequest(timeout: 50) != nil else { return }
            asked.add(1, ordering: .relaxed)
            if socket.blockingWaitForEndOfStream(seconds: 50) { closed.add(1, ordering: .relaxed) }
        }
        let verifies = Atomic<Int>(0)
        let (resources, resourcesURL) = try await LoopbackServers.start { request in
            if request.path == "/verify" { verifies.add(1, ordering: .relaxed) }
            return AgentHTTPResponse(status: 200, headers: ["Content-Type": "application/json", "Connection": "close"], body: Array("{}".utf8))
        }
        let agent = try await GymServeProcess.start(prelude: ":", modelPort: model.port, resourcesPort: LoopbackServers.port(of: resourcesURL))
        let baseline = await agent.settledDescriptors()
        var callers: [RawSocket] = []
        for _ in 0..<50 {
            let socket = try await RawSocket.connect(port: agent.port)
            await socket.send("POST /run HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\nContent-Length: 45\r\n\r\n"
                              + #"{"responses_create_params":{"input":"hello"}}"#)
            callers.append(socket)
        }
        #expect(await GymServeProcess.poll(seconds: 20) { asked.load(ordering: .relaxed) == 50 })
        let busy = agent.openDescriptors
        for socket in callers { socket.blockingClose() }
        #expect(await GymServeProcess.poll(seconds: 15) { closed.load(ordering: .relaxed) == 50 })
        #expect(await GymServeProcess.poll(seconds: 10) { agent.openDescriptors <= baseline })
        #expect(busy >= baseline + 100)  // 50 callers and 50 model connections were open
        #expect(verifies.load(ordering: .relaxed) == 0)
        #expect(model.connections == 50)
        #expect(await agent.answersLiveness())
        await agent.stop()
        await resources.shutdown()
    }

    @Test(.enabled(if: GymServeProcess.isAvailable, "needs .build/debug/swift-gym (swift build --build-tests)"))
    func requestsThatFindNoDescriptorForTheModelWaitForOneAndAllSucceed() async throws {
        // Under `ulimit -n 256` the agent accepts callers until two margins of 64 below the limit (about 118 of
        // them), and its client may open connections up to one margin below it (192 descriptors). The model holds
        // every call until the agent has reached that: about 58 of the accepted requests then find no descriptor
        // for their model connection and wait until a model connection goes back to the pool (they reuse it) or
        // a socket closes.
        let reply = FakeNeMoGymServers.modelReply([.assistantMessage("ok")]).body
        let released = Atomic<Bool>(false)
        let (model, modelURL) = try await LoopbackServers.start { _ in
            let end = ContinuousClock.now + .seconds(30)
            while !released.load(ordering: .relaxed) && ContinuousClock.now < end { try? await Task.sleep(for: .milliseconds(5)) }
            return AgentHTTPResponse(status: 200, headers: ["Content-Type": "application/json"], body: reply)
        }
        let agent = try await GymServeProcess.start(prelude: "ulimit -n 256", modelPort: LoopbackServers.port(of: modelURL),
                                                    resourcesPort: RefusedPort.make())
        let body = #"{"input":"hello"}"#
        let baseline = await agent.settledDescriptors()
        var callers: [RawSocket] = []
        for _ in 0..<160 { callers.append(try await RawSocket.connect(port: agent.port)) }
        #expect(await GymServeProcess.poll(seconds: 20) { agent.openDescriptors >= 256 - 2 * 64 })  // accepted up to its margin
        #expect(agent.openDescriptors - baseline > 100)
        for socket in callers {
            await socket.send("POST /v1/responses HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\nConnection: close\r\n"
                              + "Content-Length: \(body.utf8.count)\r\n\r\n\(body)")
        }
        #expect(await GymServeProcess.poll(seconds: 20) { agent.openDescriptors >= 256 - 64 - 2 })  // the client's cap
        released.store(true, ordering: .relaxed)
        let statuses = await withTaskGroup(of: Int.self) { group in
            for socket in callers {
                group.addTask { await socket.readResponse(timeout: 40)?.status ?? 0 }
            }
            return await group.reduce(into: [Int: Int]()) { $0[$1, default: 0] += 1 }
        }
        #expect(statuses == [200: 160])
        for socket in callers { socket.blockingClose() }
        #expect(agent.isRunning)
        let stderr = await agent.stop()
        #expect(stderr.contains("close to the limit of 256 (ulimit -n); new client connections wait until some close"))
        await model.shutdown()
    }

    @Test func theDescriptorMarginIsFivePercentBetween64And512() {
        #expect(DescriptorBudget.margin(forLimit: 256) == 64)
        #expect(DescriptorBudget.margin(forLimit: 4096) == 204)
        #expect(DescriptorBudget.margin(forLimit: 20_000) == 512)
        #expect(DescriptorBudget.margin(forLimit: 1 << 20) == 512)
    }

    @Test(.enabled(if: GymServeProcess.isAvailable, "needs .build/debug/swift-gym (swift build --build-tests)"))
    func moreConnectionsThanDescriptorsWaitInsteadOfKillingTheAgent() async throws {
        let agent = try await GymServeProcess.start(prelude: "ulimit -n 256", modelPort: RefusedPort.make(), resourcesPort: RefusedPort.make())
        // 400 connections, each with a request: the agent accepts while it keeps its margin (64 below 256, and
        // one more for the connections its handlers would open); the rest wait in the listen backlog.
        var sockets: [RawSocket] = []
        for _ in 0..<400 {
            let socket = try await RawSocket.connect(port: agent.port)
            await socket.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n")
            sockets.append(socket)
        }
        // The first connection is accepted whatever the load; then the others get a moment to be answered.
        #expect(await sockets[0].readResponse(timeout: 20)?.status == 200)
        let answered = await withTaskGroup(of: Int.self) { group in
            for socket in sockets.dropFirst() {
                group.addTask { await socket.readResponse(timeout: 2)?.status == 200 ? 1 : 0 }
            }
            return await group.reduce(1, +)
        }
        #expect(agent.isRunning)
        #expect(answered < 400)
        #expect(agent.openDescriptors <= 256 - 64)
        for socket in sockets { socket.blockingClose() }
        #expect(await agent.answersLiveness(timeout: 30))
        #expect(agent.isRunning)
        let stderr = await agent.stop()
        #expect(stderr.contains("close to the limit of 256 (ulimit -n); the server stops accepting connections"))
    }
}
