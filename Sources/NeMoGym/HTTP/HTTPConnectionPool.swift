import Dispatch
import Synchronization

/// Keep-alive connections per host, with a per-host limit beyond which requests wait for a free connection.
final class HTTPConnectionPool: Sendable {
    /// A host and port.
    struct Key: Hashable, Sendable {
        var host: String
        var port: Int
    }

    /// What ``acquire(_:allowReuse:)`` grants.
    enum Lease: Sendable {
        /// An idle pooled connection.
        case reuse(HTTPClientConnection)
        /// A slot to open a new connection in (give it back with ``release(_:_:reusable:)`` or ``discard(_:)``).
        case create
    }

    private struct Waiter {
        var id: UInt64
        var continuation: CheckedContinuation<Lease?, Never>
    }

    private struct Host {
        var idle: [HTTPClientConnection] = []
        var open = 0
        var waiters: [Waiter] = []

        var isUnused: Bool { open == 0 && idle.isEmpty && waiters.isEmpty }

        /// Takes the `n` oldest idle connections out of the host (they no longer count as open).
        mutating func removeOldestIdle(_ n: Int) -> [HTTPClientConnection] {
            guard n > 0 else { return [] }
            let taken = Array(idle[..<n])  // a copy first, so `removeFirst` finds the buffer unshared
            idle.removeFirst(n)
            open -= n
            return taken
        }

        /// Takes out the idle connections that have been idle longer than `lifetime` nanoseconds (the oldest
        /// are first).
        mutating func removeExpired(now: UInt64, lifetime: UInt64) -> [HTTPClientConnection] {
            var n = 0
            while n < idle.count, now &- idle[n].idleSince > lifetime { n += 1 }
            return removeOldestIdle(n)
        }
    }

    private struct State {
        var hosts: [Key: Host] = [:]
        var nextWaiterID: UInt64 = 0
        var closed = false
    }

    private let state = Mutex(State())
    private let limit: Int
    private let idleLifetime: UInt64

    /// Creates a pool with at most `limit` open connections per host, closing idle ones after `idleLifetime` seconds.
    init(limit: Int, idleLifetime: Double) {
        self.limit = max(1, limit)
        self.idleLifetime = UInt64(max(0, idleLifetime) * 1e9)
    }

    /// Grants a pooled connection or a slot for a new one, waiting while the host is at its limit.
    /// `nil` means the task was cancelled while waiting.
    func acquire(_ key: Key, allowReuse: Bool) async -> Lease? {
        while true {
            let now = DispatchTime.now().uptimeNanoseconds
            var expired: [HTTPClientConnection] = []
            let immediate: Lease? = state.withLock { s in
                // In place (`_modify`), so the idle array is never copied: with thousands of idle connections a
                // copy per request made each acquire O(n).
                Self.update(&s.hosts[key, default: Host()]) { host -> Lease? in
                    expired += host.removeExpired(now: now, lifetime: idleLifetime)
                    if allowReuse, let connection = Self.takeIdle(from: &host.idle) { return .reuse(connection) }
                    if !allowReuse, host.open >= limit, !host.idle.isEmpty {
                        expired += host.removeOldestIdle(1)
                    }
                    if host.open < limit {
                        host.open += 1
                        return .create
                    }
                    return nil
                }
            }
            for connection in expired { connection.close() }
            if let immediate {
                if case .reuse(let connection) = immediate, !connection.looksReusable() {
                    discard(key, closing: connection)
                    continue
                }
                return immediate
            }
            return await wait(key)
        }
    }

    private func wait(_ key: Key) async -> Lease? {
        let id: UInt64 = state.withLock { s in
            s.nextWaiterID += 1
            return s.nextWaiterID
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Lease?, Never>) in
                let registered: Bool = state.withLock { s in
                    if Task.isCancelled { return false }
                    s.hosts[key, default: Host()].waiters.append(Waiter(id: id, continuation: continuation))
                    return true
                }
                if !registered { continuation.resume(returning: nil) }
            }
        } onCancel: {
            let waiter: Waiter? = state.withLock { s in
                guard let i = s.hosts[key]?.waiters.firstIndex(where: { $0.id == id }) else { return nil }
                return s.hosts[key]?.waiters.remove(at: i)
            }
            waiter?.continuation.resume(returning: nil)
        }
    }

    /// Returns a connection after a request: pooled (or handed to a waiter) when `reusable`, otherwise closed.
    func release(_ key: Key, _ connection: HTTPClientConnection, reusable: Bool) {
        guard reusable else {
            discard(key, closing: connection)
            return
        }
        connection.idleSince = DispatchTime.now().uptimeNanoseconds
        let (waiter, pooled): (Waiter?, Bool) = state.withLock { s in
            if s.closed { return (nil, false) }
            if let w = s.hosts[key]?.waiters.first {
                s.hosts[key]?.waiters.removeFirst()
                return (w, true)
            }
            s.hosts[key, default: Host()].idle.append(connection)
            return (nil, true)
        }
        if let waiter {
            waiter.continuation.resume(returning: .reuse(connection))
        } else if pooled {
            // A request waiting for a descriptor can reuse it, or close it to open its own.
            DescriptorWaitList.shared.signal(pool: ObjectIdentifier(self))
        } else {
            discard(key, closing: connection)
        }
    }

    /// Gives back a slot whose connection failed or was never made (closing `connection` if given).
    func discard(_ key: Key, closing connection: HTTPClientConnection? = nil) {
        connection?.close()
        let waiter: Waiter? = state.withLock { s in
            guard s.hosts[key] != nil else { return nil }
            let waiter = Self.update(&s.hosts[key, default: Host()]) { host -> Waiter? in
                if !host.waiters.isEmpty { return host.waiters.removeFirst() }  // the slot passes to the waiter
                host.open -= 1
                return nil
            }
            if s.hosts[key]?.isUnused == true { s.hosts[key] = nil }
            return waiter
        }
        waiter?.continuation.resume(returning: .create)
    }

    /// Runs `body` on a host entry in place.
    private static func update<R>(_ host: inout Host, _ body: (inout Host) -> R) -> R { body(&host) }

    /// The most recently released idle connection, preferring (among the last few) one registered with the
    /// caller's epoll loop, so that its events resume the caller without a hop between loop threads.
    private static func takeIdle(from idle: inout [HTTPClientConnection]) -> HTTPClientConnection? {
        #if os(Linux)
        if idle.count > 1, let loop = EpollLoop.current {
            var i = idle.count - 1
            let stop = max(0, idle.count - 16)
            while i >= stop {
                if idle[i].channel.loop === loop { return idle.remove(at: i) }
                i -= 1
            }
        }
        #endif
        return idle.popLast()
    }

    /// Closes idle connections older than the idle lifetime.
    func closeExpired() {
        let now = DispatchTime.now().uptimeNanoseconds
        let expired: [HTTPClientConnection] = state.withLock { s in
            var out: [HTTPClientConnection] = []
            for key in Array(s.hosts.keys) {
                let idleLifetime = idleLifetime
                let keep = Self.update(&s.hosts[key, default: Host()]) { host -> Bool in
                    out += host.removeExpired(now: now, lifetime: idleLifetime)
                    return !host.isUnused
                }
                if !keep { s.hosts[key] = nil }
            }
            return out
        }
        for connection in expired { connection.close() }
    }

    /// Closes up to `count` idle connections to hosts other than `key` (to any host when `key` is `nil`), oldest
    /// first, and returns how many it closed: near the descriptor limit, a connection kept for another host is
    /// worth less than a new one here.
    func closeIdle(upTo count: Int, except key: Key?) -> Int {
        let victims: [HTTPClientConnection] = state.withLock { s in
            var out: [HTTPClientConnection] = []
            for other in Array(s.hosts.keys) where other != key && out.count < count {
                let wanted = count - out.count
                let keep = Self.update(&s.hosts[other, default: Host()]) { host -> Bool in
                    out += host.removeOldestIdle(min(wanted, host.idle.count))
                    return !host.isUnused
                }
                if !keep { s.hosts[other] = nil }
            }
            return out
        }
        for connection in victims { connection.close() }
        return victims.count
    }

    /// Whether any host has an idle connection.
    var hasIdleConnections: Bool { state.withLock { s in s.hosts.values.contains { !$0.idle.isEmpty } } }

    /// How many connections to `key` are idle in the pool.
    func idleCount(_ key: Key) -> Int { state.withLock { $0.hosts[key]?.idle.count ?? 0 } }

    /// Closes every idle connection; later releases close their connections.
    func close() {
        let idle: [HTTPClientConnection] = state.withLock { s in
            s.closed = true
            var out: [HTTPClientConnection] = []
            for key in Array(s.hosts.keys) {
                guard var host = s.hosts[key] else { continue }
                out += host.idle
                host.open -= host.idle.count
                host.idle = []
                s.hosts[key] = host
            }
            return out
        }
        for connection in idle { connection.close() }
    }
}
