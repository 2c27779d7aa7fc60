import Dispatch
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An HTTP/1.1 server on POSIX sockets that answers every request with an ``AgentHTTPHandler``.
///
/// Each connection is served by one task that reads requests, awaits the handler and writes responses; socket
/// readiness comes from `DispatchSource`s on the global queue, so no thread ever blocks in `recv` and the
/// cooperative pool stays free for handlers. It supports keep-alive and pipelining, `Content-Length` and chunked
/// request bodies, `Expect: 100-continue`, HTTP/1.0 and `Connection: close`.
///
/// Bad input gets a JSON error and the connection is closed: `400 {"detail":"Bad Request: …"}` for a malformed
/// request, `431` for a head over ``Configuration/maxHeaderBytes``, `413` for a body over
/// ``Configuration/maxBodyBytes``, `408` for a body still incomplete after ``Configuration/requestBodyTimeout``.
/// A client that stalls while sending a head, or sits idle, is disconnected without affecting others. A client
/// that closes or resets its connection while its request is handled gets its handler's task cancelled (nobody would read the answer).
/// Near the process's descriptor limit the server stops accepting until connections close (see
/// ``OpenFileLimit``).
///
/// ```swift
/// let server = AgentHTTPServer(configuration: .init(host: "0.0.0.0", port: 8000)) { request in
///     .json(["status": "ok"])
/// }
/// let port = try await server.start()
/// print("listening on port \(port)")
/// await server.runUntilTerminated()
/// ```
public final class AgentHTTPServer: Sendable {
    /// The configuration the server was created with.
    public let configuration: Configuration
    let handler: AgentHTTPHandler

    private enum Phase { case idle, starting, running, stopping, stopped }

    private struct State {
        var phase = Phase.idle
        var listener: SocketListener?
        var watchdog: ChannelWatchdog?
        var connections: [ObjectIdentifier: HTTPServerConnection] = [:]
        var port: Int?
    }

    private let state = Mutex(State())
    /// Set as ``shutdown()`` begins, before any connection is drained: responses serialized afterwards carry
    /// `Connection: close`.
    private let stopping = Atomic<Bool>(false)

    /// Whether ``shutdown()`` has begun.
    var isShuttingDown: Bool { stopping.load(ordering: .acquiring) }

    /// Creates a server; nothing happens until ``start()``.
    public init(configuration: Configuration = Configuration(), handler: @escaping AgentHTTPHandler) {
        self.configuration = configuration
        self.handler = handler
    }

    /// The bound port once ``start()`` has returned, otherwise `nil`.
    public var port: Int? { state.withLock { $0.port } }

    /// How many client connections are open.
    public var connectionCount: Int { state.withLock { $0.connections.count } }

    /// Binds the socket and starts accepting connections.
    ///
    /// - Returns: the bound port (the ephemeral one when ``Configuration/port`` is `0`).
    /// - Throws: ``AgentHTTPServerError``, e.g. `.addressInUse` with "port 8000 on 127.0.0.1 is already in use".
    @discardableResult
    public func start() async throws(AgentHTTPServerError) -> Int {
        let config = configuration
        try state.withLock { s throws(AgentHTTPServerError) in
            guard s.phase == .idle else {
                throw AgentHTTPServerError(code: .alreadyStarted, message: "the server for \(config.host):\(config.port) was already started or shut down; create a new AgentHTTPServer")
            }
            s.phase = .starting
        }
        if config.raisesOpenFileLimit, let warning = OpenFileLimit.raise(to: 65535) {
            FileOutput.standardError("warning: \(warning)\n")
        }
        guard (0...65535).contains(config.port) else {
            state.withLock { $0.phase = .idle }
            throw AgentHTTPServerError(code: .invalidAddress, message: "port \(config.port) is out of range; expected 0...65535 (0 picks a free port)")
        }
        let addresses: [SocketAddress]
        switch await SocketAddress.resolve(host: config.host, port: config.port) {
        case .success(let a): addresses = a
        case .failure(let error):
            state.withLock { $0.phase = .idle }
            throw AgentHTTPServerError(code: .invalidAddress, message: "cannot listen on \(config.host):\(config.port): \(error.message)")
        }
        let listener: SocketListener
        do {
            listener = try SocketListener(address: addresses[0], host: config.host, port: config.port, backlog: config.backlog) {
                [self] fd, peer in accepted(fd: fd, peer: peer)
            }
        } catch {
            state.withLock { $0.phase = .idle }
            throw error
        }
        let interval = min(max(min(config.headerReadTimeout.seconds, config.idleTimeout.seconds, config.requestBodyTimeout.seconds) / 4, 0.01), 1)
        let port = listener.localAddress.port
        state.withLock { s in
            s.listener = listener
            s.watchdog = ChannelWatchdog(interval: interval)
            s.port = port
            s.phase = .running
        }
        return port
    }

    private func accepted(fd: Int32, peer: SocketAddress?) {
        let channel = SocketChannel(fd: fd)
        let connection = HTTPServerConnection(channel: channel, remoteAddress: peer?.description, server: self)
        let registered: ChannelWatchdog? = state.withLock { s in
            guard s.phase == .running, let watchdog = s.watchdog else { return nil }
            s.connections[ObjectIdentifier(connection)] = connection
            return watchdog
        }
        guard let watchdog = registered else {
            channel.close()
            return
        }
        watchdog.register(channel)
        connection.start()
    }

    /// Called by a connection's task when it ends.
    func connectionEnded(_ connection: HTTPServerConnection) {
        let watchdog = state.withLock { s in
            s.connections.removeValue(forKey: ObjectIdentifier(connection))
            return s.watchdog
        }
        watchdog?.unregister(connection.channel)
    }

    /// Stops gracefully: stops accepting, closes idle keep-alive connections, lets in-flight requests finish
    /// (their responses carry `Connection: close`) for up to ``Configuration/shutdownGracePeriod``, then
    /// cancels the remaining handlers and closes their connections. Safe to call more than once.
    public func shutdown() async {
        var listener: SocketListener?
        while listener == nil {
            enum Step { case done, wait, stop(SocketListener) }
            let step: Step = state.withLock { s in
                switch s.phase {
                case .idle:
                    s.phase = .stopped
                    return .done
                case .stopped:
                    return .done
                case .starting, .stopping:
                    return .wait  // let `start()` or the first `shutdown()` finish
                case .running:
                    guard let l = s.listener else { return .done }
                    s.phase = .stopping
                    stopping.store(true, ordering: .releasing)
                    return .stop(l)
                }
            }
            switch step {
            case .done: return
            case .wait: try? await Task.sleep(for: .milliseconds(10))
            case .stop(let l): listener = l
            }
        }
        await listener?.close()
        for connection in state.withLock({ Array($0.connections.values) }) { connection.channel.drain() }
        let graceEnd = ContinuousClock.now + configuration.shutdownGracePeriod
        while state.withLock({ !$0.connections.isEmpty }) && ContinuousClock.now < graceEnd {
            try? await Task.sleep(for: .milliseconds(5))
        }
        for connection in state.withLock({ Array($0.connections.values) }) { connection.forceClose() }
        // Cancelled handlers get a moment to return; one that ignores cancellation is left behind.
        let forceEnd = ContinuousClock.now + .seconds(1)
        while state.withLock({ !$0.connections.isEmpty }) && ContinuousClock.now < forceEnd {
            try? await Task.sleep(for: .milliseconds(5))
        }
        state.withLock { s in
            s.phase = .stopped
            s.listener = nil
            s.watchdog = nil
        }
    }

    /// Waits for `SIGINT` or `SIGTERM`, then calls ``shutdown()``.
    ///
    /// While it waits, both signals are delivered to it instead of ending the process; once the first arrives
    /// their default action is restored, so a second Ctrl-C ends the process immediately.
    ///
    /// - Parameter ready: called once the signal handlers are installed, e.g. to print "listening on ...":
    ///   a launcher that sends SIGTERM as soon as it reads that line gets a graceful shutdown.
    public func runUntilTerminated(onceSignalsAreHandled ready: () -> Void = {}) async {
        let signals = TerminationSignal.install()
        ready()
        _ = await signals.wait()
        await shutdown()
    }
}
