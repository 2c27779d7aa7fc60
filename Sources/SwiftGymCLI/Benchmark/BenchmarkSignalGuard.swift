import Dispatch
import Foundation
import Synchronization

/// While `swift-gym bench` runs: `SIGINT`, `SIGTERM` or `SIGHUP` stops its children (the fakes, the agent,
/// `strace`) and then ends the benchmark by that signal, so that no child is left behind holding its port and
/// its CPU. A second signal during the cleanup ends the benchmark at once.
final class BenchmarkSignalGuard: @unchecked Sendable {
    // Set in `install` and cleared in `finish`, both called by the command's task only.
    private var sources: [any DispatchSourceSignal] = []
    /// Whether a signal arrived (its handler then ends the process).
    private let fired = Atomic<Bool>(false)

    /// The signals handled.
    static let signals: [Int32] = [SIGINT, SIGTERM, SIGHUP]

    private init() {}

    /// Starts handling the signals.
    static func install() -> BenchmarkSignalGuard {
        let guardian = BenchmarkSignalGuard()
        for sig in signals {
            _ = signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler { [guardian] in
                guardian.fired.store(true, ordering: .sequentiallyConsistent)
                for other in signals { _ = signal(other, SIG_DFL) }
                ChildProcess.terminateAll()
                // Ends by the signal itself, as the shell expects (status 128 + n); a process-directed signal,
                // since dispatch's worker threads block signals.
                kill(getpid(), sig)
                usleep(500_000)
                _exit(128 + sig)
            }
            guardian.sources.append(source)
            source.activate()
        }
        return guardian
    }

    /// Once the benchmark is over: stops handling the signals and restores their default actions. If a signal
    /// arrived, the benchmark was over because its children were being stopped: this waits for the handler to
    /// end the process by that signal, so no report and no exit status of its own follow.
    func finish() {
        if fired.load(ordering: .sequentiallyConsistent) {
            while true { sleep(60) }
        }
        for source in sources { source.cancel() }
        sources = []
        for sig in Self.signals { _ = signal(sig, SIG_DFL) }
    }
}
