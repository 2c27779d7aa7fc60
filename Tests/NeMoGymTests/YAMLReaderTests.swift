import Foundation
import Testing
@testable import NeMoGym

@Suite struct YAMLReaderTests {
    func parse(_ text: String) throws -> JSONValue { try YAMLReader.parse(text, source: "test.yaml") }

    func error(_ text: String) -> YAMLError? {
        do { _ = try parse(text); return nil } catch let error as YAMLError { return error } catch { return nil }
    }

    @Test func readsBlockFlowAndIndentlessStructures() throws {
        let value = try parse("""
            a:
              b: [1, {c: d}, []]
              list:
              - x: 1
                y: two
              - - nested
            e: {}
            """)
        #expect(value == ["a": ["b": [1, ["c": "d"], []], "list": [["x": 1, "y": "two"], ["nested"]]], "e": [:]])
    }

    @Test func typesPlainScalarsAsOmegaConf() throws {
        let value = try parse("a: 1e-5\nb: 0x1F\nc: 2026-03-01\nd: yes\ne: 1.17.11\nf: .inf\ng: 1:30\nh: '1'\n")
        #expect(value["a"]?.number?.text == "1e-5")
        #expect(value["a"]?.number?.isInteger == false)
        #expect(value["b"] == 31)
        #expect(value["c"] == "2026-03-01")
        #expect(value["d"] == true)
        #expect(value["e"] == "1.17.11")
        #expect(value["f"]?.double == .infinity)
        #expect(value["g"] == 90)
        #expect(value["h"] == "1")
    }

    @Test func keepsBigDecimalIntegersExactly() throws {
        #expect(try parse("id: 123456789012345678901234567890\n")["id"]?.number?.text == "123456789012345678901234567890")
        #expect(error("a: 0x1FFFFFFFFFFFFFFFFFFF\n")?.code == .integerOverflow)
    }

    @Test func readsBlockScalarsWithChompingAndFolding() throws {
        let value = try parse("a: |+\n  keep\n\nb: >-\n  one\n  two\n\n  three\n")
        #expect(value["a"] == "keep\n\n")
        #expect(value["b"] == "one two\nthree")
        #expect(error("c: |-\n    indented\n  less\n") != nil)  // a less-indented line ends the scalar
        #expect(try parse("- |\n  item\n- x\n") == ["item\n", "x"])
    }

    @Test func acceptsCRLFAndBOMAndMissingFinalNewline() throws {
        #expect(try parse("\u{FEFF}a: 1\r\nb: |\r\n  x\r\n  y") == ["a": 1, "b": "x\ny"])
    }

    @Test func mergesAnchorsWithLocalKeysWinning() throws {
        let value = try parse("a: &a {x: 1, y: 2}\nb: &b {y: 3, z: 4}\nc:\n  <<: [*a, *b]\n  x: 9\n")
        #expect(value["c"] == ["y": 2, "z": 4, "x": 9])
        #expect(value["c"]?.object?.keys == ["y", "z", "x"])
    }

    @Test func keepsInterpolationsAndMissingMarkersVerbatim() throws {
        let value = try parse("a: ${oc.select:x,${y}}\nb: Bearer ${oc.env:T}\nc: ???\n")
        #expect(value == ["a": "${oc.select:x,${y}}", "b": "Bearer ${oc.env:T}", "c": "???"])
    }

    @Test func errorsCarrySourceLineColumnAndKind() throws {
        let duplicate = try #require(error("a: 1\nb:\n  c: 1\n  c: 2\n"))
        #expect(duplicate.code == .duplicateKey)
        #expect((duplicate.line, duplicate.column) == (4, 3))
        #expect(duplicate.description.hasPrefix("test.yaml:4:3: found duplicate key 'c'"))
        #expect(duplicate.humanDescription.hasPrefix("Config 'test.yaml' line 4, column 3: "))
        let tab = try #require(error("a:\n\tb: 1\n"))
        #expect(tab.code == .tab && tab.line == 2 && tab.column == 1)
        #expect(error("a: *nope\n")?.code == .undefinedAlias)
        #expect(error("a: !!set {}\n")?.code == .unsupportedTag)
        #expect(error("%TAG ! tag:x,2000:\n---\na: 1\n")?.code == .unsupportedDirective)
        #expect(error("a: 1\n---\nb: 2\n")?.code == .multipleDocuments)
        #expect(error("? a\n: b\n")?.code == .unsupportedExplicitKey)
        #expect(error("null: 1\n")?.code == .nullKey)
        #expect(error("just a string\n")?.code == .rootNotCollection)
        #expect(error("a: 'unterminated\n")?.code == .syntax)
        #expect(error("a: b\n c: d\n")?.code == .syntax)
        #expect(error("a: @x\n")?.code == .syntax)
    }

    @Test func columnsCountCharactersNotBytes() throws {
        let e = try #require(error("é: b: c\n"))
        #expect(e.line == 1 && e.column == 5)
    }

    @Test func billionLaughsIsAnErrorNotAnOutOfMemory() {
        var text = "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
        var previous = "a"
        for name in ["b", "c", "d", "e", "f", "g", "h", "i"] {
            text += "\(name): &\(name) [" + Array(repeating: "*\(previous)", count: 10).joined(separator: ", ") + "]\n"
            previous = name
        }
        #expect(error(text)?.code == .aliasExpansionLimit)
        #expect(error("a: &a [*a]\n")?.code == .recursiveAlias)
    }

    @Test func deepNestingIsAnErrorNotACrash() {
        #expect(error("a: " + String(repeating: "[", count: 100_000))?.code == .tooDeep)
        var block = ""
        for depth in 0..<300 { block += String(repeating: " ", count: depth) + "k:\n" }
        #expect(error(block)?.code == .tooDeep)
    }

    @Test func rejectsEncodingsThatAreNotUTF8() throws {
        #expect(throws: YAMLError.self) { try YAMLReader.parse(bytes: [0xFF, 0xFE, 0x61, 0x00]) }
        #expect(throws: YAMLError.self) { try YAMLReader.parse(bytes: Array("a: \u{1}".utf8)) }
        #expect(throws: YAMLError.self) { try YAMLReader.parse(bytes: [0x61, 0x3A, 0x20, 0xC3]) }
    }

    @Test func survivesEveryTruncationOfARealConfig() throws {
        let text = try String(contentsOf: TestPaths.fixture("configs/agent.yaml"), encoding: .utf8)
        let bytes = Array(text.utf8)
        for end in stride(from: 0, through: bytes.count, by: 3) {
            _ = try? YAMLReader.parse(bytes: bytes[..<end])
        }
        #expect(try YAMLReader.parse(bytes: bytes)["policy_model_name"] == "gpt-test")
    }
}
