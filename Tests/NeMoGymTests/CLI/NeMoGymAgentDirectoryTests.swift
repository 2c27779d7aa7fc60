import Foundation
import Testing
@testable import NeMoGym
@testable import SwiftGymCLI

/// `swift-gym nemo-gym agent-dir`: the files NeMo Gym's launcher needs, what they contain, and how the
/// command treats existing files.
@Suite struct NeMoGymAgentDirectoryTests {
    static func temporaryDirectory() throws -> String {
        let path = NSTemporaryDirectory() + "agent-dir-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    static func read(_ path: String) throws -> String { try String(contentsOfFile: path, encoding: .utf8) }

    static let python = ["/usr/bin/python3", "/usr/local/bin/python3"].first { FileManager.default.isExecutableFile(atPath: $0) }

    @Test func writesAppRequirementsAndConfig() throws {
        let root = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let directory = root + "/responses_api_agents/swift_simple_agent"
        let files = NeMoGymAgentDirectory(executable: "/opt/swift gym/bin/swift-gym")
        #expect(try files.write(to: directory, force: false) == ["app.py", "requirements.txt", "configs/swift_simple_agent.yaml"])
        let app = try Self.read(directory + "/app.py")
        #expect(app.contains(#"SWIFT_GYM = os.environ.get("NEMO_GYM_SWIFT_GYM") or "/opt/swift gym/bin/swift-gym""#))
        #expect(app.contains(#"os.execvp(SWIFT_GYM, [SWIFT_GYM, "serve", *sys.argv[1:]])"#))
        // requirements.txt lists no package: every line is a comment or empty.
        let requirements = try Self.read(directory + "/requirements.txt")
        #expect(!requirements.isEmpty)
        #expect(requirements.split(separator: "\n").allSatisfy { $0.hasPrefix("#") })
        #expect(NeMoGymAgentDirectory.placementWarning(directory: directory, name: "swift_simple_agent") == nil)
        #expect(NeMoGymAgentDirectory.placementWarning(directory: root + "/x", name: "swift_simple_agent")?.contains("--name x") == true)
    }

    @Test func theConfigIsAValidAgentBlockOnceTheResourcesServerIsNamed() throws {
        let root = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        try NeMoGymAgentDirectory(name: "my_swift_agent", executable: "/bin/swift-gym").write(to: root, force: false)
        let config = try GlobalConfig.load(files: [root + "/configs/my_swift_agent.yaml"])
        let agents = config.serverInstances
        #expect(agents.map(\.name) == ["my_swift_agent"])
        let agent = try #require(agents.first)
        #expect(agent.serverType == "responses_api_agents" && agent.implementation == "my_swift_agent")
        #expect(agent.block["entrypoint"] == "app.py")
        #expect(agent.block["model_server"] == ["type": "responses_api_models", "name": "policy_model"])
        #expect(agent.block["max_steps"] == nil)
        #expect(config.missingValuePaths() == ["my_swift_agent.responses_api_agents.my_swift_agent.resources_server.name"])

        // With the resources server named (as the generated comment says) and the launcher's ports, the
        // block deploys.
        var withServers = config.values
        withServers["policy_model"] = ["responses_api_models": ["openai_model": ["host": "127.0.0.1", "port": 8000]]]
        withServers["example_single_tool_call"] = ["resources_servers": ["example_single_tool_call": ["host": "127.0.0.1", "port": 8001]]]
        let deployed = try GlobalConfig(withServers).applying(overrides: [
            try .parse("++my_swift_agent.responses_api_agents.my_swift_agent.resources_server.name=example_single_tool_call"),
            try .parse("++my_swift_agent.responses_api_agents.my_swift_agent.port=8002"),
        ]).resolved(environment: [:])
        let deployment = try AgentDeployment(config: deployed, instanceName: "my_swift_agent")
        #expect(try deployment.resourcesServer.baseURL() == "http://127.0.0.1:8001")
        #expect(try deployment.modelServer.baseURL() == "http://127.0.0.1:8000")

        // --resources-server writes the name instead of ???.
        let named = NeMoGymAgentDirectory(executable: "/bin/swift-gym", resourcesServer: "example_single_tool_call")
        let value = try YAMLReader.parse(named.configYAML)
        #expect(value["swift_simple_agent"]?["responses_api_agents"]?["swift_simple_agent"]?["resources_server"]?["name"] == "example_single_tool_call")
    }

    @Test(.enabled(if: NeMoGymAgentDirectoryTests.python != nil), .timeLimit(.minutes(1)))
    func appPyExecsTheBinaryWithServeUnlessTheVariableNamesAnother() throws {
        let root = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let fake = root + "/fake swift-gym"
        try "#!/bin/sh\necho \"fake $*\"\n".write(toFile: fake, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: fake)
        try NeMoGymAgentDirectory(executable: fake).write(to: root + "/agent", force: false)

        func run(_ environment: [String: String]) throws -> String {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: try #require(Self.python))
            process.arguments = ["app.py", "--log-level", "debug"]
            process.currentDirectoryURL = URL(fileURLWithPath: root + "/agent")
            process.environment = environment
            let pipe = Pipe()
            process.standardOutput = pipe
            try process.run()
            let data = pipe.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return String(decoding: data, as: UTF8.self)
        }
        #expect(try run(["PATH": "/usr/bin:/bin"]) == "fake serve --log-level debug\n")
        #expect(try run(["PATH": "/usr/bin:/bin", "NEMO_GYM_SWIFT_GYM": "/bin/echo"]) == "serve --log-level debug\n")
    }

    @Test func existingFilesAreKeptUnlessForcedAndAFileIsNotADirectory() async throws {
        let root = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let directory = root + "/responses_api_agents/swift_simple_agent"
        func gym(_ arguments: [String]) async -> (code: Int32, out: String, err: String) {
            let (console, output) = Console.capturing()
            let code = await GymCLI.main(["nemo-gym", "agent-dir"] + arguments, console: console)
            return (code, output.standardOutput, output.standardError)
        }
        let first = await gym([directory])
        #expect(first.code == 0, "\(first.err)")
        #expect(first.out.contains("configs/swift_simple_agent.yaml") && first.err.isEmpty)
        try "# mine\n".write(toFile: directory + "/requirements.txt", atomically: true, encoding: .utf8)

        let again = await gym([directory])
        #expect(again.code == 1)
        #expect(again.err.hasPrefix("error: '\(directory)' already has app.py, requirements.txt, configs/swift_simple_agent.yaml: pass --force"))
        #expect(try Self.read(directory + "/requirements.txt") == "# mine\n")
        #expect(await gym([directory, "--force"]).code == 0)
        #expect(try Self.read(directory + "/requirements.txt") != "# mine\n")

        let file = await gym([directory + "/app.py"])
        #expect(file.code == 1 && file.err.contains("is a file, not a directory"))
        #expect(await gym([directory, "--name", "bad/name"]).code == 2)
        #expect(await gym([]).code == 2)
        let elsewhere = await gym([root + "/elsewhere"])
        #expect(elsewhere.code == 0 && elsewhere.err.hasPrefix("warning: NeMo Gym's launcher starts the implementation 'swift_simple_agent'"))
    }
}
