/// What a collection will do, worked out before dispatch by ``RolloutCollector/plan(freshRows:)``: the
/// rows still to run and, on resume, what a previous run already did.
public struct RolloutPlan: Sendable {
    /// Every materialized row (this run's, or the first run's on resume).
    public var materializedRowCount: Int
    /// The rows to dispatch, in order (with `_ng_attempt_index` on retries).
    public var pendingRows: [JSONObject]
    /// Successes already in the results file (counted towards aggregation).
    public var previousResults: [JSONObject]
    /// Whether a previous run's files were reused.
    public var resumed: Bool
    /// Rows skipped on resume because a failure was terminal (`_ng_failure_terminal`).
    public var terminalCount: Int
    /// Rows skipped on resume because they reached the attempt limit.
    public var exhaustedCount: Int
    /// Prior failed attempts found in the failures file.
    public var priorFailureCount: Int
    /// Messages for the user (why resume did not happen, or what it found).
    public var notes: [String]
}
