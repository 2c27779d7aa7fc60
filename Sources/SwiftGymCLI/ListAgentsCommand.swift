import NeMoGym
import Foundation

/// `swift-gym list agents [NAME] [--json] [--search-dir DIR]...`: the agents of the search roots, or one agent.
public struct ListAgentsCommand: GymCommand {
    public static let path = ["list", "agents"]
    public static let summary = "List the agents of NeMo Gym checkouts, or show one"
    public static let usage = """
        USAGE: swift-gym list agents [NAME] [--json] [--search-dir DIR]...

        Lists every agent (responses_api_agents/<name>/ with an app.py or an agent config) of the search
        roots: each --search-dir in order, then NEMO_GYM_EXTRA_ROOTS (':'-separated), then the current
        directory; an earlier root shadows a later one. The table ends with the roots searched. With NAME,
        shows that agent. 'swift-gym list' alone is 'swift-gym list agents'.

        ARGUMENTS:
          NAME                 show one agent: description, path, composition, variants

        OPTIONS:
          --json               print JSON (one line) instead of a table
          --search-dir DIR     also search DIR, before the other roots (repeatable)
          -h, --help           show this help

        \(HelpText.exitCodes(success: "listed (also when no agent was found)", failure: "NAME is not an agent of the roots (with the closest name, if any)"))
        """

    public static func run(_ arguments: [String], console: Console) async throws -> Int32 {
        let parsed = try AgentListing.parser.parse(arguments)
        guard parsed.positionals.count <= 1 else {
            throw UsageError("expected at most one agent NAME, got \(parsed.positionals.count)")
        }
        return AgentListing.run(name: parsed.positionals.first, query: nil, json: parsed.flag("json"),
                                searchDirs: parsed.allValues("search-dir"),
                                environment: ProcessInfo.processInfo.environment,
                                currentDirectory: FileManager.default.currentDirectoryPath, console: console)
    }
}
