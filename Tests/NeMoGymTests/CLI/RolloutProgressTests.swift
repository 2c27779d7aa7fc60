import Foundation
import Testing
@testable import NeMoGym
@testable import SwiftGymCLI

/// `RolloutProgress`: `0/N` at once, one hint when nothing finishes, none once finished. No test waits on a
/// timing outcome: the hint test waits (up to a generous bound) for a line that must eventually appear.
@Suite struct RolloutProgressTests {
    static func outcome() -> RolloutOutcome {
        RolloutOutcome(row: [:], result: ["reward": 1.0], disposition: .succeeded)
    }

    @Test func startPrintsZeroOfNAtOnce() {
        let (console, output) = Console.capturing()
        let progress = RolloutProgress(total: 20, console: console, stallInterval: .seconds(3600))
        progress.start()
        #expect(output.standardError == "Collecting rollouts: 0/20 (0%)\n")
        progress.finish()
        let (empty, nothing) = Console.capturing()
        RolloutProgress(total: 0, console: empty).start()
        #expect(nothing.standardError.isEmpty)
    }

    @Test(.timeLimit(.minutes(1)))
    func aStallPrintsOneHintNamingWhatToCheck() async throws {
        let (console, output) = Console.capturing()
        let progress = RolloutProgress(total: 4, console: console, stallInterval: .milliseconds(20))
        progress.start()
        progress.record(Self.outcome())
        while !output.standardError.contains("hint:") { try await Task.sleep(for: .milliseconds(10)) }
        // The hint is printed once: give the watchdog room to misbehave, then count.
        try await Task.sleep(for: .milliseconds(100))
        let hints = output.standardError.components(separatedBy: "\n").filter { $0.hasPrefix("hint:") }
        #expect(hints.count == 1)
        let hint = try #require(hints.first)
        #expect(hint.contains("no rollout has finished for 20 ms"))
        for thing in ["model server", "resources server", "agent's log", "--retry-seconds"] {
            #expect(hint.contains(thing), "\(thing)")
        }
        progress.finish()
    }

    @Test(.timeLimit(.minutes(1)))
    func noHintOnceFinishedOrWhenEverythingIsDone() async throws {
        let (console, output) = Console.capturing()
        let finished = RolloutProgress(total: 3, console: console, stallInterval: .milliseconds(1))
        finished.start()
        finished.finish()
        let done = RolloutProgress(total: 1, console: console, stallInterval: .milliseconds(1))
        done.start()
        done.record(Self.outcome())
        try await Task.sleep(for: .milliseconds(50))
        #expect(!output.standardError.contains("hint:"))
        done.finish()
    }

    @Test func theHintCanBeReplacedAndDurationsReadAsSecondsOrMilliseconds() {
        let (console, _) = Console.capturing()
        #expect(RolloutProgress(total: 1, console: console, stallHint: "hint: custom").stallHint == "hint: custom")
        #expect(RolloutProgress.defaultStallHint(after: .seconds(30)).hasPrefix("hint: no rollout has finished for 30 s;"))
        #expect(RolloutProgress.seconds(.milliseconds(1500)) == "1.5 s")
        #expect(RolloutProgress.seconds(.milliseconds(250)) == "250 ms")
    }
}
