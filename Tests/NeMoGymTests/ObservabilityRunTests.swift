import Foundation
import Synchronization
import Testing
@testable import NeMoGym

/// Replays the Python `simple_agent`'s recorded rollouts (`Fixtures/observability/`) through `SimpleAgent`
/// with observability on, and compares its `ng_trajectory` with the recorded one.
@Suite struct ObservabilityRunTests {
    /// The keys whose values differ from run to run.
    static let timingKeys: Set<String> = ["timestamp", "started_at", "completed_at", "duration_ms"]

    static func withoutTiming(_ value: JSONValue) -> JSONValue {
        switch value {
        case .object(let object):
            return .object(JSONObject(object.map { key, member in
                (key, timingKeys.contains(key) && !member.isNull ? JSONValue.string("<timing>") : withoutTiming(member))
            }))
        case .array(let items): return .array(items.map(withoutTiming))
        default: return value
        }
    }

    /// A resources server answering tool calls in order from a list of (status, body).
    final class ReplayResources: ResourcesClient {
        let answers: Mutex<[ToolResult]>
        init(_ answers: [ToolResult]) { self.answers = Mutex(answers) }
        func callTool(_ name: String, arguments: JSONValue?, cookies: SessionCookies) async throws -> ToolResult {
            answers.withLock { $0.isEmpty ? ToolResult(status: 500, body: "exhausted") : $0.removeFirst() }
        }
        func verify(_ body: JSONValue, cookies: SessionCookies) async throws -> ResourcesReply {
            var result = body
            result["reward"] = 1.0
            return ResourcesReply(body: result)
        }
    }

    /// The model answers and tool results that reproduce one recorded row.
    static func replay(of row: JSONObject) throws -> (model: ScriptedModelClient, resources: ReplayResources) {
        guard let trajectory = row["ng_trajectory"]?.object,
              let conversation = trajectory["invocations"]?.array?.first?["conversation"]?.array,
              let turns = trajectory["turns"]?.array, let last = row["response"]?.object
        else { throw FixtureError() }
        var steps: [ScriptedModelClient.Step] = []
        for (i, turn) in turns.enumerated() {
            let start = turn["question"]?.array?.count ?? 0
            let count = (turn["answer"]?.array?.count ?? 0) + (turn["reasoning_content"]?.array?.count ?? 0)
            var response = last
            response["id"] = turn["model_calls"]?.array?.first?["response_id"] ?? "resp"
            response["output"] = .array(Array(conversation[start..<(start + count)]))
            if i < turns.count - 1 { response["incomplete_details"] = .null }
            steps.append(.response(.object(response)))
        }
        let tools: [ToolResult] = (trajectory["tool_calls"]?.array ?? []).compactMap { call in
            let output = call["output"]?.string ?? ""
            switch call["error_type"]?.string {
            case nil: return ToolResult(status: 200, body: output)
            case "JSONDecodeError"?: return nil  // the agent does not call the server
            case let error?: return ToolResult(status: Int(error.dropFirst("http_".count)) ?? 500, body: output)
            }
        }
        return (ScriptedModelClient(steps: steps), ReplayResources(tools))
    }

    @Test(arguments: 0..<10)
    func trajectoryMatchesThePythonAgent(rowIndex: Int) async throws {
        let row = try observabilityFixture("python_simple_agent_rollouts.jsonl")[rowIndex]
        let (model, resources) = try Self.replay(of: row)
        let agent = SimpleAgent(configuration: .init(name: "example_single_tool_call_simple_agent"), model: model, resources: resources,
                                observability: ObservabilitySettings(observabilityEnabled: true),
                                modelServerRef: ModelServerRef(name: "policy_model"))
        var body: JSONObject = [:]
        for key in ["responses_create_params", "_ng_task_index", "_ng_rollout_index", "agent_ref"] { body[key] = row[key] }
        let result = try await agent.run(try RunRequest(validating: .object(body)), context: AgentCallContext())

        let rolloutID = "\(row["_ng_task_index"]?.int ?? -1)-\(row["_ng_rollout_index"]?.int ?? -1)"
        #expect(model.requests.map(\.path) == Array(repeating: "/ng-rollout/\(rolloutID)/v1/responses", count: model.callCount))
        guard result.json["ng_trajectory"]?.object != nil else {
            Issue.record("no ng_trajectory in the /run result")
            return
        }
        #expect(result.json.keys.last == "ng_trajectory")
        let actual = Self.withoutTiming(.object(CollectedTrajectory.record(row: body, result: result.json)))
        let expected = Self.withoutTiming(row["ng_trajectory"] ?? .null)
        #expect(actual.jsonString() == expected.jsonString())
        // The response itself stays lossless: its tool outputs keep the three keys the agent built.
        let outputs = result.response.output.filter { $0.type == "function_call_output" }
        #expect(outputs.allSatisfy { $0.json.keys == ["call_id", "output", "type"] })
        #expect(result.response.json[TrajectoryRecorder.responseKey] == nil)
    }

    /// Rollout `0-0` with the model's answers exactly as the model server sent them (its capture file).
    @Test func capturedModelAnswersGiveTheRecordedTrajectory() async throws {
        let row = try observabilityFixture("python_simple_agent_rollouts.jsonl")[0]
        let captured = try observabilityFixture("example_model_server_capture_0-0.jsonl")
        let model = ScriptedModelClient(steps: captured.map { .response($0["response"] ?? .null) })
        let (_, resources) = try Self.replay(of: row)
        let agent = SimpleAgent(model: model, resources: resources, observability: ObservabilitySettings(observabilityEnabled: true),
                                modelServerRef: ModelServerRef(name: "policy_model"))
        var body: JSONObject = [:]
        for key in ["responses_create_params", "_ng_task_index", "_ng_rollout_index"] { body[key] = row[key] }
        let result = try await agent.run(try RunRequest(validating: .object(body)), context: AgentCallContext())
        #expect(model.callCount == captured.count)
        let actual = Self.withoutTiming(.object(CollectedTrajectory.record(row: body, result: result.json)))
        #expect(actual.jsonString() == Self.withoutTiming(row["ng_trajectory"] ?? .null).jsonString())
    }

    @Test func timingFieldsAreSane() async throws {
        let row = try observabilityFixture("python_simple_agent_rollouts.jsonl")[0]
        let (model, resources) = try Self.replay(of: row)
        let agent = SimpleAgent(model: model, resources: resources, observability: ObservabilitySettings(observabilityEnabled: true),
                                modelServerRef: ModelServerRef(name: "policy_model"))
        var body: JSONObject = [:]
        for key in ["responses_create_params", "_ng_task_index", "_ng_rollout_index"] { body[key] = row[key] }
        let result = try await agent.run(try RunRequest(validating: .object(body)), context: AgentCallContext())
        let trajectory = result.json["ng_trajectory"]
        for call in trajectory?["tool_calls"]?.array ?? [] {
            let started = call["started_at"]?.double ?? 0, completed = call["completed_at"]?.double ?? 0
            #expect(started > 1_700_000_000)
            #expect(completed >= started)
            #expect((call["duration_ms"]?.double ?? -1) >= 0)
        }
        let stamps = (trajectory?["turns"]?.array ?? []).compactMap { $0["timestamp"]?.double }
        #expect(stamps == stamps.sorted())
    }

    @Test func withoutObservabilityNothingChanges() async throws {
        let row = try observabilityFixture("python_simple_agent_rollouts.jsonl")[0]
        let (model, resources) = try Self.replay(of: row)
        let agent = SimpleAgent(model: model, resources: resources)
        var body: JSONObject = [:]
        for key in ["responses_create_params", "_ng_task_index", "_ng_rollout_index"] { body[key] = row[key] }
        let result = try await agent.run(try RunRequest(validating: .object(body)), context: AgentCallContext())
        #expect(model.requests.map(\.path) == ["/v1/responses", "/v1/responses"])
        #expect(result.json["ng_trajectory"] == nil)
    }

    @Test func tokenCaptureAloneRoutesWithoutATrajectory() async throws {
        let row = try observabilityFixture("python_simple_agent_rollouts.jsonl")[0]
        let (model, resources) = try Self.replay(of: row)
        let agent = SimpleAgent(model: model, resources: resources, observability: ObservabilitySettings(tokenIDCapture: true))
        var body: JSONObject = [:]
        for key in ["responses_create_params", "_ng_task_index", "_ng_rollout_index"] { body[key] = row[key] }
        let result = try await agent.run(try RunRequest(validating: .object(body)), context: AgentCallContext())
        #expect(model.requests.map(\.path) == Array(repeating: "/ng-rollout/0-0/training-token-capture/v1/responses", count: 2))
        #expect(result.json["ng_trajectory"] == nil)
    }

    /// A subclass changes the trajectory through the hooks, without touching the loop.
    final class GapNotingAgent: SimpleAgent, @unchecked Sendable {
        override func callTool(_ call: ResponseItem, episode: inout Episode) async throws -> ToolCallOutcome {
            episode.trajectory?.addGap(code: "sandbox_unavailable", invocationID: "root", detail: call.callID)
            return try await super.callTool(call, episode: &episode)
        }

        override func makeTrajectory(_ recorder: TrajectoryRecorder, conversation: [ResponseItem], episode: Episode) -> JSONObject {
            var record = super.makeTrajectory(recorder, conversation: conversation, episode: episode)
            record["schema_version"] = "1.0"
            return record
        }
    }

    @Test func subclassesExtendTheTrajectoryThroughTheEpisode() async throws {
        let row = try observabilityFixture("python_simple_agent_rollouts.jsonl")[0]
        let (model, resources) = try Self.replay(of: row)
        let agent = GapNotingAgent(model: model, resources: resources, observability: ObservabilitySettings(observabilityEnabled: true),
                                   modelServerRef: ModelServerRef(name: "policy_model"))
        var body: JSONObject = [:]
        for key in ["responses_create_params", "_ng_task_index", "_ng_rollout_index"] { body[key] = row[key] }
        let result = try await agent.run(try RunRequest(validating: .object(body)), context: AgentCallContext())
        #expect(result.json["ng_trajectory"]?["gaps"]?.array?.map { $0["code"] } == ["sandbox_unavailable", "resolution_unavailable"])
    }

    @Test func aMalformedExplicitIDFailsBeforeSeeding() async throws {
        let resources = InProcessResourcesClient(reward: { _ in 1 })
        let agent = SimpleAgent(model: LoopbackServers.answeringModel(), resources: resources,
                                observability: ObservabilitySettings(observabilityEnabled: true))
        let run = try RunRequest(validating: ["responses_create_params": ["input": "hi"], "_ng_rollout_id": "../x"])
        await #expect(throws: InvalidRolloutIDError.self) { try await agent.run(run, context: AgentCallContext()) }
        #expect(resources.calls.isEmpty)
    }
}

/// `/run` and the prefixed `/v1/responses` over loopback, with a deployment read from a config.
@Suite(.timeLimit(.minutes(1))) struct ObservabilityLoopbackTests {
    static func config(modelPort: Int, resourcesPort: Int, extra: String) -> String {
        """
        obs_agent:
          responses_api_agents:
            simple_agent:
              entrypoint: app.py
              host: 127.0.0.1
              port: 1
              resources_server:
                type: resources_servers
                name: weather
              model_server:
                type: responses_api_models
                name: policy_model
        policy_model:
          responses_api_models:
            openai_model:
              entrypoint: app.py
              host: 127.0.0.1
              port: \(modelPort)
        weather:
          resources_servers:
            weather:
              entrypoint: app.py
              host: 127.0.0.1
              port: \(resourcesPort)
        \(extra)
        """
    }

    /// Starts the fakes and an agent server deployed from the config with `extra` global keys; returns the
    /// answer to `POST path` with `body` and the model server's request paths.
    static func exchange(extra: String, path: String, body: JSONValue) async throws -> (status: Int, answer: JSONValue, modelPaths: [String]) {
        let fakes = try await FakeNeMoGymServers.start()
        let text = config(modelPort: fakes.model.port, resourcesPort: fakes.resources.port, extra: extra)
        let deployment = try AgentDeployment(config: try GlobalConfig.parse(text, source: "test"), instanceName: "obs_agent")
        let (server, url) = try await LoopbackServers.start(AgentServer(agent: try deployment.makeAgent()).handler)
        let answer = try await ServerClient.shared.send(ServerClientRequest(
            method: .post, url: url + path, headers: ["Content-Type": "application/json"], body: body.jsonBytes()))
        let paths = fakes.model.requests.map(\.path)
        await server.shutdown()
        await fakes.shutdown()
        return (answer.status, try JSONValue(parsing: answer.bodyText), paths)
    }

    static let runBody: JSONValue = ["responses_create_params": ["input": "sf"], "_ng_task_index": 0, "_ng_rollout_index": 0]

    @Test func runRoutesModelCallsThroughTheRolloutPrefix() async throws {
        let (status, answer, paths) = try await Self.exchange(extra: "observability_enabled: true", path: "/run", body: Self.runBody)
        #expect(status == 200)
        #expect(paths == ["/ng-rollout/0-0/v1/responses", "/ng-rollout/0-0/v1/responses"])
        let trajectory = answer["ng_trajectory"]
        #expect(trajectory?["rollout_id"] == "0-0")
        #expect(trajectory?["task_id"] == "0")
        #expect(trajectory?["invocations"]?.array?.first?["model_calls"]?.array?.first?["model_ref"]
                    == ["type": "responses_api_models", "name": "policy_model"])
        #expect(trajectory?["tool_calls"]?.array?.first?["status"] == "completed")
        #expect(answer["response"]?[TrajectoryRecorder.responseKey] == nil)
    }

    @Test func tokenCaptureForThisAgentUsesItsSegment() async throws {
        let extra = "token_id_capture:\n  enabled: true\n  all_agents: true"
        let (_, answer, paths) = try await Self.exchange(extra: extra, path: "/run", body: Self.runBody)
        #expect(paths == ["/ng-rollout/0-0/training-token-capture/v1/responses", "/ng-rollout/0-0/training-token-capture/v1/responses"])
        #expect(answer["ng_trajectory"] == nil)
    }

    @Test func withoutCaptureTheModelPathIsPlain() async throws {
        let (_, answer, paths) = try await Self.exchange(extra: "", path: "/run", body: Self.runBody)
        #expect(paths == ["/v1/responses", "/v1/responses"])
        #expect(answer["ng_trajectory"] == nil)
    }

    @Test func prefixedResponsesRouteAndCarryTheInternalTrajectory() async throws {
        let (status, answer, paths) = try await Self.exchange(extra: "observability_enabled: true", path: "/ng-rollout/7-1/v1/responses",
                                                              body: ["input": "sf"])
        #expect(status == 200)
        #expect(paths == ["/ng-rollout/7-1/v1/responses", "/ng-rollout/7-1/v1/responses"])
        let trajectory = answer[TrajectoryRecorder.responseKey]
        #expect(trajectory?["rollout_id"] == "7-1")
        #expect(trajectory?["task_id"] == "unscoped")
        #expect(answer.object?.keys.last == TrajectoryRecorder.responseKey)
    }
}
