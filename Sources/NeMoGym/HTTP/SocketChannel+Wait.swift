extension SocketChannel {
    /// Why a wait ended (both the epoll and the Dispatch channel).
    enum WaitResult: Sendable, Equatable {
        /// The socket is ready.
        case ready
        /// The channel's deadline passed.
        case timedOut
        /// The waiting task was cancelled.
        case cancelled
        /// The server is shutting down and the wait was between requests.
        case draining
        /// The channel was closed.
        case closed
    }

    /// Whether a read wait is between requests (may be ended by ``drain()``) or inside one.
    enum WaitKind { case idle, busy }
}
