import Foundation
import Testing
@testable import NeMoGym

@Suite struct JSONWriterTests {
    /// `{"a": [1, 2.5, {"b": None, "c": []}, {}], "s": "café 😀 / \\ \"q\" \x7f", ...}` in Python.
    static let sample: JSONValue = [
        "a": [1, 2.5, ["b": nil, "c": []], [:]],
        "s": "café 😀 / \\ \"q\" \u{7F}",
        "t": true,
        "e": [[]],
        "o": ["x": ["y": "z"]],
    ]

    @Test func compactMatchesPythonWithCompactSeparatorsAndUTF8() {
        // json.dumps(doc, ensure_ascii=False, separators=(',',':'))
        let expected = #"{"a":[1,2.5,{"b":null,"c":[]},{}],"s":"café 😀 / \\ \"q\" "# + "\u{7F}" + #"","t":true,"e":[[]],"o":{"x":{"y":"z"}}}"#
        #expect(Self.sample.jsonString() == expected)
        #expect(Self.sample.jsonBytes() == Array(expected.utf8))
        #expect(Self.sample.description == expected)
    }

    @Test func pythonStyleMatchesJSONDumps() {
        // json.dumps(doc)
        let expected = #"{"a": [1, 2.5, {"b": null, "c": []}, {}], "s": "caf\u00e9 \ud83d\ude00 / \\ \"q\" \u007f", "t": true, "e": [[]], "o": {"x": {"y": "z"}}}"#
        #expect(Self.sample.jsonString(style: .python) == expected)
    }

    @Test func indentedMatchesJSONDumpsIndent2() {
        // json.dumps(doc, indent=2, ensure_ascii=False)
        let expected = "{\n  \"a\": [\n    1,\n    2.5,\n    {\n      \"b\": null,\n      \"c\": []\n    },\n    {}\n  ],\n"
            + "  \"s\": \"café 😀 / \\\\ \\\"q\\\" \u{7F}\",\n  \"t\": true,\n  \"e\": [\n    []\n  ],\n"
            + "  \"o\": {\n    \"x\": {\n      \"y\": \"z\"\n    }\n  }\n}"
        #expect(Self.sample.jsonString(style: .indented) == expected)
    }

    @Test(arguments: [JSONWriter.Style.compact, .python, .indented])
    func emptyContainersPrintWithoutSpace(style: JSONWriter.Style) {
        #expect(JSONValue.array([]).jsonString(style: style) == "[]")
        #expect(JSONValue.object([:]).jsonString(style: style) == "{}")
        #expect(JSONValue.string("").jsonString(style: style) == #""""#)
        #expect(JSONValue.null.jsonString(style: style) == "null")
        #expect(JSONValue.bool(false).jsonString(style: style) == "false")
    }

    @Test func indentedNestedEmptyContainers() {
        let value: JSONValue = [[], [:]]
        #expect(value.jsonString(style: .indented) == "[\n  [],\n  {}\n]")
    }

    @Test(arguments: [JSONWriter.Style.compact, .python, .indented])
    func controlCharactersUseShortOrUnicodeEscapes(style: JSONWriter.Style) {
        let all = String(decoding: (0..<0x20).map { UInt8($0) }, as: UTF8.self)
        // json.dumps("".join(chr(i) for i in range(0x20)))
        let expected = #""\u0000\u0001\u0002\u0003\u0004\u0005\u0006\u0007\b\t\n\u000b\f\r\u000e\u000f\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001a\u001b\u001c\u001d\u001e\u001f""#
        #expect(JSONValue.string(all).jsonString(style: style) == expected)
    }

    @Test func slashIsNotEscaped() {
        #expect(JSONValue.string("http://a/b</script>").jsonString() == #""http://a/b</script>""#)
        #expect(JSONValue.string("a/b").jsonString(style: .python) == #""a/b""#)
    }

    @Test(arguments: [
        ("é", #""\u00e9""#), ("😀", #""\ud83d\ude00""#), ("東京", #""\u6771\u4eac""#),
        ("\u{7F}", #""\u007f""#), ("\u{2028}", #""\u2028""#), ("\u{10FFFF}", #""\udbff\udfff""#),
        ("abc\u{80}def", #""abc\u0080def""#), ("long ascii run then é at the end", #""long ascii run then \u00e9 at the end""#),
    ])
    func pythonStyleEscapesNonASCII(text: String, expected: String) {
        #expect(JSONValue.string(text).jsonString(style: .python) == expected)
        // and the compact style keeps it as UTF-8
        #expect(JSONValue.string(text).jsonString() == "\"" + text + "\"")
    }

    @Test func longStringsWithEscapesAtEveryOffset() throws {
        // Exercises the eight-byte scanning at every alignment of the special byte.
        for offset in 0..<20 {
            let text = String(repeating: "x", count: offset) + "\"\\\n" + String(repeating: "é", count: offset) + "end"
            let printed = JSONValue.string(text).jsonString()
            #expect(try JSONValue(parsing: printed) == .string(text))
            let python = JSONValue.string(text).jsonString(style: .python)
            #expect(python.utf8.allSatisfy { $0 < 0x80 })
            #expect(try JSONValue(parsing: python) == .string(text))
        }
    }

    @Test func numbersPrintAsStoredTextExceptInPythonStyle() {
        let value: JSONValue = [.number(JSONNumber(unchecked: "1E5")), .number(JSONNumber(unchecked: "1.50")), .number(JSONNumber(unchecked: "-0")), 1e-06]
        #expect(value.jsonString() == "[1E5,1.50,-0,1e-06]")
        // json.dumps(json.loads("[1E5,1.50,-0,1e-06]"))
        #expect(value.jsonString(style: .python) == "[100000.0, 1.5, 0, 1e-06]")
    }

    @Test func writeAppendsToExistingBytes() {
        var output = Array("x=".utf8)
        JSONWriter().write(["k": "v"], into: &output)
        #expect(String(decoding: output, as: UTF8.self) == #"x={"k":"v"}"#)
        #expect(JSONWriter(style: .python).string(["k": [1, 2]]) == #"{"k": [1, 2]}"#)
    }

    @Test(arguments: [JSONWriter.Style.compact, .python, .indented])
    func escapeHeavyTextLongerThanTheSizeEstimate(style: JSONWriter.Style) throws {
        let text = String(repeating: "\u{1}😀\"", count: 3000)
        let value: JSONValue = ["k": .string(text), "list": [.string(text), 1]]
        let bytes = value.jsonBytes(style: style)
        #expect(String(decoding: bytes, as: UTF8.self) == value.jsonString(style: style))
        #expect(try JSONValue(parsing: bytes) == value)
        var appended = Array("prefix".utf8)
        JSONWriter(style: style).write(value, into: &appended)
        #expect(Array(appended.dropFirst(6)) == bytes)
    }

    @Test func largeDocumentsGrowTheBuffer() throws {
        let big = JSONValue.array((0..<5000).map { .string("item \($0) ✓") })
        let printed = big.jsonBytes()
        #expect(printed.count > 50_000)
        #expect(try JSONValue(parsing: printed) == big)
    }
}
