import NeMoGym

/// How many tool calls of this rollout failed (per-rollout state, kept in the episode).
public enum FailedToolCalls: EpisodeKey {
    public static let defaultValue = 0
}

/// A `SimpleAgent` that ends the episode after a turn whose tool call failed.
public final class StopOnToolErrorAgent: SimpleAgent, @unchecked Sendable {
    override public func callTool(_ call: ResponseItem, episode: inout Episode) async throws -> ToolCallOutcome {
        let outcome = try await super.callTool(call, episode: &episode)
        if outcome.isError { episode[FailedToolCalls.self] += 1 }
        return outcome
    }

    override public func shouldStopAfterTools(_ episode: inout Episode) -> Bool {
        episode[FailedToolCalls.self] > 0 || super.shouldStopAfterTools(&episode)
    }
}
