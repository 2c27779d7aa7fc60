/// An agent server's behaviour: the tool loop for one request (``responses(_:context:)``), a whole
/// rollout with verification (``run(_:context:)``) and reward metrics (``aggregateMetrics(_:context:)``).
///
/// ``SimpleAgent`` is the default implementation; subclass it to change one step of its loop. Conform
/// to this protocol directly to wrap an agent framework of your own. ``AgentServer`` serves any conformer
/// over HTTP with NeMo Gym's routes, and ``RolloutCollector`` drives one in-process.
///
/// ## Implementing a custom agent
/// ```swift
/// struct OneShotAgent: ResponsesAPIAgent {
///     let model: any ModelClient
///     let resources: any ResourcesClient
///
///     func responses(_ params: ResponseCreateParams, context: AgentCallContext) async throws -> ModelResponse {
///         let reply = try await model.createResponse(ModelRequest(params: params))
///         return try ModelResponse(validating: reply.body)
///     }
///
///     func run(_ request: RunRequest, context: AgentCallContext) async throws -> VerifyResponse {
///         let response = try await responses(request.responsesCreateParams, context: context)
///         let verified = try await resources.verify(.object(VerifyRequest(run: request, response: response).json), cookies: SessionCookies())
///         return try VerifyResponse(validating: verified.body)
///     }
/// }
/// ```
public protocol ResponsesAPIAgent: Sendable {
    /// The agent's instance name (the config's top-level key), used in error messages and its session
    /// cookie name. Default: `"agent"`.
    var instanceName: String { get }

    /// Runs the agent's loop for one Responses API request and returns the final response, whose
    /// `output` holds every item the episode produced.
    func responses(_ params: ResponseCreateParams, context: AgentCallContext) async throws -> ModelResponse

    /// Runs one rollout: seeds a session, runs ``responses(_:context:)``, verifies, returns the result.
    func run(_ request: RunRequest, context: AgentCallContext) async throws -> VerifyResponse

    /// Aggregates rollout results into metrics. Default: computed locally with
    /// ``AggregateMetrics/compute(verifyResponses:)``.
    func aggregateMetrics(_ request: AggregateMetricsRequest, context: AgentCallContext) async throws -> AggregateMetrics
}

// MARK: - Default implementations

extension ResponsesAPIAgent {
    public var instanceName: String { "agent" }

    public func aggregateMetrics(_ request: AggregateMetricsRequest, context: AgentCallContext) async throws -> AggregateMetrics {
        try AggregateMetrics.compute(verifyResponses: request.verifyResponses)
    }
}
