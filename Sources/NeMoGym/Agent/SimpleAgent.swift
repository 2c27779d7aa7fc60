/// NeMo Gym's default agent: call the model, run its function calls on the resources server, repeat
/// until the model answers or a limit is hit, then verify.
///
/// `SimpleAgent` reproduces the Python `SimpleAgent` step for step: the same model requests, tool calls,
/// cookies, usage sums and final response. Its loop is split into small `open` steps, so a subclass
/// changes one behaviour by overriding one method.
///
/// ## Per-rollout state
/// One agent object serves many rollouts at once. Every step receives the rollout's ``Episode`` (step
/// count, the latest response, that turn's tool calls and outcomes, the items and usage so far, the
/// cookies), and a subclass keeps its own per-rollout state in it through an ``EpisodeKey`` — never in a
/// stored property, which every concurrent rollout would share:
///
/// ```swift
/// enum FailedToolCalls: EpisodeKey {
///     static let defaultValue = 0
/// }
///
/// /// Stops the episode after the first tool call that failed.
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
///
/// The compiler asks a subclass to restate `@unchecked Sendable`; that is all it should restate. Stored
/// properties of a subclass must stay constant (`let` configuration). Debug builds check it: a subclass
/// whose stored property changes during a rollout gets one warning on standard error naming it, and
/// ``ConcurrentRolloutCheck`` finds the wrong rewards it causes in a unit test.
///
/// | step | default |
/// |---|---|
/// | ``normalizedInput(_:)`` | a string input becomes one user message |
/// | ``callModel(_:episode:)`` | one model call; validates the answer |
/// | ``shouldStopBeforeTools(_:episode:)`` | stop on `incomplete_details`, or on assistant messages without function calls |
/// | ``callTool(_:episode:)`` | parse arguments (Python rules) and call the tool; errors become model-visible output |
/// | ``shouldStopAfterTools(_:)`` | stop when `max_steps` is set and reached |
/// | ``makeFinalResponse(_:)`` | the last model response with every new item and the summed usage |
/// | ``seedSession(for:cookies:)``, ``makeVerifyRequest(for:response:)``, ``verify(_:cookies:)`` | the rollout around the loop |
/// | ``makeTrajectoryRecorder(context:)``, ``makeTrajectory(_:conversation:episode:)`` | with `observability_enabled`, NeMo Gym's `ng_trajectory` for a rollout (see ``TrajectoryRecorder``) |
open class SimpleAgent: ResponsesAPIAgent, @unchecked Sendable {
    /// The agent's settings.
    public let configuration: Configuration
    /// The model server.
    public let model: any ModelClient
    /// The resources server.
    public let resources: any ResourcesClient
    /// Which rollout captures apply (`observability_enabled`, training-token capture).
    public let observability: ObservabilitySettings
    /// The model server's ref, recorded in the trajectory's model-call refs.
    public let modelServerRef: ModelServerRef?
    /// Debug builds: the subclass's stored values at creation, to warn when a rollout changes them.
    private let storedStateCheck = StoredStateCheck()

    /// Creates an agent.
    public init(configuration: Configuration = Configuration(), model: any ModelClient, resources: any ResourcesClient,
                observability: ObservabilitySettings = .disabled, modelServerRef: ModelServerRef? = nil) {
        self.configuration = configuration
        self.model = model
        self.resources = resources
        self.observability = observability
        self.modelServerRef = modelServerRef
        storedStateCheck.record(self)
    }

    /// Creates an agent for a deployment: its settings, HTTP clients for its model and resources servers,
    /// and the rollout captures that apply. Subclasses inherit it, so an ``AgentLauncher`` factory is one
    /// line: `{ try MyAgent(deployment: $0) }`.
    public convenience init(deployment: AgentDeployment) throws {
        self.init(configuration: deployment.agentConfiguration,
                  model: try deployment.modelClient(), resources: try deployment.resourcesClient(),
                  observability: deployment.observability, modelServerRef: deployment.modelServerRef)
    }

    /// The instance name from the configuration.
    open var instanceName: String { configuration.name }

    // MARK: - The tool loop

    /// Runs the tool loop for one request (NeMo Gym's `SimpleAgent.responses`).
    ///
    /// Sets the latest resources and model cookies on `context` for the caller.
    open func responses(_ params: ResponseCreateParams, context: AgentCallContext) async throws -> ModelResponse {
        var episode = Episode(params: params, rolloutID: context.rolloutID, resourcesCookies: context.cookies)
        let input = normalizedInput(params)
        var conversation = Conversation(params: params, input: input)
        episode.trajectory = makeTrajectoryRecorder(context: context)
        let path = context.modelPathPrefix + "/v1/responses"
        var last: ModelResponse
        while true {
            try Task.checkCancellation()
            episode.step += 1
            episode.lastToolCalls = []
            let request = ModelRequest(params: conversation.params, path: path, cookies: episode.modelCookies,
                                       preEncodedBody: conversation.encodedBody)
            let started = episode.trajectory == nil ? nil : TrajectoryRecorder.now()
            let turn = try await callModel(request, episode: &episode)
            episode.modelCookies = turn.cookies
            last = turn.response
            episode.lastResponse = last
            let output = last.output
            if let started { episode.trajectory?.recordModelTurn(question: input + episode.output, response: last, startedAt: started) }
            episode.output += output
            conversation.append(output)
            episode.usage = ResponseUsage.accumulate(episode.usage, last.usage)
            if shouldStopBeforeTools(last, episode: &episode) {
                if last.incompleteDetails != nil { episode.trajectory?.markIncomplete() }
                break
            }
            for call in output where call.type == "function_call" {
                try Task.checkCancellation()
                let stopwatch = episode.trajectory == nil ? nil : TrajectoryRecorder.Stopwatch()
                let outcome = try await callTool(call, episode: &episode)
                if let stopwatch { episode.trajectory?.recordToolCall(call, outcome: outcome, timing: stopwatch.timing()) }
                if outcome.calledServer { episode.resourcesCookies = outcome.cookies }
                episode.lastToolCalls.append(Episode.ToolCall(call: call, outcome: outcome))
                let item = ResponseItem.functionCallOutput(callID: call.callID ?? "", output: outcome.output)
                episode.output.append(item)
                conversation.append([item])
            }
            episode.trajectory?.finishTools(ofTurn: output)
            if shouldStopAfterTools(&episode) {
                episode.trajectory?.markIncomplete()
                break
            }
        }
        context.setResponseCookies(episode.resourcesCookies.merging(episode.modelCookies))
        storedStateCheck.verify(self)
        var final = makeFinalResponse(episode)
        if let trajectory = episode.trajectory {
            final.json[TrajectoryRecorder.responseKey] = .object(makeTrajectory(trajectory, conversation: input + episode.output, episode: episode))
        }
        return final
    }

    // MARK: - Observability

    /// The recorder of this call's trajectory (kept in ``Episode/trajectory``), or `nil` for none. Default:
    /// one when `observability_enabled` is on and the call is rollout-scoped (a `/ng-rollout/{id}/...`
    /// request, or ``run(_:context:)`` with a rollout id), as the reference's `responses` decides.
    open func makeTrajectoryRecorder(context: AgentCallContext) -> TrajectoryRecorder? {
        guard observability.observabilityEnabled, let rolloutID = context.rolloutID else { return nil }
        return TrajectoryRecorder(rolloutID: rolloutID, modelRef: modelServerRef)
    }

    /// The trajectory returned under `_ng_trajectory` in the response (``run(_:context:)`` moves it to
    /// `ng_trajectory` in its result). Default: the recorder's record, with the episode's input and every
    /// new item as the conversation.
    open func makeTrajectory(_ recorder: TrajectoryRecorder, conversation: [ResponseItem], episode: Episode) -> JSONObject {
        recorder.record(conversation: conversation)
    }

    /// The conversation's starting items. Default: a string input becomes
    /// `[{"role": "user", "content": s}]` (no `type` key, as NeMo Gym sends it); a list is used as is.
    open func normalizedInput(_ params: ResponseCreateParams) -> [ResponseItem] {
        params.input.normalizedItems
    }

    /// Calls the model once and validates its answer. `episode.step` is already this call's number.
    /// - Throws: ``InnerServerError`` for a non-2xx answer, ``InvalidModelResponseError`` for an invalid one.
    open func callModel(_ request: ModelRequest, episode: inout Episode) async throws -> ModelTurn {
        let reply = try await model.createResponse(request)
        let response = try ModelResponse(validating: reply.body)
        return ModelTurn(response: response, cookies: reply.cookies)
    }

    /// Whether the loop ends right after this model turn, before its function calls run. Default: when
    /// `incomplete_details` is set, or when the turn has an assistant message and no function call.
    open func shouldStopBeforeTools(_ response: ModelResponse, episode: inout Episode) -> Bool {
        if response.incompleteDetails != nil { return true }
        let output = response.output
        let hasFunctionCall = output.contains { $0.type == "function_call" }
        let hasAssistantMessage = output.contains { $0.isAssistantMessage }
        return !hasFunctionCall && hasAssistantMessage
    }

    /// Runs one function call with the resources cookies of `episode`. Default: parses `arguments` as
    /// Python's `json.loads` does; on a parse error the tool is not called and the output is
    /// `{"error": "Invalid tool call arguments: JSONDecodeError('...')"}`; otherwise the tool's raw
    /// answer text is the output, whatever its status.
    open func callTool(_ call: ResponseItem, episode: inout Episode) async throws -> ToolCallOutcome {
        let cookies = episode.resourcesCookies
        let argumentsText = call.arguments ?? ""
        let arguments: JSONValue
        do {
            arguments = try JSONValue(parsing: argumentsText, options: .pythonCompatible)
        } catch let error as JSONParseError {
            let message: JSONValue = ["error": .string("Invalid tool call arguments: \(error.pythonDescription)")]
            return ToolCallOutcome(output: message.jsonString(style: .python), cookies: cookies, calledServer: false)
        }
        let result = try await resources.callTool(call.name ?? "", arguments: arguments.isNull ? Optional<JSONValue>.none : arguments, cookies: cookies)
        return ToolCallOutcome(output: result.body, cookies: result.cookies, calledServer: true, status: result.status)
    }

    /// Whether the loop ends after a turn's tools ran (`episode.lastToolCalls` holds them). Default: as NeMo
    /// Gym's `if max_steps and step >= max_steps`: when `max_steps` is set (not 0) and `episode.step` (the number of model calls so far) has reached it.
    open func shouldStopAfterTools(_ episode: inout Episode) -> Bool {
        guard let maxSteps = configuration.maxSteps, maxSteps != 0 else { return false }
        return episode.step >= maxSteps
    }

    /// The response returned to the caller. Default: the last model response with `output` replaced by
    /// every new item of the episode and `usage` by the accumulated usage.
    open func makeFinalResponse(_ episode: Episode) -> ModelResponse {
        guard var final = episode.lastResponse else { preconditionFailure("makeFinalResponse before the first model call") }
        final.output = episode.output
        final.usage = episode.usage
        return final
    }

    // MARK: - The rollout

    /// Runs one rollout (NeMo Gym's `SimpleAgent.run`): seeds the resources session with the run body,
    /// runs ``responses(_:context:)`` in-process (so overrides apply), then verifies with the cookies the
    /// loop left (latest resources and model cookies). With `skipVerification`, no `/verify` call is made.
    ///
    /// With a capture on (``observability``), the run's rollout id (``RolloutCorrelation``) prefixes every
    /// model call (`/ng-rollout/<id>[/training-token-capture]/v1/responses`), and with observability the
    /// result ends with `ng_trajectory` (task id, rollout id and `resolved` completed as the reference does).
    /// - Throws: ``InvalidRolloutIDError`` (before seeding) for a malformed `_ng_rollout_id` when a capture is on.
    open func run(_ request: RunRequest, context: AgentCallContext) async throws -> VerifyResponse {
        let rolloutID = try observability.rolloutID(forRunBody: request.json)
        let seedCookies = try await seedSession(for: request, cookies: context.cookies)
        let inner = rolloutID.map {
            AgentCallContext(cookies: seedCookies, rolloutID: $0, modelPathPrefix: observability.modelPathPrefix(rolloutID: $0))
        } ?? AgentCallContext(cookies: seedCookies, rolloutID: context.rolloutID, modelPathPrefix: context.modelPathPrefix)
        var response = try await responses(request.responsesCreateParams, context: inner)
        try Task.checkCancellation()
        let trajectory = rolloutID == nil ? nil : response.json.removeValue(forKey: TrajectoryRecorder.responseKey)
        var result: VerifyResponse
        if configuration.skipVerification {
            var object = request.json
            object["response"] = .object(response.json)
            object["reward"] = .double(configuration.skipVerificationReward)
            object["verification_skipped"] = true
            result = try VerifyResponse(validating: .object(object))
        } else {
            result = try await verify(makeVerifyRequest(for: request, response: response), cookies: inner.responseCookies)
        }
        if case .object(let record)? = trajectory, let rolloutID {
            result.json[TrajectoryRecorder.runResultKey] = .object(TrajectoryRecorder.completed(
                record, forRunBody: request.json, rolloutID: rolloutID, verifyResult: result.json))
        }
        return result
    }

    /// Seeds the resources session with the whole run body and returns the cookies it set.
    open func seedSession(for request: RunRequest, cookies: SessionCookies) async throws -> SessionCookies {
        try await resources.seedSession(.object(request.json), cookies: cookies).cookies
    }

    /// The body sent to `/verify`. Default: the run body with the final `response` added.
    open func makeVerifyRequest(for request: RunRequest, response: ModelResponse) -> VerifyRequest {
        VerifyRequest(run: request, response: response)
    }

    /// Calls `/verify` and validates the answer.
    open func verify(_ request: VerifyRequest, cookies: SessionCookies) async throws -> VerifyResponse {
        let reply = try await resources.verify(.object(request.json), cookies: cookies)
        return try VerifyResponse(validating: reply.body)
    }

    /// Aggregates metrics: with `skipVerification`, empty metrics (there are no rewards); otherwise the
    /// resources server's `/aggregate_metrics` answer, with unknown keys dropped.
    open func aggregateMetrics(_ request: AggregateMetricsRequest, context: AgentCallContext) async throws -> AggregateMetrics {
        if configuration.skipVerification { return AggregateMetrics() }
        return try AggregateMetrics(validating: try await resources.aggregateMetrics(request.json))
    }
}

/// One validated model turn and the cookies the model server set.
public struct ModelTurn: Sendable {
    /// The model's response.
    public var response: ModelResponse
    /// The cookies its answer set (sent with the next model call).
    public var cookies: SessionCookies

    /// Creates a turn.
    public init(response: ModelResponse, cookies: SessionCookies = SessionCookies()) {
        self.response = response
        self.cookies = cookies
    }
}

/// The outcome of one function call.
public struct ToolCallOutcome: Sendable {
    /// The text that becomes the `function_call_output`.
    public var output: String
    /// The resources cookies after the call (replaced by the tool's answer when the server was called).
    public var cookies: SessionCookies
    /// Whether the resources server was called (false for unparseable arguments).
    public var calledServer: Bool
    /// The tool's HTTP status, when it was called.
    public var status: Int?

    /// Whether the call failed: its arguments did not parse (the tool was not called), or the tool answered
    /// with an HTTP error status (4xx/5xx). The model sees the error text as the output either way.
    public var isError: Bool { !calledServer || (status ?? 200) >= 400 }

    /// Creates an outcome.
    public init(output: String, cookies: SessionCookies, calledServer: Bool, status: Int? = nil) {
        self.output = output
        self.cookies = cookies
        self.calledServer = calledServer
        self.status = status
    }
}
