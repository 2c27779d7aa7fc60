import Foundation
import Synchronization
import Testing
@testable import NeMoGym
@testable import SwiftGymCLI
#if canImport(Glibc)
import Glibc
#endif

/// `swift-gym serve`: bootstrapping from the environment and from config files, its errors, and (with the built
/// binary) the listening line and a graceful exit on SIGTERM.
@Suite(.timeLimit(.minutes(1)))
struct ServeCommandTests {
    /// A NeMo Gym config with a model, a resources server and one agent instance.
    static func config(modelPort: Int, resourcesPort: Int, agentPort: Int?, agentName: String = "my_agent") -> JSONValue {
        var agent: JSONObject = [
            "entrypoint": "app.py", "host": "127.0.0.1",
            "resources_server": ["type": "resources_servers", "name": "weather"],
            "model_server": ["type": "responses_api_models", "name": "policy_model"],
            "max_steps": 3,
        ]
        if let agentPort { agent["port"] = .number(JSONNumber(agentPort)) }
        return [
            "policy_model": ["responses_api_models": ["vllm_model": ["entrypoint": "app.py", "host": "127.0.0.1", "port": .number(JSONNumber(modelPort))]]],
            "weather": ["resources_servers": ["weather": ["entrypoint": "app.py", "domain": "other", "host": "127.0.0.1", "port": .number(JSONNumber(resourcesPort))]]],
            agentName: ["responses_api_agents": ["simple_agent": .object(agent)]],
        ]
    }

    /// Writes `text` to a fresh temporary file and returns its path.
    static func temporaryFile(_ text: String, name: String = "config.yaml") throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("serve-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let url = dir.appendingPathComponent(name)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    /// Starts the server built by `makeServer`, checks it answers `/` and a rollout, and shuts it down.
    static func serveOneRollout(_ serving: ServeCommand.Serving, expectedPort: Int) async throws {
        let port = try await serving.start()
        #expect(port == expectedPort)
        #expect(serving.url(port: port) == "http://127.0.0.1:\(expectedPort)")
        let client = ServerClient(configuration: .init(maxRetryDuration: .seconds(5)))
        let live = try await client.send(ServerClientRequest(url: "http://127.0.0.1:\(port)/"))
        #expect(live.bodyText == #"{"status":"ok"}"#)
        let run = try await client.send(.json(url: "http://127.0.0.1:\(port)/run", ["responses_create_params": ["input": "Oslo"], "task": 1]))
        #expect(run.status == 200)
        #expect(try run.json()["reward"]?.number?.text == "1.0")
        await serving.server.shutdown()
    }

    /// Runs `gym` in-process with a capturing console.
    static func gym(_ arguments: [String]) async -> (code: Int32, out: String, err: String) {
        let (console, output) = Console.capturing()
        let code = await GymCLI.main(arguments, console: console)
        return (code, output.standardOutput, output.standardError)
    }

    /// Checks the D9 error contract: exit 1, nothing on stdout, one `error: ` line on stderr containing `parts`.
    static func expectError(_ arguments: [String], contains parts: [String], sourceLocation: SourceLocation = #_sourceLocation) async {
        let (code, out, err) = await gym(arguments)
        #expect(code == 1, sourceLocation: sourceLocation)
        #expect(out.isEmpty, sourceLocation: sourceLocation)
        #expect(err.hasPrefix("error: "), "\(err)", sourceLocation: sourceLocation)
        #expect(err.split(separator: "\n").count == 1, "\(err)", sourceLocation: sourceLocation)
        for part in parts { #expect(err.contains(part), "\(err) lacks \(part)", sourceLocation: sourceLocation) }
    }

    // MARK: - Bootstrapping

    @Test(arguments: ["yaml", "json"])
    func bootstrapsFromTheEnvironmentAsANeMoGymChildServer(format: String) async throws {
        let fakes = try await FakeNeMoGymServers.start()
        let agentPort = try await ServerClientTests.freedPort()
        let config = Self.config(modelPort: fakes.model.port, resourcesPort: fakes.resources.port, agentPort: agentPort)
        let text = format == "json" ? config.jsonString() : GlobalConfig(config.object ?? [:]).yamlText()
        let environment = [GlobalConfig.configDictVariable: text, GlobalConfig.configPathVariable: "my_agent"]
        let serving = try ServeCommand.makeServer([], console: Console.capturing().console, environment: environment)
        #expect(serving.deployment.instance.name == "my_agent")
        #expect(serving.deployment.agentConfiguration.maxSteps == 3)
        #expect(try serving.deployment.modelServer.baseURL() == fakes.model.baseURL)
        #expect(try serving.deployment.resourcesServer.baseURL() == fakes.resources.baseURL)
        try await Self.serveOneRollout(serving, expectedPort: agentPort)
        #expect(fakes.model.requests.count == 2)
        await fakes.shutdown()
    }

    @Test(arguments: [false, true])
    func bootstrapsFromConfigFilesWithOrWithoutAgent(namingTheAgent: Bool) async throws {
        let fakes = try await FakeNeMoGymServers.start()
        let agentPort = try await ServerClientTests.freedPort()
        var values = Self.config(modelPort: fakes.model.port, resourcesPort: fakes.resources.port, agentPort: nil).object ?? [:]
        values.removeValue(forKey: "my_agent")
        // Two files, merged; the agent's port comes from an interpolation of the given environment.
        let servers = try Self.temporaryFile(GlobalConfig(values).yamlText(), name: "servers.yaml")
        let agentFile = try Self.temporaryFile("""
            my_agent:
              responses_api_agents:
                simple_agent:
                  entrypoint: app.py
                  host: 127.0.0.1
                  port: ${oc.env:SERVE_TEST_AGENT_PORT}
                  resources_server: {type: resources_servers, name: weather}
                  model_server: {type: responses_api_models, name: policy_model}
                  max_steps: 3

            """, name: "agent.yaml")
        let arguments = (namingTheAgent ? ["--agent", "my_agent"] : []) + [servers, agentFile]
        let serving = try ServeCommand.makeServer(arguments, console: Console.capturing().console,
                                                  environment: ["SERVE_TEST_AGENT_PORT": "\(agentPort)"])
        #expect(serving.deployment.instance.port == agentPort)
        try await Self.serveOneRollout(serving, expectedPort: agentPort)
        await fakes.shutdown()
    }

    // MARK: - Errors (one clear `error:` line, exit 1)

    @Test func missingEnvironmentVariablesNameTheVariable() async throws {
        let console = Console.capturing().console
        let noDict = await #expect(throws: ConfigError.self) { try await ServeCommand.run([], console: console, environment: [:]) }
        #expect(noDict?.message.contains("NEMO_GYM_CONFIG_DICT is not set") == true)
        #expect(noDict?.message.contains("pass CONFIG.yaml") == true)
        let noPath = await #expect(throws: ConfigError.self) {
            try await ServeCommand.run([], console: console, environment: [GlobalConfig.configDictVariable: "a: 1"])
        }
        #expect(noPath?.message.contains("NEMO_GYM_CONFIG_PATH is not set") == true)
        let unknown = await #expect(throws: ConfigError.self) {
            try await ServeCommand.run([], console: console, environment: [
                GlobalConfig.configDictVariable: Self.config(modelPort: 1, resourcesPort: 2, agentPort: 3).jsonString(),
                GlobalConfig.configPathVariable: "my_agnet",
            ])
        }
        #expect(unknown?.message == "no server instance is named 'my_agnet'. Did you mean 'my_agent'?")
    }

    @Test(.enabled(if: ProcessInfo.processInfo.environment[GlobalConfig.configDictVariable] == nil))
    func gymServeWithoutConfigOrEnvironmentExitsOne() async {
        await Self.expectError(["serve"], contains: ["NEMO_GYM_CONFIG_DICT is not set"])
    }

    @Test func configFileErrorsAreOneLineNamingTheInputAndTheFix() async throws {
        let good = try Self.temporaryFile(Self.config(modelPort: 1, resourcesPort: 2, agentPort: 3).jsonString())
        await Self.expectError(["serve", "--agent", "nope", good], contains: ["no server instance is named 'nope'", "defined: "])
        await Self.expectError(["serve", "--agent", "weather", good],
                               contains: ["'weather' is a resources_servers instance, not an agent", "responses_api_agents"])

        let noPort = try Self.temporaryFile(Self.config(modelPort: 1, resourcesPort: 2, agentPort: nil).jsonString())
        await Self.expectError(["serve", noPort], contains: ["'my_agent' has no port", "set 'port:' in the block 'my_agent.responses_api_agents.simple_agent'"])

        var twoAgents = Self.config(modelPort: 1, resourcesPort: 2, agentPort: 3).object ?? [:]
        twoAgents["other_agent"] = twoAgents["my_agent"]
        let two = try Self.temporaryFile(JSONValue.object(twoAgents).jsonString())
        await Self.expectError(["serve", two], contains: ["--agent NAME", "my_agent, other_agent"])

        var modelWithoutPort = Self.config(modelPort: 1, resourcesPort: 2, agentPort: 3).object ?? [:]
        modelWithoutPort["policy_model"] = ["responses_api_models": ["vllm_model": ["entrypoint": "app.py"]]]
        let noModelPort = try Self.temporaryFile(JSONValue.object(modelWithoutPort).jsonString())
        await Self.expectError(["serve", noModelPort], contains: ["'policy_model' has no port"])

        await Self.expectError(["serve", "/nonexistent/serve-test.yaml"], contains: ["/nonexistent/serve-test.yaml"])
    }

    @Test func aPortInUseIsOneErrorNamingThePortAndTheBlock() async throws {
        let taken = AgentHTTPServer(configuration: .init(raisesOpenFileLimit: false)) { _ in .text("busy") }
        let port = try await taken.start()
        let file = try Self.temporaryFile(Self.config(modelPort: 1, resourcesPort: 2, agentPort: port).jsonString())
        await Self.expectError(["serve", file], contains: [
            "cannot serve agent 'my_agent'", "port \(port) on 127.0.0.1 is already in use",
            "'port:' in the block 'my_agent.responses_api_agents.simple_agent'",
        ])
        let serving = try ServeCommand.makeServer([file], console: Console.capturing().console, environment: [:])
        let error = await #expect(throws: AgentHTTPServerError.self) { try await serving.start() }
        #expect(error?.code == .addressInUse)
        await taken.shutdown()
    }

    @Test func usageErrorsExitTwo() async throws {
        let file = try Self.temporaryFile(Self.config(modelPort: 1, resourcesPort: 2, agentPort: 3).jsonString())
        for arguments in [["serve", "--agent", "my_agent"], ["serve", "--log-level", "loud", file]] {
            let (code, out, err) = await Self.gym(arguments)
            #expect(code == 2)
            #expect(out.isEmpty)
            #expect(err.hasSuffix("\nsee 'swift-gym serve --help'\n") && !err.contains("USAGE"))
        }
    }

    // MARK: - The built binary

    static let gymBinary = TestPaths.packageRoot.appendingPathComponent(".build/debug/swift-gym").path

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: ServeCommandTests.gymBinary)))
    func theGymBinaryServesAndExitsZeroOnSIGTERMAfterFinishingInFlightRequests() async throws {
        let received = Atomic<Int>(0)
        let fakes = try await FakeNeMoGymServers.start(model: { request in
            if received.add(1, ordering: .relaxed).newValue == 1 { try? await Task.sleep(for: .milliseconds(300)) }
            return await FakeNeMoGymServers.weatherModel(request)
        })
        let agentPort = try await ServerClientTests.freedPort()
        let config = Self.config(modelPort: fakes.model.port, resourcesPort: fakes.resources.port, agentPort: agentPort)
        var environment = ProcessInfo.processInfo.environment
        environment[GlobalConfig.configDictVariable] = config.jsonString()
        environment[GlobalConfig.configPathVariable] = "my_agent"

        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.gymBinary)
        process.arguments = ["serve", "--log-level", "debug"]
        process.environment = environment
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        let out = Mutex("")
        let err = Mutex("")
        stdout.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            out.withLock { $0 += String(decoding: data, as: UTF8.self) }
        }
        stderr.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            err.withLock { $0 += String(decoding: data, as: UTF8.self) }
        }
        try process.run()
        defer {
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            stdout.fileHandleForReading.readabilityHandler = nil
            stderr.fileHandleForReading.readabilityHandler = nil
        }

        let listening = "listening on http://127.0.0.1:\(agentPort)\n"
        let deadline = ContinuousClock.now + .seconds(20)
        while !out.withLock({ $0.contains(listening) }) && process.isRunning && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        try #require(out.withLock { $0 } == listening, "stdout: \(out.withLock { $0 }) stderr: \(err.withLock { $0 })")

        let client = ServerClient(configuration: .init(maxRetryDuration: .seconds(5)))
        let live = try await client.send(ServerClientRequest(url: "http://127.0.0.1:\(agentPort)/"))
        #expect(live.bodyText == #"{"status":"ok"}"#)

        // SIGTERM while a rollout is waiting on the model: it completes, then the process exits 0.
        async let inFlight = client.send(.json(url: "http://127.0.0.1:\(agentPort)/v1/responses", ["input": "Oslo"]))
        while received.load(ordering: .relaxed) == 0 && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(10))
        }
        kill(process.processIdentifier, SIGTERM)
        let response = try await inFlight
        #expect(response.status == 200)
        #expect(try response.json()["output"]?.array?.count == 3)
        while process.isRunning && ContinuousClock.now < deadline + .seconds(10) {
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(!process.isRunning)
        #expect(process.terminationReason == .exit)
        #expect(process.terminationStatus == 0)
        #expect(err.withLock { $0 }.contains("(my_agent) GET / -> 200"))
        await fakes.shutdown()
    }
}
