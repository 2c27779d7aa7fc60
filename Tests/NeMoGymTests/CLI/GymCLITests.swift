import Foundation
import Testing
@testable import NeMoGym
@testable import SwiftGymCLI

/// The top level of `swift-gym`: version, "did you mean", the `list` group, the one-line usage errors, and
/// one style for every command's help.
@Suite struct GymCLITests {
    static func run(_ arguments: [String]) async -> (code: Int32, out: String, err: String) {
        let (console, output) = Console.capturing()
        let code = await GymCLI.main(arguments, console: console)
        return (code, output.standardOutput, output.standardError)
    }

    @Test func versionPrintsTheNameAndTheLibraryVersion() async {
        for arguments in [["--version"], ["version"]] {
            let result = await Self.run(arguments)
            #expect(result.code == 0)
            #expect(result.out == "swift-gym \(NeMoGymVersion.current)\n")
        }
        #expect(await Self.run(["--help"]).out.contains("--version"))
    }

    @Test(arguments: [
        (["colect", "-i", "x"], "unknown command 'colect'. Did you mean 'collect'?"),
        (["confg", "show"], "unknown command 'confg show'. Did you mean 'config show'?"),
        (["list", "agnts"], "unknown command 'list agnts'. Did you mean 'list agents'?"),
        (["list", "simple_agent"], "unknown command 'list simple_agent'. Did you mean 'list agents simple_agent'?"),
        (["search", "math"], "unknown command 'search math'. Did you mean 'search agents math'?"),
        (["frobnicate"], "unknown command 'frobnicate'."),
    ])
    func unknownCommandsAreOneLineWithTheClosestCommand(_ arguments: [String], _ line: String) async {
        let result = await Self.run(arguments)
        #expect(result.code == 2)
        #expect(result.out.isEmpty)
        #expect(result.err == line + "\nsee 'swift-gym --help'\n")
    }

    @Test func unknownOptionsSuggestTheClosestVisibleOption() async {
        let result = await Self.run(["config", "show", "--jsn", "a.yaml"])
        #expect(result.code == 2)
        #expect(result.err == "unknown option '--jsn'. Did you mean '--json'?\nsee 'swift-gym config show --help'\n")
        let collect = await Self.run(["collect", "--inptu", "x"])
        #expect(collect.err.hasPrefix("unknown option '--inptu'. Did you mean '--input'?\n"))
        // Hidden options are accepted but never suggested.
        let parser = CommandLineParser(options: [.init(key: "b", names: ["--benchmark-parse"], hidden: true)])
        #expect(parser.closestOption(to: "--benchmark-pars") == nil)
        #expect(throws: Never.self) { try parser.parse(["--benchmark-parse"]) }
        #expect(CommandLineParser(options: []).closestOption(to: "--hepl") == "--help")
    }

    @Test func benchTakesOneAgentAndReportsTheKernelShare() async {
        let result = await Self.run(["bench", "--agent", "/x/swift-gym", "--agent-command", "exec python app.py"])
        #expect(result.code == 2)
        #expect(result.err == "--agent and --agent-command both name the agent: give one\nsee 'swift-gym bench --help'\n")
        var report = BenchmarkReport(workload: .single, rollouts: 10, concurrency: 1, seconds: 1, p50: 0.01, p99: 0.02,
                                     agentCPUMillisecondsPerRollout: 0.5, agentCPUMicrosecondsPerStep: 250, agentPeakRSSBytes: 1 << 20,
                                     bytesDecodedPerRollout: 0, bytesEncodedPerRollout: 0, failures: 0)
        report.agentSystemCPUMillisecondsPerRollout = 0.2
        #expect(report.text.contains("agent CPU / rollout   0.5 ms (0.2 ms of it in the kernel; 250.0 µs per model step"))
        #expect(report.json["agent_system_cpu_ms_per_rollout"] == 0.2)
    }

    @Test func theBurstReportsTheArrivalSpansAndTheLoadsCPU() async throws {
        var report = BenchmarkReport(workload: .burst, rollouts: 8, concurrency: 8, seconds: 2, p50: 2, p99: 2.1,
                                     agentCPUMillisecondsPerRollout: 0.5, agentCPUMicrosecondsPerStep: 250, agentPeakRSSBytes: 1 << 20,
                                     bytesDecodedPerRollout: 0, bytesEncodedPerRollout: 0, failures: 0)
        report.maxFirstCallsInFlight = 6
        report.firstCallsArrivedOverMilliseconds = 1250
        report.seedsArrivedOverMilliseconds = 1000
        report.loadCPUSeconds = (driver: 0.25, fakes: 1.5)
        #expect(report.text.contains("model in flight      6 first calls at once (of 8); they arrived over 1.25 s, the seeds over 1.0 s"))
        #expect(report.text.contains("load CPU             driver 0.25 s, fakes 1.5 s"))
        #expect(report.json["model_first_calls_arrived_over_ms"]?.double == 1250)
        #expect(report.json["resources_seeds_arrived_over_ms"]?.double == 1000)
        #expect(report.json["fakes_cpu_seconds"] == 1.5)

        // The fakes' spans and most-in-flight start again at each /stats read; the byte counts only grow.
        let fakes = BenchmarkFakes(workload: .single, modelLatency: .milliseconds(1))
        func post(_ path: String, _ body: JSONValue, to handler: AgentHTTPHandler) async -> AgentHTTPResponse {
            await handler(AgentHTTPRequest(method: .post, target: path, headers: ["Content-Type": "application/json"], body: body.jsonBytes()))
        }
        for _ in 0..<2 {
            _ = await post("/seed_session", [:], to: fakes.resourcesHandler)
            try await Task.sleep(for: .milliseconds(5))
            _ = await post("/v1/responses", ["input": [["role": "user", "content": "hi"]]], to: fakes.modelHandler)
        }
        let first = fakes.statsJSON
        #expect(first["max_first_calls_in_flight"] == 1)
        #expect(first["first_calls"] == 2)
        #expect((first["seeds_arrived_over_ms"]?.double ?? 0) >= 5)
        #expect((first["first_calls_arrived_over_ms"]?.double ?? 0) >= 5)
        let second = fakes.statsJSON
        #expect(second["max_first_calls_in_flight"] == 0)
        #expect(second["seeds_arrived_over_ms"]?.double == 0)
        #expect(second["first_calls"] == 2)
        #expect(second["sent"] == first["sent"])
    }

    @Test func aUsageErrorIsOneLinePlusWhereToLookNotTheWholeHelp() async {
        let result = await Self.run(["collect", "-o", "o.jsonl", "--agent-url", "http://x"])
        #expect(result.code == 2)
        #expect(result.err == "missing -i/--input IN.jsonl\nsee 'swift-gym collect --help'\n")
        #expect(!result.err.contains("USAGE"))
    }

    @Test func listAloneListsAgentsAndHelpNamesACommand() async throws {
        let tree = TestPaths.fixture("registry/tree").path
        let list = await Self.run(["list", "--search-dir", tree, "--json"])
        #expect(list.code == 0)
        #expect(try JSONValue(parsing: list.out).array?.isEmpty == false)
        let bare = await Self.run(["list"])
        #expect(bare.code == 0)
        #expect(bare.out.contains("Roots searched: "))
        let help = await Self.run(["help", "collect"])
        #expect(help.code == 0 && help.out == CollectCommand.usage + "\n")
        #expect(await Self.run(["help", "colect"]).err.hasPrefix("unknown command 'colect'. Did you mean 'collect'?"))
        #expect(await Self.run([]).code == 2)
        #expect(await Self.run(["help", "--help"]).out == GymCLI.usage + "\n")
    }

    @Test func everyCommandsHelpHasTheSameSectionsAndListsItsExitCodes() {
        for command in GymCLI.commands {
            let usage = command.usage
            let path = command.path.joined(separator: " ")
            #expect(usage.hasPrefix("USAGE: swift-gym \(path)"), "\(path)")
            #expect(usage.contains("\nOPTIONS:\n"), "\(path)")
            #expect(usage.contains("\n  -h, --help "), "\(path)")
            #expect(usage.contains("\n  -h, --help") && usage.contains("show this help"), "\(path)")
            #expect(usage.contains("\nEXIT CODES:\n  0  "), "\(path)")
            #expect(usage.contains("\n  1  ") && usage.contains("\n  2  usage error"), "\(path)")
            #expect(!usage.contains("Options:") && !usage.contains("USAGE: gym "), "\(path)")
            // Option descriptions start in lower case and end without a period.
            let options = usage.components(separatedBy: "\nOPTIONS:\n")[1].components(separatedBy: "\n\n")[0]
            for line in options.split(separator: "\n") where line.hasPrefix("  -") {
                let spec = line.dropFirst(2)
                let description = spec.range(of: "  ").map { spec[$0.upperBound...].drop { $0 == " " } } ?? ""
                #expect(description.first.map { !$0.isUppercase } ?? true, "\(path): \(line)")
                #expect(!line.hasSuffix("."), "\(path): \(line)")
            }
        }
        #expect(CollectCommand.usage.contains("\n  3  "))
        #expect(GymCLI.usage.contains("USAGE: swift-gym <command>"))
        #expect(GymCLI.usage.contains("\nEXIT CODES:\n  0  success\n"))
    }
}
