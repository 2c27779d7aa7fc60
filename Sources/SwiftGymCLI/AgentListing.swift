import NeMoGym
import Foundation

/// What `swift-gym list agents` and `swift-gym search agents` print: the agents table, its JSON form, the inspect view
/// of one agent, and the fuzzy query matching.
public struct AgentListing: Sendable {
    /// The agents to show, in discovery order.
    public var agents: [AgentEntry]
    /// The roots that were searched, in order (named at the end of the text output; none: not named).
    public var roots: [String]

    /// Creates a listing.
    public init(agents: [AgentEntry], roots: [String] = []) {
        self.agents = agents
        self.roots = roots
    }

    /// Discovers the agents of the search roots (`searchDirs`, `NEMO_GYM_EXTRA_ROOTS`, the current directory).
    public static func discover(searchDirs: [String], environment: [String: String],
                                currentDirectory: String) -> AgentListing {
        let roots = AgentRegistry.searchRoots(searchDirs: searchDirs, environment: environment,
                                              currentDirectory: currentDirectory)
        return AgentListing(agents: AgentRegistry.discoverAgents(roots: roots), roots: roots)
    }

    // MARK: - Matching

    /// The agents whose name, description or a variant name matches `query`: a case-insensitive substring,
    /// or a difflib similarity of at least 0.70 to the whole field or to one of its `_`/`-`/space tokens.
    public func matching(_ query: String) -> AgentListing {
        let q = query.lowercased()
        let matched = agents.filter { agent in
            let fields = [agent.name] + (agent.description.map { [$0] } ?? []) + agent.variantNames
            return fields.contains { AgentListing.fieldMatches(q, $0.lowercased()) }
        }
        return AgentListing(agents: matched, roots: roots)
    }

    static func fieldMatches(_ query: String, _ field: String) -> Bool {
        if field.contains(query) { return true }
        if Similarity.ratio(query, field) >= 0.70 { return true }
        let tokens = field.split(whereSeparator: { $0 == "_" || $0 == "-" || $0 == " " }).map(String.init)
        return tokens.contains { Similarity.ratio(query, $0) >= 0.70 }
    }

    // MARK: - Output

    /// `[{"name","pattern","self_contained","variants","description"}]` on one line.
    public func json() -> String {
        let items: [JSONValue] = agents.map { agent in
            .object([
                "name": .string(agent.name),
                "pattern": .string(agent.pattern),
                "self_contained": .bool(agent.selfContained),
                "variants": .array(agent.variantNames.map { .string($0) }),
                "description": agent.description.map { .string($0) } ?? .null,
            ])
        }
        return JSONValue.array(items).jsonString()
    }

    /// The title line and the aligned table, or the "no agents" line; then the roots searched (when
    /// ``roots`` is not empty), and for an empty listing how to add one.
    public func text(query: String? = nil) -> String {
        let searched = roots.isEmpty ? [] : ["Roots searched: " + roots.joined(separator: ", ")]
        if agents.isEmpty {
            let none = query.map { "No agents match '\($0)'." } ?? "No agents found."
            let add = roots.isEmpty || query != nil ? [] : ["Agents are looked for in ROOT/responses_api_agents/: add a NeMo Gym checkout as a root with --search-dir DIR or NEMO_GYM_EXTRA_ROOTS, or run from one."]
            return ([none] + searched + add).joined(separator: "\n")
        }
        let title = query.map { "Agents matching '\($0)'" } ?? "NeMo Gym agents"
        let table = TextTable(header: ["agent", "composition", "variants", "description"], rows: agents.map {
            [$0.name, $0.composition, $0.variantNames.isEmpty ? "—" : $0.variantNames.joined(separator: ", "),
             $0.description ?? ""]
        })
        return ([title] + table.lines() + (searched.isEmpty ? [] : [""] + searched)).joined(separator: "\n")
    }

    /// The inspect view of one agent (`swift-gym list agents NAME`).
    public static func inspectText(_ agent: AgentEntry) -> String {
        var lines = ["The \(agent.name) agent"]
        if let description = agent.description { lines += ["", description] }
        lines += ["", "Details:", "  path: \(agent.path)", "  composition: \(agent.composition)"]
        if !agent.variantNames.isEmpty { lines.append("  variants: " + agent.variantNames.joined(separator: ", ")) }
        return lines.joined(separator: "\n")
    }

    /// `{"name","type":"agent","domain":null,"description","details":{...},"usage_example":null}`.
    public static func inspectJSON(_ agent: AgentEntry) -> String {
        var details: JSONObject = ["path": .string(agent.path), "composition": .string(agent.composition)]
        if !agent.variantNames.isEmpty { details["variants"] = .string(agent.variantNames.joined(separator: ", ")) }
        let value: JSONValue = [
            "name": .string(agent.name), "type": "agent", "domain": nil,
            "description": agent.description.map { .string($0) } ?? .null,
            "details": .object(details), "usage_example": nil,
        ]
        return value.jsonString()
    }

    /// `Unknown agent 'x'.` plus `` Did you mean `y`?`` when a name is close.
    public func unknownAgentMessage(_ name: String) -> String {
        let message = "Unknown agent '\(name)'."
        guard let best = Similarity.closeMatches(name, in: agents.map(\.name), count: 1, cutoff: 0.6).first else {
            return message
        }
        return message + " Did you mean `\(best)`?"
    }

    // MARK: - Commands

    /// Runs `swift-gym list agents` / `swift-gym search agents` with explicit inputs (the commands pass the process's).
    public static func run(name: String?, query: String?, json: Bool, searchDirs: [String],
                           environment: [String: String], currentDirectory: String, console: Console) -> Int32 {
        let all = discover(searchDirs: searchDirs, environment: environment, currentDirectory: currentDirectory)
        if let name {
            guard let agent = all.agents.first(where: { $0.name == name }) else {
                console.printError(all.unknownAgentMessage(name))
                return 1
            }
            console.print(json ? inspectJSON(agent) : inspectText(agent))
            return 0
        }
        let shown = query.map { all.matching($0) } ?? all
        console.print(json ? shown.json() : shown.text(query: query))
        return 0
    }

    static let parser = CommandLineParser(options: [
        .init(key: "json", names: ["--json"]),
        .init(key: "search-dir", names: ["--search-dir"], takesValue: true),
    ])
}
