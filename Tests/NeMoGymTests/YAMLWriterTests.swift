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

    /// Strings the reader treats specially, as keys and as values, at the top level, in a mapping and in a
    /// sequence: what the writer prints reads back to the same value.
    static let trickyStrings: [String] = [
        "---", "...", "--- a", "... a", "---a", "...a", "--- ", "---\tx", "- a", "-", "? a", "?", ": a", ":", "a:",
        "a: b", "a:\tb", "a #b", "a\t#b", "#a", "a#b", "", " ", "  ", " a", "a ", "\ta", "a\t", "a\tb", "\t",
        "yes", "No", "on", "OFF", "true", "null", "Null", "~", "1", "-1", "+1", "0x1F", "0o7", "017", "1_000",
        "1:30", "1.5", ".5", "1e5", "1E-5", ".inf", "-.Inf", ".nan", "<<", "=", "2024-01-01", "[a]", "{a}",
        "a, b", "[", "]", "{", "}", ",", "&a", "*a", "!a", "!!str a", "|", ">", "|-", "'a'", "\"a\"", "%YAML",
        "@a", "`a", "a'b", "a\"b", "a\\b", "${a.b}", "???", "a\nb", "a\n", "a\n\n", "\na", "\n", "a\r\nb",
        "a\u{0}b", "\u{1B}[0m", "\u{7F}", "\u{80}", "\u{85}", "\u{9F}", "\u{A0}", "\u{2028}", "\u{2029}",
        "\u{FEFF}a", "\u{FFFE}", "\u{FFFF}", "😀", "naïve café", "a\n  b", "a\n  ", "a\n\tb", "--- a\nb",
        "a\n---\nb", "a\n...\nb", "a\n# c", "line\n", "x\n\n\n", "a: b\nc", "- a\n- b",
        // Combining marks first: with the indentation before them they form one Character (a fuzz finding).
        "\u{5BA}*444\"", "\u{301}a", "\u{301}", " \u{301}x\ny", "\u{301}x\ny", "\u{301}- a", "a: \u{301}b", "a #\u{301}", "---\u{301}", "a:\u{301}",
    ]

    @Test func trickyStringsReadBackAsWritten() throws {
        let writer = YAMLWriter()
        for s in Self.trickyStrings {
            let values: [JSONValue] = [
                ["k": .string(s)],
                .object(JSONObject([(s, .string("v"))])),
                .object(JSONObject([(s, .string(s)), ("next", .int(1))])),
                ["outer": .object(JSONObject([(s, .array([.string(s), ["x": .string(s)]]))]))],
                .array([.string(s), .object(JSONObject([(s, .string(s))]))]),
            ]
            for value in values {
                let text = writer.string(value)
                var read: JSONValue?
                do { read = try YAMLReader.parse(text) } catch {
                    Issue.record("\(s.debugDescription): \(error)\n\(text)")
                    continue
                }
                #expect(read?.isEquivalent(to: value) == true, "\(s.debugDescription) wrote:\n\(text)")
            }
        }
    }

    @Test func documentMarkersAreQuoted() {
        let text = YAMLWriter().string(.object(JSONObject([("--- a", .int(1)), ("...", .string("--- b")), ("k", .string("..."))])))
        #expect(text == "\"--- a\": 1\n\"...\": \"--- b\"\nk: \"...\"\n")
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
