import Dispatch
import Synchronization

/// An HTTP client for calls between NeMo Gym servers: keep-alive pooling, retries of
/// connections that fail before the answer starts, no timeouts by default.
///
/// `http://` URLs go through an in-house HTTP/1.1 client on POSIX sockets (the same parser as ``AgentHTTPServer``):
/// a pool per host and port with at most ``Configuration/maxConnectionsPerHost`` connections (requests beyond it
/// wait), idle connections kept for ``Configuration/idleConnectionLifetime``. No connection is opened within a
/// safe margin of the process's descriptor limit: requests wait for a descriptor instead (see
/// ``OpenFileLimit``). `https://` URLs go through one
/// `URLSession` with automatic cookie handling off. SessionCookies are never stored: send them yourself in a `Cookie`
/// header and read the ones a reply set from ``ServerClientResponse/setCookies``.
///
/// Retries, as NeMo Gym's client retries: a connection that is refused, reset or closed before any byte of the response head
/// arrived is retried every ``Configuration/retryDelay`` until ``Configuration/maxRetryDuration`` (no limit by
/// default) or until the calling task is cancelled. Once a byte of the response arrived, a failure (body cut
/// short, reset, malformed) is thrown and the request is never sent again. A pooled keep-alive connection that
/// the server had already closed is replaced transparently, without a pause. HTTP error statuses are
/// returned, never retried.
///
/// ```swift
/// let client = ServerClient(configuration: .init(maxRetryDuration: .seconds(60)))
/// let response = try await client.send(.json(url: "http://127.0.0.1:8000/run", ["responses_create_params": [:]]))
/// if response.isSuccess { print(try response.json()["reward"]?.double ?? 0) }
/// ```
public final class ServerClient: Sendable {
    /// A shared client with the default configuration.
    public static let shared = ServerClient()

    /// The configuration the client was created with.
    public let configuration: Configuration

    private let pool: HTTPConnectionPool
    private let watchdog: ChannelWatchdog?
    private let sweeper: RepeatingTimer
    private let https = Mutex<URLSessionTransport?>(nil)
    private let resolved = Mutex<[String: (addresses: [SocketAddress], expires: UInt64)]>([:])
    /// Parsed URLs: an agent sends to the same few URLs over and over.
    private let parsedURLs = Mutex<[String: HTTPClientURL]>([:])

    /// Creates a client.
    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
        let pool = HTTPConnectionPool(
            limit: configuration.maxConnectionsPerHost,
            idleLifetime: configuration.idleConnectionLifetime.seconds
        )
        self.pool = pool
        let timeouts = [configuration.idleTimeout, configuration.totalTimeout].compactMap { $0?.seconds }
        watchdog = timeouts.min().map { ChannelWatchdog(interval: min(max($0 / 10, 0.01), 1)) }
        sweeper = RepeatingTimer(interval: max(1, min(5, configuration.idleConnectionLifetime.seconds / 3))) { [weak pool] in
            pool?.closeExpired()
        }
    }

    deinit { pool.close() }

    /// Closes the idle pooled connections (in-flight requests are not affected).
    public func closeIdleConnections() {
        pool.closeExpired()
        pool.close()
    }

    /// How many idle keep-alive connections to `host`:`port` are in the pool.
    public func pooledIdleConnections(host: String, port: Int) -> Int {
        pool.idleCount(HTTPConnectionPool.Key(host: host, port: port))
    }

    /// Sends `request` and returns the complete response, whatever its status.
    ///
    /// - Throws: ``ServerClientError``: `.invalidURL`, `.connectionFailed` once retries are exhausted,
    ///   `.timedOut` (only with a configured timeout), `.invalidResponse`, `.responseTooLarge`, or `.cancelled`
    ///   when the task is cancelled: at every wait (connecting, sending, reading, the pause between retries,
    ///   waiting for a pool slot or a descriptor), and the connection in use is then closed, never pooled.
    public func send(_ request: ServerClientRequest) async throws(ServerClientError) -> ServerClientResponse {
        let url = try parsedURL(request.url)
        let start = ContinuousClock.now
        let totalDeadline: UInt64 = configuration.totalTimeout.map { ChannelWatchdog.deadline(in: $0.seconds) } ?? 0
        var failures = 0
        var lastNotice: ContinuousClock.Instant?
        while true {
            if Task.isCancelled { throw cancelled(request) }
            let outcome: Result<ServerClientResponse, Attempt>
            if url.scheme == "http" {
                outcome = await sendHTTP(request, url: url, totalDeadline: totalDeadline)
            } else {
                outcome = await sendHTTPS(request, totalDeadline: totalDeadline)
            }
            switch outcome {
            case .success(let response):
                return response
            case .failure(.fatal(let error)):
                throw error
            case .failure(.retryable(let why)):
                failures += 1
                let elapsed = ContinuousClock.now - start
                // A nonzero cap allows at least one retry, however long the first attempt took (a busy machine).
                if let cap = configuration.maxRetryDuration, cap == .zero || (failures > 1 && elapsed + configuration.retryDelay > cap) {
                    let suffix = failures > 1 ? " (retried for \(Self.format(elapsed, decimals: 1)))" : ""
                    throw ServerClientError(code: .connectionFailed, url: request.url, message: "could not connect to \(request.url): \(why)\(suffix)")
                }
                if totalDeadline != 0,
                   ChannelWatchdog.deadline(in: configuration.retryDelay.seconds) > totalDeadline {
                    throw timedOut(request, after: "\(why)")
                }
                if let notice = configuration.retryNotice {
                    let due = lastNotice.map { ContinuousClock.now - $0 >= .seconds(30) } ?? (elapsed >= configuration.retryNoticeDelay)
                    if due {
                        lastNotice = .now
                        notice("still retrying \(request.url) after \(failures) failed attempts over \(Self.format(elapsed, decimals: 0)) (\(why)); "
                               + "check that the server is up and reachable")
                    }
                } else if failures % 100 == 0 {
                    FileOutput.standardError("warning: \(failures) attempts to reach \(request.url) failed (\(why)); still retrying. If this persists, check that the server is up, raise `ulimit -n`, or add replicas.\n")
                }
                do {
                    try await Task.sleep(for: configuration.retryDelay)
                } catch {
                    throw cancelled(request)
                }
            }
        }
    }

    /// `text` parsed, from the cache when it was seen before (the cache holds at most 1,024 URLs).
    private func parsedURL(_ text: String) throws(ServerClientError) -> HTTPClientURL {
        if let cached = parsedURLs.withLock({ $0[text] }) { return cached }
        switch HTTPClientURL.parse(text) {
        case .success(let url):
            parsedURLs.withLock { cache in
                if cache.count >= 1_024 { cache.removeAll(keepingCapacity: true) }
                cache[text] = url
            }
            return url
        case .failure(let error):
            throw error
        }
    }

    private enum Attempt: Error {
        case retryable(String)
        case fatal(ServerClientError)
    }

    private func sendHTTP(_ request: ServerClientRequest, url: HTTPClientURL, totalDeadline: UInt64) async -> Result<ServerClientResponse, Attempt> {
        let key = HTTPConnectionPool.Key(host: url.host, port: url.port)
        let limits = HTTPClientConnection.Limits(
            maxHeadBytes: configuration.maxResponseHeadBytes,
            maxBodyBytes: configuration.maxResponseBodyBytes,
            idleTimeout: configuration.idleTimeout?.seconds,
            totalDeadline: totalDeadline
        )
        // Small bodies are sent in one buffer with the head; large ones separately, without a copy.
        let separateBody = (request.body?.count ?? 0) >= Self.separateBodyThreshold ? request.body : nil
        let bytes = Self.serialize(request, url: url, includingBody: separateBody == nil)
        var allowReuse = true
        while true {
            guard let lease = await pool.acquire(key, allowReuse: allowReuse) else { return .failure(.fatal(cancelled(request))) }
            if Task.isCancelled {
                if case .reuse(let c) = lease { pool.release(key, c, reusable: true) } else { pool.discard(key) }
                return .failure(.fatal(cancelled(request)))
            }
            let connection: HTTPClientConnection
            let reused: Bool
            switch lease {
            case .reuse(let c):
                connection = c
                reused = true
            case .create:
                let addresses: [SocketAddress]
                switch await resolve(url) {
                case .success(let a): addresses = a
                case .failure(let error):
                    pool.discard(key)
                    return .failure(.retryable(error.message))
                }
                if Task.isCancelled {
                    pool.discard(key)
                    return .failure(.fatal(cancelled(request)))
                }
                guard DescriptorBudget.clientHasHeadroom() else {
                    // Too close to the descriptor limit: give the slot back; close idle connections kept for
                    // other hosts (then try again at once), or wait until a socket closes or this pool gets an
                    // idle connection, then look for a pooled connection or a free descriptor again. A request
                    // that must not reuse (its pooled connection was stale) closes this host's idle ones too:
                    // it cannot use them, and otherwise they would end its wait at once, again and again.
                    pool.discard(key)
                    if pool.closeIdle(upTo: 64, except: allowReuse ? key : nil) > 0 { continue }
                    await DescriptorWaitList.shared.wait(pool: ObjectIdentifier(pool), recheck: .milliseconds(250)) {
                        !pool.hasIdleConnections && !DescriptorBudget.clientHasHeadroom()
                    }
                    if Task.isCancelled { return .failure(.fatal(cancelled(request))) }
                    continue
                }
                switch await HTTPClientConnection.connect(to: addresses, limits: limits, watchdog: watchdog) {
                case .success(let c):
                    connection = c
                    reused = false
                case .failure(let failure):
                    pool.discard(key)
                    return .failure(map(failure, request))
                }
            }
            watchdog?.register(connection.channel)
            let result = await connection.execute(bytes, body: separateBody, isHEAD: request.method == .head, limits: limits)
            watchdog?.unregister(connection.channel)
            switch result {
            case .success(let (response, reusable)):
                pool.release(key, connection, reusable: reusable)
                return .success(response)
            case .failure(let failure):
                pool.discard(key, closing: connection)
                if reused, case .closedBeforeResponse = failure {
                    allowReuse = false  // a stale keep-alive connection: retry at once on a fresh one
                    continue
                }
                return .failure(map(failure, request))
            }
        }
    }

    private func map(_ failure: HTTPClientConnection.Failure, _ request: ServerClientRequest) -> Attempt {
        switch failure {
        case .connectFailed(let why), .closedBeforeResponse(let why):
            return .retryable(why)
        case .closedDuringResponse(let why):
            // Once a byte of the response arrived, the server has the request; sending it again could repeat
            // a costly generation, so the failure surfaces instead.
            return .fatal(ServerClientError(
                code: .connectionFailed, url: request.url,
                message: "the connection to \(request.url) was lost after the response had begun (\(why)); the request was not sent again"))
        case .invalid(let why):
            return .fatal(ServerClientError(code: .invalidResponse, url: request.url, message: "invalid response from \(request.url): \(why)"))
        case .bodyTooLarge(let declared):
            let limit = Self.describeBytes(configuration.maxResponseBodyBytes)
            let what = declared.map { "declares a body of \($0) bytes" } ?? "has a body larger than that"
            return .fatal(ServerClientError(
                code: .responseTooLarge, url: request.url,
                message: "the response from \(request.url) \(what), over the client's limit of \(limit); "
                    + "raise ServerClient.Configuration.maxResponseBodyBytes if answers that large are expected"))
        case .timedOut:
            return .fatal(timedOut(request, after: nil))
        case .cancelled:
            return .fatal(cancelled(request))
        }
    }

    private func sendHTTPS(_ request: ServerClientRequest, totalDeadline: UInt64) async -> Result<ServerClientResponse, Attempt> {
        let transport = https.withLock { t in
            if let t { return t }
            let made = URLSessionTransport(maxConnectionsPerHost: configuration.maxConnectionsPerHost, idleTimeout: configuration.idleTimeout?.seconds)
            t = made
            return made
        }
        let result: Result<ServerClientResponse, URLSessionTransport.Failure>
        if totalDeadline == 0 {
            result = await transport.send(request)
        } else {
            let now = DispatchTime.now().uptimeNanoseconds
            let remaining = totalDeadline > now ? totalDeadline - now : 0
            result = await withTaskGroup(of: Result<ServerClientResponse, URLSessionTransport.Failure>?.self) { group in
                group.addTask { await transport.send(request) }
                group.addTask {
                    try? await Task.sleep(for: .nanoseconds(Int64(clamping: remaining)))
                    return Task.isCancelled ? nil : .failure(.timedOut)
                }
                var first: Result<ServerClientResponse, URLSessionTransport.Failure> = .failure(.cancelled)
                for await r in group {
                    if let r {
                        first = r
                        break
                    }
                }
                group.cancelAll()
                return first
            }
        }
        switch result {
        case .success(let r): return .success(r)
        case .failure(.retryable(let why)): return .failure(.retryable(why))
        case .failure(.invalidURL):
            return .failure(.fatal(ServerClientError(code: .invalidURL, url: request.url, message: "invalid URL '\(request.url)'; expected https://host[:port]/path")))
        case .failure(.timedOut): return .failure(.fatal(timedOut(request, after: nil)))
        case .failure(.cancelled): return .failure(.fatal(cancelled(request)))
        case .failure(.other(let why)):
            return .failure(.fatal(ServerClientError(code: .connectionFailed, url: request.url, message: "request to \(request.url) failed: \(why)")))
        }
    }

    private func resolve(_ url: HTTPClientURL) async -> Result<[SocketAddress], SocketAddress.ResolveError> {
        if let numeric = SocketAddress(numericHost: url.host, port: url.port) { return .success([numeric]) }
        let cacheKey = "\(url.host):\(url.port)"
        let now = DispatchTime.now().uptimeNanoseconds
        if let hit = resolved.withLock({ $0[cacheKey] }), hit.expires > now { return .success(hit.addresses) }
        switch await SocketAddress.resolve(host: url.host, port: url.port) {
        case .success(let addresses):
            resolved.withLock { $0[cacheKey] = (addresses, now + 30_000_000_000) }
            return .success(addresses)
        case .failure(let error):
            return .failure(SocketAddress.ResolveError(message: "cannot resolve host '\(url.host)': \(error.message)"))
        }
    }

    private func cancelled(_ request: ServerClientRequest) -> ServerClientError {
        ServerClientError(code: .cancelled, url: request.url, message: "the request to \(request.url) was cancelled")
    }

    private func timedOut(_ request: ServerClientRequest, after why: String?) -> ServerClientError {
        var limits: [String] = []
        if let t = configuration.idleTimeout { limits.append("idle timeout \(Self.format(t))") }
        if let t = configuration.totalTimeout { limits.append("total timeout \(Self.format(t))") }
        let detail = why.map { " (last error: \($0))" } ?? ""
        return ServerClientError(code: .timedOut, url: request.url,
                               message: "the request to \(request.url) timed out (\(limits.joined(separator: ", ")))\(detail)")
    }

    /// `1073741824 bytes (1 GiB)`, `1500 bytes`: a byte count, with its binary unit when it is a whole one.
    static func describeBytes(_ n: Int) -> String {
        for (shift, unit) in [(40, "TiB"), (30, "GiB"), (20, "MiB"), (10, "KiB")] where n >= 1 << shift && n % (1 << shift) == 0 {
            return "\(n) bytes (\(n >> shift) \(unit))"
        }
        return "\(n) bytes"
    }

    /// `60 s`, `0.5 s`, `0.15 s`: seconds with at most `decimals` decimals, trailing zeros dropped.
    static func format(_ d: Duration, decimals: Int = 3) -> String {
        var scale = 1
        for _ in 0..<max(0, decimals) { scale *= 10 }
        let units = Int((d.seconds * Double(scale)).rounded())
        var text = "\(units / scale)"
        let fraction = units % scale
        if fraction != 0 {
            var digits = String(fraction)
            digits = String(repeating: "0", count: max(0, String(scale).count - 1 - digits.count)) + digits
            while digits.hasSuffix("0") { digits.removeLast() }
            text += "." + digits
        }
        return text + " s"
    }

    /// The request head and body in one buffer.
    /// Bodies at least this large are written after the head instead of being copied behind it.
    static let separateBodyThreshold = 16 * 1024

    static func serialize(_ request: ServerClientRequest, url: HTTPClientURL, includingBody: Bool = true) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(128 + request.headers.count * 48 + (includingBody ? request.body?.count ?? 0 : 0))
        HTTPWire.append(request.method.rawValue, to: &out)
        out.append(0x20)
        HTTPWire.append(url.target, to: &out)
        HTTPWire.append(" HTTP/1.1\r\n", to: &out)
        if !request.headers.contains("Host") {
            HTTPWire.append("Host: ", to: &out)
            HTTPWire.append(url.hostHeader, to: &out)
            HTTPWire.appendCRLF(to: &out)
        }
        request.headers.forEachField { name, value in
            if value.isEmpty || HeaderFields.equalsIgnoringCase(name, "Content-Length")
                || HeaderFields.equalsIgnoringCase(name, "Transfer-Encoding") || HeaderFields.equalsIgnoringCase(name, "Connection") {
                return
            }
            HTTPWire.appendSanitized(name, to: &out)
            out.append(0x3A)
            out.append(0x20)
            HTTPWire.appendSanitized(value, to: &out)
            HTTPWire.appendCRLF(to: &out)
        }
        if let body = request.body {
            HTTPWire.append("Content-Length: ", to: &out)
            HTTPWire.appendDecimal(body.count, to: &out)
            HTTPWire.append("\r\n\r\n", to: &out)
            if includingBody { out.append(contentsOf: body) }
        } else {
            let method = request.method
            if method == .post || method == .put || method == .patch { HTTPWire.append("Content-Length: 0\r\n", to: &out) }
            HTTPWire.appendCRLF(to: &out)
        }
        return out
    }
}
