import Foundation
import Testing
@testable import NeMoGym
@testable import SwiftGymCLI

/// `swift-gym list agents` / `swift-gym search agents` output (ports of NeMo Gym's `test_cli_agents.py` and D9).
@Suite struct AgentListingTests {
    static let tree = TestPaths.fixture("registry/tree").path
    static let empty = TestPaths.fixture("registry/empty").path

    static func run(_ name: String? = nil, query: String? = nil, json: Bool = false, cwd: String = tree,
                    environment: [String: String] = [:]) -> (code: Int32, out: String, err: String) {
        let (console, output) = Console.capturing()
        let code = AgentListing.run(name: name, query: query, json: json, searchDirs: [], environment: environment,
                                    currentDirectory: cwd, console: console)
        return (code, output.standardOutput, output.standardError)
    }

    @Test func tableShowsNamesAndBothCompositions() {
        let result = Self.run()
        #expect(result.code == 0)
        let lines = result.out.split(separator: "\n").map(String.init)
        #expect(lines[0] == "NeMo Gym agents")
        #expect(lines[1].hasPrefix("agent ") && lines[1].contains("composition") && lines[1].hasSuffix("description"))
        #expect(result.out.contains("pattern_a") && result.out.contains("pattern_b"))
        #expect(result.out.contains("composable (A)") && result.out.contains("self-contained (B)"))
        #expect(lines.contains { $0.hasPrefix("zero_config") && $0.contains("—") })
        #expect(lines.contains { $0.contains("orchestrator_agent, rewoo_agent") })
        // Columns are aligned: every row's composition starts where the header's does.
        let column = lines[1].range(of: "composition")!.lowerBound.utf16Offset(in: lines[1])
        for line in lines.dropFirst(2) where !line.hasPrefix("Roots searched: ") {
            #expect(line.dropFirst(column).hasPrefix("composable") || line.dropFirst(column).hasPrefix("self-contained"))
        }
    }

    @Test func theTableEndsWithTheRootsSearchedInOrder() {
        let result = Self.run(cwd: Self.empty, environment: ["NEMO_GYM_EXTRA_ROOTS": Self.tree])
        #expect(result.out.hasSuffix("\n\nRoots searched: \(Self.tree), \(Self.empty)\n"))
        #expect(!Self.run(json: true).out.contains("Roots searched"))
    }

    @Test func emptySetPrintsNoAgentsFoundOrAnEmptyList() {
        let none = Self.run(cwd: Self.empty).out.split(separator: "\n").map(String.init)
        #expect(none.first == "No agents found.")
        #expect(none.dropFirst().first == "Roots searched: \(Self.empty)")
        #expect(none.last?.contains("--search-dir DIR or NEMO_GYM_EXTRA_ROOTS") == true)
        #expect(Self.run(json: true, cwd: Self.empty).out == "[]\n")
    }

    @Test func jsonHasPatternSelfContainedAndSortedVariants() throws {
        let result = Self.run(json: true)
        #expect(result.out.split(separator: "\n").count == 1)
        let list = try #require(try JSONValue(parsing: result.out).array)
        let multi = try #require(list.first { $0["name"] == "multi" })
        #expect(multi["pattern"] == "A (composable)")
        #expect(multi["self_contained"] == false)
        #expect(multi["variants"] == ["orchestrator_agent", "rewoo_agent"])
        #expect(list.first { $0["name"] == "pattern_b" }?["pattern"] == "B (self-contained)")
        #expect(list.first { $0["name"] == "zero_config" }?["description"] == .null)
    }

    @Test func queryFiltersByNameAndByDescription() {
        let byName = Self.run(query: "pattern_b")
        #expect(byName.out.hasPrefix("Agents matching 'pattern_b'\n"))
        #expect(byName.out.contains("pattern_b") && !byName.out.contains("zero_config"))
        let byDescription = Self.run(query: "COMPOSABLE agent")
        #expect(byDescription.out.contains("pattern_a") && !byDescription.out.contains("external"))
        let fuzzy = Self.run(query: "orchestrater")  // close to a variant token
        #expect(fuzzy.out.contains("multi"))
        #expect(Self.run(query: "zzzz").out == "No agents match 'zzzz'.\nRoots searched: \(Self.tree)\n")
    }

    @Test func inspectShowsDescriptionPathCompositionAndVariants() {
        let result = Self.run("pattern_b")
        #expect(result.out.hasPrefix("The pattern_b agent\n"))
        #expect(result.out.contains("Runs its own framework"))
        #expect(result.out.contains("composition: self-contained (B)"))
        #expect(result.out.contains("variants: openhands"))
        #expect(!result.out.contains("Usage example:"))
        #expect(!Self.run("zero_config").out.contains("variants:"))
    }

    @Test func inspectJSONHasTheDocumentedShape() throws {
        let value = try JSONValue(parsing: Self.run("multi", json: true).out)
        #expect(value["type"] == "agent" && value["domain"] == .null && value["usage_example"] == .null)
        #expect(value["details"]?["variants"] == "orchestrator_agent, rewoo_agent")
        #expect(value["details"]?["composition"] == "composable (A)")
        #expect(value.object?.keys == ["name", "type", "domain", "description", "details", "usage_example"])
    }

    @Test func unknownNameSuggestsTheClosestAndExitsOne() {
        let result = Self.run("patern_b")
        #expect(result.code == 1)
        #expect(result.out.isEmpty)
        #expect(result.err == "Unknown agent 'patern_b'. Did you mean `pattern_b`?\n")
        #expect(Self.run("qqqqqqq").err == "Unknown agent 'qqqqqqq'.\n")
    }

    @Test func inspectShowsTheResolvedPathOfAnExtraRoot() {
        let result = Self.run("pattern_a", cwd: Self.empty, environment: ["NEMO_GYM_EXTRA_ROOTS": Self.tree])
        let resolved = AgentRegistry.realPath(Self.tree + "/responses_api_agents/pattern_a")
        #expect(result.out.contains("  path: \(resolved)\n"))
    }

    @Test func commandsParseTheirArguments() async throws {
        let (console, output) = Console.capturing()
        #expect(await GymCLI.main(["list", "agents", "--search-dir", Self.tree, "--json"], console: console) == 0)
        #expect(output.standardOutput.contains("\"pattern_a\""))
        #expect(await GymCLI.main(["search", "agents"], console: console) == 2)
        #expect(await GymCLI.main(["list", "agents", "a", "b"], console: console) == 2)
        #expect(await GymCLI.main(["list", "agents", "--help"], console: console) == 0)
        #expect(output.standardOutput.contains("USAGE: swift-gym list agents [NAME] [--json] [--search-dir DIR]..."))
    }
}
