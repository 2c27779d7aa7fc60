extension AgentHTTPServer {
    /// Where an ``AgentHTTPServer`` listens and the limits it enforces.
    ///
    /// The defaults suit an agent server: generous body limits (rollouts carry long conversations), no time
    /// limit on handlers, and timeouts only for clients that stall while sending or sit idle.
    public struct Configuration: Sendable {
        /// The address to bind: a numeric IPv4/IPv6 address or a host name. Default `127.0.0.1`;
        /// use `0.0.0.0` (or `::`) to accept connections from other machines.
        public var host: String
        /// The TCP port; `0` picks a free ephemeral port (``AgentHTTPServer/start()`` returns it). Default `0`.
        public var port: Int
        /// The largest request head (request line plus header fields) accepted; larger ones get `431`.
        /// Default 64 KiB.
        public var maxHeaderBytes: Int
        /// The largest decoded request body accepted; larger ones get `413`. Default 512 MiB. A declared
        /// `Content-Length` is never allocated up front (at most 1 MiB is reserved; the body grows as it arrives).
        public var maxBodyBytes: Int
        /// How long a client may take to send a complete request head once it has started; the connection is
        /// closed when it is exceeded (a slow-loris defence). Default 10 s.
        public var headerReadTimeout: Duration
        /// How long a keep-alive connection may sit between requests, and how long a body read or a response
        /// write may make no progress, before the connection is closed. Default 30 s.
        public var idleTimeout: Duration
        /// The longest a client may take to send one request body, however steadily it trickles (the idle
        /// timeout only catches a body that stops); past it the request gets `408` and the connection is
        /// closed. Default 5 minutes.
        public var requestBodyTimeout: Duration
        /// How long ``AgentHTTPServer/shutdown()`` lets in-flight requests finish before it cancels them. Default 5 s.
        public var shutdownGracePeriod: Duration
        /// The `listen` backlog. Default 16,384 (the kernel caps it at `net.core.somaxconn`, 4096 on current Linux):
        /// a burst of thousands of connections must not lose SYNs to a full queue (each loss costs the client 1 s).
        public var backlog: Int
        /// Whether ``AgentHTTPServer/start()`` raises the soft open-file limit (see ``OpenFileLimit``). Default `true`.
        public var raisesOpenFileLimit: Bool
        /// Linux: whether connection tasks, and the handler each calls, run on the thread of their connection's
        /// epoll loop (one loop per processor, `NEMO_GYM_SWIFT_EVENT_LOOPS` to change) instead of the cooperative
        /// pool. It saves a thread hop (a `futex` wake-up) per wait — a quarter of the agent's CPU per rollout.
        /// The rule is the cooperative pool's, per loop: a handler that blocks its thread (synchronous I/O, a long
        /// computation) stalls the other connections of its loop, so move such work off it (`Task.detached`, or
        /// `withTaskExecutorPreference(globalConcurrentExecutor)`), or set this to `false` to run every handler
        /// on the cooperative pool. Default `true`. Ignored on other platforms.
        public var runsConnectionsOnEventLoop: Bool = true

        /// Creates a configuration; every parameter has the default described on its property.
        public init(
            host: String = "127.0.0.1",
            port: Int = 0,
            maxHeaderBytes: Int = 64 * 1024,
            maxBodyBytes: Int = 512 * 1024 * 1024,
            headerReadTimeout: Duration = .seconds(10),
            idleTimeout: Duration = .seconds(30),
            requestBodyTimeout: Duration = .seconds(300),
            shutdownGracePeriod: Duration = .seconds(5),
            backlog: Int = 16_384,
            raisesOpenFileLimit: Bool = true
        ) {
            self.host = host
            self.port = port
            self.maxHeaderBytes = maxHeaderBytes
            self.maxBodyBytes = maxBodyBytes
            self.headerReadTimeout = headerReadTimeout
            self.idleTimeout = idleTimeout
            self.requestBodyTimeout = requestBodyTimeout
            self.shutdownGracePeriod = shutdownGracePeriod
            self.backlog = backlog
            self.raisesOpenFileLimit = raisesOpenFileLimit
        }
    }
}

extension Duration {
    /// The duration in seconds as a `Double`.
    var seconds: Double {
        let c = components
        return Double(c.seconds) + Double(c.attoseconds) * 1e-18
    }
}
