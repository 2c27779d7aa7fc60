import Foundation
import Synchronization
import Testing
@testable import NeMoGym

@Suite(.timeLimit(.minutes(1)))
struct AgentHTTPServerTests {
    /// A handler with a few routes: `GET /`, `POST /echo`, `GET /big` (8 MiB), `GET /sleep?ms=N`, 404 otherwise.
    static let handler: AgentHTTPHandler = { request in
        switch (request.method, request.path) {
        case (.get, "/"), (.head, "/"):
            return .json(["status": "ok"])
        case (.post, "/echo"):
            return AgentHTTPResponse(status: 200, headers: ["Content-Type": "application/octet-stream"], body: request.body)
        case (.get, "/big"):
            return AgentHTTPResponse(status: 200, body: [UInt8](repeating: 0x61, count: 8 << 20))
        case (.get, "/sleep"):
            let ms = Int(request.query?.split(separator: "=").last ?? "") ?? 100
            try? await Task.sleep(for: .milliseconds(ms))
            return .text("slept")
        default:
            return .json(status: 404, ["detail": "Not Found"])
        }
    }

    static func withServer(
        _ configuration: AgentHTTPServer.Configuration = .init(),
        handler: @escaping AgentHTTPHandler = AgentHTTPServerTests.handler,
        _ body: (AgentHTTPServer, Int) async throws -> Void
    ) async throws {
        let server = AgentHTTPServer(configuration: configuration, handler: handler)
        let port = try await server.start()
        do {
            try await body(server, port)
        } catch {
            await server.shutdown()
            throw error
        }
        await server.shutdown()
    }

    @Test func routesRequestsThroughTheHandler() async throws {
        try await Self.withServer { _, port in
            let client = ServerClient()
            let root = try await client.send(ServerClientRequest(url: "http://127.0.0.1:\(port)/"))
            #expect(root.status == 200)
            #expect(root.headers["content-type"] == "application/json")
            #expect(root.bodyText == #"{"status":"ok"}"#)
            #expect(root.headers["Date"] != nil)

            let echo = try await client.send(ServerClientRequest(method: .post, url: "http://127.0.0.1:\(port)/echo", body: Array("héllo".utf8)))
            #expect(echo.status == 200)
            #expect(echo.bodyText == "héllo")

            let missing = try await client.send(ServerClientRequest(url: "http://127.0.0.1:\(port)/nope?x=1"))
            #expect(missing.status == 404)
            #expect(missing.bodyText == #"{"detail":"Not Found"}"#)
        }
    }

    @Test func passesRequestPartsToTheHandler() async throws {
        let seen = Mutex<AgentHTTPRequest?>(nil)
        try await Self.withServer(handler: { request in
            seen.withLock { $0 = request }
            return AgentHTTPResponse(status: 204)
        }) { _, port in
            let socket = try await RawSocket.connect(port: port)
            await socket.send("PUT /a/b?x=1&y=2 HTTP/1.1\r\nHost: h\r\nX-Multi: 1\r\nx-multi: 2\r\nCookie: s=abc; t=1\r\nContent-Length: 3\r\n\r\nabc")
            let response = await socket.readResponse()
            #expect(response?.status == 204)
            #expect(response?.header("content-length") == nil)
            let request = try #require(seen.withLock { $0 })
            #expect(request.method == .put)
            #expect(request.target == "/a/b?x=1&y=2")
            #expect(request.path == "/a/b")
            #expect(request.query == "x=1&y=2")
            #expect(request.version == .http1_1)
            #expect(request.headers.values(for: "X-MULTI") == ["1", "2"])
            #expect(request.cookies == ["s": "abc", "t": "1"])
            #expect(request.bodyText == "abc")
            #expect(request.remoteAddress?.hasPrefix("127.0.0.1:") == true)
        }
    }

    @Test func headResponseHasLengthButNoBody() async throws {
        try await Self.withServer { _, port in
            let socket = try await RawSocket.connect(port: port)
            await socket.send("HEAD / HTTP/1.1\r\nHost: h\r\n\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n")
            // The HEAD response announces 15 bytes but carries none, so the GET response follows directly.
            // Read until both responses are in (not for a fixed time: a busy machine may take longer).
            var text = ""
            while text.components(separatedBy: "HTTP/1.1 200 OK\r\n").count < 3 || !text.hasSuffix(#"{"status":"ok"}"#) {
                guard let chunk = await socket.readSome(timeout: 10), !chunk.isEmpty else { break }
                text += String(decoding: chunk, as: UTF8.self)
            }
            #expect(text.hasPrefix("HTTP/1.1 200 OK\r\n"))
            #expect(text.components(separatedBy: "content-length: 15\r\n").count == 3)
            #expect(text.hasSuffix("\r\n\r\n" + #"{"status":"ok"}"#))
        }
    }

    @Test func rejectsOversizedBodyWith413() async throws {
        try await Self.withServer(.init(maxBodyBytes: 100)) { _, port in
            let socket = try await RawSocket.connect(port: port)
            await socket.send("POST /echo HTTP/1.1\r\nHost: h\r\nContent-Length: 1000\r\n\r\n")
            let response = try #require(await socket.readResponse())
            #expect(response.status == 413)
            #expect(response.header("connection") == "close")
            #expect(response.bodyText.contains("exceeds the limit of 100 bytes"))

            let chunked = try await RawSocket.connect(port: port)
            await chunked.send("POST /echo HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n64\r\n" + String(repeating: "x", count: 100) + "\r\n1\r\ny\r\n0\r\n\r\n")
            let second = try #require(await chunked.readResponse())
            #expect(second.status == 413)
            #expect(try JSONValue(parsing: second.body)["detail"]?.string?.hasPrefix("Content Too Large") == true)
        }
    }

    @Test func rejectsOversizedHeadWith431() async throws {
        try await Self.withServer(.init(maxHeaderBytes: 1024)) { _, port in
            let socket = try await RawSocket.connect(port: port)
            await socket.send("GET / HTTP/1.1\r\nHost: h\r\nX-Big: " + String(repeating: "a", count: 4000) + "\r\n\r\n")
            let response = try #require(await socket.readResponse())
            #expect(response.status == 431)
            #expect(response.header("content-type") == "application/json")
            #expect(response.bodyText.contains("exceeds 1024 bytes"))
            #expect(await socket.readToEnd().closed)
        }
    }

    @Test(arguments: [
        ("garbage\r\n\r\n", "malformed request line"),
        ("GET / HTTP/1.1\r\nNo colon here\r\n\r\n", "header line without ':'"),
        ("GET / HTTP/1.1\r\nBad Name: x\r\n\r\n", "invalid header name"),
        ("GET / HTTP/1.1\r\nA: b\r\n folded\r\n\r\n", "obsolete line folding"),
        ("GET / HTTP/2.0\r\n\r\n", "unsupported HTTP version"),
        ("POST /echo HTTP/1.1\r\nContent-Length: abc\r\n\r\n", "invalid Content-Length"),
        ("POST /echo HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab", "invalid Content-Length"),
        ("POST /echo HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n", "both Transfer-Encoding and Content-Length"),
        ("POST /echo HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n", "unsupported Transfer-Encoding"),
        ("POST /echo HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", "invalid chunked body"),
        ("POST /echo HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5 5\r\nhello\r\n0\r\n\r\n", "invalid chunked body: invalid chunk size line"),
        ("POST /echo HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5x\r\nhello\r\n0\r\n\r\n", "invalid chunked body: invalid chunk size line"),
    ])
    func rejectsMalformedRequestsWith400(request: String, reason: String) async throws {
        try await Self.withServer { _, port in
            let socket = try await RawSocket.connect(port: port)
            await socket.send(request)
            let response = try #require(await socket.readResponse())
            #expect(response.status == 400)
            let detail = try JSONValue(parsing: response.body)["detail"]?.string ?? ""
            #expect(detail.hasPrefix("Bad Request: "))
            #expect(detail.contains(reason))
            #expect(await socket.readToEnd().closed)
        }
    }

    @Test func decodesChunkedRequestBodiesSentInPieces() async throws {
        try await Self.withServer { _, port in
            let socket = try await RawSocket.connect(port: port)
            let pieces = ["POST /echo HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhel", "lo\r\n", "6\r\n wor", "ld\r\nA\r\n0123456789\r\n0\r\nX-Trailer: t\r\n\r\n"]
            for piece in pieces {
                await socket.send(piece)
                try await Task.sleep(for: .milliseconds(10))
            }
            let response = try #require(await socket.readResponse())
            #expect(response.status == 200)
            #expect(response.bodyText == "hello world0123456789")
        }
    }

    @Test func answersExpectContinueBeforeTheBody() async throws {
        try await Self.withServer { _, port in
            let socket = try await RawSocket.connect(port: port)
            await socket.send("POST /echo HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n")
            let interim = try #require(await socket.readResponse())
            #expect(interim.status == 100)
            await socket.send("hello")
            let response = try #require(await socket.readResponse())
            #expect(response.status == 200)
            #expect(response.bodyText == "hello")

            let other = try await RawSocket.connect(port: port)
            await other.send("POST /echo HTTP/1.1\r\nContent-Length: 5\r\nExpect: something-else\r\n\r\n")
            #expect(await other.readResponse()?.status == 417)
        }
    }

    @Test func answersPipelinedRequestsInOrder() async throws {
        try await Self.withServer { _, port in
            let socket = try await RawSocket.connect(port: port)
            await socket.send(
                "GET /sleep?ms=30 HTTP/1.1\r\nHost: h\r\n\r\n"
                    + "POST /echo HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\none"
                    + "\r\n"  // a stray CRLF between requests is tolerated
                    + "POST /echo HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n3\r\ntwo\r\n0\r\n\r\n"
                    + "GET /missing HTTP/1.1\r\nHost: h\r\n\r\n"
            )
            var bodies: [String] = []
            for _ in 0..<4 {
                let response = try #require(await socket.readResponse())
                bodies.append("\(response.status) \(response.bodyText)")
            }
            #expect(bodies == ["200 slept", "200 one", "200 two", #"404 {"detail":"Not Found"}"#])
        }
    }

    @Test func keepsConnectionsAliveAcrossRequests() async throws {
        try await Self.withServer { server, port in
            let socket = try await RawSocket.connect(port: port)
            for i in 0..<3 {
                await socket.send("POST /echo HTTP/1.1\r\nHost: h\r\nContent-Length: 1\r\n\r\n\(i)")
                let response = try #require(await socket.readResponse())
                #expect(response.bodyText == "\(i)")
                #expect(response.header("connection") == nil)
            }
            #expect(server.connectionCount == 1)
        }
    }

    @Test func closesAfterHTTP10AndConnectionClose() async throws {
        try await Self.withServer { _, port in
            let old = try await RawSocket.connect(port: port)
            await old.send("GET / HTTP/1.0\r\n\r\n")
            let (bytes, closed) = await old.readToEnd()
            #expect(closed)
            #expect(String(decoding: bytes, as: UTF8.self).contains("connection: close\r\n"))

            let keepAlive10 = try await RawSocket.connect(port: port)
            await keepAlive10.send("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
            #expect(await keepAlive10.readResponse()?.header("connection") == "keep-alive")

            let close = try await RawSocket.connect(port: port)
            await close.send("GET / HTTP/1.1\r\nConnection: close\r\n\r\n")
            let closing = await close.readToEnd()
            #expect(closing.closed)
            #expect(String(decoding: closing.bytes, as: UTF8.self).hasSuffix(#"{"status":"ok"}"#))
        }
    }

    @Test func servesClientsThatSendOneByteAtATime() async throws {
        try await Self.withServer { _, port in
            let socket = try await RawSocket.connect(port: port)
            for byte in "POST /echo HTTP/1.1\r\nHost: h\r\nContent-Length: 4\r\n\r\nslow".utf8 {
                await socket.send([byte])
            }
            let response = try #require(await socket.readResponse())
            #expect(response.bodyText == "slow")
        }
    }

    @Test func stalledClientDoesNotBlockOthersAndTimesOut() async throws {
        try await Self.withServer(.init(headerReadTimeout: .milliseconds(300))) { _, port in
            let stalled = try await RawSocket.connect(port: port)
            await stalled.send("GET / HTTP/1.1\r\nHost: h\r\nX-Partial: ")
            let client = ServerClient()
            for _ in 0..<5 {
                let response = try await client.send(ServerClientRequest(url: "http://127.0.0.1:\(port)/"))
                #expect(response.status == 200)
            }
            // The header-read timeout closes the stalled connection without a response.
            let (bytes, closed) = await stalled.readToEnd(timeout: 10)
            #expect(closed)
            #expect(bytes.isEmpty)
        }
    }

    @Test(arguments: [
        "POST /echo HTTP/1.1\r\nContent-Length: 1000\r\n\r\n",
        "POST /echo HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3e8\r\n",
    ])
    func answers408ToABodyThatTricklesPastTheBodyTimeout(head: String) async throws {
        // A byte every 50 ms keeps the idle timeout (30 s) from ever firing; only the total body timeout can end it.
        try await Self.withServer(.init(requestBodyTimeout: .milliseconds(300))) { _, port in
            let socket = try await RawSocket.connect(port: port)
            await socket.send(head)
            let trickle = Task {
                while !Task.isCancelled, await socket.sendReportingErrors([0x61]) {
                    try? await Task.sleep(for: .milliseconds(50))
                }
            }
            let response = await socket.readResponse(timeout: 20)
            trickle.cancel()
            #expect(response?.status == 408)
            #expect(response?.bodyText.contains("the request body was not complete after 0.3 s") == true)
            #expect(response?.header("connection") == "close")
        }
    }

    @Test(arguments: [true, false])
    func cancelsTheHandlerWhenTheClientLeaves(reset: Bool) async throws {
        let started = Atomic<Bool>(false)
        let cancelled = Atomic<Bool>(false)
        try await Self.withServer(handler: { _ in
            started.store(true, ordering: .relaxed)
            do { try await Task.sleep(for: .seconds(60)) } catch { cancelled.store(true, ordering: .relaxed) }
            return .text("nobody reads this")
        }) { server, port in
            let socket = try await RawSocket.connect(port: port)
            await socket.send("POST /run HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\n\r\n{}")
            #expect(await GymServeProcess.poll(seconds: 20) { started.load(ordering: .relaxed) })
            if reset { socket.reset() } else { socket.blockingClose() }
            #expect(await GymServeProcess.poll(seconds: 20) { cancelled.load(ordering: .relaxed) })
            #expect(await GymServeProcess.poll(seconds: 20) { server.connectionCount == 0 })
        }
    }

    @Test func bytesOfAPipelinedRequestAreNotAHangup() async throws {
        let firstStarted = Atomic<Bool>(false)
        let secondSent = Atomic<Bool>(false)
        try await Self.withServer(handler: { request in
            if request.path == "/first" {
                firstStarted.store(true, ordering: .relaxed)
                _ = await GymServeProcess.poll(seconds: 20) { secondSent.load(ordering: .relaxed) }
                return .text(Task.isCancelled ? "cancelled" : "first")
            }
            return .text("second")
        }) { _, port in
            let socket = try await RawSocket.connect(port: port)
            await socket.send("GET /first HTTP/1.1\r\nHost: h\r\n\r\n")
            #expect(await GymServeProcess.poll(seconds: 20) { firstStarted.load(ordering: .relaxed) })
            await socket.send("GET /second HTTP/1.1\r\nHost: h\r\n\r\n")
            secondSent.store(true, ordering: .relaxed)
            #expect(await socket.readResponse()?.bodyText == "first")
            #expect(await socket.readResponse()?.bodyText == "second")
        }
    }

    @Test(arguments: [true, false])
    func servesOnTheEventLoopsOrOnTheCooperativePool(onLoops: Bool) async throws {
        var configuration = AgentHTTPServer.Configuration()
        configuration.runsConnectionsOnEventLoop = onLoops
        try await Self.withServer(configuration) { _, port in
            let client = ServerClient()
            try await withThrowingTaskGroup(of: Int.self) { group in
                for i in 0..<32 {
                    group.addTask {
                        let echo = try await client.send(ServerClientRequest(method: .post, url: "http://127.0.0.1:\(port)/echo", body: Array("\(i)".utf8)))
                        #expect(echo.bodyText == "\(i)")
                        return echo.status
                    }
                }
                for try await status in group { #expect(status == 200) }
            }
        }
    }

    @Test func closesIdleKeepAliveConnections() async throws {
        try await Self.withServer(.init(idleTimeout: .milliseconds(200))) { server, port in
            let socket = try await RawSocket.connect(port: port, sending: "GET / HTTP/1.1\r\n\r\n")
            #expect(await socket.readResponse()?.status == 200)
            #expect(await socket.readToEnd(timeout: 10).closed)
            #expect(server.connectionCount == 0)
        }
    }

    @Test func survivesClientsThatDisconnectAbruptly() async throws {
        try await Self.withServer { _, port in
            // Reset while an 8 MiB response is being written (EPIPE/ECONNRESET, no SIGPIPE).
            for _ in 0..<3 {
                let socket = try await RawSocket.connect(port: port)
                await socket.send("GET /big HTTP/1.1\r\nHost: h\r\n\r\n")
                _ = await socket.readSome(timeout: 2)
                socket.reset()
            }
            // Close in the middle of a head and of a body.
            let midHead = try await RawSocket.connect(port: port)
            await midHead.send("GET / HTTP/1.1\r\nHo")
            midHead.reset()
            let midBody = try await RawSocket.connect(port: port)
            await midBody.send("POST /echo HTTP/1.1\r\nContent-Length: 100\r\n\r\nabc")
            midBody.reset()
            // The server still answers, including a full 8 MiB body (partial writes).
            let client = ServerClient()
            let response = try await client.send(ServerClientRequest(url: "http://127.0.0.1:\(port)/big"))
            #expect(response.body.count == 8 << 20)
        }
    }

    @Test func serves500ConcurrentConnections() async throws {
        OpenFileLimit.raise(to: 4096)
        let waiting = Atomic<Int>(0)
        let peak = Atomic<Int>(0)
        let total = 500
        try await Self.withServer(handler: { request in
            let now = waiting.add(1, ordering: .relaxed).newValue
            peak.max(now, ordering: .relaxed)
            // Hold every request until all have arrived (or 10 s pass), so all connections are open at once.
            let end = ContinuousClock.now + .seconds(10)
            while peak.load(ordering: .relaxed) < total && ContinuousClock.now < end {
                try? await Task.sleep(for: .milliseconds(5))
            }
            return AgentHTTPResponse(status: 200, body: request.body)
        }) { server, port in
            let client = ServerClient(configuration: .init(maxConnectionsPerHost: total))
            let bodies = try await withThrowingTaskGroup(of: String.self) { group in
                for i in 0..<total {
                    group.addTask {
                        try await client.send(ServerClientRequest(method: .post, url: "http://127.0.0.1:\(port)/", body: Array("\(i)".utf8))).bodyText
                    }
                }
                var all: Set<String> = []
                for try await body in group { all.insert(body) }
                return all
            }
            #expect(bodies == Set((0..<total).map { "\($0)" }))
            let peakCount = peak.load(ordering: .relaxed)
            #expect(peakCount == total)
            #expect(server.connectionCount == total)
        }
    }

    @Test func shutdownFinishesInFlightRequests() async throws {
        // Synchronised on events, not sleeps: the handler runs before shutdown begins and returns after.
        let started = Atomic<Bool>(false)
        let box = Mutex<AgentHTTPServer?>(nil)
        let server = AgentHTTPServer { request in
            guard request.path == "/busy" else { return await Self.handler(request) }
            started.store(true, ordering: .relaxed)
            _ = await GymServeProcess.poll(seconds: 20) { box.withLock { $0 }?.isShuttingDown == true }
            return .text("slept")
        }
        box.withLock { $0 = server }
        let port = try await server.start()
        let idle = try await RawSocket.connect(port: port)
        await idle.send("GET / HTTP/1.1\r\n\r\n")
        #expect(await idle.readResponse()?.status == 200)

        let busy = try await RawSocket.connect(port: port)
        await busy.send("GET /busy HTTP/1.1\r\n\r\n")
        #expect(await GymServeProcess.poll(seconds: 20) { started.load(ordering: .relaxed) })
        await server.shutdown()

        let response = try #require(await busy.readResponse())
        #expect(response.status == 200)
        #expect(response.bodyText == "slept")
        #expect(response.header("connection") == "close")
        #expect(await idle.readToEnd().closed)  // idle keep-alive connections are closed at once
        await #expect(throws: (any Error).self) { try await RawSocket.connect(port: port) }
    }

    @Test func shutdownCancelsHandlersAfterTheGracePeriod() async throws {
        let cancelled = Atomic<Bool>(false)
        let server = AgentHTTPServer(configuration: .init(shutdownGracePeriod: .milliseconds(100))) { _ in
            do { try await Task.sleep(for: .seconds(30)) } catch { cancelled.store(true, ordering: .relaxed) }
            return .text("late")
        }
        let port = try await server.start()
        let socket = try await RawSocket.connect(port: port)
        await socket.send("GET / HTTP/1.1\r\n\r\n")
        try await Task.sleep(for: .milliseconds(50))
        await server.shutdown()
        let wasCancelled = cancelled.load(ordering: .relaxed)
        #expect(wasCancelled)
        #expect(await socket.readToEnd().closed)
    }

    @Test func shutdownIsSafeBeforeStartAndTwice() async throws {
        let never = AgentHTTPServer(handler: Self.handler)
        await never.shutdown()
        await #expect(throws: AgentHTTPServerError.self) { try await never.start() }

        let server = AgentHTTPServer(handler: Self.handler)
        // Racing start and shutdown: whichever wins, the server ends up stopped.
        async let started = try? server.start()
        async let stopped: Void = server.shutdown()
        let port = await started
        await stopped
        await server.shutdown()
        if let port {
            await #expect(throws: (any Error).self) { try await RawSocket.connect(port: port) }
        }
    }

    @Test func reportsAPortInUseByName() async throws {
        try await Self.withServer { _, port in
            let second = AgentHTTPServer(configuration: .init(port: port), handler: Self.handler)
            let error = await #expect(throws: AgentHTTPServerError.self) { try await second.start() }
            #expect(error?.code == .addressInUse)
            #expect(error?.message.hasPrefix("port \(port) on 127.0.0.1 is already in use") == true)
        }
    }

    @Test func rejectsAnUnknownHost() async throws {
        let server = AgentHTTPServer(configuration: .init(host: "256.1.1.1.invalid"), handler: Self.handler)
        let error = await #expect(throws: AgentHTTPServerError.self) { try await server.start() }
        #expect(error?.code == .invalidAddress)
        #expect(error?.message.contains("256.1.1.1.invalid") == true)
    }
}
