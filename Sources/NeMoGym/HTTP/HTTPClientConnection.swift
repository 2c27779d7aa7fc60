import Dispatch
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One client-side HTTP/1.1 connection: connects, sends a request, reads its response.
///
/// `@unchecked Sendable`: it is used by one request at a time; the pool hands it between tasks under its lock.
final class HTTPClientConnection: @unchecked Sendable {
    let channel: SocketChannel
    private let buffer = InboundBuffer()
    /// Uptime nanoseconds when it was last returned to the pool.
    var idleSince: UInt64 = 0

    private init(channel: SocketChannel) {
        self.channel = channel
    }

    /// Why an exchange failed.
    enum Failure: Error {
        /// Connecting failed (`errno` text); nothing was sent.
        case connectFailed(String)
        /// The connection closed or reset before any byte of the response arrived.
        case closedBeforeResponse(String)
        /// The connection closed or reset in the middle of the response.
        case closedDuringResponse(String)
        /// The reply is not valid HTTP, or its head is too large.
        case invalid(String)
        /// The body is larger than ``Limits/maxBodyBytes``: `declared` is the `Content-Length`, or `nil` when
        /// the body grew past the limit as it arrived.
        case bodyTooLarge(declared: Int?)
        case timedOut
        case cancelled
    }

    /// Limits and deadlines for one exchange.
    struct Limits {
        var maxHeadBytes: Int
        var maxBodyBytes: Int
        /// Seconds without progress before `.timedOut`, or `nil`.
        var idleTimeout: Double?
        /// Uptime nanoseconds at which the whole request times out, or `0`.
        var totalDeadline: UInt64
    }

    /// Connects to the first address that accepts.
    static func connect(to addresses: [SocketAddress], limits: Limits, watchdog: ChannelWatchdog?) async -> Result<HTTPClientConnection, Failure> {
        var lastError = "no address"
        for address in addresses {
            let fd = SocketOptions.makeTCPSocket(family: address.family)
            guard fd >= 0 else { return .failure(.connectFailed(SocketOptions.describe(errno: errno))) }
            SocketOptions.setNoDelay(fd)
            SocketOptions.set(fd, SOL_SOCKET, SO_KEEPALIVE, 1)
            SocketOptions.set(fd, Int32(IPPROTO_TCP), TCP_KEEPIDLE, 60)
            SocketOptions.set(fd, Int32(IPPROTO_TCP), TCP_KEEPINTVL, 10)
            SocketOptions.set(fd, Int32(IPPROTO_TCP), TCP_KEEPCNT, 3)
            var rc: Int32
            repeat { rc = address.withSockaddr { Glibc.connect(fd, $0, $1) } } while rc != 0 && errno == EINTR
            let channel = SocketChannel(fd: fd)
            let connection = HTTPClientConnection(channel: channel)
            if rc == 0 { return .success(connection) }
            var e = errno
            if e == EINPROGRESS {
                connection.setDeadline(limits, idle: true)
                watchdog?.register(channel)
                let waited = await channel.waitWritable()
                watchdog?.unregister(channel)
                switch waited {
                case .ready:
                    var soError: Int32 = 0
                    var length = socklen_t(MemoryLayout<Int32>.size)
                    _ = getsockopt(fd, SOL_SOCKET, SO_ERROR, &soError, &length)
                    if soError == 0 { return .success(connection) }
                    e = soError
                case .timedOut:
                    channel.close()
                    return .failure(.timedOut)
                case .cancelled:
                    channel.close()
                    return .failure(.cancelled)
                case .draining, .closed:
                    e = ECONNABORTED
                }
            }
            channel.close()
            lastError = SocketOptions.describe(errno: e)
        }
        return .failure(.connectFailed(lastError))
    }

    private func setDeadline(_ limits: Limits, idle: Bool) {
        var d = limits.totalDeadline
        if idle, let t = limits.idleTimeout {
            let i = ChannelWatchdog.deadline(in: t)
            d = d == 0 ? i : min(d, i)
        }
        channel.deadline.store(d, ordering: .relaxed)
    }

    /// Whether the idle connection looks usable: nothing to read (no EOF, no stray bytes) and no error.
    /// Without an input edge since the last response (Linux), that is known without a system call.
    func looksReusable() -> Bool {
        guard buffer.isEmpty else { return false }
        if !channel.mayHaveInput { return true }
        var p = pollfd(fd: channel.fd, events: Int16(POLLIN), revents: 0)
        let rc = poll(&p, 1, 0)
        return rc == 0
    }

    /// Sends `request` and reads the response. On success, `reusable` says whether the connection may be pooled.
    func execute(_ request: [UInt8], body: [UInt8]? = nil, isHEAD: Bool, limits: Limits) async -> Result<(ServerClientResponse, reusable: Bool), Failure> {
        setDeadline(limits, idle: true)
        // A large body goes out after the head without being copied behind it, in the same system call.
        let reason = if let body { await channel.write(request, then: body) } else { await channel.write(request) }
        if let reason, reason != .closed {
            return .failure(mapWait(reason, received: false, errnoText: "connection reset by peer"))
        }
        // If the write failed because the server closed early, it may still have answered (a 413, say): read on.
        var received = false
        while true {
            // The head.
            var scanFrom = 0
            var headLength: Int?
            while true {
                headLength = buffer.withBytes { HTTPHeadParser.headLength(in: $0, scanFrom: &scanFrom) }
                if headLength != nil { break }
                if buffer.count > limits.maxHeadBytes { return .failure(.invalid("the response head exceeds \(limits.maxHeadBytes) bytes")) }
                if let failure = await fill(limits, received: &received) { return .failure(failure) }
            }
            let length = headLength ?? 0
            let parsed = buffer.withBytes { bytes in
                Result { () throws(HTTPHeadParser.Malformed) in
                    try HTTPHeadParser.parseResponse(UnsafeBufferPointer(rebasing: bytes[0..<length]))
                }
            }
            let head: HTTPHeadParser.ResponseHead
            switch parsed {
            case .success(let h): head = h
            case .failure(let error): return .failure(.invalid(error.reason))
            }
            buffer.consume(length)
            if head.status >= 100 && head.status < 200 && head.status != 101 { continue }  // interim response

            // The body.
            var keepAlive = head.version >= .http1_1
                ? !head.headers.containsToken("close", in: "Connection")
                : head.headers.containsToken("keep-alive", in: "Connection")
            var body: [UInt8] = []
            if isHEAD || head.status == 204 || head.status == 304 || head.status == 101 {
                if head.status == 101 { keepAlive = false }
            } else if head.headers.contains("Transfer-Encoding") {
                guard head.headers.containsToken("chunked", in: "Transfer-Encoding") else {
                    return .failure(.invalid("unsupported Transfer-Encoding '\(head.headers["Transfer-Encoding"] ?? "")'"))
                }
                var decoder = ChunkedDecoder(maxBodyBytes: limits.maxBodyBytes, maxLineBytes: 8192)
                while true {
                    do throws(ChunkedDecoder.Failure) {
                        if try decoder.decode(buffer, into: &body) { break }
                    } catch {
                        switch error {
                        case .tooLarge: return .failure(.bodyTooLarge(declared: nil))
                        case .malformed(let why): return .failure(.invalid("invalid chunked body: \(why)"))
                        }
                    }
                    if let failure = await fill(limits, received: &received) { return .failure(failure) }
                }
            } else if let text = head.headers["Content-Length"] {
                guard let n = Int(text.trimmingSpaces()), n >= 0 else { return .failure(.invalid("invalid Content-Length '\(text)'")) }
                guard n <= limits.maxBodyBytes else { return .failure(.bodyTooLarge(declared: n)) }
                // A declared length is a claim, not a size to allocate: reserve at most 1 MiB, grow as bytes arrive.
                body.reserveCapacity(min(n, Self.maxReservation))
                while true {
                    _ = buffer.move(upTo: n - body.count, into: &body)
                    if body.count == n { break }
                    if let failure = await fill(limits, received: &received) {
                        if case .closedDuringResponse(let why) = failure {
                            return .failure(.closedDuringResponse("\(why) after \(body.count) of \(n) body bytes"))
                        }
                        return .failure(failure)
                    }
                }
            } else {
                // No framing: the body runs until the server closes the connection.
                keepAlive = false
                while true {
                    _ = buffer.move(upTo: Int.max, into: &body)
                    guard body.count <= limits.maxBodyBytes else { return .failure(.bodyTooLarge(declared: nil)) }
                    switch channel.receive(into: buffer) {
                    case .received: continue
                    case .endOfStream:
                        _ = buffer.move(upTo: Int.max, into: &body)
                        guard body.count <= limits.maxBodyBytes else { return .failure(.bodyTooLarge(declared: nil)) }
                        return .success((ServerClientResponse(status: head.status, headers: head.headers, body: body), false))
                    case .failed(let e): return .failure(.closedDuringResponse(SocketOptions.describe(errno: e)))
                    case .wouldBlock:
                        setDeadline(limits, idle: true)
                        let r = await channel.waitReadable(.busy)
                        if r != .ready { return .failure(mapWait(r, received: true, errnoText: "connection closed")) }
                    }
                }
            }
            let reusable = keepAlive && buffer.isEmpty
            return .success((ServerClientResponse(status: head.status, headers: head.headers, body: body), reusable))
        }
    }

    /// Reads more bytes; returns a failure when the connection ends or a wait fails.
    private func fill(_ limits: Limits, received: inout Bool) async -> Failure? {
        while true {
            switch channel.receive(into: buffer) {
            case .received:
                received = true
                return nil
            case .endOfStream:
                return received ? .closedDuringResponse("connection closed by the server") : .closedBeforeResponse("server closed the connection")
            case .failed(let e):
                let text = SocketOptions.describe(errno: e)
                return received ? .closedDuringResponse(text) : .closedBeforeResponse(text)
            case .wouldBlock:
                setDeadline(limits, idle: true)
                let r = await channel.waitReadable(.busy)
                if r != .ready { return mapWait(r, received: received, errnoText: "connection closed") }
            }
        }
    }

    private func mapWait(_ r: SocketChannel.WaitResult, received: Bool, errnoText: String) -> Failure {
        switch r {
        case .timedOut: return .timedOut
        case .cancelled: return .cancelled
        default: return received ? .closedDuringResponse(errnoText) : .closedBeforeResponse(errnoText)
        }
    }

    /// The most bytes reserved up front for a body whose length the server declared.
    static let maxReservation = 1 << 20

    /// Closes the socket.
    func close() { channel.close() }
}
