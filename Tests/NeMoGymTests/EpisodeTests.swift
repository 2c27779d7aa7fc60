import Synchronization
import Testing
@testable import NeMoGym

/// Counts this rollout's failed tool calls: per-rollout state kept in the episode.
enum FailedToolCalls: EpisodeKey {
    static let defaultValue = 0
}

/// The pattern the docs teach: stop after a tool error, with the state in the episode.
final class StopOnToolErrorAgent: SimpleAgent, @unchecked Sendable {
    override func callTool(_ call: ResponseItem, episode: inout Episode) async throws -> ToolCallOutcome {
        let outcome = try await super.callTool(call, episode: &episode)
        if outcome.isError { episode[FailedToolCalls.self] += 1 }
        return outcome
    }

    override func shouldStopAfterTools(_ episode: inout Episode) -> Bool {
        episode[FailedToolCalls.self] > 0 || super.shouldStopAfterTools(&episode)
    }
}

/// The wrong pattern from the bug report: a stored `var` shared by every rollout.
final class SharedFlagAgent: SimpleAgent, @unchecked Sendable {
    private let sawToolError = Mutex(false)
    override func callTool(_ call: ResponseItem, episode: inout Episode) async throws -> ToolCallOutcome {
        let outcome = try await super.callTool(call, episode: &episode)
        if outcome.isError { sawToolError.withLock { $0 = true } }
        return outcome
    }

    override func shouldStopAfterTools(_ episode: inout Episode) -> Bool {
        sawToolError.withLock { $0 } || super.shouldStopAfterTools(&episode)
    }
}

@Suite(.timeLimit(.minutes(1)))
struct EpisodeTests {
    /// A model that asks for `lookup(<user text>)` and then answers `done`, by the request's content; a tool that
    /// fails (500) for `bad`; a verifier that wants `done`. The reward is 1 for good cities, 0 for bad ones
    /// when the agent stops after the failing tool.
    static func makeClients() -> (any ModelClient, any ResourcesClient) {
        let model = ClosureModelClient { request in
            let items = request.params.input.normalizedItems
            if items.last?.type == "function_call_output" {
                return ModelReply(body: .object(ModelResponse.make(output: [.assistantMessage("done")]).json))
            }
            let city = items.first?.texts.joined() ?? ""
            let call = ResponseItem.functionCall(name: "lookup", arguments: #"{"city":"\#(city)"}"#, callID: "call_\(city)")
            return ModelReply(body: .object(ModelResponse.make(output: [call]).json))
        }
        let resources = InProcessResourcesClient(
            tools: ["lookup": InProcessResourcesClient.Tool { arguments, cookies in
                arguments["city"]?.string == "bad"
                    ? ToolResult(status: 500, body: "lookup failed", cookies: cookies)
                    : ToolResult(status: 200, body: #"{"ok":true}"#, cookies: cookies)
            }],
            reward: { request in request.response.outputText == "done" ? 1 : 0 })
        return (model, resources)
    }

    static let requests = (0..<200).map { i in
        RunRequest(params: ResponseCreateParams(input: .text(i % 2 == 0 ? "bad" : "city\(i)")), extra: ["i": .number(JSONNumber(i))])
    }

    @Test func theEpisodeCarriesTheTurnsToolOutcomesAndState() async throws {
        let (model, resources) = Self.makeClients()
        let agent = StopOnToolErrorAgent(model: model, resources: resources)
        let bad = try await agent.run(Self.requests[0], context: AgentCallContext())
        #expect(bad.reward == 0)
        #expect(bad.response.output.map(\.type) == ["function_call", "function_call_output"])
        let good = try await agent.run(Self.requests[1], context: AgentCallContext())
        #expect(good.reward == 1)
    }

    @Test func perRolloutStateIsCorrectUnder200ConcurrentRollouts() async throws {
        let mismatches = try await ConcurrentRolloutCheck.run(Self.requests, concurrency: 200) {
            let (model, resources) = Self.makeClients()
            return StopOnToolErrorAgent(model: model, resources: resources)
        }
        #expect(mismatches.isEmpty, "\(mismatches.map(\.description))")
    }

    @Test func theCheckFindsStateSharedBetweenRollouts() async throws {
        let mismatches = try await ConcurrentRolloutCheck.run(Self.requests, concurrency: 200) {
            let (model, resources) = Self.makeClients()
            return SharedFlagAgent(model: model, resources: resources)
        }
        #expect(!mismatches.isEmpty)
        #expect(mismatches.allSatisfy { $0.alone.reward == 1 && $0.shared.reward == 0 })
        #expect(mismatches.first?.description.contains("reward 0.0 on the shared agent, 1.0 alone") == true)
    }

    @Test func stateKeysStartAtTheirDefaultAndAreTyped() {
        enum Notes: EpisodeKey { static let defaultValue: [String] = [] }
        var episode = Episode(params: ResponseCreateParams(input: .text("x")))
        #expect(episode[Notes.self].isEmpty)
        episode[Notes.self].append("a")
        episode[FailedToolCalls.self] = 2
        #expect(episode[Notes.self] == ["a"])
        #expect(episode[FailedToolCalls.self] == 2)
    }

    /// The wrong pattern without a lock: debug builds name the property that changed.
    final class CountingAgent: SimpleAgent, @unchecked Sendable {
        var modelCalls = 0
        override func callModel(_ request: ModelRequest, episode: inout Episode) async throws -> ModelTurn {
            modelCalls += 1
            return try await super.callModel(request, episode: &episode)
        }
    }

    @Test func debugBuildsWarnOnceWhenASubclassChangesAStoredPropertyDuringARollout() async throws {
        #if DEBUG
        let warnings = Mutex<[String]>([])
        let previous = StoredStateCheck.warningSink.withLock { sink in
            let old = sink
            sink = { line in warnings.withLock { $0.append(line) } }
            return old
        }
        defer { StoredStateCheck.warningSink.withLock { $0 = previous } }
        let (model, resources) = Self.makeClients()
        let agent = CountingAgent(model: model, resources: resources)
        _ = try await agent.run(Self.requests[1], context: AgentCallContext())
        _ = try await agent.run(Self.requests[3], context: AgentCallContext())
        let lines = warnings.withLock { $0 }.filter { $0.contains("CountingAgent.modelCalls") }
        #expect(lines.count == 1)
        #expect(lines.first?.hasPrefix("warning: CountingAgent.modelCalls changed during a rollout.") == true)
        #endif
    }
}
