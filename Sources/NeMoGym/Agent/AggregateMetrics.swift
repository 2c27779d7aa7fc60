/// Reward metrics over many rollouts: `group_level_metrics` (one entry per task), `agent_metrics` and
/// `key_metrics` (by default the `mean/*` entries of `agent_metrics`).
public struct AggregateMetrics: Sendable, Hashable {
    /// One entry per task.
    public var groupLevelMetrics: [JSONValue]
    /// Metrics over every rollout, e.g. `mean/reward`.
    public var agentMetrics: JSONObject
    /// The headline metrics.
    public var keyMetrics: JSONObject

    /// Creates metrics.
    public init(groupLevelMetrics: [JSONValue] = [], agentMetrics: JSONObject = [:], keyMetrics: JSONObject = [:]) {
        self.groupLevelMetrics = groupLevelMetrics
        self.agentMetrics = agentMetrics
        self.keyMetrics = keyMetrics
    }

    /// Reads a resources server's answer; unknown keys are dropped, missing ones default to empty.
    /// - Throws: ``InvalidVerifyResponseError`` when a field has the wrong type.
    public init(validating value: JSONValue) throws {
        guard let object = value.object else {
            throw InvalidVerifyResponseError(problem: "the /aggregate_metrics answer is not a JSON object", body: value)
        }
        func field<T>(_ key: String, _ read: (JSONValue) -> T?, _ empty: T) throws -> T {
            guard let member = object[key], !member.isNull else { return empty }
            guard let typed = read(member) else {
                throw InvalidVerifyResponseError(problem: "'\(key)' in the /aggregate_metrics answer has the wrong type", body: value)
            }
            return typed
        }
        groupLevelMetrics = try field("group_level_metrics", { $0.array }, [])
        agentMetrics = try field("agent_metrics", { $0.object }, [:])
        keyMetrics = try field("key_metrics", { $0.object }, [:])
    }

    /// The metrics as JSON, in NeMo Gym's key order.
    public var json: JSONValue {
        ["group_level_metrics": .array(groupLevelMetrics), "agent_metrics": .object(agentMetrics), "key_metrics": .object(keyMetrics)]
    }
}
