import Dispatch
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Keeps the process a safe margin below its open-descriptor limit (`RLIMIT_NOFILE`), so the runtime (libdispatch
/// opens `/proc/<tid>/stat` and aborts the process when it cannot) and the files an application writes always
/// find descriptors.
///
/// The library counts its own sockets (one atomic add per open and close); the other descriptors of the process
/// are counted from `/proc/self/fd` once and again only near the limit, never per connection. The margin is
/// 5 % of the limit, at least 64 and at most 512. Client connections may use descriptors up to the limit minus the margin; the
/// server stops accepting one margin earlier, so the handlers of accepted requests can still open the
/// connections they need to inner servers.
enum DescriptorBudget {
    /// Sockets owned by ``SocketChannel``s (open or being closed).
    private static let ownSockets = Atomic<Int>(0)
    /// Descriptors of the process that are not ours, as of the last scan; `-1` before the first.
    private static let others = Atomic<Int>(-1)
    /// The soft limit as of the last scan.
    private static let limit = Atomic<Int>(0)
    /// Uptime nanoseconds of the last scan.
    private static let lastScan = Atomic<UInt64>(0)
    /// Uptime nanoseconds of the last warning for the server, and for clients.
    private static let lastServerWarning = Atomic<UInt64>(0)
    private static let lastClientWarning = Atomic<UInt64>(0)

    /// A socket was handed to a ``SocketChannel``.
    static func opened() { ownSockets.add(1, ordering: .relaxed) }

    /// A channel's socket was closed: a client request waiting for a descriptor may go on.
    static func closed() {
        ownSockets.subtract(1, ordering: .relaxed)
        DescriptorWaitList.shared.signal()
    }

    /// How many sockets the library has open.
    static var sockets: Int { ownSockets.load(ordering: .relaxed) }

    /// The descriptors kept free below the limit: 5 % of it, at least 64 and at most 512 (enough for the
    /// runtime and an application's files; more would only idle descriptors that connections need).
    static func margin(forLimit limit: Int) -> Int { max(64, min(limit / 20, 512)) }

    /// Whether a client may open a new connection now.
    static func clientHasHeadroom() -> Bool { hasHeadroom(reservingMargins: 1) }

    /// Whether the server may accept a connection now.
    static func serverHasHeadroom() -> Bool { hasHeadroom(reservingMargins: 2) }

    private static func hasHeadroom(reservingMargins margins: Int) -> Bool {
        let now = DispatchTime.now().uptimeNanoseconds
        if others.load(ordering: .relaxed) < 0 { scan(now) }
        if fits(margins) { return true }
        // Near the limit by the estimate: count again (at most every 250 ms: a count reads every entry of
        // /proc/self/fd, tens of thousands in a burst), other descriptors may have closed.
        if now &- lastScan.load(ordering: .relaxed) > 250_000_000 {
            scan(now)
            if fits(margins) { return true }
        }
        warn(now, margins: margins)
        return false
    }

    private static func fits(_ margins: Int) -> Bool {
        let limit = limit.load(ordering: .relaxed)
        guard limit > 0 else { return true }  // unknown or unlimited
        let used = ownSockets.load(ordering: .relaxed) + max(0, others.load(ordering: .relaxed))
        return used + margins * margin(forLimit: limit) < limit
    }

    /// Counts the process's descriptors and reads the limit.
    private static func scan(_ now: UInt64) {
        lastScan.store(now, ordering: .relaxed)
        let soft = OpenFileLimit.soft
        limit.store(soft < 0 || soft >= Int(Int32.max) ? 0 : soft, ordering: .relaxed)
        let own = ownSockets.load(ordering: .relaxed)
        #if os(Linux)
        guard let dir = opendir("/proc/self/fd") else {
            if others.load(ordering: .relaxed) < 0 { others.store(16, ordering: .relaxed) }
            return
        }
        var count = 0
        while let entry = readdir(dir) {
            if entry.pointee.d_name.0 != 0x2E { count += 1 }  // skip "." and ".."
        }
        closedir(dir)
        others.store(max(0, count - 1 - own), ordering: .relaxed)  // minus the directory's own descriptor
        #else
        if others.load(ordering: .relaxed) < 0 { others.store(16, ordering: .relaxed) }
        #endif
    }

    /// One line on standard error when connections wait for descriptors: at most every 10 s for the server, and
    /// apart from it, for clients.
    private static func warn(_ now: UInt64, margins: Int) {
        guard margins > 1 ? claim(lastServerWarning, now) : claim(lastClientWarning, now) else { return }
        let limit = limit.load(ordering: .relaxed)
        let what = margins > 1 ? "the server stops accepting connections (they wait in the listen backlog)"
                               : "new client connections wait"
        FileOutput.standardError(
            "warning: \(ownSockets.load(ordering: .relaxed)) sockets and \(max(0, others.load(ordering: .relaxed))) other descriptors are open, "
                + "close to the limit of \(limit) (ulimit -n); \(what) until some close. Raise the limit (ulimit -n) or lower the concurrency.\n")
    }

    /// Whether a warning last given at `last` may be given again at `now` (then `now` is recorded).
    private static func claim(_ last: borrowing Atomic<UInt64>, _ now: UInt64) -> Bool {
        let previous = last.load(ordering: .relaxed)
        guard previous == 0 || now &- previous > 10_000_000_000 else { return false }
        return last.compareExchange(expected: previous, desired: now, ordering: .relaxed).exchanged
    }
}
