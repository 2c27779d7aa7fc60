import Synchronization

/// Debug builds: notices a ``SimpleAgent`` subclass whose stored properties change during a rollout.
///
/// One agent serves many rollouts at once, so a subclass that keeps a `var` (say `sawToolError`) shares
/// it between them and corrupts rewards. The check records the subclass's stored values (their
/// `String(reflecting:)` text) when the agent is created and compares after each episode; a changed
/// property gets one warning on standard error naming it and the fix. Release builds do nothing.
final class StoredStateCheck: Sendable {
    private struct State {
        var initial: [String: String] = [:]
        var warned: Set<String> = []
    }
    private let state = Mutex(State())
    /// Where warnings go (standard error; tests capture them).
    static let warningSink = Mutex<@Sendable (String) -> Void>({ FileOutput.standardError($0) })

    /// Records the subclass's stored values (call once the agent is initialised).
    func record(_ agent: SimpleAgent) {
        #if DEBUG
        let values = Self.subclassValues(of: agent)
        state.withLock { $0.initial = values }
        #endif
    }

    /// Warns once per stored property whose value differs from the recorded one.
    func verify(_ agent: SimpleAgent) {
        #if DEBUG
        let initial = state.withLock { $0.initial }
        guard !initial.isEmpty else { return }
        let now = Self.subclassValues(of: agent)
        let changed = now.keys.filter { now[$0] != initial[$0] }.sorted()
        let fresh = state.withLock { s in
            let names = changed.filter { !s.warned.contains($0) }
            s.warned.formUnion(names)
            return names
        }
        let sink = Self.warningSink.withLock { $0 }
        for name in fresh {
            sink("warning: \(name) changed during a rollout. One agent serves many rollouts at once, "
                + "so this value leaks between them. Keep per-rollout state in the Episode (episode[MyKey.self] with an "
                + "EpisodeKey) and keep stored properties constant.\n")
        }
        #endif
    }

    /// `Type.property` → the value's text, for the stored properties declared below `SimpleAgent`.
    private static func subclassValues(of agent: SimpleAgent) -> [String: String] {
        var values: [String: String] = [:]
        var mirror: Mirror? = Mirror(reflecting: agent)
        while let m = mirror, m.subjectType != SimpleAgent.self {
            let typeName = String(describing: m.subjectType)
            for child in m.children {
                guard let label = child.label else { continue }
                values["\(typeName).\(label)"] = String(reflecting: child.value)
            }
            mirror = m.superclassMirror
        }
        return values
    }
}
