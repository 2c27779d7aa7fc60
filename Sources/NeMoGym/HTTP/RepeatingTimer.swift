import Dispatch

/// A `DispatchSourceTimer` on the global queue that calls `handler` every `interval` seconds until deinit.
///
/// `@unchecked Sendable`: the source is set up in `init` and only cancelled in `deinit`.
final class RepeatingTimer: @unchecked Sendable {
    private let source: any DispatchSourceTimer

    init(interval: Double, handler: @escaping @Sendable () -> Void) {
        let nanos = Int(max(0.005, interval) * 1e9)
        source = DispatchSource.makeTimerSource(queue: .global())
        source.schedule(deadline: .now() + .nanoseconds(nanos), repeating: .nanoseconds(nanos), leeway: .nanoseconds(nanos / 4))
        source.setEventHandler(handler: handler)
        source.activate()
    }

    deinit { source.cancel() }
}
