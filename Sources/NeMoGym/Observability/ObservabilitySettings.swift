/// Which of NeMo Gym's rollout captures apply to one agent, read from the global config as
/// `SimpleResponsesAPIAgent` reads them (`nemo_gym/base_responses_api_agent.py`).
///
/// - Evaluation capture (`observability_enabled: true`): every model call of a `/run` goes to
///   `/ng-rollout/<id>/v1/responses`, and the agent returns an `ng_trajectory`.
/// - Training-token capture (`token_id_capture.enabled: true` plus `token_id_capture.all_agents: true` or
///   the agent's own `token_id_capture: true`): the prefix becomes
///   `/ng-rollout/<id>/training-token-capture`. Without observability, no trajectory is built.
///
/// Flags are read with Python's truthiness, as the reference's `bool(...)` does (`"false"` is true there).
///
/// ```swift
/// let config = try GlobalConfig.parse("observability_enabled: true", source: "example")
/// let settings = ObservabilitySettings(globalConfig: config.values)
/// print(settings.modelPathPrefix(rolloutID: "0-0"))   // /ng-rollout/0-0
/// ```
public struct ObservabilitySettings: Sendable, Hashable {
    /// `observability_enabled`: model calls are captured and the agent builds a trajectory.
    public var observabilityEnabled: Bool
    /// Training-token capture applies to this agent.
    public var tokenIDCapture: Bool

    /// No capture (the default of an agent built without a config).
    public static let disabled = ObservabilitySettings(observabilityEnabled: false, tokenIDCapture: false)

    /// Creates settings.
    public init(observabilityEnabled: Bool = false, tokenIDCapture: Bool = false) {
        self.observabilityEnabled = observabilityEnabled
        self.tokenIDCapture = tokenIDCapture
    }

    /// Reads the settings from the global config: `observability_enabled`; `token_id_capture.enabled` and
    /// then `token_id_capture.all_agents` or the agent's own `token_id_capture` setting
    /// (``SimpleAgent/Configuration/tokenIDCapture``).
    public init(globalConfig: JSONObject, agentTokenIDCapture: Bool = false) {
        observabilityEnabled = globalConfig["observability_enabled"]?.isTruthy ?? false
        var tokenCapture = false
        if case .object(let block)? = globalConfig["token_id_capture"], block["enabled"]?.isTruthy ?? false {
            tokenCapture = (block["all_agents"]?.isTruthy ?? false) || agentTokenIDCapture
        }
        tokenIDCapture = tokenCapture
    }

    /// Whether a `/run` is correlated with a rollout id at all (either capture applies).
    public var correlatesRollouts: Bool { observabilityEnabled || tokenIDCapture }

    /// The rollout id of a run body when correlation applies (``RolloutCorrelation/rolloutID(fromRunBody:)``),
    /// else `nil`.
    /// - Throws: ``InvalidRolloutIDError`` for a malformed explicit `_ng_rollout_id` (only when correlating).
    public func rolloutID(forRunBody body: JSONObject) throws -> String? {
        guard correlatesRollouts else { return nil }
        return try RolloutCorrelation.rolloutID(fromRunBody: body)
    }

    /// The model path prefix of a rollout's calls: empty without an id, `/ng-rollout/<id>`, or with
    /// training-token capture `/ng-rollout/<id>/training-token-capture`.
    public func modelPathPrefix(rolloutID: String?) -> String {
        RolloutCorrelation.pathPrefix(rolloutID: rolloutID, tokenCapture: tokenIDCapture)
    }
}
