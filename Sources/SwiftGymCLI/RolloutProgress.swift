import NeMoGym
import Synchronization

/// Progress of a rollout collection on standard error: on a terminal one live line redrawn after each
/// rollout, otherwise one plain line each time another 10% is done.
///
/// A line reads `Collecting rollouts: 45/120 (37%) · 12.3/s · ETA 0:06 · mean reward 0.812 · 2 failed`.
/// ``start()`` prints `0/N` at once and watches for a stall: when no rollout has finished for
/// ``stallInterval`` (30 s by default), it prints one hint line naming what to check.
public final class RolloutProgress: Sendable {
    private struct State {
        var done = 0
        var failed = 0
        var rewardSum = 0.0
        var rewardCount = 0
        var lastDecile = 0
        var drewLiveLine = false
        var lastChange = ContinuousClock.now
        var hinted = false
        var finished = false
        var watchdog: Task<Void, Never>? = nil
    }

    private let console: Console
    private let total: Int
    private let label: String
    private let startedAt = ContinuousClock.now
    private let state = Mutex(State())
    /// How long no rollout may finish before the hint line is printed.
    public let stallInterval: Duration
    /// The hint printed (once) when no rollout has finished for ``stallInterval``.
    public let stallHint: String

    /// Creates a reporter for `total` rollouts.
    /// - Parameters:
    ///   - stallInterval: how long no rollout may finish before ``stallHint`` is printed (after ``start()``).
    ///   - stallHint: the hint; by default ``defaultStallHint(after:)``.
    public init(total: Int, console: Console, label: String = "Collecting rollouts",
                stallInterval: Duration = .seconds(30), stallHint: String? = nil) {
        self.total = total
        self.console = console
        self.label = label
        self.stallInterval = stallInterval
        self.stallHint = stallHint ?? Self.defaultStallHint(after: stallInterval)
    }

    deinit {
        state.withLock { $0.watchdog?.cancel() }
    }

    /// The hint for a collection from an agent server: what to check when nothing finishes.
    public static func defaultStallHint(after interval: Duration) -> String {
        "hint: no rollout has finished for \(seconds(interval)); check that the agent's model server and "
            + "resources server are up and reachable from the agent, read the agent's log (it keeps retrying an "
            + "upstream it cannot reach), and see --retry-seconds (how long connection errors are retried)"
    }

    /// Prints the `0/N` line at once and starts watching for a stall (nothing when `total` is 0).
    public func start() {
        guard total > 0 else { return }
        let line: String = state.withLock { state in
            state.lastChange = .now
            if console.stderrIsTerminal {
                state.drewLiveLine = true
                return "\r\u{1B}[2K" + describe(state)
            }
            return describe(state) + "\n"
        }
        console.writeError(line)
        let watchdog = Task { [weak self] in
            while let deadline = self?.nextStallCheck() {
                do { try await Task.sleep(until: deadline, clock: .continuous) } catch { return }
                self?.printHintIfStalled()
            }
        }
        state.withLock { state in
            if state.finished { watchdog.cancel() } else { state.watchdog = watchdog }
        }
    }

    /// When the stall check is due, or `nil` when the hint was printed or the collection finished.
    private func nextStallCheck() -> ContinuousClock.Instant? {
        state.withLock { state in
            state.hinted || state.finished || state.done >= total ? nil : state.lastChange + stallInterval
        }
    }

    /// Prints the hint when no rollout has finished for ``stallInterval`` (once).
    private func printHintIfStalled() {
        let text: String? = state.withLock { state in
            guard !state.hinted, !state.finished, state.done < total,
                  ContinuousClock.now - state.lastChange >= stallInterval else { return nil }
            state.hinted = true
            if console.stderrIsTerminal { return "\r\u{1B}[2K" + stallHint + "\n" + describe(state) }
            return stallHint + "\n"
        }
        if let text { console.writeError(text) }
    }

    /// Counts one finished rollout and redraws or prints the line when due.
    public func record(_ outcome: RolloutOutcome) {
        let line: String? = state.withLock { state in
            state.done += 1
            state.lastChange = .now
            if case .failed = outcome.disposition { state.failed += 1 }
            if let reward = outcome.reward, reward.isFinite {
                state.rewardSum += reward
                state.rewardCount += 1
            }
            if console.stderrIsTerminal {
                state.drewLiveLine = true
                return "\r\u{1B}[2K" + describe(state)
            }
            let decile = total > 0 ? state.done * 10 / total : 10
            guard decile > state.lastDecile else { return nil }
            state.lastDecile = decile
            return describe(state) + "\n"
        }
        if let line { console.writeError(line) }
    }

    /// Ends the live line (on a terminal) and stops watching for a stall.
    public func finish() {
        let drew = state.withLock { state in
            state.finished = true
            state.watchdog?.cancel()
            state.watchdog = nil
            return state.drewLiveLine
        }
        if drew { console.writeError("\n") }
    }

    private func describe(_ state: State) -> String {
        let elapsed = ContinuousClock.now - startedAt
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let percent = total > 0 ? state.done * 100 / total : 100
        var parts = ["\(label): \(state.done)/\(total) (\(percent)%)"]
        if seconds > 0, state.done > 0 {
            let rate = Double(state.done) / seconds
            parts.append(rate >= 10 ? "\(Int(rate.rounded()))/s" : "\(Self.fixed(rate, 1))/s")
            if rate > 0, state.done < total { parts.append("ETA \(Self.clock(Double(total - state.done) / rate))") }
        }
        if state.rewardCount > 0 { parts.append("mean reward \(Self.fixed(state.rewardSum / Double(state.rewardCount), 3))") }
        if state.failed > 0 { parts.append("\(state.failed) failed") }
        return parts.joined(separator: " · ")
    }

    /// `value` with `digits` decimals, without Foundation.
    static func fixed(_ value: Double, _ digits: Int) -> String {
        guard value.isFinite else { return String(value) }
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let scaled = (abs(value) * scale).rounded()
        let whole = Int(scaled / scale)
        var fraction = String(Int(scaled) - whole * Int(scale))
        while fraction.count < digits { fraction = "0" + fraction }
        return (value < 0 && scaled > 0 ? "-" : "") + String(whole) + (digits > 0 ? "." + fraction : "")
    }

    /// `30 s`, `1.5 s` or `250 ms`.
    static func seconds(_ duration: Duration) -> String {
        let (whole, atto) = duration.components
        if whole == 0 { return "\(atto / 1_000_000_000_000_000) ms" }
        if atto == 0 { return "\(whole) s" }
        return fixed(Double(whole) + Double(atto) / 1e18, 1) + " s"
    }

    /// `M:SS` or `H:MM:SS`.
    static func clock(_ seconds: Double) -> String {
        let total = Int(seconds.rounded())
        let h = total / 3600, m = (total % 3600) / 60, s = total % 60
        let ss = s < 10 ? "0\(s)" : "\(s)"
        if h > 0 { return "\(h):\(m < 10 ? "0\(m)" : "\(m)"):\(ss)" }
        return "\(m):\(ss)"
    }
}
