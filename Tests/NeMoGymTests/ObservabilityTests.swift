import Foundation
import Testing
@testable import NeMoGym

/// Reads a JSONL fixture under `Fixtures/observability/`.
func observabilityFixture(_ name: String) throws -> [JSONObject] {
    let text = try String(contentsOf: TestPaths.fixture("observability/\(name)"), encoding: .utf8)
    return try text.split(separator: "\n").map { line in
        guard let object = try JSONValue(parsing: line).object else { throw FixtureError() }
        return object
    }
}

struct FixtureError: Error {}

@Suite struct RolloutCorrelationTests {
    /// The table of `maybe_rollout_id_from_run_body` (nemo_gym/rollout_correlation.py at 07d6b0d).
    @Test func rolloutIDFollowsTheReferenceRule() throws {
        let cases: [(JSONObject, String?)] = [
            (["_ng_task_index": 0, "_ng_rollout_index": 0], "0-0"),
            (["_ng_task_index": 12, "_ng_rollout_index": 3], "12-3"),
            (["_ng_task_index": 3, "_ng_rollout_index": 1, "_ng_attempt_index": 2], "3-1-a2"),
            (["_ng_task_index": 3, "_ng_rollout_index": 1, "_ng_attempt_index": 0], "3-1"),
            (["_ng_task_index": 3, "_ng_rollout_index": 1, "_ng_attempt_index": nil], "3-1"),
            (["_ng_task_index": 3, "_ng_rollout_index": 1, "_ng_attempt_index": "2"], "3-1-a2"),
            (["_ng_task_index": 3, "_ng_rollout_index": 1, "_ng_attempt_index": 2.9], "3-1-a2"),
            (["_ng_task_index": 3, "_ng_rollout_index": 1, "_ng_attempt_index": true], "3-1-a1"),
            (["_ng_task_index": "t7", "_ng_rollout_index": 1], "t7-1"),
            (["_ng_task_index": 1.5, "_ng_rollout_index": true], "1.5-True"),
            (["_ng_rollout_id": "run.A_1-x", "_ng_task_index": 3, "_ng_rollout_index": 1], "run.A_1-x"),
            (["_ng_rollout_id": "abc", "_ng_attempt_index": 1], "abc-a1"),
            (["_ng_rollout_id": nil, "_ng_task_index": 3, "_ng_rollout_index": 1], "3-1"),
            (["_ng_task_index": 3], nil),
            (["_ng_rollout_index": 3], nil),
            (["_ng_task_index": nil, "_ng_rollout_index": 1], nil),
            ([:], nil),
        ]
        for (body, expected) in cases {
            #expect(try RolloutCorrelation.rolloutID(fromRunBody: body) == expected, "\(body)")
        }
    }

    @Test func malformedExplicitIDsAreRefusedNotSanitized() {
        for bad: JSONValue in [".hidden", "-x", "a/b", "a b", "", "é", 7, ["a"]] {
            #expect(throws: InvalidRolloutIDError.self, "\(bad)") {
                try RolloutCorrelation.rolloutID(fromRunBody: ["_ng_rollout_id": bad])
            }
        }
        let error = #expect(throws: InvalidRolloutIDError.self) {
            try RolloutCorrelation.rolloutID(fromRunBody: ["_ng_rollout_id": "a/b"])
        }
        #expect(error?.message == "_ng_rollout_id must be a string of letters, digits, dots, dashes or underscores "
                    + "starting with a letter or digit; got 'a/b'")
        #expect(throws: InvalidRolloutIDError.self) {
            try RolloutCorrelation.rolloutID(fromRunBody: ["_ng_task_index": 1, "_ng_rollout_index": 1, "_ng_attempt_index": "x"])
        }
        // Python's `$` matches before a final newline, so the reference accepts this one.
        #expect(RolloutCorrelation.isValidRolloutID("abc\n"))
        #expect(!RolloutCorrelation.isValidRolloutID("abc\n\n"))
    }

    @Test func pathPrefixHasTheReferenceForm() {
        #expect(RolloutCorrelation.pathPrefix(rolloutID: "0-0", tokenCapture: false) == "/ng-rollout/0-0")
        #expect(RolloutCorrelation.pathPrefix(rolloutID: "0-0", tokenCapture: true) == "/ng-rollout/0-0/training-token-capture")
        #expect(RolloutCorrelation.pathPrefix(rolloutID: nil, tokenCapture: true) == "")
        #expect(RolloutCorrelation.pathPrefix(rolloutID: "", tokenCapture: false) == "")
        #expect(RolloutCorrelation.pathPrefix(rolloutID: "a b-0", tokenCapture: false) == "/ng-rollout/a%20b-0")
        #expect(RolloutCorrelation.pathPrefix(rolloutID: "é-0", tokenCapture: false) == "/ng-rollout/%C3%A9-0")
    }
}

@Suite struct ObservabilitySettingsTests {
    @Test func modelPathPrefixFollowsTheGlobalFlags() throws {
        let run: JSONObject = ["_ng_task_index": 0, "_ng_rollout_index": 0]
        let cases: [(global: JSONObject, agent: Bool, prefix: String)] = [
            ([:], false, ""),
            (["observability_enabled": false], false, ""),
            (["observability_enabled": true], false, "/ng-rollout/0-0"),
            (["token_id_capture": ["enabled": true, "all_agents": true]], false, "/ng-rollout/0-0/training-token-capture"),
            (["token_id_capture": ["enabled": true]], true, "/ng-rollout/0-0/training-token-capture"),
            (["token_id_capture": ["enabled": true]], false, ""),
            (["token_id_capture": ["enabled": false, "all_agents": true]], true, ""),
            (["token_id_capture": ["all_agents": true]], false, ""),
            (["observability_enabled": true, "token_id_capture": ["enabled": true, "all_agents": true]], false,
             "/ng-rollout/0-0/training-token-capture"),
            (["observability_enabled": true, "token_id_capture": ["enabled": true]], false, "/ng-rollout/0-0"),
            // The reference reads the flag with Python's bool(): a non-empty string is true.
            (["observability_enabled": "false"], false, "/ng-rollout/0-0"),
            (["observability_enabled": 0], false, ""),
        ]
        for (global, agent, prefix) in cases {
            let settings = ObservabilitySettings(globalConfig: global, agentTokenIDCapture: agent)
            #expect(settings.modelPathPrefix(rolloutID: try settings.rolloutID(forRunBody: run)) == prefix, "\(global) \(agent)")
        }
    }

    @Test func aDeploymentReadsTheFlagsAndTheAgentsOwnSetting() throws {
        func deployment(global: String, agent: String) throws -> AgentDeployment {
            let yaml = """
            my_agent:
              responses_api_agents:
                simple_agent:
                  port: 1
            \(agent)
                  resources_server: {type: resources_servers, name: env}
                  model_server: {type: responses_api_models, name: policy}
            policy:
              responses_api_models:
                openai_model: {host: 127.0.0.1, port: 2}
            env:
              resources_servers:
                env: {host: 127.0.0.1, port: 3}
            \(global)
            """
            return try AgentDeployment(config: try GlobalConfig.parse(yaml, source: "test"), instanceName: "my_agent")
        }
        let own = try deployment(global: "token_id_capture: {enabled: true}", agent: "      token_id_capture: 'true'")
        #expect(own.observability == ObservabilitySettings(observabilityEnabled: false, tokenIDCapture: true))
        #expect(own.modelServerRef == ModelServerRef(type: "responses_api_models", name: "policy"))
        let notOwn = try deployment(global: "token_id_capture: {enabled: true}\nobservability_enabled: true", agent: "")
        #expect(notOwn.observability == ObservabilitySettings(observabilityEnabled: true, tokenIDCapture: false))
        #expect(try notOwn.makeAgent().observability == notOwn.observability)
    }

    @Test func withoutCaptureAMalformedIDIsNotChecked() throws {
        #expect(try ObservabilitySettings.disabled.rolloutID(forRunBody: ["_ng_rollout_id": "a/b"]) == nil)
        #expect(throws: InvalidRolloutIDError.self) {
            try ObservabilitySettings(observabilityEnabled: true).rolloutID(forRunBody: ["_ng_rollout_id": "a/b"])
        }
    }
}

@Suite struct TrajectoryItemShapeTests {
    /// `Fixtures/observability/item_shapes.jsonl`: items validated as `NeMoGymResponseInputItem` and dumped
    /// by pydantic 2.13.4 with openai 2.7.2 (the reference's lock); items pydantic refuses stay as they are.
    @Test func itemsTakeThePydanticDumpShape() throws {
        // Hosted item types not modelled: kept as they are.
        let unmodelled: Set<String> = ["web_search_call", "file_search_call", "computer_call", "code_interpreter_call",
                                       "local_shell_call", "mcp_list_tools", "computer_call_output"]
        for row in try observabilityFixture("item_shapes.jsonl") {
            guard case .object(let input)? = row["input"] else { throw FixtureError() }
            let modelled = !unmodelled.contains(input["type"]?.string ?? "")
            let expected = modelled ? row["projected"]?.object ?? input : input
            let actual = TrajectoryItemShape.normalized(input)
            #expect(JSONValue.object(actual).jsonString() == JSONValue.object(expected).jsonString(),
                    "\(row["class"]?.string ?? "refused"): \(JSONValue.object(input).jsonString())")
        }
    }

    @Test func normalizingIsIdempotent() throws {
        for row in try observabilityFixture("item_shapes.jsonl") {
            guard let projected = row["projected"]?.object, projected["type"] != "web_search_call" else { continue }
            #expect(TrajectoryItemShape.normalized(projected) == projected)
        }
    }
}

@Suite struct TrajectoryRecorderTests {
    @Test func recordHasTheReferenceKeysAndOrder() {
        var recorder = TrajectoryRecorder(rolloutID: "0-0", modelRef: ModelServerRef(name: "policy_model"))
        let input = [ResponseItem.userMessage("hi")]
        let call = ResponseItem.functionCall(name: "f", arguments: "{}", callID: "c1")
        recorder.recordModelTurn(question: input, response: ModelResponse.make(id: "r1", output: [call]), startedAt: 10, completedAt: 11)
        let outcome = ToolCallOutcome(output: "out", cookies: SessionCookies(), calledServer: true, status: 200)
        recorder.recordToolCall(call, outcome: outcome, timing: .init(startedAt: 12, completedAt: 13, durationMilliseconds: 1))
        recorder.finishTools(ofTurn: [call])
        let output = ResponseItem.functionCallOutput(callID: "c1", output: "out")
        recorder.recordModelTurn(question: input + [call, output], response: ModelResponse.make(id: "", output: [.assistantMessage("ok")]),
                                 startedAt: 14, completedAt: 15)
        let record = recorder.record(conversation: input + [call, output, .assistantMessage("ok")])
        #expect(record.keys == ["schema_version", "task_id", "rollout_id", "invocations", "turns", "model_calls", "tool_calls", "gaps"])
        let invocation = record["invocations"]?.array?.first?.object
        #expect(invocation?.keys == ["kind", "invocation_id", "parent_invocation_id", "spawned_by_tool_call_id", "status",
                                     "duration_ms", "error_type", "model_calls", "conversation"])
        #expect(invocation?["model_calls"]?.array?.count == 1)
        let turns = record["turns"]?.array ?? []
        #expect(turns.first?.object?.keys == ["invocation_id", "task_id", "rollout_id", "turn_no", "timestamp", "question", "answer",
                                             "reasoning_content", "resolved", "step_count", "model_calls"])
        #expect(turns.map { $0["step_count"]?.int } == [1, 1])
        #expect(record["gaps"] == [["code": "model_call_reference_unavailable", "invocation_id": "root", "detail": "turn:2"]])
        #expect(record["tool_calls"]?.array?.first?.object?.keys == ["kind", "invocation_id", "tool_call_id", "sandbox_id", "tool_name",
                                                                      "started_at", "completed_at", "duration_ms", "timing_source",
                                                                      "status", "error_type", "output"])
    }

    @Test func withoutAModelRefCallsAreGapsNotRefs() {
        var recorder = TrajectoryRecorder(rolloutID: "1-1")
        recorder.recordModelTurn(question: [], response: ModelResponse.make(id: "r1", output: [.assistantMessage("a")]), startedAt: 1)
        let record = recorder.record(conversation: [])
        #expect(record["invocations"]?.array?.first?["model_calls"] == [])
        #expect(record["gaps"] == [["code": "model_call_reference_unavailable", "invocation_id": "root", "detail": "turn:1"]])
    }

    @Test func toolStatusFollowsTheReference() {
        var recorder = TrajectoryRecorder()
        let call = ResponseItem.functionCall(name: "f", arguments: "{", callID: "c1")
        let timing = TrajectoryRecorder.ToolTiming(startedAt: 2, completedAt: 1, durationMilliseconds: 0)
        #expect(timing.completedAt == 2)
        recorder.recordToolCall(call, outcome: ToolCallOutcome(output: "e", cookies: SessionCookies(), calledServer: false), timing: timing)
        recorder.recordToolCall(call, outcome: ToolCallOutcome(output: "e", cookies: SessionCookies(), calledServer: true, status: 422), timing: timing)
        recorder.recordToolCall(call, outcome: ToolCallOutcome(output: "e", cookies: SessionCookies(), calledServer: true, status: 307), timing: timing)
        #expect(recorder.toolCalls.map { $0["status"]?.string } == ["failed", "failed", "completed"])
        #expect(recorder.toolCalls.map { $0["error_type"] } == ["JSONDecodeError", "http_422", .null])
    }

    @Test func runCompletionSetsIdentityAndResolution() {
        var recorder = TrajectoryRecorder(rolloutID: "x", modelRef: ModelServerRef(name: "policy_model"))
        recorder.recordModelTurn(question: [], response: ModelResponse.make(id: "r", output: [.assistantMessage("a")]), startedAt: 1)
        let record = recorder.record(conversation: [])
        let body: JSONObject = ["problem_id": nil, "instance_id": 42, "_ng_task_index": 1]
        let resolved = TrajectoryRecorder.completed(record, forRunBody: body, rolloutID: "1-0", verifyResult: ["resolved": true])
        #expect(resolved["task_id"] == "42")
        #expect(resolved["turns"]?.array?.last?["resolved"] == true)
        #expect(resolved["turns"]?.array?.last?["rollout_id"] == "1-0")
        #expect(resolved["gaps"] == [])
        let unresolved = TrajectoryRecorder.completed(record, forRunBody: [:], rolloutID: "1-0", verifyResult: ["resolved": 1])
        #expect(unresolved["task_id"] == "unknown")
        #expect(unresolved["gaps"] == [["code": "resolution_unavailable", "invocation_id": "root", "detail": nil]])
    }
}

@Suite struct CollectedTrajectoryTests {
    @Test func identityComesFromTheRow() {
        #expect(CollectedTrajectory.identity(of: ["_ng_task_index": 3, "_ng_rollout_index": 1]) == ("3", "3-1"))
        #expect(CollectedTrajectory.identity(of: ["instance_id": "django-1", "_ng_task_index": 3, "_ng_rollout_index": 1,
                                                  "_ng_attempt_index": 2]) == ("django-1", "3-1-a2"))
        #expect(CollectedTrajectory.identity(of: ["_ng_rollout_id": "a/b", "_ng_task_index": 3, "_ng_rollout_index": 1]) == ("3", "3-1"))
    }

    @Test func theCollectorFixesIdentitySortsTurnsAndAddsGaps() {
        let turn: (Double, Int) -> JSONValue = { time, number in
            ["invocation_id": "root", "task_id": "x", "rollout_id": "unscoped", "turn_no": .number(JSONNumber(number)), "timestamp": .double(time)]
        }
        let trajectory: JSONObject = [
            "schema_version": "1.0", "task_id": "x", "rollout_id": "unscoped",
            "invocations": [["invocation_id": "root", "conversation": []]],
            "turns": [turn(2, 2), turn(1, 1)], "model_calls": [], "tool_calls": [],
            "gaps": [["code": "resolution_unavailable", "invocation_id": "root", "detail": nil],
                     ["code": "resolution_unavailable", "invocation_id": "root", "detail": nil]],
        ]
        let record = CollectedTrajectory.record(row: ["_ng_task_index": 0, "_ng_rollout_index": 0], result: ["ng_trajectory": .object(trajectory)])
        #expect(record["task_id"] == "0")
        #expect(record["turns"]?.array?.map { $0["turn_no"]?.int } == [1, 2])
        #expect(record["turns"]?.array?.allSatisfy { $0["rollout_id"] == "0-0" && $0["task_id"] == "0" } == true)
        #expect(record["gaps"]?.array?.map { $0["code"]?.string ?? "" } == [
            "producer_trajectory_identity_mismatch", "resolution_unavailable", "model_calls_unavailable", "conversation_unavailable",
        ])
        #expect(record["gaps"]?.array?.first?["detail"] == "task_id,rollout_id")
    }
}
