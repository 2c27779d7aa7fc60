import Dispatch
import Synchronization

/// Enforces the deadlines of registered ``SocketChannel``s with one coarse timer.
///
/// A channel stores its current deadline (``SocketChannel/deadline``, uptime nanoseconds, `0` for none); the
/// watchdog checks every registered channel each `interval` and interrupts the ones past it. This costs one
/// atomic store per wait instead of a timer per read.
final class ChannelWatchdog: Sendable {
    private let channels = Mutex<[ObjectIdentifier: SocketChannel]>([:])
    private let timer = Mutex<RepeatingTimer?>(nil)

    /// Creates a watchdog that checks every `interval` seconds (until it is deallocated).
    init(interval: Double) {
        let repeating = RepeatingTimer(interval: interval) { [weak self] in self?.check() }
        timer.withLock { $0 = repeating }
    }

    /// Starts watching `channel`.
    func register(_ channel: SocketChannel) {
        channels.withLock { $0[ObjectIdentifier(channel)] = channel }
    }

    /// Stops watching `channel`.
    func unregister(_ channel: SocketChannel) {
        _ = channels.withLock { $0.removeValue(forKey: ObjectIdentifier(channel)) }
    }

    private func check() {
        let now = DispatchTime.now().uptimeNanoseconds
        let expired: [SocketChannel] = channels.withLock { map in
            var out: [SocketChannel] = []
            for channel in map.values {
                let d = channel.deadline.load(ordering: .relaxed)
                if d != 0 && d <= now { out.append(channel) }
            }
            return out
        }
        for channel in expired { channel.interrupt(.timedOut) }
    }

    /// The uptime in nanoseconds `seconds` from now.
    static func deadline(in seconds: Double) -> UInt64 {
        DispatchTime.now().uptimeNanoseconds &+ UInt64(max(0, min(seconds, 1e9)) * 1e9)
    }
}
