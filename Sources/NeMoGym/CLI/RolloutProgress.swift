import Synchronization

/// Progress of a rollout collection on standard error: on a terminal one live line redrawn after each
/// rollout, otherwise one plain line each time another 10% is done.
///
/// A line reads `Collecting rollouts: 45/120 (37%) · 12.3/s · ETA 0:06 · mean reward 0.812 · 2 failed`.
public final class RolloutProgress: Sendable {
    private struct State {
        var done = 0
        var failed = 0
        var rewardSum = 0.0
        var rewardCount = 0
        var lastDecile = 0
        var drewLiveLine = false
    }

    private let console: Console
    private let total: Int
    private let label: String
    private let start = ContinuousClock.now
    private let state = Mutex(State())

    /// Creates a reporter for `total` rollouts.
    public init(total: Int, console: Console, label: String = "Collecting rollouts") {
        self.total = total
        self.console = console
        self.label = label
    }

    /// Counts one finished rollout and redraws or prints the line when due.
    public func record(_ outcome: RolloutOutcome) {
        let line: String? = state.withLock { state in
            state.done += 1
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

    /// Ends the live line (on a terminal).
    public func finish() {
        let drew = state.withLock { $0.drewLiveLine }
        if drew { console.writeError("\n") }
    }

    private func describe(_ state: State) -> String {
        let elapsed = ContinuousClock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let percent = total > 0 ? state.done * 100 / total : 100
        var parts = ["\(label): \(state.done)/\(total) (\(percent)%)"]
        if seconds > 0 {
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

    /// `M:SS` or `H:MM:SS`.
    static func clock(_ seconds: Double) -> String {
        let total = Int(seconds.rounded())
        let h = total / 3600, m = (total % 3600) / 60, s = total % 60
        let ss = s < 10 ? "0\(s)" : "\(s)"
        if h > 0 { return "\(h):\(m < 10 ? "0\(m)" : "\(m)"):\(ss)" }
        return "\(m):\(ss)"
    }
}
