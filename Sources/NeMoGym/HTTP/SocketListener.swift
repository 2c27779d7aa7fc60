import Dispatch
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A listening socket that accepts connections from a `DispatchSource` on the global queue.
///
/// Each accepted descriptor (already non-blocking, with `TCP_NODELAY`) is passed to `onAccept` together with the
/// peer address. Near the process's descriptor limit (see ``DescriptorBudget``) it stops accepting, leaving new
/// connections in the backlog, and looks again every 50 ms; on `EMFILE`/`ENFILE` it pauses for 100 ms instead
/// of spinning.
final class SocketListener: @unchecked Sendable {
    /// The bound address (with the real port when port 0 was requested).
    let localAddress: SocketAddress
    private let fd: Int32
    private let source: any DispatchSourceRead
    private let state = Mutex<(suspended: Bool, closed: Bool)>((false, false))
    private let closedWaiters = Mutex<(done: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))

    /// Binds and listens; throws ``AgentHTTPServerError``.
    init(address: SocketAddress, host: String, port: Int, backlog: Int,
         onAccept: @escaping @Sendable (Int32, SocketAddress?) -> Void) throws(AgentHTTPServerError) {
        let fd = SocketOptions.makeTCPSocket(family: address.family)
        guard fd >= 0 else {
            throw AgentHTTPServerError(code: .bindFailed, message: "could not create a socket for \(host):\(port): \(SocketOptions.describe(errno: errno))")
        }
        SocketOptions.set(fd, SOL_SOCKET, SO_REUSEADDR, 1)
        let bound = address.withSockaddr { bind(fd, $0, $1) }
        if bound != 0 {
            let e = errno
            _ = Glibc.close(fd)
            if e == EADDRINUSE {
                throw AgentHTTPServerError(code: .addressInUse, message: "port \(port) on \(host) is already in use; stop the other server or choose another port")
            }
            if e == EADDRNOTAVAIL {
                throw AgentHTTPServerError(code: .invalidAddress, message: "cannot listen on \(host):\(port): \(host) is not an address of this machine")
            }
            throw AgentHTTPServerError(code: .bindFailed, message: "cannot listen on \(host):\(port): \(SocketOptions.describe(errno: e))")
        }
        guard listen(fd, Int32(clamping: backlog)) == 0 else {
            let e = errno
            _ = Glibc.close(fd)
            throw AgentHTTPServerError(code: .bindFailed, message: "cannot listen on \(host):\(port): \(SocketOptions.describe(errno: e))")
        }
        self.fd = fd
        self.localAddress = SocketAddress.local(of: fd) ?? address
        source = DispatchSource.makeReadSource(fileDescriptor: fd, queue: .global())
        source.setEventHandler { [self] in acceptAll(onAccept) }
        source.setCancelHandler { [self] in
            _ = Glibc.close(fd)
            let waiters = closedWaiters.withLock { s in
                s.done = true
                defer { s.waiters = [] }
                return s.waiters
            }
            for waiter in waiters { waiter.resume() }
        }
        source.activate()
    }

    private func acceptAll(_ onAccept: @Sendable (Int32, SocketAddress?) -> Void) {
        while true {
            guard DescriptorBudget.serverHasHeadroom() else {
                pause(milliseconds: 50)
                return
            }
            var storage = sockaddr_storage()
            var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
            let client = withUnsafeMutablePointer(to: &storage) { p in
                p.withMemoryRebound(to: sockaddr.self, capacity: 1) { accept(fd, $0, &length) }
            }
            if client >= 0 {
                SocketOptions.setNonBlocking(client)
                SocketOptions.setNoDelay(client)
                onAccept(client, SocketAddress(storage: storage))
                continue
            }
            switch errno {
            case EINTR, ECONNABORTED, EPROTO:
                continue
            case EMFILE, ENFILE, ENOBUFS, ENOMEM:
                pause(milliseconds: 100)
                return
            default:  // EAGAIN: nothing more to accept.
                return
            }
        }
    }

    /// Stops accepting for a while (out of descriptors), so the level-triggered source does not spin.
    private func pause(milliseconds: Int) {
        let paused = state.withLock { s -> Bool in
            guard !s.closed, !s.suspended else { return false }
            s.suspended = true
            return true
        }
        guard paused else { return }
        source.suspend()
        DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(milliseconds)) { [self] in
            let resume = state.withLock { s -> Bool in
                guard s.suspended else { return false }
                s.suspended = false
                return true
            }
            if resume { source.resume() }
        }
    }

    /// Stops accepting and returns once the listening socket is closed (so the port is free again).
    func close() async {
        closeSoon()
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let done = closedWaiters.withLock { s in
                if !s.done { s.waiters.append(continuation) }
                return s.done
            }
            if done { continuation.resume() }
        }
    }

    /// Stops accepting; the socket is closed shortly after, from the source's cancel handler.
    func closeSoon() {
        let resume: Bool? = state.withLock { s in
            if s.closed { return nil }
            s.closed = true
            defer { s.suspended = false }
            return s.suspended
        }
        guard let resume else { return }
        if resume { source.resume() }
        source.cancel()
    }
}
