/// The outcome of ``RolloutCollector/collect(freshRows:onOutcome:)``.
public struct RolloutCollectionSummary: Sendable {
    /// One agent's aggregate metrics, as written to the aggregate metrics file.
    public struct AgentMetrics: Sendable {
        /// The agent's name.
        public var agentName: String
        /// Its metrics.
        public var metrics: AggregateMetrics

        /// The file entry: `{"agent_ref":{"name"},"agent_metrics","key_metrics","group_level_metrics"}`.
        public var json: JSONValue {
            ["agent_ref": ["name": .string(agentName)], "agent_metrics": .object(metrics.agentMetrics),
             "key_metrics": .object(metrics.keyMetrics), "group_level_metrics": .array(metrics.groupLevelMetrics)]
        }
    }

    /// The plan the collection followed.
    public var plan: RolloutPlan
    /// The files; `nil` for an in-memory collection.
    public var files: RolloutOutputFiles?
    /// Rollouts dispatched in this run.
    public var dispatched: Int
    /// Successes in this run.
    public var succeeded: Int
    /// Failures in this run.
    public var failed: Int
    /// Results marked `_ng_no_persist` in this run.
    public var notPersisted: Int
    /// Every persisted success (previous runs' and this run's), sorted by `(task, rollout)`.
    public var results: [JSONObject]
    /// Metrics per agent, empty when aggregation was disabled or nothing succeeded.
    public var aggregates: [AgentMetrics]
    /// Agents whose aggregation failed, with the reason.
    public var aggregationErrors: [String]

    /// Whether every rollout of this run succeeded.
    public var allSucceeded: Bool { failed == 0 && notPersisted == 0 }
}
