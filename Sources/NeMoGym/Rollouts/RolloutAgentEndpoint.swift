/// Where ``RolloutCollector`` sends rollouts: an agent reached over HTTP (`POST /run`), or one in this
/// process (``InProcessAgentEndpoint``).
///
/// Every failure of ``run(_:)`` must be thrown as ``RolloutFailure`` so it is recorded with the right
/// class; other errors are recorded as `invalid_response`.
///
/// ## Implementing a custom endpoint
/// ```swift
/// struct EchoEndpoint: RolloutAgentEndpoint {
///     func checkReachable() async throws {}
///     func run(_ row: JSONObject) async throws -> JSONObject {
///         var result = row
///         result["response"] = ["output": []]
///         result["reward"] = 1.0
///         return result
///     }
///     func aggregateMetrics(_ request: AggregateMetricsRequest, agentName: String) async throws -> AggregateMetrics {
///         try MetricsAggregator().aggregate(request.verifyResponses)
///     }
/// }
/// ```
public protocol RolloutAgentEndpoint: Sendable {
    /// Checks, once before dispatch, that the agent can be reached; throws a clear error if not.
    func checkReachable() async throws

    /// Runs one rollout: sends the row (as `POST /run` would) and returns the result object.
    /// - Throws: ``RolloutFailure``.
    func run(_ row: JSONObject) async throws -> JSONObject

    /// Aggregates one agent's persisted results (`POST /aggregate_metrics`). `agentName` is the rows'
    /// `agent_ref.name`.
    func aggregateMetrics(_ request: AggregateMetricsRequest, agentName: String) async throws -> AggregateMetrics
}
