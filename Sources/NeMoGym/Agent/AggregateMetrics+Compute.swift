extension AggregateMetrics {
    /// Computes metrics locally from rollout results, as NeMo Gym's `compute_aggregate_metrics` does
    /// without hooks (see ``MetricsAggregator``).
    ///
    /// - Throws: ``AggregateMetricsError`` when two results share a `(task, rollout)` key, as NeMo Gym
    ///   does (the agent server answers 500).
    public static func compute(verifyResponses: [JSONObject]) throws -> AggregateMetrics {
        try MetricsAggregator().aggregate(verifyResponses)
    }

    /// Computes metrics locally from rollout results with optional `compute_metrics` and
    /// `get_key_metrics` hooks (see ``MetricsAggregator``).
    /// - Throws: ``AggregateMetricsError`` for duplicate `(task, rollout)` keys; what a hook throws.
    public static func compute(verifyResponses: [JSONObject], computeMetrics: MetricsAggregator.ComputeMetrics?,
                               keyMetrics: MetricsAggregator.KeyMetrics?) throws -> AggregateMetrics {
        try MetricsAggregator(computeMetrics: computeMetrics, keyMetrics: keyMetrics).aggregate(verifyResponses)
    }

    /// Validates an `/aggregate_metrics` body and computes its metrics locally: what a resources client
    /// without a server of its own answers.
    static func computed(fromRequestBody body: JSONValue) throws -> JSONValue {
        try compute(verifyResponses: AggregateMetricsRequest(validating: body).verifyResponses).json
    }
}
