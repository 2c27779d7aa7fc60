import Foundation
import Testing
@testable import NeMoGym

/// Ports of NeMo Gym's `test_agent_registry.py` and `test_discovery.py` (spec §8.3) on fixture trees.
@Suite struct AgentRegistryTests {
    static let tree = TestPaths.fixture("registry/tree").path
    static let agentsDir = tree + "/responses_api_agents"

    static func agents() -> [String: AgentEntry] {
        Dictionary(uniqueKeysWithValues: AgentRegistry.discoverAgents(inDirectory: agentsDir).map { ($0.name, $0) })
    }

    @Test func patternAIsComposableWithDescriptionAndVariant() throws {
        let agent = try #require(Self.agents()["pattern_a"])
        #expect(agent.selfContained == false)
        #expect(agent.description == "A composable agent")
        #expect(agent.variantNames == ["simple_agent"])
        #expect(agent.pattern == "A (composable)")
    }

    @Test func agentFrameworkMakesPatternB() throws {
        let agent = try #require(Self.agents()["pattern_b"])
        #expect(agent.selfContained == true)
        #expect(agent.composition == "self-contained (B)")
    }

    @Test func externalHarnessIsSelfContainedDespiteResourcesServer() throws {
        #expect(try #require(Self.agents()["external"]).selfContained == true)
    }

    @Test func zeroConfigAgentIsComposableWithoutConfigs() throws {
        let agent = try #require(Self.agents()["zero_config"])
        #expect(agent.configPaths.isEmpty)
        #expect(agent.selfContained == false)
    }

    @Test func everyVariantIsRecorded() throws {
        let agent = try #require(Self.agents()["multi"])
        #expect(Set(agent.variants.keys) == ["orchestrator_agent", "rewoo_agent"])
    }

    @Test func nonAgentYAMLIsFilteredButAppPyKeepsTheDirectory() throws {
        let agent = try #require(Self.agents()["non_agent_yaml"])
        #expect(agent.configPaths.isEmpty)
    }

    @Test func directoriesWithoutAppOrConfigsAndLooseFilesAreSkipped() {
        let names = Set(Self.agents().keys)
        #expect(!names.contains("empty_dir"))
        #expect(!names.contains("loose_file.txt"))
        #expect(!names.contains("yml_only"))  // only configs/*.yaml count
    }

    @Test func unparseableConfigDoesNotFailTheListing() throws {
        let agent = try #require(Self.agents()["broken"])
        #expect(agent.configPaths.isEmpty)
        #expect(Self.agents().count == 7)
    }

    @Test func missingDirectoryGivesNothing() {
        #expect(AgentRegistry.discoverAgents(inDirectory: "/nonexistent/responses_api_agents").isEmpty)
        #expect(AgentRegistry.discoverAgents(roots: ["/nonexistent"]).isEmpty)
    }

    @Test func childrenAreListedInSortedOrder() {
        let names = AgentRegistry.discoverAgents(inDirectory: Self.agentsDir).map(\.name)
        #expect(names == ["broken", "external", "multi", "non_agent_yaml", "pattern_a", "pattern_b", "zero_config"])
    }

    @Test(.enabled(if: TestPaths.hasSharedConformance))
    func realSimpleAgentIsNotSelfContained() throws {
        let tree = try #require(TestPaths.sharedConformance).appendingPathComponent("registry/nemo-gym-tree").path
        let agent = try #require(AgentRegistry.discoverAgents(roots: [tree]).first { $0.name == "simple_agent" })
        #expect(agent.selfContained == false)
    }

    @Test func entryIsHashableAndVariantsMapStemToPath() {
        let entry = AgentEntry(name: "a", path: "/x/a", configPaths: ["a/configs/a.yaml"], selfContained: false,
                               description: nil)
        #expect(entry.variants == ["a": "a/configs/a.yaml"])
        #expect(Set([entry, entry]).count == 1)
    }

    // MARK: - Roots

    @Test func earlierRootShadowsLaterOneAndOrderIsKept() {
        let first = TestPaths.fixture("registry/first").path
        let second = TestPaths.fixture("registry/second").path
        let agents = AgentRegistry.discoverAgents(roots: [first, second])
        #expect(agents.map(\.name) == ["alpha", "dup", "other"])
        #expect(agents.first { $0.name == "dup" }?.description == "from_first")
        #expect(AgentRegistry.discoverAgents(roots: [second, first]).first { $0.name == "dup" }?.description
            == "from_second")
        #expect(AgentRegistry.discoverAgents(roots: []).isEmpty)
    }

    @Test func searchDirsComeFirstThenEnvironmentThenCurrentDirectory() {
        let roots = AgentRegistry.searchRoots(searchDirs: ["/s"], environment: ["NEMO_GYM_EXTRA_ROOTS": "/a:/b"],
                                              currentDirectory: "/cwd")
        #expect(roots == ["/s", "/a", "/b", "/cwd"])
    }

    @Test func emptyVariableAddsNothing() {
        let roots = AgentRegistry.searchRoots(searchDirs: [], environment: ["NEMO_GYM_EXTRA_ROOTS": "::"],
                                              currentDirectory: "/cwd")
        #expect(roots == ["/cwd"])
    }

    @Test func rootsAreDeduplicatedByResolvedPathKeepingTheFirst() throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("registry-\(UUID().uuidString)")
        let real = base.appendingPathComponent("real")
        try FileManager.default.createDirectory(at: real, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: base) }
        let link = base.appendingPathComponent("link")
        try FileManager.default.createSymbolicLink(at: link, withDestinationURL: real)
        let roots = AgentRegistry.searchRoots(searchDirs: [link.path, "real"],
                                              environment: ["NEMO_GYM_EXTRA_ROOTS": real.path + ":" + base.path],
                                              currentDirectory: base.path)
        #expect(roots == [link.path, base.path])
    }
}
