import Foundation

/// `swift-gym list agents [NAME] [--json] [--search-dir DIR]...`: the agents of the search roots, or one agent.
public struct ListAgentsCommand: GymCommand {
    public static let path = ["list", "agents"]
    public static let summary = "List the agents of NeMo Gym checkouts, or show one"
    public static let usage = """
        USAGE: swift-gym list agents [NAME] [--json] [--search-dir DIR]...

        Lists every agent (responses_api_agents/<name>/ with an app.py or an agent config) of the search
        roots: each --search-dir in order, then NEMO_GYM_EXTRA_ROOTS (':'-separated), then the current
        directory. An earlier root shadows a later one. With NAME, shows that agent.

        OPTIONS:
          NAME                 Show one agent: description, path, composition, variants.
          --json               Print JSON (one line) instead of a table.
          --search-dir DIR     Also search DIR, before the other roots (repeatable).
          -h, --help           Show this help.
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
