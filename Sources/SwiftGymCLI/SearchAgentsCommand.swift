import NeMoGym
import Foundation

/// `swift-gym search agents QUERY [--json] [--search-dir DIR]...`: the agents whose name, description or variant
/// names match QUERY.
public struct SearchAgentsCommand: GymCommand {
    public static let path = ["search", "agents"]
    public static let summary = "Search agents by name, description or variant"
    public static let usage = """
        USAGE: swift-gym search agents QUERY [--json] [--search-dir DIR]...

        Lists the agents whose name, description or a variant name contains QUERY (any case) or is close to
        it (difflib similarity >= 0.70 to the whole field or to one of its '_', '-' or space separated words).
        Roots as for 'swift-gym list agents'.

        ARGUMENTS:
          QUERY                what to look for

        OPTIONS:
          --json               print JSON (one line) instead of a table
          --search-dir DIR     also search DIR, before the other roots (repeatable)
          -h, --help           show this help

        \(HelpText.exitCodes(success: "listed (also when nothing matched)"))
        """

    public static func run(_ arguments: [String], console: Console) async throws -> Int32 {
        let parsed = try AgentListing.parser.parse(arguments)
        guard parsed.positionals.count == 1, let query = parsed.positionals.first else {
            throw UsageError("expected one QUERY, got \(parsed.positionals.count)")
        }
        return AgentListing.run(name: nil, query: query, json: parsed.flag("json"),
                                searchDirs: parsed.allValues("search-dir"),
                                environment: ProcessInfo.processInfo.environment,
                                currentDirectory: FileManager.default.currentDirectoryPath, console: console)
    }
}
