import Dispatch
import Synchronization

/// One accepted client connection: a task that reads requests, calls the handler and writes responses, in order.
///
/// `@unchecked Sendable`: the buffer and parsing state are touched only by the connection's own task; other
/// threads only call ``forceClose()`` and the channel's thread-safe methods.
final class HTTPServerConnection: @unchecked Sendable {
    let channel: SocketChannel
    private let remoteAddress: String?
    private let server: AgentHTTPServer
    private let buffer = InboundBuffer()
    private let task = Mutex<Task<Void, Never>?>(nil)
    /// Set when the client closed or reset the connection while its request's handler ran.
    private let peerLeft = Atomic<Bool>(false)

    private let maxHeaderBytes: Int
    private let maxBodyBytes: Int
    private let headerReadTimeout: Double
    private let idleTimeout: Double
    private let requestBodyTimeout: Double

    init(channel: SocketChannel, remoteAddress: String?, server: AgentHTTPServer) {
        self.channel = channel
        self.remoteAddress = remoteAddress
        self.server = server
        let c = server.configuration
        maxHeaderBytes = max(c.maxHeaderBytes, 256)
        maxBodyBytes = max(c.maxBodyBytes, 0)
        headerReadTimeout = c.headerReadTimeout.seconds
        idleTimeout = c.idleTimeout.seconds
        requestBodyTimeout = c.requestBodyTimeout.seconds
    }

    /// Starts the connection's task.
    func start() {
        // By default the connection's task (and the handler it calls) runs on its channel's epoll loop thread
        // (Linux): a wake-up resumes it there without a hop to the cooperative pool.
        let executor = server.configuration.runsConnectionsOnEventLoop ? channel.preferredExecutor : nil
        let t = Task(executorPreference: executor) { await self.run() }
        task.withLock { $0 = t }
    }

    /// Cancels the handler (if any) and stops all I/O; the task closes the socket when it ends.
    func forceClose() {
        // Shut the channel first: a cancelled handler may answer at once (on a loop thread, before this
        // returns), and that answer must not reach the caller, which sees the connection closed instead.
        channel.interrupt(.closed)
        task.withLock { $0 }?.cancel()
    }

    private func run() async {
        defer {
            channel.close()
            server.connectionEnded(self)
        }
        while true {
            guard let request = await readRequest() else { return }
            let keepAlive = request.keepAlive
            channel.deadline.store(0, ordering: .relaxed)
            let response = await respond(to: request.request)
            if peerLeft.load(ordering: .relaxed) { return }  // nobody to answer
            let close = !keepAlive || channel.isDraining || server.isShuttingDown || Task.isCancelled
                || response.headers.containsToken("close", in: "Connection")
            let bytes = HTTPResponseSerializer.serialize(
                response, isHEAD: request.request.method == .head, close: close,
                keepAliveHeader: keepAlive && request.request.version == .http1_0
            )
            channel.deadline.store(ChannelWatchdog.deadline(in: idleTimeout), ordering: .relaxed)
            if await channel.write(bytes) != nil { return }
            if close {
                closeGently()
                return
            }
        }
    }

    /// Runs the handler while watching the socket: if the client closes or resets the connection before the
    /// answer (nobody would read it), the connection's task, and with it the handler, is cancelled. Bytes of a
    /// pipelined request end the watch (they are not a hangup); so does a request already waiting in the buffer.
    private func respond(to request: AgentHTTPRequest) async -> AgentHTTPResponse {
        guard buffer.isEmpty else { return await server.handler(request) }
        // The watch is a child task: leaving this scope cancels it (its wait ends) and awaits it.
        async let _ = watchForHangup()
        return await server.handler(request)
    }

    private func watchForHangup() async {
        while true {
            guard await channel.waitReadable(.busy) == .ready else { return }  // cancelled: the handler finished
            switch channel.peerHasClosed() {
            case .some(true):
                peerLeft.store(true, ordering: .relaxed)
                task.withLock { $0 }?.cancel()
                return
            case .some(false): return
            case nil: continue
            }
        }
    }

    private struct ParsedRequest {
        var request: AgentHTTPRequest
        var keepAlive: Bool
    }

    /// Sends an error response with `Connection: close` and closes the connection.
    private func fail(_ status: Int, _ detail: String) async {
        let response = AgentHTTPResponse.json(status: status, ["detail": .string(detail)])
        let bytes = HTTPResponseSerializer.serialize(response, isHEAD: false, close: true, keepAliveHeader: false)
        channel.deadline.store(ChannelWatchdog.deadline(in: idleTimeout), ordering: .relaxed)
        if await channel.write(bytes) == nil { await lingeringClose() }
    }

    /// After a complete exchange: half-closes and discards what is already readable, so the close sends a FIN
    /// rather than a reset.
    private func closeGently() {
        channel.shutdownWrite()
        while case .received = channel.receive(into: buffer) { buffer.consume(buffer.count) }
    }

    /// After an error response with the request possibly still arriving: half-closes, then discards input for up
    /// to 2 s (0.2 s while shutting down) so the client reads the response before the socket closes (closing with
    /// unread input sends a reset that can destroy the response in flight).
    private func lingeringClose() async {
        channel.shutdownWrite()
        let linger = channel.isDraining ? 0.2 : min(2, idleTimeout)
        channel.deadline.store(ChannelWatchdog.deadline(in: linger), ordering: .relaxed)
        var discarded = 0
        while discarded < 1 << 20 {
            buffer.consume(buffer.count)
            switch channel.receive(into: buffer) {
            case .received(let n): discarded += n
            case .wouldBlock:
                if await channel.waitReadable(.busy) != .ready { return }
            case .endOfStream, .failed: return
            }
        }
    }

    /// Reads bytes into the buffer; returns `false` when the connection should end.
    private func fill(_ kind: SocketChannel.WaitKind) async -> Bool {
        while true {
            switch channel.receive(into: buffer) {
            case .received: return true
            case .endOfStream, .failed: return false
            case .wouldBlock:
                if await channel.waitReadable(kind) != .ready { return false }
            }
        }
    }

    /// Reads the next request; `nil` ends the connection (an error response was sent if one was due).
    private func readRequest() async -> ParsedRequest? {
        // The head.
        var started = false
        var scanFrom = 0
        var headLength = 0
        channel.deadline.store(ChannelWatchdog.deadline(in: idleTimeout), ordering: .relaxed)
        while true {
            let skip = buffer.withBytes(HTTPHeadParser.leadingEmptyLines)
            if skip > 0 {
                buffer.consume(skip)
                scanFrom = max(0, scanFrom - skip)
            }
            if !buffer.isEmpty {
                if !started {
                    started = true
                    channel.deadline.store(ChannelWatchdog.deadline(in: headerReadTimeout), ordering: .relaxed)
                }
                if let length = buffer.withBytes({ HTTPHeadParser.headLength(in: $0, scanFrom: &scanFrom) }) {
                    headLength = length
                    break
                }
                if buffer.count > maxHeaderBytes { break }
            } else if channel.isDraining {
                return nil
            }
            if !(await fill(started ? .busy : .idle)) { return nil }
        }
        guard headLength > 0, headLength <= maxHeaderBytes else {
            await fail(431, "Request Header Fields Too Large: the request head exceeds \(maxHeaderBytes) bytes")
            return nil
        }
        let parsed = buffer.withBytes { bytes in
            Result { () throws(HTTPHeadParser.Malformed) in
                try HTTPHeadParser.parseRequest(UnsafeBufferPointer(rebasing: bytes[0..<headLength]))
            }
        }
        let head: HTTPHeadParser.RequestHead
        switch parsed {
        case .success(let h): head = h
        case .failure(let error):
            await fail(400, "Bad Request: \(error.reason)")
            return nil
        }
        buffer.consume(headLength)

        // Framing.
        let headers = head.headers
        var keepAlive = head.version >= .http1_1
            ? !headers.containsToken("close", in: "Connection")
            : headers.containsToken("keep-alive", in: "Connection")
        let transferEncodings = headers.values(for: "Transfer-Encoding")
        let contentLengths = headers.values(for: "Content-Length")
        var chunked = false
        var length = 0
        if !transferEncodings.isEmpty {
            let codings = transferEncodings.joined(separator: ",").split(separator: ",").map { $0.trimmingSpaces().lowercased() }
            guard codings.last == "chunked", codings.filter({ $0 == "chunked" }).count == 1, head.version >= .http1_1 else {
                await fail(400, "Bad Request: unsupported Transfer-Encoding '\(transferEncodings.joined(separator: ", "))'; expected chunked")
                return nil
            }
            guard contentLengths.isEmpty else {
                await fail(400, "Bad Request: both Transfer-Encoding and Content-Length are present")
                return nil
            }
            chunked = true
        } else if !contentLengths.isEmpty {
            let parts = contentLengths.joined(separator: ",").split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingSpaces() }
            guard let first = parts.first, !first.isEmpty, first.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
                  first.utf8.count <= 18, let value = Int(first), parts.allSatisfy({ $0 == first }) else {
                await fail(400, "Bad Request: invalid Content-Length '\(contentLengths.joined(separator: ", "))'")
                return nil
            }
            length = value
        }
        if length > maxBodyBytes {
            await fail(413, "Content Too Large: the request body of \(length) bytes exceeds the limit of \(maxBodyBytes) bytes")
            return nil
        }
        if let expect = headers["Expect"] {
            guard expect.lowercased() == "100-continue" else {
                await fail(417, "Expectation Failed: unsupported Expect '\(expect)'")
                return nil
            }
            if head.version >= .http1_1 && (chunked || length > 0) && buffer.isEmpty {
                if await channel.write(Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)) != nil { return nil }
            }
        }

        // The body: no more than the idle timeout without progress, no more than the body timeout in all.
        var body: [UInt8] = []
        let bodyDeadline = ChannelWatchdog.deadline(in: requestBodyTimeout)
        func fillBody() async -> Bool {
            channel.deadline.store(min(ChannelWatchdog.deadline(in: idleTimeout), bodyDeadline), ordering: .relaxed)
            if await fill(.busy) { return true }
            if DispatchTime.now().uptimeNanoseconds >= bodyDeadline {
                channel.deadline.store(ChannelWatchdog.deadline(in: idleTimeout), ordering: .relaxed)
                channel.clearTimeout()
                await fail(408, "Request Timeout: the request body was not complete after \(ServerClient.format(.seconds(requestBodyTimeout), decimals: 1)), "
                           + "the server's limit for receiving one body; send it faster or raise the server's request body timeout")
            }
            return false
        }
        if chunked {
            var decoder = ChunkedDecoder(maxBodyBytes: maxBodyBytes, maxLineBytes: 4096)
            while true {
                do throws(ChunkedDecoder.Failure) {
                    if try decoder.decode(buffer, into: &body) { break }
                } catch {
                    switch error {
                    case .tooLarge:
                        await fail(413, "Content Too Large: the chunked request body exceeds the limit of \(maxBodyBytes) bytes")
                    case .malformed(let reason):
                        await fail(400, "Bad Request: invalid chunked body: \(reason)")
                    }
                    return nil
                }
                if !(await fillBody()) { return nil }
            }
        } else if length > 0 {
            // A declared length is a claim, not a size to allocate: reserve at most 1 MiB, grow as bytes arrive.
            body.reserveCapacity(min(length, HTTPClientConnection.maxReservation))
            while true {
                _ = buffer.move(upTo: length - body.count, into: &body)
                if body.count == length { break }
                if !(await fillBody()) { return nil }
            }
        }
        if channel.isDraining { keepAlive = false }
        let request = AgentHTTPRequest(
            method: head.method, target: head.target, version: head.version,
            headers: headers, body: body, remoteAddress: remoteAddress
        )
        return ParsedRequest(request: request, keepAlive: keepAlive)
    }
}
