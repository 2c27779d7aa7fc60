/// What happened to one dispatched rollout, as ``RolloutCollector`` reports it.
public struct RolloutOutcome: Sendable {
    /// Where the outcome was written.
    public enum Disposition: Sendable, Hashable {
        /// A success, written to the results file.
        case succeeded
        /// A failure with its `_ng_failure_class`, written to the failures file.
        case failed(String)
        /// A result marked `_ng_no_persist`, written nowhere (resume runs it again).
        case notPersisted
    }

    /// The row that was dispatched.
    public var row: JSONObject
    /// The result with the row's `_ng_task_index`, `_ng_rollout_index` and `agent_ref` stamped on it, or the
    /// failure row.
    public var result: JSONObject
    /// Where it went.
    public var disposition: Disposition

    /// The rollout's key, when the row has both indices.
    public var key: RolloutKey? { RolloutKey(of: row) }

    /// The reward of a success.
    public var reward: Double? {
        guard disposition == .succeeded else { return nil }
        return result["reward"]?.double ?? result["reward"]?.bool.map { $0 ? 1 : 0 }
    }

    /// The agent name from the row's `agent_ref`.
    public var agentName: String? { row["agent_ref"]?["name"]?.string }
}
