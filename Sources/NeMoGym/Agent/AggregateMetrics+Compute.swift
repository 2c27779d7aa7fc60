extension AggregateMetrics {
    /// Computes metrics locally from rollout results, as NeMo Gym's `compute_aggregate_metrics` does
    /// without hooks (see ``MetricsAggregator``).
    ///
    /// This form never throws: results that share a `(task, rollout)` key, which NeMo Gym rejects, give
    /// empty metrics. Use ``compute(verifyResponses:computeMetrics:keyMetrics:)`` to get the error.
    public static func compute(verifyResponses: [JSONObject]) -> AggregateMetrics {
        (try? MetricsAggregator().aggregate(verifyResponses)) ?? AggregateMetrics()
    }

    /// Computes metrics locally from rollout results with optional `compute_metrics` and
    /// `get_key_metrics` hooks (see ``MetricsAggregator``).
    /// - Throws: ``AggregateMetricsError`` for duplicate `(task, rollout)` keys; what a hook throws.
    public static func compute(verifyResponses: [JSONObject], computeMetrics: MetricsAggregator.ComputeMetrics?,
                               keyMetrics: MetricsAggregator.KeyMetrics?) throws -> AggregateMetrics {
        try MetricsAggregator(computeMetrics: computeMetrics, keyMetrics: keyMetrics).aggregate(verifyResponses)
    }
}
