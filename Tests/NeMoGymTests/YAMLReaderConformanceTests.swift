import Foundation
import Testing
@testable import NeMoGym

/// The YAML reader against the shared conformance data: every real NeMo Gym YAML file and every edge case.
@Suite(.enabled(if: TestPaths.hasSharedConformance))
struct YAMLReaderConformanceTests {
    static let duplicateKeyFile = "responses_api_agents/mini_swe_agent_2/configs/mini_swe_agent_2.yaml"

    /// Relative paths of every `.yaml`/`.yml` under `dir`, sorted.
    static func yamlFiles(under dir: URL) -> [String] {
        guard let enumerator = FileManager.default.enumerator(atPath: dir.path) else { return [] }
        var files: [String] = []
        while let path = enumerator.nextObject() as? String {
            if path.hasSuffix(".yaml") || path.hasSuffix(".yml") { files.append(path) }
        }
        return files.sorted()
    }

    static func expected(_ url: URL) throws -> JSONValue {
        try JSONValue(parsing: Array(try Data(contentsOf: url)), options: .pythonCompatible)
    }

    @Test func realCorpusMatchesExpectedValues() throws {
        let root = try #require(TestPaths.sharedConformance).appendingPathComponent("yaml/real")
        let files = Self.yamlFiles(under: root)
        #expect(files.count == 561)
        var passed = 0
        var failures: [String] = []
        for file in files where file != Self.duplicateKeyFile {
            let url = root.appendingPathComponent(file)
            do {
                let value = try YAMLReader.parseFile(atPath: url.path)
                let expected = try Self.expected(URL(fileURLWithPath: url.path + ".expected.json"))
                if value.isEquivalent(to: expected, strictNumberKinds: true) {
                    passed += 1
                } else {
                    failures.append("\(file): value differs")
                }
            } catch {
                failures.append("\(file): \(error)")
            }
        }
        #expect(failures.isEmpty, Comment(rawValue: "\(failures.count) failed:\n" + failures.prefix(30).joined(separator: "\n")))
        #expect(passed == 560)
    }

    @Test func duplicateKeyFileIsRejected() throws {
        let root = try #require(TestPaths.sharedConformance).appendingPathComponent("yaml/real")
        let path = root.appendingPathComponent(Self.duplicateKeyFile).path
        let error = try #require(throws: YAMLError.self) { try YAMLReader.parseFile(atPath: path) }
        #expect(error.code == .duplicateKey)
        #expect(error.line == 59 && error.column == 7)
        #expect(error.description.hasPrefix(path + ":59:7: "))
        #expect(error.message.contains("datasets"))
    }

    @Test func edgeCasesGiveTheirValueOrError() throws {
        let root = try #require(TestPaths.sharedConformance).appendingPathComponent("yaml/edgecases")
        let files = Self.yamlFiles(under: root)
        #expect(files.count >= 45)
        var failures: [String] = []
        for file in files {
            let url = root.appendingPathComponent(file)
            let expectedURL = url.deletingPathExtension().appendingPathExtension("expected.json")
            let expected = try Self.expected(expectedURL)
            do {
                let value = try YAMLReader.parseFile(atPath: url.path)
                if expected["$error"] != nil {
                    failures.append("\(file): expected error \(expected["$error"]!), got \(value)")
                } else if !value.isEquivalent(to: expected, strictNumberKinds: true) {
                    failures.append("\(file): got \(value), expected \(expected)")
                }
            } catch let error as YAMLError {
                if expected["$error"]?.string != error.code.description {
                    failures.append("\(file): unexpected error \(error.code): \(error)")
                }
            }
        }
        #expect(failures.isEmpty, Comment(rawValue: "\(failures.count) failed:\n" + failures.joined(separator: "\n")))
    }
}
