extension ServerClient {
    /// Pooling, retry and timeout settings of a ``ServerClient``.
    ///
    /// The defaults follow NeMo Gym's client: no timeouts at all (a generation may run for
    /// hours without sending a byte), connection refused or reset retried every 0.5 s without limit, HTTP error
    /// statuses returned as they are.
    public struct Configuration: Sendable {
        /// The most connections open to one host and port at a time; requests beyond it wait. Default 16,384: high
        /// enough that 8,192 concurrent rollouts each hold a model connection (NeMo Gym's agent never caps
        /// concurrency below what the model server takes); the open-file limit is the real bound (the servers
        /// raise it to the hard limit, see ``OpenFileLimit``). Lower it to protect a fragile server.
        public var maxConnectionsPerHost: Int
        /// How long an unused keep-alive connection stays in the pool. Default 15 s.
        public var idleConnectionLifetime: Duration
        /// How long a request may make no progress (connecting, sending, or waiting for response bytes) before
        /// it fails with ``ServerClientError/Code/timedOut``. Default `nil`: no idle timeout.
        public var idleTimeout: Duration?
        /// The longest a whole ``ServerClient/send(_:)`` may take, retries included. Default `nil`: no limit.
        public var totalTimeout: Duration?
        /// The pause between attempts after a refused or reset connection. Default 0.5 s.
        public var retryDelay: Duration
        /// How long to keep retrying refused or reset connections; `nil` retries until the task is cancelled
        /// (the default), `.zero` never retries, any other value retries at least once.
        public var maxRetryDuration: Duration?
        /// The largest response head accepted. Default 1 MiB.
        public var maxResponseHeadBytes: Int
        /// The largest response body accepted; a larger one (declared in `Content-Length` or as it arrives)
        /// fails with ``ServerClientError/Code/responseTooLarge`` and its connection is closed. Default 1 GiB.
        /// A declared length is never allocated up front (at most 1 MiB is reserved; buffers grow as bytes arrive).
        public var maxResponseBodyBytes: Int
        /// Told, in one sentence naming the URL, the error and how long, when a request has kept retrying for
        /// ``retryNoticeDelay`` and then every 30 s while it goes on (an agent server sets its log's info
        /// level here). Default `nil`: a warning on standard error every 100 failed attempts.
        public var retryNotice: (@Sendable (String) -> Void)?
        /// How long a request retries before the first ``retryNotice``. Default 5 s.
        public var retryNoticeDelay: Duration = .seconds(5)

        /// Creates a configuration; every parameter has the default described on its property.
        public init(
            maxConnectionsPerHost: Int = 16_384,
            idleConnectionLifetime: Duration = .seconds(15),
            idleTimeout: Duration? = nil,
            totalTimeout: Duration? = nil,
            retryDelay: Duration = .milliseconds(500),
            maxRetryDuration: Duration? = nil,
            maxResponseHeadBytes: Int = 1 << 20,
            maxResponseBodyBytes: Int = 1 << 30
        ) {
            self.maxConnectionsPerHost = maxConnectionsPerHost
            self.idleConnectionLifetime = idleConnectionLifetime
            self.idleTimeout = idleTimeout
            self.totalTimeout = totalTimeout
            self.retryDelay = retryDelay
            self.maxRetryDuration = maxRetryDuration
            self.maxResponseHeadBytes = maxResponseHeadBytes
            self.maxResponseBodyBytes = maxResponseBodyBytes
        }
    }
}
