import Foundation

/// A model server ref as NeMo Gym's trajectory records it (`ModelServerRef`: `{"type", "name"}`).
public struct ModelServerRef: Sendable, Hashable {
    /// The server type, `responses_api_models`.
    public var type: String
    /// The model server's instance name.
    public var name: String

    /// Creates a ref.
    public init(type: String = "responses_api_models", name: String) {
        self.type = type
        self.name = name
    }

    /// `{"type": ..., "name": ...}`.
    public var json: JSONValue { ["type": .string(type), "name": .string(name)] }
}

/// Records one rollout's trajectory as NeMo Gym's Python `SimpleAgent` does with observability on
/// (`responses_api_agents/simple_agent/app.py`, types of `nemo_gym/rollout_observability.py`), and
/// produces the `ng_trajectory` JSON it returns: schema `1.0`, one `root` invocation with its model-call
/// refs and conversation, one turn per model call (question, answer, reasoning, cumulative tool count),
/// one entry per tool call (timing, status, output), and gaps.
///
/// The loop feeds it; ``record(conversation:)`` gives the record. Items are dumped in the Python trajectory's shape
/// (``TrajectoryItemShape``), timestamps are Unix seconds and durations milliseconds.
///
/// ```swift
/// var recorder = TrajectoryRecorder(rolloutID: "0-0", modelRef: ModelServerRef(name: "policy_model"))
/// let input = [ResponseItem.userMessage("weather in sf?")]
/// let call = ResponseItem.functionCall(name: "get_weather", arguments: #"{"city": "SF"}"#, callID: "c1")
/// recorder.recordModelTurn(question: input, response: ModelResponse.make(id: "r1", output: [call]),
///                          startedAt: TrajectoryRecorder.now())
/// let stopwatch = TrajectoryRecorder.Stopwatch()
/// let outcome = ToolCallOutcome(output: #"{"weather": "cold"}"#, cookies: SessionCookies(), calledServer: true, status: 200)
/// recorder.recordToolCall(call, outcome: outcome, timing: stopwatch.timing())
/// recorder.finishTools(ofTurn: [call])
/// let trajectory = recorder.record(conversation: input + [call, .functionCallOutput(callID: "c1", output: outcome.output)])
/// print(trajectory["tool_calls"] ?? [])
/// ```
public struct TrajectoryRecorder: Sendable {
    /// One model call as observed by the agent.
    public struct ModelCall: Sendable, Hashable {
        /// When the call was sent (Unix seconds; the turn's `timestamp`).
        public var startedAt: Double
        /// When its answer was validated (Unix seconds).
        public var completedAt: Double
        /// The model server.
        public var modelRef: ModelServerRef?
        /// The response's `id` (`nil` when it had none).
        public var responseID: String?
    }

    /// One tool call's timing, as measured around the call.
    public struct ToolTiming: Sendable, Hashable {
        /// Unix seconds before the call.
        public var startedAt: Double
        /// Unix seconds after it (never before ``startedAt``).
        public var completedAt: Double
        /// The monotonic duration in milliseconds.
        public var durationMilliseconds: Double

        /// Creates a timing.
        public init(startedAt: Double, completedAt: Double, durationMilliseconds: Double) {
            self.startedAt = startedAt
            self.completedAt = max(startedAt, completedAt)
            self.durationMilliseconds = durationMilliseconds
        }
    }

    /// Times one tool call as the reference does: Unix time before and after (`time()`), a monotonic
    /// duration (`perf_counter`).
    public struct Stopwatch: Sendable {
        /// Unix seconds at the start.
        public let startedAt: Double
        private let start: ContinuousClock.Instant

        /// Starts timing.
        public init() {
            startedAt = TrajectoryRecorder.now()
            start = ContinuousClock.now
        }

        /// The timing from the start until now.
        public func timing() -> ToolTiming {
            let elapsed = ContinuousClock.now - start
            let milliseconds = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
            return ToolTiming(startedAt: startedAt, completedAt: TrajectoryRecorder.now(), durationMilliseconds: milliseconds)
        }
    }

    /// The invocation id (`root`).
    public var invocationID: String
    /// The task id (`unscoped` until ``completed(_:forRunBody:rolloutID:verifyResult:)`` sets it).
    public var taskID: String
    /// The rollout id.
    public var rolloutID: String
    /// The model server of every call (without one, model calls are recorded as gaps, not refs).
    public var modelRef: ModelServerRef?
    /// `completed` or `incomplete` (``markIncomplete()``).
    public private(set) var status: String = "completed"
    /// Every model call so far.
    public private(set) var modelCalls: [ModelCall] = []
    /// The turns so far, as JSON.
    public private(set) var turns: [JSONObject] = []
    /// The tool calls so far, as JSON.
    public private(set) var toolCalls: [JSONObject] = []
    /// The gaps so far, as JSON.
    public private(set) var gaps: [JSONObject] = []

    /// Starts a trajectory.
    public init(invocationID: String = "root", taskID: String = "unscoped", rolloutID: String = "unscoped",
                modelRef: ModelServerRef? = nil) {
        self.invocationID = invocationID
        self.taskID = taskID
        self.rolloutID = rolloutID
        self.modelRef = modelRef
    }

    /// The current Unix time in seconds (Python's `time()`).
    public static func now() -> Double { Date().timeIntervalSince1970 }

    // MARK: - Feeding

    /// Records one model turn: a model-call ref (or the gap `model_call_reference_unavailable` when the
    /// response has no id, or the recorder no ``modelRef``: NeMo Gym refuses a ref without both) and a turn whose `question` is the input sent, `answer` the non-reasoning
    /// output, `reasoning_content` the reasoning items (or `null`), and `step_count` the tool calls so far.
    public mutating func recordModelTurn(question: [ResponseItem], response: ModelResponse, startedAt: Double,
                                         completedAt: Double = TrajectoryRecorder.now()) {
        let turnNumber = turns.count + 1
        let responseID = response.json["id"]?.string
        modelCalls.append(ModelCall(startedAt: startedAt, completedAt: completedAt, modelRef: modelRef, responseID: responseID))
        var refs: [JSONValue] = []
        if let responseID, !responseID.isEmpty, modelRef != nil {
            refs.append(modelCallRef(responseID: responseID))
        } else {
            addGap(code: "model_call_reference_unavailable", invocationID: invocationID, detail: "turn:\(turnNumber)")
        }
        let output = response.output
        let reasoning = output.filter { $0.type == "reasoning" }.map { JSONValue.object(TrajectoryItemShape.normalized($0)) }
        let answer = output.filter { $0.type != "reasoning" }.map { JSONValue.object(TrajectoryItemShape.normalized($0)) }
        turns.append([
            "invocation_id": .string(invocationID),
            "task_id": .string(taskID),
            "rollout_id": .string(rolloutID),
            "turn_no": .number(JSONNumber(turnNumber)),
            "timestamp": .double(startedAt),
            "question": .array(question.map { .object(TrajectoryItemShape.normalized($0)) }),
            "answer": .array(answer),
            "reasoning_content": reasoning.isEmpty ? .null : .array(reasoning),
            "resolved": .null,
            "step_count": .number(JSONNumber(toolCalls.count)),
            "model_calls": .array(refs),
        ])
    }

    /// Records one tool call. Its status is the reference's: `failed` with `error_type` `JSONDecodeError`
    /// when the arguments did not parse (the server was not called), `failed` with `http_<status>` for a
    /// status outside 200–399, else `completed`.
    public mutating func recordToolCall(_ call: ResponseItem, outcome: ToolCallOutcome, timing: ToolTiming) {
        let status: String
        let errorType: JSONValue
        if !outcome.calledServer {
            (status, errorType) = ("failed", "JSONDecodeError")
        } else if let code = outcome.status, !(200..<400).contains(code) {
            (status, errorType) = ("failed", .string("http_\(code)"))
        } else {
            (status, errorType) = ("completed", .null)
        }
        recordToolCall(callID: call.callID ?? "", name: call.name, status: status, errorType: errorType.string,
                       output: .string(outcome.output), timing: timing)
    }

    /// Records one tool call with an explicit status (`completed`, `failed`, `timeout`, `cancelled`,
    /// `incomplete` or `unknown`).
    public mutating func recordToolCall(callID: String, name: String?, status: String, errorType: String?, output: JSONValue,
                                        timing: ToolTiming) {
        toolCalls.append([
            "kind": "tool_call",
            "invocation_id": .string(invocationID),
            "tool_call_id": .string(callID),
            "sandbox_id": .null,
            "tool_name": name.map(JSONValue.string) ?? .null,
            "started_at": .double(timing.startedAt),
            "completed_at": .double(timing.completedAt),
            "duration_ms": .double(timing.durationMilliseconds),
            "timing_source": "executor",
            "status": .string(status),
            "error_type": errorType.map(JSONValue.string) ?? .null,
            "output": output,
        ])
    }

    /// After a turn's tools ran: when the turn had function calls, its `step_count` becomes the number of
    /// tool calls recorded so far.
    public mutating func finishTools(ofTurn output: [ResponseItem]) {
        guard output.contains(where: { $0.type == "function_call" }), !turns.isEmpty else { return }
        turns[turns.count - 1]["step_count"] = .number(JSONNumber(toolCalls.count))
    }

    /// The invocation ended on `incomplete_details` or `max_steps`.
    public mutating func markIncomplete() {
        status = "incomplete"
    }

    /// Adds a gap (`{"code", "invocation_id", "detail"}`).
    public mutating func addGap(code: String, invocationID: String? = nil, detail: String? = nil) {
        gaps.append(["code": .string(code), "invocation_id": invocationID.map(JSONValue.string) ?? .null,
                     "detail": detail.map(JSONValue.string) ?? .null])
    }

    // MARK: - The record

    /// The `ng_trajectory` object (`TrajectoryRecord.model_dump(mode="json")`), with `conversation` the
    /// episode's input followed by every new item.
    public func record(conversation: [ResponseItem]) -> JSONObject {
        let refs = modelCalls.compactMap { call -> JSONValue? in
            guard let id = call.responseID, !id.isEmpty, modelRef != nil else { return nil }
            return modelCallRef(responseID: id)
        }
        let invocation: JSONObject = [
            "kind": "agent_invocation",
            "invocation_id": .string(invocationID),
            "parent_invocation_id": .null,
            "spawned_by_tool_call_id": .null,
            "status": .string(status),
            "duration_ms": .null,
            "error_type": .null,
            "model_calls": .array(refs),
            "conversation": .array(conversation.map { .object(TrajectoryItemShape.normalized($0)) }),
        ]
        return [
            "schema_version": "1.0",
            "task_id": .string(taskID),
            "rollout_id": .string(rolloutID),
            "invocations": [.object(invocation)],
            "turns": .array(turns.map(JSONValue.object)),
            "model_calls": [],
            "tool_calls": .array(toolCalls.map(JSONValue.object)),
            "gaps": .array(gaps.map(JSONValue.object)),
        ]
    }

    private func modelCallRef(responseID: String) -> JSONValue {
        ["model_call_id": .null, "model_ref": modelRef?.json ?? .null, "response_id": .string(responseID)]
    }

    // MARK: - Completing a record in /run

    /// The key under which ``SimpleAgent/responses(_:context:)`` returns the record inside the response
    /// (the reference's `_ng_trajectory`); `/run` moves it to ``runResultKey``.
    public static let responseKey = "_ng_trajectory"
    /// The key of the record in a `/run` result.
    public static let runResultKey = "ng_trajectory"

    /// The task id the reference's `run` gives a trajectory: the first of `task_id`, `problem_id`,
    /// `instance_id`, `_ng_task_index` in the run body that is not null, as Python's `str()` prints it;
    /// else `unknown`.
    public static func taskID(forRunBody body: JSONObject) -> String {
        for key in ["task_id", "problem_id", "instance_id", "_ng_task_index"] {
            if let value = body[key], !value.isNull { return RolloutCorrelation.pythonStr(value) }
        }
        return "unknown"
    }

    /// Completes a record returned by `responses` as the reference's `run` does: sets `task_id` (from the
    /// run body) and `rollout_id` on it and its turns, then copies a boolean `resolved` of the verify
    /// result onto the last turn, or adds the gap `resolution_unavailable` for `root`.
    public static func completed(_ record: JSONObject, forRunBody body: JSONObject, rolloutID: String,
                                 verifyResult: JSONObject) -> JSONObject {
        var record = record
        let taskID = taskID(forRunBody: body)
        record["task_id"] = .string(taskID)
        record["rollout_id"] = .string(rolloutID)
        var turns = record["turns"]?.array ?? []
        for i in turns.indices {
            turns[i]["task_id"] = .string(taskID)
            turns[i]["rollout_id"] = .string(rolloutID)
        }
        if case .bool(let resolved)? = verifyResult["resolved"], !turns.isEmpty {
            turns[turns.count - 1]["resolved"] = .bool(resolved)
        } else {
            var gaps = record["gaps"]?.array ?? []
            gaps.append(["code": "resolution_unavailable", "invocation_id": "root", "detail": .null])
            record["gaps"] = .array(gaps)
        }
        record["turns"] = .array(turns)
        return record
    }
}
