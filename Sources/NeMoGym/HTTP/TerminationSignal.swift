import Dispatch
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Waits for `SIGINT` or `SIGTERM` through `DispatchSource` signal sources.
///
/// While waiting, the default disposition of both signals is set to ignore (so the dispatch source sees them
/// instead of the process dying); after the first one arrives the defaults are restored, so a second Ctrl-C
/// ends the process at once.
final class TerminationSignal: @unchecked Sendable {
    private let lock = Mutex<(continuation: CheckedContinuation<Int32, Never>?, fired: Bool)>((nil, false))
    private var sources: [any DispatchSourceSignal] = []

    /// Suspends until `SIGINT` or `SIGTERM` arrives; returns the signal number.
    static func wait() async -> Int32 {
        let waiter = TerminationSignal()
        let sig = await withCheckedContinuation { continuation in
            waiter.lock.withLock { $0.continuation = continuation }
            waiter.install()
        }
        // `install()` finished before the continuation could be resumed, so `sources` is complete.
        for source in waiter.sources { source.cancel() }
        return sig
    }

    private func install() {
        for sig in [SIGINT, SIGTERM] {
            _ = signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler { [self] in fire(sig) }
            sources.append(source)
            source.activate()
        }
    }

    private func fire(_ sig: Int32) {
        let continuation: CheckedContinuation<Int32, Never>? = lock.withLock { s in
            if s.fired { return nil }
            s.fired = true
            defer { s.continuation = nil }
            return s.continuation
        }
        guard let continuation else { return }
        _ = signal(SIGINT, SIG_DFL)
        _ = signal(SIGTERM, SIG_DFL)
        continuation.resume(returning: sig)
    }
}
