/// One rollout's tool loop as it stands: what ``SimpleAgent`` hands to each step it calls.
///
/// One agent object serves many rollouts at once, so everything that belongs to one rollout travels in
/// its episode, never in the agent's stored properties. The loop updates ``step``, ``lastResponse``,
/// ``lastToolCalls``, ``output``, ``usage`` and the cookies; a subclass keeps its own per-rollout state
/// in the episode through a typed key, with no stored property and no lock:
///
/// ```swift
/// /// How many tool calls of this rollout failed.
/// enum FailedToolCalls: EpisodeKey {
///     static let defaultValue = 0
/// }
///
/// final class StopOnToolErrorAgent: SimpleAgent, @unchecked Sendable {
///     override func callTool(_ call: ResponseItem, episode: inout Episode) async throws -> ToolCallOutcome {
///         let outcome = try await super.callTool(call, episode: &episode)
///         if outcome.isError { episode[FailedToolCalls.self] += 1 }
///         return outcome
///     }
///
///     override func shouldStopAfterTools(_ episode: inout Episode) -> Bool {
///         episode[FailedToolCalls.self] > 0 || super.shouldStopAfterTools(&episode)
///     }
/// }
/// ```
public struct Episode: Sendable {
    /// The create params the rollout started from, as the caller sent them.
    public let params: ResponseCreateParams
    /// The rollout id (`/run` bodies and `/ng-rollout/{id}/...` calls), if any.
    public let rolloutID: String?
    /// The number of model calls so far (1 during the first turn).
    public internal(set) var step: Int = 0
    /// The latest model response; `nil` only before the first model call returns.
    public internal(set) var lastResponse: ModelResponse?
    /// The function calls of the latest turn and their outcomes, in order (empty before tools ran).
    public internal(set) var lastToolCalls: [ToolCall] = []
    /// Every item the episode added so far: model output and `function_call_output` items, in order.
    public internal(set) var output: [ResponseItem] = []
    /// The usage summed over the model calls so far (NeMo Gym's arithmetic; `nil` until a call reports one).
    public internal(set) var usage: ResponseUsage?
    /// The cookies the latest model answer set (sent with the next model call).
    public internal(set) var modelCookies = SessionCookies()
    /// The resources session's cookies as the latest tool answer left them (sent with the next tool call).
    public internal(set) var resourcesCookies: SessionCookies
    /// The rollout's trajectory recorder when observability is on (see ``SimpleAgent/makeTrajectoryRecorder(context:)``);
    /// the loop feeds it, a hook may add to it (for example a gap).
    public var trajectory: TrajectoryRecorder?
    private var state: [ObjectIdentifier: any Sendable] = [:]

    /// Creates an episode that has not called the model yet (the loop makes one per rollout; tests of a
    /// single step can make their own).
    public init(params: ResponseCreateParams, rolloutID: String? = nil, resourcesCookies: SessionCookies = SessionCookies()) {
        self.params = params
        self.rolloutID = rolloutID
        self.resourcesCookies = resourcesCookies
    }

    /// A subclass's own per-rollout value for `key`: its ``EpisodeKey/defaultValue`` until set.
    public subscript<Key: EpisodeKey>(key: Key.Type) -> Key.Value {
        get { (state[ObjectIdentifier(key)] as? Key.Value) ?? Key.defaultValue }
        set { state[ObjectIdentifier(key)] = newValue }
    }

    /// One function call of a turn and what running it gave.
    public struct ToolCall: Sendable {
        /// The model's `function_call` item.
        public var call: ResponseItem
        /// The outcome (its `output` became the `function_call_output`).
        public var outcome: ToolCallOutcome

        /// Creates a record.
        public init(call: ResponseItem, outcome: ToolCallOutcome) {
            self.call = call
            self.outcome = outcome
        }
    }
}

/// A key for per-rollout state kept in an ``Episode``: the type is the key, its ``defaultValue`` the
/// value before the rollout sets one.
///
/// ```swift
/// enum SawRefusal: EpisodeKey {
///     static let defaultValue = false
/// }
/// // in a hook: episode[SawRefusal.self] = true
/// ```
public protocol EpisodeKey {
    /// The type of the value.
    associatedtype Value: Sendable
    /// The value of an episode that never set one.
    static var defaultValue: Value { get }
}
