import Foundation
import Testing
@testable import NeMoGym

@Suite struct YAMLWriterTests {
    @Test func writesBlockStyleWithTwoSpaceIndent() {
        let value: JSONValue = ["a": ["b": 1, "list": ["x", ["k": true, "m": nil]]], "empty": [:], "none": []]
        #expect(YAMLWriter().string(value) == """
            a:
              b: 1
              list:
                - x
                - k: true
                  m: null
            empty: {}
            none: []

            """)
    }

    @Test func quotesWhatWouldReadBackDifferently() throws {
        let value: JSONValue = ["s": ["yes", "1", "", " lead", "a: b", "#c", "null", "x\ty", "${a.b}", "???"],
                                "on": "ok", "text": "line 1\nline 2\n", "ml": "a\n\n", "f": 1.5, "i": .number(JSONNumber(unchecked: "1e-5"))]
        let text = YAMLWriter().string(value)
        #expect(text.contains("- ${a.b}") && text.contains("- ???"))
        #expect(text.contains("text: |\n  line 1\n  line 2"))
        #expect(try YAMLReader.parse(text).isEquivalent(to: value))
    }

    @Test(.enabled(if: TestPaths.hasSharedConformance))
    func realCorpusRoundTrips() throws {
        let root = try #require(TestPaths.sharedConformance).appendingPathComponent("yaml/real")
        var checked = 0
        for file in YAMLReaderConformanceTests.yamlFiles(under: root) {
            guard let value = try? YAMLReader.parseFile(atPath: root.appendingPathComponent(file).path) else { continue }
            let again = try YAMLReader.parse(YAMLWriter().string(value), source: file)
            #expect(again.isEquivalent(to: value), "\(file)")
            checked += 1
        }
        #expect(checked == 560)
    }
}
