import Foundation

/// Finds the agents of NeMo Gym checkouts, as NeMo Gym's `gym list agents` (and `swift-gym list agents`)
/// does: every `responses_api_agents/<name>/` directory of every search root that has an `app.py` or an
/// agent config.
///
/// ```swift
/// let roots = AgentRegistry.searchRoots(searchDirs: [], environment: ProcessInfo.processInfo.environment,
///                                       currentDirectory: FileManager.default.currentDirectoryPath)
/// for agent in AgentRegistry.discoverAgents(roots: roots) { print(agent.name, agent.pattern) }
/// ```
public enum AgentRegistry {
    /// The variable listing extra search roots, separated by `:`.
    public static let extraRootsVariable = "NEMO_GYM_EXTRA_ROOTS"

    /// The search roots in order: `searchDirs`, then `NEMO_GYM_EXTRA_ROOTS` (split on `:`, empty entries
    /// dropped), then the current directory. Relative paths are taken from `currentDirectory`; roots that
    /// resolve (symlinks included) to the same directory appear once, at their first place.
    public static func searchRoots(searchDirs: [String], environment: [String: String],
                                   currentDirectory: String) -> [String] {
        let extra = (environment[extraRootsVariable] ?? "").split(separator: ":").map(String.init)
        var seen: Set<String> = []
        var roots: [String] = []
        for candidate in searchDirs + extra + [currentDirectory] where !candidate.isEmpty {
            let absolute = candidate.hasPrefix("/")
                ? candidate : (currentDirectory as NSString).appendingPathComponent(candidate)
            let standardized = lexicallyNormalized(absolute)
            let resolved = realPath(standardized)
            if seen.insert(resolved).inserted { roots.append(standardized) }
        }
        return roots
    }

    /// Every agent under `root/responses_api_agents` for each root, in order; on a name clash the earlier
    /// root wins. Configs that cannot be read or parsed are skipped; discovery never fails.
    public static func discoverAgents(roots: [String]) -> [AgentEntry] {
        var entries: [AgentEntry] = []
        var names: Set<String> = []
        for root in roots {
            for entry in discoverAgents(inDirectory: (root as NSString).appendingPathComponent("responses_api_agents"))
            where names.insert(entry.name).inserted {
                entries.append(entry)
            }
        }
        return entries
    }

    /// The agents directly under `directory` (a `responses_api_agents` folder), by sorted name; `[]` when it
    /// is not a directory.
    public static func discoverAgents(inDirectory directory: String) -> [AgentEntry] {
        let fileManager = FileManager.default
        guard isDirectory(directory), let children = try? fileManager.contentsOfDirectory(atPath: directory) else {
            return []
        }
        var entries: [AgentEntry] = []
        for child in children.sorted() {
            let path = (directory as NSString).appendingPathComponent(child)
            guard isDirectory(path) else { continue }
            let configs = agentConfigs(in: (path as NSString).appendingPathComponent("configs"))
            let hasApp = isFile((path as NSString).appendingPathComponent("app.py"))
            guard hasApp || !configs.isEmpty else { continue }
            let (selfContained, description) = classify(configs.map(\.blocks).flatMap { $0 })
            entries.append(AgentEntry(name: child, path: realPath(path), configPaths: configs.map(\.path),
                                      selfContained: selfContained, description: description))
        }
        return entries
    }

    /// Pattern A/B and the first string description over every agent block of every variant.
    static func classify(_ blocks: [JSONObject]) -> (selfContained: Bool, description: String?) {
        let description = blocks.lazy.compactMap { $0["description"]?.string }.first
        guard !blocks.isEmpty else { return (false, description) }
        let hasResourcesServer = blocks.contains { $0.contains(key: "resources_server") }
        let hasFramework = blocks.contains { $0.contains(key: "agent_framework") }
        let isExternal = blocks.contains { $0.contains(key: "anthropic_api_key") }
        return (!(hasResourcesServer && !hasFramework && !isExternal), description)
    }

    /// The `*.yaml` files of `configs` (sorted) that parse to an agent config, with their agent blocks.
    static func agentConfigs(in configs: String) -> [(path: String, blocks: [JSONObject])] {
        guard isDirectory(configs), let files = try? FileManager.default.contentsOfDirectory(atPath: configs) else {
            return []
        }
        var result: [(path: String, blocks: [JSONObject])] = []
        for file in files.sorted() where file.hasSuffix(".yaml") {
            let path = (configs as NSString).appendingPathComponent(file)
            guard isFile(path), case .object(let root)? = try? YAMLReader.parseFile(atPath: path) else { continue }
            var blocks: [JSONObject] = []
            var isAgentConfig = false
            for (_, value) in root {
                guard case .object(let server) = value, case .object(let agents)? = server["responses_api_agents"]
                else { continue }
                for (_, block) in agents {
                    if case .object(let object) = block { blocks.append(object); isAgentConfig = true }
                }
            }
            if isAgentConfig { result.append((path, blocks)) }
        }
        return result
    }

    // MARK: - File system

    static func isDirectory(_ path: String) -> Bool {
        var directory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &directory) && directory.boolValue
    }

    static func isFile(_ path: String) -> Bool {
        var directory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &directory) && !directory.boolValue
    }

    /// An absolute path without `.`, `..`, repeated or trailing slashes; symlinks are kept.
    static func lexicallyNormalized(_ path: String) -> String {
        var parts: [Substring] = []
        for part in path.split(separator: "/") {
            if part == "." { continue }
            if part == ".." { if !parts.isEmpty { parts.removeLast() }; continue }
            parts.append(part)
        }
        return "/" + parts.joined(separator: "/")
    }

    /// `path` with symlinks resolved (unchanged when it does not exist).
    static func realPath(_ path: String) -> String {
        guard let resolved = realpath(path, nil) else { return path }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}
