/// One agent found by ``AgentRegistry``: a directory under `responses_api_agents/` with an `app.py` or at
/// least one agent config in `configs/*.yaml`.
public struct AgentEntry: Sendable, Hashable {
    /// The directory name, for example `simple_agent`.
    public let name: String
    /// The agent directory, absolute with symlinks resolved.
    public let path: String
    /// The agent configs (`configs/*.yaml` files holding a `responses_api_agents` block), sorted.
    public let configPaths: [String]
    /// Pattern B (`true`): the agent brings its own environment (an agent framework, an external harness,
    /// or no resources server). Pattern A (`false`): composable with a resources server.
    public let selfContained: Bool
    /// The first string `description` of the agent's config blocks.
    public let description: String?

    /// Creates an entry.
    public init(name: String, path: String, configPaths: [String], selfContained: Bool, description: String?) {
        self.name = name
        self.path = path
        self.configPaths = configPaths
        self.selfContained = selfContained
        self.description = description
    }

    /// The variants: config file stem → config path.
    public var variants: [String: String] {
        Dictionary(configPaths.map { (AgentEntry.stem(of: $0), $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// The variant names (config file stems), sorted.
    public var variantNames: [String] { variants.keys.sorted() }

    /// `A (composable)` or `B (self-contained)`, as NeMo Gym's `gym list agents --json` prints it.
    public var pattern: String { selfContained ? "B (self-contained)" : "A (composable)" }

    /// `composable (A)` or `self-contained (B)`, as the table and the inspect view print it.
    public var composition: String { selfContained ? "self-contained (B)" : "composable (A)" }

    static func stem(of path: String) -> String {
        let file = path.split(separator: "/").last.map(String.init) ?? path
        guard let dot = file.lastIndex(of: "."), dot != file.startIndex else { return file }
        return String(file[..<dot])
    }
}
