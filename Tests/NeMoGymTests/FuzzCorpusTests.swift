import Foundation
import Testing
@testable import NeMoGym

/// Replays the fuzz corpus (`Fixtures/fuzz/<target>/`: seeds and every fixed finding) through the checks the
/// fuzz targets run (`FuzzChecks`), so a regression fails here without a fuzzer.
@Suite struct FuzzCorpusTests {
    @Test(arguments: FuzzChecks.targets)
    func corpusPassesTheFuzzChecks(target: String) throws {
        let directory = TestPaths.fixture("fuzz/" + target)
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { !$0.hasPrefix(".") }.sorted()
        #expect(!names.isEmpty, "no inputs in Fixtures/fuzz/\(target)")
        for name in names {
            let bytes = Array(try Data(contentsOf: directory.appendingPathComponent(name)))
            let problems = FuzzChecks.check(target, bytes)
            #expect(problems.isEmpty, "\(target)/\(name): \(problems)")
        }
    }

    /// The findings the checks exist for are caught: JSON that was accepted although it is not UTF-8, YAML
    /// whose printed form did not read back.
    @Test func theChecksCatchWhatTheyAreFor() {
        #expect(FuzzChecks.json(Array(#"{"a":1}"#.utf8)).isEmpty)
        #expect(FuzzChecks.yaml(Array("a: 1\n".utf8)).isEmpty)
        #expect(FuzzChecks.chunked(Array("3\r\nabc\r\n0\r\n\r\n".utf8)).isEmpty)
        #expect(FuzzChecks.decodeChunked(Array("3\r\nabc\r\n0\r\n\r\n".utf8), pieceSizes: { _ in 1 }, maxBody: 100)
            == .complete(Array("abc".utf8)))
        #expect(FuzzChecks.httpHead(Array("GET / HTTP/1.1\r\nHost: x\r\n\r\n".utf8)).isEmpty)
        #expect(FuzzChecks.check("nope", []).count == 1)
    }
}
