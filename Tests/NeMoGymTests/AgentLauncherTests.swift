import Foundation
import Synchronization
import Testing
@testable import NeMoGym

/// `AgentLauncher`: a user's agent served from a NeMo Gym config through the public entry point.
@Suite(.timeLimit(.minutes(1)))
struct AgentLauncherTests {
    /// A subclass a user would deploy: tags every tool output.
    final class TaggingAgent: SimpleAgent, @unchecked Sendable {
        override func callTool(_ call: ResponseItem, episode: inout Episode) async throws -> ToolCallOutcome {
            var outcome = try await super.callTool(call, episode: &episode)
            outcome.output = "[tagged] " + outcome.output
            return outcome
        }
    }

    /// Lines a launcher logged.
    final class Lines: Sendable {
        let lines = Mutex<[String]>([])
        var all: [String] { lines.withLock { $0 } }
        func sink(_ text: String) { lines.withLock { $0.append(text) } }
    }

    static func environment(implementation: String, extra: JSONObject = [:], modelPort: Int, resourcesPort: Int) -> [String: String] {
        var config = ServeCommandTests.config(modelPort: modelPort, resourcesPort: resourcesPort, agentPort: 0).object ?? [:]
        var block = config["my_agent"]?["responses_api_agents"]?["simple_agent"]?.object ?? [:]
        for (k, v) in extra { block[k] = v }
        block["port"] = .number(JSONNumber(RefusedPort.unusedPortBelowEphemeralRange()))
        config["my_agent"] = ["responses_api_agents": [implementation: .object(block)]]
        return [GlobalConfig.configDictVariable: JSONValue.object(config).jsonString(), GlobalConfig.configPathVariable: "my_agent"]
    }

    @Test func servesACustomAgentFromAConfigAndAnswersRun() async throws {
        let fakes = try await FakeNeMoGymServers.start()
        let launcher = AgentLauncher(implementations: ["tagging_agent": { try TaggingAgent(deployment: $0) }])
        let lines = Lines()
        let serving = try launcher.makeServing(AgentLauncher.Options(),
            environment: Self.environment(implementation: "tagging_agent", modelPort: fakes.model.port, resourcesPort: fakes.resources.port),
            logSink: { lines.sink($0) })
        #expect(serving.agent is TaggingAgent)
        let port = try await serving.start()
        let client = ServerClient(configuration: .init(maxRetryDuration: .seconds(5)))
        let run = try await client.send(.json(url: "http://127.0.0.1:\(port)/run", ["responses_create_params": ["input": "Oslo"], "task": 1]))
        #expect(run.status == 200)
        let output = try run.json()["response"]?["output"]?.array ?? []
        #expect(output.contains { $0["output"]?.string?.hasPrefix("[tagged] ") == true })
        await serving.server.shutdown()
        await fakes.shutdown()
    }

    @Test func anUnknownImplementationKeyIsRefusedNamingTheKnownOnes() async throws {
        let env = Self.environment(implementation: "fancy_agent", modelPort: 1, resourcesPort: 2)
        do {
            _ = try AgentLauncher.builtIn.makeServing(AgentLauncher.Options(), environment: env, logSink: { _ in })
            Issue.record("expected an error")
        } catch {
            #expect("\(error)" == "agent 'my_agent' has the implementation 'fancy_agent' (block 'my_agent.responses_api_agents.fancy_agent'), "
                + "which this server does not know; known implementations: simple_agent, swift_simple_agent")
            #expect(error.localizedDescription == "\(error)")
        }
    }

    @Test(arguments: ["simple_agent", "swift_simple_agent"])
    func builtInImplementationsAreSimpleAgent(implementation: String) throws {
        let env = Self.environment(implementation: implementation, modelPort: 1, resourcesPort: 2)
        let serving = try AgentLauncher.builtIn.makeServing(AgentLauncher.Options(), environment: env, logSink: { _ in })
        #expect(type(of: serving.agent) == SimpleAgent.self)
    }

    @Test(arguments: [(nil, true), ("1", true), ("0", false)] as [(String?, Bool)])
    func connectionTasksRunOnTheEventLoopsUnlessTheEnvironmentSaysZero(value: String?, expected: Bool) throws {
        var env = Self.environment(implementation: "simple_agent", modelPort: 1, resourcesPort: 2)
        env[AgentLauncher.eventLoopHandlersVariable] = value
        let serving = try AgentLauncher.builtIn.makeServing(AgentLauncher.Options(), environment: env, logSink: { _ in })
        #expect(serving.server.configuration.runsConnectionsOnEventLoop == expected)
    }

    @Test func warnsOnceAtStartUpAboutKeysTheAgentDoesNotUse() throws {
        let lines = Lines()
        let env = Self.environment(implementation: "simple_agent", extra: ["observability_enabled": true, "max_step": 3],
                                   modelPort: 1, resourcesPort: 2)
        _ = try AgentLauncher.builtIn.makeServing(AgentLauncher.Options(), environment: env, logSink: { lines.sink($0) })
        #expect(lines.all == ["(my_agent) warning: agent 'my_agent' does not use the keys 'observability_enabled', 'max_step' "
            + "of the block 'my_agent.responses_api_agents.simple_agent' (ignored)\n"])
    }

    @Test func logsFailedRequestsAtInfoWithTheInstanceNameAndTheLevelFromTheEnvironment() async throws {
        let fakes = try await FakeNeMoGymServers.start(model: { _ in FakeReply(status: 503, text: "model overloaded") })
        var env = Self.environment(implementation: "simple_agent", modelPort: fakes.model.port, resourcesPort: fakes.resources.port)
        let lines = Lines()
        let serving = try AgentLauncher.builtIn.makeServing(AgentLauncher.Options(), environment: env, logSink: { lines.sink($0) })
        let port = try await serving.start()
        let client = ServerClient(configuration: .init(maxRetryDuration: .seconds(5)))
        _ = try await client.send(ServerClientRequest(url: "http://127.0.0.1:\(port)/"))
        let run = try await client.send(.json(url: "http://127.0.0.1:\(port)/run", ["responses_create_params": ["input": "Oslo"]]))
        #expect(run.status == 500)
        await serving.server.shutdown()
        #expect(lines.all.count == 1)
        #expect(lines.all.first?.hasPrefix("(my_agent) POST /run -> 500: \"Hit an exception in SimpleAgent___my_agent calling an inner server: model overloaded") == true)

        env[AgentLog.levelVariable] = "debug"
        #expect(try AgentLauncher.builtIn.makeServing(AgentLauncher.Options(), environment: env, logSink: { _ in }).log.level == .debug)
        env[AgentLog.levelVariable] = "loud"
        #expect(throws: ConfigError.self) {
            try AgentLauncher.builtIn.makeServing(AgentLauncher.Options(), environment: env, logSink: { _ in })
        }
        await fakes.shutdown()
    }

    @Test func readsTheArgumentsOfAUsersExecutable() throws {
        let options = try AgentLauncher.Options(arguments: ["--agent", "a", "--log-level=debug", "x.yaml", "++a.b=1", "y.yml"])
        #expect(options == AgentLauncher.Options(configFiles: ["x.yaml", "y.yml"], agentName: "a", logLevel: .debug, overrides: ["++a.b=1"]))
        #expect(try AgentLauncher.Options(arguments: ["serve", "x.yaml"]).configFiles == ["x.yaml"])
        #expect(throws: ConfigError.self) { try AgentLauncher.Options(arguments: ["--agnet", "a"]) }
        #expect(throws: ConfigError.self) { try AgentLauncher.Options(arguments: ["--log-level", "loud"]) }
    }

    @Test func appliesOverridesAfterTheConfigAsHydraDoes() throws {
        let env = Self.environment(implementation: "simple_agent", modelPort: 1, resourcesPort: 2)
        let options = AgentLauncher.Options(overrides: ["++my_agent.responses_api_agents.simple_agent.max_steps=7",
                                                        "+my_agent.responses_api_agents.simple_agent.skip_verification=true"])
        let serving = try AgentLauncher.builtIn.makeServing(options, environment: env, logSink: { _ in })
        #expect(serving.deployment.agentConfiguration.maxSteps == 7)
        #expect(serving.deployment.agentConfiguration.skipVerification)
    }
}

#if os(Linux)
/// `NEMO_GYM_SWIFT_EVENT_LOOPS`: a number from 1 to 256, or one loop per processor with a warning.
struct EventLoopCountTests {
    @Test(arguments: [
        (nil, 2, 2, nil),
        (nil, 128, 64, nil),
        ("1", 2, 1, nil),
        (" 8 ", 2, 8, nil),
        ("256", 2, 256, nil),
        ("0", 2, 2, "warning: NEMO_GYM_SWIFT_EVENT_LOOPS='0' is not a number from 1 to 256; using 2 event loops (one per processor)\n"),
        ("four", 1, 1, "warning: NEMO_GYM_SWIFT_EVENT_LOOPS='four' is not a number from 1 to 256; using 1 event loop (one per processor)\n"),
    ] as [(String?, Int, Int, String?)])
    func countFromTheEnvironment(setting: String?, processors: Int, count: Int, warning: String?) {
        let result = EpollLoop.loopCount(setting: setting, processors: processors)
        #expect(result.count == count)
        #expect(result.warning == warning)
    }
}
#endif
