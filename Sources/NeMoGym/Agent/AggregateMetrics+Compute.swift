extension AggregateMetrics {
    /// Computes metrics locally from rollout results, as NeMo Gym's `compute_aggregate_metrics` does.
    public static func compute(verifyResponses: [JSONObject]) -> AggregateMetrics {
        // Placeholder until the rollouts module lands: mean reward only.
        let rewards = verifyResponses.compactMap { $0["reward"]?.double }
        guard !rewards.isEmpty else { return AggregateMetrics() }
        let mean = rewards.reduce(0, +) / Double(rewards.count)
        return AggregateMetrics(agentMetrics: ["mean/reward": .double(mean)], keyMetrics: ["mean/reward": .double(mean)])
    }
}
