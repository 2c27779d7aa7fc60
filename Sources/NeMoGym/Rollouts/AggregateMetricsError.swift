/// Rollout results could not be aggregated.
public struct AggregateMetricsError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        enum Kind: Hashable, Sendable { case duplicateRolloutKey }
        let kind: Kind

        /// Two results share a `(_ng_task_index, _ng_rollout_index)` key.
        public static let duplicateRolloutKey = Code(kind: .duplicateRolloutKey)

        public var description: String { "\(kind)" }
    }

    /// What went wrong.
    public let code: Code
    /// The message, as NeMo Gym words it.
    public let message: String

    /// Creates an error.
    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    static func duplicateKey(_ key: RolloutKey) -> AggregateMetricsError {
        AggregateMetricsError(code: .duplicateRolloutKey, message: "Duplicate materialized input row for rollout key \(key). "
            + "Every result needs its own (_ng_task_index, _ng_rollout_index); results without them all count as (0, 0).")
    }

    public var description: String { message }
}
