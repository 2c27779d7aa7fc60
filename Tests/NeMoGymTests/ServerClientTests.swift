import Foundation
import Synchronization
import Testing
@testable import NeMoGym

@Suite(.timeLimit(.minutes(1)))
struct ServerClientTests {
    /// A port nothing listens on (a server was bound there and shut down).
    /// A port that refuses connections for the whole test run (see ``RefusedPort``).
    static func refusedPort() async throws -> Int { RefusedPort.make() }

    /// A free port for a test that starts its own server on it later: taken below the kernel's
    /// ephemeral range, so no other test's server (port 0) or client connection can be handed it meanwhile.
    static func freedPort() async throws -> Int { RefusedPort.unusedPortBelowEphemeralRange() }

    @Test func reusesPooledKeepAliveConnections() async throws {
        let peers = Mutex<Set<String>>([])
        let server = AgentHTTPServer { request in
            peers.withLock { _ = $0.insert(request.remoteAddress ?? "?") }
            return .text("ok")
        }
        let port = try await server.start()
        let client = ServerClient()
        for _ in 0..<5 {
            let response = try await client.send(ServerClientRequest(url: "http://127.0.0.1:\(port)/"))
            #expect(response.bodyText == "ok")
        }
        #expect(peers.withLock { $0.count } == 1)
        #expect(client.pooledIdleConnections(host: "127.0.0.1", port: port) == 1)
        await server.shutdown()
    }

    @Test func waitsBeyondThePerHostConnectionLimit() async throws {
        let inFlight = Atomic<Int>(0)
        let started = Atomic<Int>(0)
        let peak = Atomic<Int>(0)
        let server = AgentHTTPServer { _ in
            peak.max(inFlight.add(1, ordering: .relaxed).newValue, ordering: .relaxed)
            started.add(1, ordering: .relaxed)
            // Held until a second request is in flight too (or no more will come), so the limit is reached
            // however the machine schedules the requests; 5 s at most.
            let end = ContinuousClock.now + .seconds(5)
            while inFlight.load(ordering: .relaxed) < 2 && started.load(ordering: .relaxed) < 10 && ContinuousClock.now < end {
                try? await Task.sleep(for: .milliseconds(2))
            }
            inFlight.subtract(1, ordering: .relaxed)
            return .text("ok")
        }
        let port = try await server.start()
        let client = ServerClient(configuration: .init(maxConnectionsPerHost: 2))
        try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<10 {
                group.addTask { try await client.send(ServerClientRequest(url: "http://127.0.0.1:\(port)/")).status }
            }
            for try await status in group { #expect(status == 200) }
        }
        let peakCount = peak.load(ordering: .relaxed)
        #expect(peakCount == 2)
        await server.shutdown()
    }

    @Test func retriesARefusedConnectionUntilTheCap() async throws {
        let port = try await Self.refusedPort()
        let client = ServerClient(configuration: .init(retryDelay: .milliseconds(50), maxRetryDuration: .milliseconds(300)))
        let url = "http://127.0.0.1:\(port)/v1/responses"
        let error = await #expect(throws: ServerClientError.self) { try await client.send(ServerClientRequest(method: .post, url: url)) }
        #expect(error?.code == .connectionFailed)
        #expect(error?.url == url)
        #expect(error?.message.hasPrefix("could not connect to \(url): connection refused (retried for ") == true)
    }

    @Test func retriesUntilTheServerComesUp() async throws {
        let port = try await Self.freedPort()
        let client = ServerClient(configuration: .init(retryDelay: .milliseconds(50), maxRetryDuration: .seconds(20)))
        let server = AgentHTTPServer(configuration: .init(port: port)) { _ in .text("up") }
        async let response = client.send(ServerClientRequest(url: "http://127.0.0.1:\(port)/"))
        try await Task.sleep(for: .milliseconds(200))
        try await server.start()
        #expect(try await response.bodyText == "up")
        await server.shutdown()
    }

    @Test func neverResendsARequestOnceItsResponseBegan() async throws {
        // D5: a body cut short (or a reset after the head) surfaces as an error; only failures before the head retry.
        let server = try ScriptedServer { socket, _ in
            if socket.blockingReadRequest() != nil {
                socket.blockingWrite("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"id\":\"resp_")
            }
            socket.blockingClose()
        }
        let client = ServerClient(configuration: .init(retryDelay: .milliseconds(20), maxRetryDuration: .seconds(2)))
        let url = "http://127.0.0.1:\(server.port)/v1/responses"
        let error = await #expect(throws: ServerClientError.self) { try await client.send(ServerClientRequest(method: .post, url: url, body: [0x7B, 0x7D])) }
        #expect(error?.code == .connectionFailed)
        #expect(error?.message == "the connection to \(url) was lost after the response had begun "
                + "(connection closed by the server after 12 of 100 body bytes); the request was not sent again")
        #expect(server.connections == 1)
    }

    @Test func neverRetriesWithAZeroCap() async throws {
        let port = try await Self.refusedPort()
        let client = ServerClient(configuration: .init(maxRetryDuration: .zero))
        let error = await #expect(throws: ServerClientError.self) { try await client.send(ServerClientRequest(url: "http://127.0.0.1:\(port)/x")) }
        #expect(error?.message == "could not connect to http://127.0.0.1:\(port)/x: connection refused")
    }

    @Test func cancellationStopsRetriesPromptly() async throws {
        let port = try await Self.refusedPort()
        let client = ServerClient()  // retries without limit
        let task = Task { try await client.send(ServerClientRequest(url: "http://127.0.0.1:\(port)/")) }
        try await Task.sleep(for: .milliseconds(100))
        task.cancel()
        let result = await task.result
        #expect(throws: ServerClientError.self) { try result.get() }
        if case .failure(let error as ServerClientError) = result { #expect(error.code == .cancelled) }
    }

    @Test func cancellationStopsAWaitForTheResponse() async throws {
        let server = AgentHTTPServer(configuration: .init(shutdownGracePeriod: .milliseconds(50))) { _ in
            try? await Task.sleep(for: .seconds(30))
            return .text("late")
        }
        let port = try await server.start()
        let task = Task { try await ServerClient().send(ServerClientRequest(url: "http://127.0.0.1:\(port)/")) }
        try await Task.sleep(for: .milliseconds(100))
        task.cancel()
        if case .failure(let error as ServerClientError) = await task.result {
            #expect(error.code == .cancelled)
        } else {
            Issue.record("expected a cancelled error")
        }
        await server.shutdown()
    }

    @Test func cancellationClosesTheConnectionInUse() async throws {
        let asked = Atomic<Int>(0)
        let closed = Atomic<Int>(0)
        let server = try ScriptedServer { socket, _ in
            guard socket.blockingReadRequest() != nil else { return }
            asked.add(1, ordering: .relaxed)
            if socket.blockingWaitForEndOfStream(seconds: 30) { closed.add(1, ordering: .relaxed) }
        }
        let client = ServerClient()
        let task = Task { try await client.send(ServerClientRequest(method: .post, url: "http://127.0.0.1:\(server.port)/v1/responses", body: [0x7B, 0x7D])) }
        #expect(await GymServeProcess.poll(seconds: 20) { asked.load(ordering: .relaxed) == 1 })
        task.cancel()
        if case .failure(let error as ServerClientError) = await task.result {
            #expect(error.code == .cancelled)
        } else {
            Issue.record("expected a cancelled error")
        }
        #expect(await GymServeProcess.poll(seconds: 20) { closed.load(ordering: .relaxed) == 1 })
        #expect(client.pooledIdleConnections(host: "127.0.0.1", port: server.port) == 0)
    }

    @Test func cancellationEndsAWaitForAPoolSlot() async throws {
        let asked = Atomic<Int>(0)
        let server = try ScriptedServer { socket, _ in
            guard socket.blockingReadRequest() != nil else { return }
            asked.add(1, ordering: .relaxed)
            _ = socket.blockingWaitForEndOfStream(seconds: 30)
        }
        let client = ServerClient(configuration: .init(maxConnectionsPerHost: 1))
        let url = "http://127.0.0.1:\(server.port)/"
        let holder = Task { try await client.send(ServerClientRequest(url: url)) }
        #expect(await GymServeProcess.poll(seconds: 20) { asked.load(ordering: .relaxed) == 1 })
        let waiter = Task { try await client.send(ServerClientRequest(url: url)) }
        waiter.cancel()
        if case .failure(let error as ServerClientError) = await waiter.result { #expect(error.code == .cancelled) } else { Issue.record("expected a cancelled error") }
        holder.cancel()
        _ = await holder.result
        #expect(server.connections == 1)
    }

    @Test func returnsErrorStatusesWithoutRetrying() async throws {
        let calls = Atomic<Int>(0)
        let server = AgentHTTPServer { _ in
            calls.add(1, ordering: .relaxed)
            return .json(status: 500, "boom")
        }
        let port = try await server.start()
        let response = try await ServerClient().send(ServerClientRequest(url: "http://127.0.0.1:\(port)/"))
        #expect(response.status == 500)
        #expect(!response.isSuccess)
        #expect(try response.json() == "boom")
        let count = calls.load(ordering: .relaxed)
        #expect(count == 1)
        await server.shutdown()
    }

    @Test func decodesChunkedAndReadUntilCloseResponses() async throws {
        let server = try ScriptedServer { socket, index in
            while let head = socket.blockingReadRequest() {
                if head.hasPrefix("GET /chunked") {
                    socket.blockingWrite("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;x=y\r\nhello\r\n1\r\n \r\n5\r\nworld\r\n0\r\nTrailer: 1\r\n\r\n")
                } else {
                    socket.blockingWrite("HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil close")
                    socket.blockingClose()
                    return
                }
            }
        }
        let client = ServerClient()
        let chunked = try await client.send(ServerClientRequest(url: "http://127.0.0.1:\(server.port)/chunked"))
        #expect(chunked.bodyText == "hello world")
        let again = try await client.send(ServerClientRequest(url: "http://127.0.0.1:\(server.port)/chunked"))
        #expect(again.bodyText == "hello world")
        let untilClose = try await client.send(ServerClientRequest(url: "http://127.0.0.1:\(server.port)/close"))
        #expect(untilClose.bodyText == "until close")
        #expect(server.connections == 1)
    }

    @Test func skipsInterimResponsesAndSendsContentLength() async throws {
        let heads = Mutex<[String]>([])
        let server = try ScriptedServer { socket, _ in
            while let head = socket.blockingReadRequest() {
                heads.withLock { $0.append(head) }
                socket.blockingWrite("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok")
            }
        }
        let client = ServerClient()
        let response = try await client.send(ServerClientRequest(method: .post, url: "http://127.0.0.1:\(server.port)/a?b=1", headers: ["X-Test": "1"], body: Array("{}".utf8)))
        #expect(response.status == 201)
        #expect(response.bodyText == "ok")
        _ = try await client.send(ServerClientRequest(method: .post, url: "http://127.0.0.1:\(server.port)/empty"))
        let seen = heads.withLock { $0 }
        #expect(seen.first?.hasPrefix("POST /a?b=1 HTTP/1.1\r\nHost: 127.0.0.1:\(server.port)\r\nX-Test: 1\r\nContent-Length: 2") == true)
        #expect(seen.last?.contains("Content-Length: 0") == true)
    }

    @Test func replacesAStaleKeepAliveConnectionTransparently() async throws {
        // Connection 0 answers one request with keep-alive, then closes when the next request arrives without
        // answering it (the race where the server drops an idle connection just as it is reused).
        let server = try ScriptedServer { socket, index in
            var served = 0
            while let _ = socket.blockingReadRequest() {
                if index == 0 && served == 1 {
                    socket.blockingClose()
                    return
                }
                served += 1
                socket.blockingWrite("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n\(index)")
            }
        }
        // With no retries allowed, only the transparent replacement can make the second request succeed.
        let client = ServerClient(configuration: .init(maxRetryDuration: .zero))
        let first = try await client.send(ServerClientRequest(url: "http://127.0.0.1:\(server.port)/"))
        #expect(first.bodyText == "0")
        let second = try await client.send(ServerClientRequest(url: "http://127.0.0.1:\(server.port)/"))
        #expect(second.bodyText == "1")
        #expect(server.connections == 2)
    }

    @Test func discardsPooledConnectionsTheServerClosed() async throws {
        // Connection 0 answers once with keep-alive, then closes while idle; the test waits for that close (an
        // event, not a sleep against a server timeout) before the second request.
        let closedIdle = Atomic<Bool>(false)
        let server = try ScriptedServer { socket, index in
            while socket.blockingReadRequest() != nil {
                socket.blockingWrite("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n\(index)")
                if index == 0 {
                    socket.blockingClose()
                    closedIdle.store(true, ordering: .releasing)
                    return
                }
            }
        }
        let client = ServerClient(configuration: .init(maxRetryDuration: .zero))
        let first = try await client.send(ServerClientRequest(url: "http://127.0.0.1:\(server.port)/"))
        #expect(await GymServeProcess.poll(seconds: 20) { closedIdle.load(ordering: .acquiring) })
        let second = try await client.send(ServerClientRequest(url: "http://127.0.0.1:\(server.port)/"))
        #expect(first.bodyText == "0")
        #expect(second.bodyText == "1")  // a new connection
        #expect(server.connections == 2)
    }

    @Test func readsAnEarlyErrorResponseToALargeUpload() async throws {
        let server = AgentHTTPServer(configuration: .init(maxBodyBytes: 1000)) { _ in .text("accepted") }
        let port = try await server.start()
        let client = ServerClient(configuration: .init(maxRetryDuration: .zero))
        let response = try await client.send(ServerClientRequest(method: .post, url: "http://127.0.0.1:\(port)/", body: [UInt8](repeating: 1, count: 100_000)))
        #expect(response.status == 413)
        await server.shutdown()
    }

    @Test func retriesAndReportsRefusedHTTPSConnections() async throws {
        let port = try await Self.refusedPort()
        // URLSession's first request can take longer than a short cap on a loaded machine, so the cap is
        // generous and the check does not depend on how many attempts fit in it.
        let client = ServerClient(configuration: .init(retryDelay: .milliseconds(50), maxRetryDuration: .seconds(1)))
        let url = "https://127.0.0.1:\(port)/v1/responses"
        let error = await #expect(throws: ServerClientError.self) { try await client.send(ServerClientRequest(method: .post, url: url)) }
        #expect(error?.code == .connectionFailed)
        #expect(error?.message.hasPrefix("could not connect to \(url): connection refused (retried for ") == true)
    }

    @Test func dropsPooledConnectionsAfterTheirIdleLifetime() async throws {
        let server = AgentHTTPServer { request in .text(request.remoteAddress ?? "") }
        let port = try await server.start()
        let client = ServerClient(configuration: .init(idleConnectionLifetime: .milliseconds(50)))
        let first = try await client.send(ServerClientRequest(url: "http://127.0.0.1:\(port)/"))
        try await Task.sleep(for: .milliseconds(200))
        let second = try await client.send(ServerClientRequest(url: "http://127.0.0.1:\(port)/"))
        #expect(first.bodyText != second.bodyText)
        await server.shutdown()
    }

    @Test(arguments: [(Duration.seconds(60), 3, "60 s"), (.milliseconds(500), 3, "0.5 s"), (.milliseconds(150), 3, "0.15 s"),
                      (.milliseconds(59_960), 1, "60 s"), (.milliseconds(1_005), 3, "1.005 s")])
    func formatsDurationsInMessages(duration: Duration, decimals: Int, text: String) {
        #expect(ServerClient.format(duration, decimals: decimals) == text)
    }

    @Test func parsesSetCookieLines() async throws {
        let server = AgentHTTPServer { _ in
            var response = AgentHTTPResponse.json(["ok": true])
            response.setCookies(["session": "abc123", "theme": "dark"])
            response.headers.add(name: "set-cookie", value: "quoted=\"v\"; Expires=Wed, 21 Oct 2037 07:28:00 GMT; HttpOnly")
            return response
        }
        let port = try await server.start()
        let response = try await ServerClient().send(ServerClientRequest(url: "http://127.0.0.1:\(port)/"))
        #expect(response.headers.values(for: "Set-Cookie") == [
            "session=abc123; Path=/; SameSite=lax", "theme=dark; Path=/; SameSite=lax",
            "quoted=\"v\"; Expires=Wed, 21 Oct 2037 07:28:00 GMT; HttpOnly",
        ])
        #expect(response.setCookies == ["session": "abc123", "theme": "dark", "quoted": "v"])
        await server.shutdown()
    }

    @Test func splitsSetCookieHeadersThatURLSessionJoined() {
        let joined = "session=abc123; Path=/; HttpOnly, theme=dark; Expires=Wed, 21 Oct 2037 07:28:00 GMT, c=x=y"
        #expect(URLSessionTransport.splitSetCookie(joined) == [
            "session=abc123; Path=/; HttpOnly", "theme=dark; Expires=Wed, 21 Oct 2037 07:28:00 GMT", "c=x=y",
        ])
    }

    @Test func timesOutOnlyWhenAnIdleTimeoutIsConfigured() async throws {
        let server = AgentHTTPServer { _ in
            try? await Task.sleep(for: .seconds(1))
            return .text("slow")
        }
        let port = try await server.start()
        let impatient = ServerClient(configuration: .init(idleTimeout: .milliseconds(100)))
        let error = await #expect(throws: ServerClientError.self) { try await impatient.send(ServerClientRequest(url: "http://127.0.0.1:\(port)/")) }
        #expect(error?.code == .timedOut)
        #expect(error?.message.contains("idle timeout 0.1 s") == true)
        let deadline = ServerClient(configuration: .init(totalTimeout: .milliseconds(150)))
        let late = await #expect(throws: ServerClientError.self) { try await deadline.send(ServerClientRequest(url: "http://127.0.0.1:\(port)/")) }
        #expect(late?.code == .timedOut)
        #expect(late?.message == "the request to http://127.0.0.1:\(port)/ timed out (total timeout 0.15 s)")
        #expect(try await ServerClient().send(ServerClientRequest(url: "http://127.0.0.1:\(port)/")).bodyText == "slow")
        await server.shutdown()
    }

    @Test func refusesAHugeDeclaredBodyWithoutAllocatingIt() async throws {
        let server = try ScriptedServer { socket, _ in
            while socket.blockingReadRequest() != nil {
                socket.blockingWrite("HTTP/1.1 200 OK\r\nContent-Length: 100000000000\r\n\r\nabc")
            }
        }
        let url = "http://127.0.0.1:\(server.port)/big"
        let error = await #expect(throws: ServerClientError.self) { try await ServerClient().send(ServerClientRequest(url: url)) }
        #expect(error?.code == .responseTooLarge)
        #expect(error?.message == "the response from \(url) declares a body of 100000000000 bytes, over the client's limit of "
                + "1073741824 bytes (1 GiB); raise ServerClient.Configuration.maxResponseBodyBytes if answers that large are expected")
        #expect(server.connections == 1)
    }

    @Test(arguments: [
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n400\r\n" + String(repeating: "a", count: 1024) + "\r\n400\r\n",
        "HTTP/1.0 200 OK\r\n\r\n" + String(repeating: "a", count: 3000),
    ])
    func limitsBodiesAsTheyArrive(answer: String) async throws {
        let server = try ScriptedServer { socket, _ in
            if socket.blockingReadRequest() != nil { socket.blockingWrite(answer) }
            socket.blockingClose()
        }
        let url = "http://127.0.0.1:\(server.port)/"
        let client = ServerClient(configuration: .init(maxRetryDuration: .zero, maxResponseBodyBytes: 1500))
        let error = await #expect(throws: ServerClientError.self) { try await client.send(ServerClientRequest(url: url)) }
        #expect(error?.code == .responseTooLarge)
        #expect(error?.message.hasPrefix("the response from \(url) has a body larger than that, over the client's limit of 1500 bytes;") == true)
    }

    @Test(arguments: [("5 5", false), ("5x", false), ("5 ", true), ("5 ;name=value", true)])
    func acceptsOnlyHexDigitsThenAnExtensionAsAChunkSize(line: String, valid: Bool) async throws {
        let server = try ScriptedServer { socket, _ in
            if socket.blockingReadRequest() != nil {
                socket.blockingWrite("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n\(line)\r\nhello\r\n0\r\n\r\n")
            }
        }
        let url = "http://127.0.0.1:\(server.port)/"
        let client = ServerClient(configuration: .init(maxRetryDuration: .zero))
        if valid {
            #expect(try await client.send(ServerClientRequest(url: url)).bodyText == "hello")
        } else {
            let error = await #expect(throws: ServerClientError.self) { try await client.send(ServerClientRequest(url: url)) }
            #expect(error?.code == .invalidResponse)
            #expect(error?.message == "invalid response from \(url): invalid chunked body: invalid chunk size line")
        }
    }

    @Test func reportsInvalidResponses() async throws {
        let server = try ScriptedServer { socket, _ in
            _ = socket.blockingReadRequest()
            socket.blockingWrite("SMTP ready\r\n\r\n")
        }
        let url = "http://127.0.0.1:\(server.port)/"
        let error = await #expect(throws: ServerClientError.self) { try await ServerClient().send(ServerClientRequest(url: url)) }
        #expect(error?.code == .invalidResponse)
        #expect(error?.message == "invalid response from \(url): malformed status line")
    }

    @Test(arguments: ["ftp://x/y", "127.0.0.1:8000/x", "http://", "http://host:99999/", "http://[::1/x", "http://a b/"])
    func rejectsInvalidURLs(url: String) async {
        let error = await #expect(throws: ServerClientError.self) { try await ServerClient().send(ServerClientRequest(url: url)) }
        #expect(error?.code == .invalidURL)
        #expect(error?.message.hasPrefix("invalid URL '\(url)'") == true)
    }

    @Test func tellsTheRetryNoticeWhenARequestKeepsRetrying() async throws {
        let port = RefusedPort.unusedPortBelowEphemeralRange()
        let notices = Mutex<[String]>([])
        var configuration = ServerClient.Configuration(retryDelay: .milliseconds(10), maxRetryDuration: .seconds(30))
        configuration.retryNoticeDelay = .zero
        configuration.retryNotice = { line in notices.withLock { $0.append(line) } }
        let client = ServerClient(configuration: configuration)
        let url = "http://127.0.0.1:\(port)/v1/responses"
        let task = Task { try await client.send(ServerClientRequest(method: .post, url: url)) }
        while notices.withLock({ $0.isEmpty }) { try await Task.sleep(for: .milliseconds(10)) }
        task.cancel()
        _ = await task.result
        let first = try #require(notices.withLock { $0.first })
        #expect(first.hasPrefix("still retrying \(url) after "))
        #expect(first.contains("connection refused"))
        #expect(notices.withLock { $0.count } == 1)  // the next one only after 30 s
    }
}
