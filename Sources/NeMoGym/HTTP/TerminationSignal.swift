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
package final class TerminationSignal: @unchecked Sendable {
    private let lock = Mutex<(continuation: CheckedContinuation<Int32, Never>?, fired: Bool, received: Int32?)>((nil, false, nil))
    private var sources: [any DispatchSourceSignal] = []

    /// Suspends until `SIGINT` or `SIGTERM` arrives; returns the signal number.
    /// Installs the SIGINT/SIGTERM handlers now; a signal that arrives before ``wait()`` is kept.
    package static func install() -> TerminationSignal {
        let waiter = TerminationSignal()
        waiter.installSources()
        return waiter
    }

    /// Waits for SIGINT or SIGTERM (returns at once if one already arrived) and removes the handlers.
    package func wait() async -> Int32 {
        let sig = await withCheckedContinuation { continuation in
            let early: Int32? = lock.withLock { state in
                if let received = state.received { return received }
                state.continuation = continuation
                return nil
            }
            if let early { continuation.resume(returning: early) }
        }
        for source in sources { source.cancel() }
        return sig
    }

    private func installSources() {
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
            s.received = sig
            defer { s.continuation = nil }
            return s.continuation
        }
        guard let continuation else { return }
        _ = signal(SIGINT, SIG_DFL)
        _ = signal(SIGTERM, SIG_DFL)
        continuation.resume(returning: sig)
    }
}
