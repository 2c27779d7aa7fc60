import Foundation
import Testing
@testable import NeMoGym

@Suite struct JSONParserTests {
    // MARK: Numbers

    @Test(arguments: [
        "0", "-0", "1", "-1", "1.0", "-0.0", "1e-06", "1E+2", "1e2", "2.5E-3", "12345678901234567890123",
        "-98765432109876543210", "1.5e300", "0.000001", "1e400", "3.141592653589793238462643383279",
    ])
    func numbersKeepTheirText(text: String) throws {
        let value = try JSONValue(parsing: text)
        #expect(value.number?.text == text)
        #expect(value.jsonString() == text)
        let inArray = try JSONValue(parsing: "[\(text),\(text)]")
        #expect(inArray.jsonString() == "[\(text),\(text)]")
    }

    @Test(arguments: [
        ("01", JSONParseError.Code.extraData, 1), ("1.", .extraData, 1), ("-", .invalidNumber, 0),
        (".5", .expectingValue, 0), ("+1", .expectingValue, 0), ("1e", .extraData, 1), ("1e+", .extraData, 1),
        ("-01", .extraData, 2), ("-a", .invalidNumber, 0), ("1.e5", .extraData, 1), ("[1.]", .expectingComma, 2),
        ("0x10", .extraData, 1), ("[-]", .invalidNumber, 1), ("1_000", .extraData, 1),
    ])
    func invalidNumberForms(text: String, code: JSONParseError.Code, offset: Int) {
        let error = parseError(text)
        #expect(error?.code == code)
        #expect(error?.offset == offset)
    }

    // MARK: Strings and escapes

    @Test func allShortEscapes() throws {
        let value = try JSONValue(parsing: #""\"\\\/\b\f\n\r\t""#)
        #expect(value == .string("\"\\/\u{08}\u{0C}\n\r\t"))
    }

    @Test(arguments: [
        (#""\u00e9""#, "é"), (#""\u00E9x""#, "éx"), (#""\ud83d\ude00""#, "😀"), (#""a\uD83D\uDE00b""#, "a😀b"),
        (#""\u0000""#, "\u{0}"), (#""\u0041\u0042""#, "AB"), (#""\ud800""#, "\u{FFFD}"), (#""\udc00x""#, "\u{FFFD}x"),
        (#""\ud800\u0041""#, "\u{FFFD}A"), (#""\ud800\ud800\udc00""#, "\u{FFFD}𐀀"), (#""\u2028""#, "\u{2028}"),
        (#""pre \"quoted\" é \n post""#, "pre \"quoted\" é \n post"),
    ])
    func unicodeEscapes(json: String, expected: String) throws {
        #expect(try JSONValue(parsing: json) == .string(expected))
    }

    @Test(arguments: [
        (#""\x""#, JSONParseError.Code.invalidEscape, 1), (#""ab\'""#, .invalidEscape, 3),
        (#""\u12""#, .invalidUnicodeEscape, 2), (#""\u12x4""#, .invalidUnicodeEscape, 2), (#""\u""#, .invalidUnicodeEscape, 2),
        (#""\uD83D\u""#, .invalidUnicodeEscape, 8), ("\"abc", .unterminatedString, 0), ("\"\\", .unterminatedString, 0),
        ("[\"ok\", \"abc\\\"", .unterminatedString, 7), ("\"a\nb\"", .invalidControlCharacter, 2),
        ("\"a\tb\"", .invalidControlCharacter, 2), ("\"\u{0}\"", .invalidControlCharacter, 1),
        ("\"long text before the escape \\q\"", .invalidEscape, 29),
        ("\"long text before a control char\u{1F}\"", .invalidControlCharacter, 32),
    ])
    func invalidStrings(text: String, code: JSONParseError.Code, offset: Int) {
        let error = parseError(text)
        #expect(error?.code == code)
        #expect(error?.offset == offset)
    }

    @Test func rawUnicodeRoundTrips() throws {
        let text = #"{"emoji":"😀🚀👩‍💻","cjk":"東京データ","mixed":"naïve café — “quotes”"}"#
        let value = try JSONValue(parsing: text)
        #expect(value["emoji"] == "😀🚀👩‍💻")
        #expect(value.jsonString() == text)
    }

    @Test(arguments: [
        ([0x22, 0x61, 0xFF, 0x22] as [UInt8], 2, "invalid start byte"),
        ([0x22, 0xE2, 0x82, 0x22], 1, "invalid continuation byte"),
        ([0x22, 0xC0, 0x80, 0x22], 1, "invalid start byte"),
        ([0x22, 0xED, 0xA0, 0x80, 0x22], 1, "invalid continuation byte"),
        ([0x5B, 0x22, 0x5C, 0x6E, 0xF0, 0x9F, 0x98, 0x22, 0x5D], 4, "invalid continuation byte"),
        ([0xFF], 0, "invalid start byte"),
        ([0x7B, 0x22, 0x6B, 0xFE, 0x22, 0x3A, 0x31, 0x7D], 3, "invalid start byte"),
        ([0x5B, 0x31, 0x2C, 0xC3], 3, "unexpected end of data"),
    ])
    func invalidUTF8IsAnErrorWithOffset(bytes: [UInt8], offset: Int, pythonReason: String) {
        let error = parseError(bytes)
        #expect(error?.code == .invalidUTF8)
        #expect(error?.offset == offset)
        #expect(error?.pythonMessage.hasPrefix("'utf-8' codec can't decode byte 0x") == true)
        #expect(error?.pythonMessage.hasSuffix(pythonReason) == true)
        #expect(error?.pythonDescription.hasPrefix("UnicodeDecodeError(") == true)
    }

    /// Invalid bytes in front of the first backslash escape of a string, in values and keys, short strings and
    /// strings long enough for the eight-byte scan, in both modes: an error at the bad byte, never U+FFFD.
    @Test(arguments: [JSONParseOptions.strict, .pythonCompatible])
    func invalidUTF8BeforeAnEscapeIsAnError(options: JSONParseOptions) {
        let q = UInt8(ascii: "\""), bs = UInt8(ascii: "\\"), n = UInt8(ascii: "n")
        let ab = Array("ab".utf8), cd = Array("cd".utf8), long = Array("0123456789abcdef".utf8)
        let cases: [([UInt8], Int)] = [
            ([q] + ab + [0xD7, 0xD7] + cd + [bs, n, q], 3),
            ([q] + long + [0xFF] + long + [bs, n, q], 17),
            ([q] + long + long + [0xE2, 0x82] + [bs, n] + [0xC3, 0xA9, q], 33),
            ([q, 0xC3, bs, UInt8(ascii: "u")] + Array("00A9".utf8) + [q], 1),
            (Array(#"{""#.utf8) + ab + [0xD7] + [bs, n, q] + Array(":1}".utf8), 4),
            (Array(#"[{""#.utf8) + long + [0xFE] + [bs, n, q] + Array(#":"x"}]"#.utf8), 19),
            ([q, bs, n] + ab + [0xD7, 0xD7] + [bs, n, q], 5),
        ]
        for (bytes, offset) in cases {
            let error = parseError(bytes, options: options)
            #expect(error?.code == .invalidUTF8, "\(bytes)")
            #expect(error?.offset == offset, "\(bytes)")
            #expect(error?.description.contains("line 1") == true, "\(String(describing: error))")
        }
        // Valid non-ASCII text before and after escapes still parses.
        let valid = Array(#"{"café\n":"naïve\t😀\u00e9"}"#.utf8)
        #expect((try? JSONValue(parsing: valid, options: options))?["café\n"] == "naïve\t😀é")
    }

    // MARK: Depth

    @Test func nestingUpTo512LevelsIsAccepted() throws {
        let deep = String(repeating: "[", count: 512) + String(repeating: "]", count: 512)
        #expect(try JSONValue(parsing: deep).jsonString() == deep)
        let objects = String(repeating: #"{"a":"#, count: 512) + "1" + String(repeating: "}", count: 512)
        #expect(try JSONValue(parsing: objects).jsonString() == objects)
    }

    @Test func nestingBeyond512LevelsIsAnError() {
        let deep = String(repeating: "[", count: 513) + String(repeating: "]", count: 513)
        let error = parseError(deep)
        #expect(error?.code == .tooDeep)
        #expect(error?.offset == 512)
        #expect(error?.pythonDescription.hasPrefix("RecursionError('maximum recursion depth exceeded") == true)
        #expect(parseError(#"{"a":"# + deep + "}")?.code == .tooDeep)
    }

    @Test func hundredThousandOpenBracketsDoNotOverflowTheStack() {
        #expect(parseError(String(repeating: "[", count: 100_000))?.code == .tooDeep)
        #expect(parseError(String(repeating: #"{"a":["#, count: 50_000))?.code == .tooDeep)
    }

    @Test func deepNestingInsideATask() async throws {
        let task = Task.detached { () -> (JSONParseError.Code?, Int) in
            let tooDeep = String(repeating: "[", count: 100_000)
            let code = self.parseError(tooDeep)?.code
            let ok = String(repeating: #"{"k":["#, count: 256) + String(repeating: "]}", count: 256)
            let value = try JSONValue(parsing: ok)
            return (code, value.jsonString().count)
        }
        let (code, length) = try await task.value
        #expect(code == .tooDeep)
        #expect(length == 256 * 8)
    }

    @Test func maximumDepthIsConfigurable() throws {
        var options = JSONParseOptions.strict
        options.maximumDepth = 2
        #expect(throws: JSONParseError.self) { try JSONValue(parsing: "[[[1]]]", options: options) }
        #expect(try JSONValue(parsing: "[[1]]", options: options) == [[1]])
    }

    // MARK: Duplicates and non-finite numbers

    @Test func duplicateKeysAreAnErrorInStrictMode() {
        let error = parseError(#"{"a":1,"b":2,"a":3}"#)
        #expect(error?.code == .duplicateKey)
        #expect(error?.offset == 13)
        #expect(error?.reason.contains(#""a""#) == true)
        // Also with more than 16 keys, where a set is used.
        let many = (0..<20).map { #""k\#($0)":\#($0)"# }.joined(separator: ",")
        #expect(parseError("{" + many + #","k3":0}"#)?.code == .duplicateKey)
    }

    @Test func duplicateKeysKeepFirstPositionAndLastValueWhenLenient() throws {
        let value = try JSONValue(parsing: #"{"a":1,"b":2,"a":3}"#, options: .pythonCompatible)
        #expect(value.object?.keys == ["a", "b"])
        #expect(value["a"] == 3)
        let many = (0..<20).map { #""k\#($0)":\#($0)"# }.joined(separator: ",")
        let big = try JSONValue(parsing: "{" + many + #","k3":"x","k19":"y"}"#, options: .pythonCompatible)
        #expect(big.object?.count == 20)
        #expect(big.object?.keys[3] == "k3")
        #expect(big["k3"] == "x")
        #expect(big["k19"] == "y")
    }

    @Test func nestedDuplicatesReplaceTheRightValue() throws {
        let many = (0..<20).map { #""k\#($0)":\#($0)"# }.joined(separator: ",")
        let text = #"{"x":[1,{"a":1,"b":2,"a":[3]}],"y":{"a":1,"a":2},"z":{"#+many+#","k0":"last"},"x2":0}"#
        let value = try JSONValue(parsing: text, options: .pythonCompatible)
        #expect(value["x"] == [1, ["a": [3], "b": 2]])
        #expect(value["y"] == ["a": 2])
        #expect(value["z"]?["k0"] == "last")
        #expect(value["z"]?.object?.keys.first == "k0")
        #expect(value.object?.keys == ["x", "y", "z", "x2"])
    }

    @Test(arguments: ["NaN", "Infinity", "-Infinity"])
    func nonFiniteNumbers(text: String) throws {
        #expect(parseError(text)?.code == .nonFiniteNumber)
        let value = try JSONValue(parsing: "[\(text)]", options: .pythonCompatible)
        #expect(value[0]?.number?.text == text)
        #expect(value[0]?.number?.isNonFinite == true)
        #expect(value.jsonString() == "[\(text)]")
    }

    // MARK: Structure

    @Test(arguments: [
        ("{} x", JSONParseError.Code.extraData, 3), ("{}}", .extraData, 2), ("[1] [2]", .extraData, 4),
        ("true false", .extraData, 5), ("nullx", .extraData, 4), ("[1 2]", .expectingComma, 3),
        (#"{"a":1 "b":2}"#, .expectingComma, 7), (#"{"a" 1}"#, .expectingColon, 5), ("{a:1}", .expectingPropertyName, 1),
        (#"{"a":1,}"#, .expectingPropertyName, 7), ("[1,]", .expectingValue, 3), ("[", .expectingValue, 1),
        ("{", .expectingPropertyName, 1), ("[1", .expectingComma, 2), ("tru", .expectingValue, 0), ("]", .expectingValue, 0),
    ])
    func structuralErrors(text: String, code: JSONParseError.Code, offset: Int) {
        let error = parseError(text)
        #expect(error?.code == code)
        #expect(error?.offset == offset)
    }

    @Test func whitespaceIsAllowedAroundTokens() throws {
        let value = try JSONValue(parsing: " \t\n\r{ \"a\" :\t[ 1 ,\r\n2 ] , \"b\" : { } }\n ")
        #expect(value == ["a": [1, 2], "b": [:]])
        #expect(parseError("\u{0C}1")?.code == .expectingValue)  // form feed is not JSON whitespace
        #expect(parseError("1\u{A0}")?.code == .extraData)
    }

    @Test func emptyInputIsAnError() {
        #expect(parseError("")?.code == .expectingValue)
        #expect(parseError([UInt8]())?.offset == 0)
        let blank = parseError("   ")
        #expect(blank?.offset == 3)
        #expect(blank?.pythonMessage == "Expecting value: line 1 column 4 (char 3)")
    }

    @Test func byteOrderMarkIsRejected() {
        let error = parseError([0xEF, 0xBB, 0xBF, 0x31])
        #expect(error?.pythonMessage == "Unexpected UTF-8 BOM (decode using utf-8-sig): line 1 column 1 (char 0)")
    }

    @Test func errorsReportLineColumnAndCharacterOffset() {
        let error = parseError("[\n\"é😀\",\n2 3]")
        #expect(error?.code == .expectingComma)
        #expect(error?.line == 3)
        #expect(error?.column == 3)
        #expect(error?.offset == 14)
        #expect(error?.characterOffset == 10)
        #expect(error?.description == "Expected ',' or ']' after an array element, found '3' at line 3, column 3 (byte 14).")
    }

    @Test func acceptsBytesDataSlicesAndSubstrings() throws {
        let text = #"xx{"a":[1,"b"]}yy"#
        let expected: JSONValue = ["a": [1, "b"]]
        let bytes = Array(text.utf8)
        #expect(try JSONValue(parsing: bytes[2..<(bytes.count - 2)]) == expected)
        #expect(try JSONValue(parsing: Data(bytes.dropFirst(2).dropLast(2))) == expected)
        #expect(try JSONValue(parsing: text.dropFirst(2).dropLast(2)) == expected)
        #expect(try JSONValue(parsing: AnyCollection(bytes.dropFirst(2).dropLast(2))) == expected)
    }

    // MARK: Python parity

    struct PythonCase: Sendable, CustomTestStringConvertible {
        let input: String
        let error: String?
        let dumps: String?
        var testDescription: String { input.debugDescription }
    }

    static let pythonCases: [PythonCase] = {
        guard let text = try? String(contentsOf: TestPaths.fixture("json/python-loads-cases.jsonl"), encoding: .utf8)
        else { return [] }
        return text.split(separator: "\n").compactMap { line in
            guard let row = try? JSONValue(parsing: line), let input = row["input"]?.string else { return nil }
            return PythonCase(input: input, error: row["error"]?.string, dumps: row["dumps"]?.string)
        }
    }()

    @Test func pythonCaseFixtureIsPresent() {
        #expect(Self.pythonCases.count == 79)
    }

    @Test(arguments: pythonCases)
    func matchesPythonJSONLoads(testCase: PythonCase) throws {
        if let expected = testCase.error {
            let error = parseError(testCase.input, options: .pythonCompatible)
            #expect(error?.pythonDescription == expected)
        } else {
            let value = try JSONValue(parsing: testCase.input, options: .pythonCompatible)
            #expect(value.jsonString(style: .python) == testCase.dumps)
        }
    }

    @Test func pythonDescriptionQuotesLikeRepr() {
        #expect(parseError("")?.pythonDescription == "JSONDecodeError('Expecting value: line 1 column 1 (char 0)')")
        #expect(parseError(#"{"a" 1}"#)?.pythonDescription
            == #"JSONDecodeError("Expecting ':' delimiter: line 1 column 6 (char 5)")"#)
        #expect(parseError(#""\x""#)?.pythonDescription == #"JSONDecodeError('Invalid \\escape: line 1 column 2 (char 1)')"#)
    }

    // MARK: Helpers

    func parseError(_ text: String, options: JSONParseOptions = .strict) -> JSONParseError? {
        parseError(Array(text.utf8), options: options)
    }

    func parseError(_ bytes: [UInt8], options: JSONParseOptions = .strict) -> JSONParseError? {
        do {
            _ = try JSONValue(parsing: bytes, options: options)
            return nil
        } catch let error as JSONParseError {
            return error
        } catch {
            return nil
        }
    }
}
