import Testing
@testable import NeMoGym

@Suite struct JSONValueTests {
    @Test func keepsKeyOrderAndNumberText() throws {
        let text = #"{"zeta":1,"alpha":1.0,"mid":1e-06,"big":12345678901234567890123,"url":"http://a/b"}"#
        let value = try JSONValue(parsing: text)
        #expect(value.jsonString() == text)
        #expect(value["alpha"]?.number?.text == "1.0")
        #expect(value["big"]?.int64 == nil)
        #expect(value["zeta"]?.int64 == 1)
    }

    @Test func literalsBuildTheExpectedCases() {
        let value: JSONValue = ["s": "x", "i": 3, "d": 0.5, "b": false, "n": nil, "a": [1, "two"], "o": ["k": "v"]]
        #expect(value["s"] == .string("x"))
        #expect(value["i"] == .number(JSONNumber(unchecked: "3")))
        #expect(value["d"] == .number(JSONNumber(unchecked: "0.5")))
        #expect(value["b"] == .bool(false))
        #expect(value["n"] == .null)
        #expect(value["a"] == .array([.int(1), .string("two")]))
        #expect(value.jsonString() == #"{"s":"x","i":3,"d":0.5,"b":false,"n":null,"a":[1,"two"],"o":{"k":"v"}}"#)
        let n = 7
        let interpolated: JSONValue = "n=\(n)"
        #expect(interpolated == "n=7")
        #expect(JSONValue.double(2).jsonString() == "2.0")
        #expect(JSONValue.int(Int64(-5)).jsonString() == "-5")
    }

    @Test func accessorsReturnNilForOtherKinds() {
        let value: JSONValue = "text"
        #expect(value.string == "text")
        #expect(value.number == nil)
        #expect(value.bool == nil)
        #expect(value.array == nil)
        #expect(value.object == nil)
        #expect(value.int64 == nil)
        #expect(value.double == nil)
        #expect(value["key"] == nil)
        #expect(value[0] == nil)
        #expect(!value.isNull)
        #expect(JSONValue.null.isNull)
    }

    @Test func numberAccessors() throws {
        let value = try JSONValue(parsing: #"[7, 2.5, 1e-06, 18446744073709551616]"#)
        #expect(value[0]?.int64 == 7)
        #expect(value[0]?.int == 7)
        #expect(value[1]?.int64 == nil)
        #expect(value[1]?.double == 2.5)
        #expect(value[2]?.number?.text == "1e-06")
        #expect(value[2]?.double == 1e-06)
        #expect(value[3]?.int64 == nil)
        #expect(value[3]?.double == 18446744073709551616.0)
        #expect(value[4] == nil)
        #expect(value[-1] == nil)
    }

    @Test func subscriptSetterMutatesObjects() {
        var value: JSONValue = ["a": ["b": 1]]
        value["a"]?["b"] = 2
        value["c"] = [true]
        #expect(value.jsonString() == #"{"a":{"b":2},"c":[true]}"#)
        value["a"] = nil
        #expect(value.jsonString() == #"{"c":[true]}"#)
        var notObject: JSONValue = [1]
        notObject["x"] = 1
        #expect(notObject == [1])
    }

    @Test(arguments: [
        (JSONValue.null, false), (false, false), (true, true), (0, false), (0.0, false), (.number(JSONNumber(unchecked: "-0.0")), false),
        (2, true), ("", false), ("a", true), ([], false), ([nil], true), ([:], false), (["k": nil], true),
    ] as [(JSONValue, Bool)])
    func truthinessFollowsPython(value: JSONValue, truthy: Bool) {
        #expect(value.isTruthy == truthy)
    }

    @Test func kindNames() {
        #expect(JSONValue.null.kindName == "null")
        #expect(JSONValue.bool(true).kindName == "boolean")
        #expect(JSONValue.int(1).kindName == "integer")
        #expect(JSONValue.double(1).kindName == "number")
        #expect(JSONValue.string("").kindName == "string")
        #expect(JSONValue.array([]).kindName == "array")
        #expect(JSONValue.object([:]).kindName == "object")
    }

    @Test func equivalenceComparesNumbersByValue() {
        let a: JSONValue = ["x": [1, 2.50]]
        let b: JSONValue = ["x": [1, .number(JSONNumber(unchecked: "2.5"))]]
        let c: JSONValue = ["x": [1.0, 2.5]]
        #expect(a == a)
        #expect(a.isEquivalent(to: b))
        #expect(!a.isEquivalent(to: c))
        #expect(a.isEquivalent(to: c, strictNumberKinds: false))
        #expect(!a.isEquivalent(to: ["x": [1]]))
        #expect(!(["a": 1, "b": 2] as JSONValue).isEquivalent(to: ["b": 2, "a": 1]))
    }

    @Test func parsePrintRoundTripIsIdentity() throws {
        let text = #"{"id":"resp_1","output":[{"type":"message","content":[{"text":"caf\u00e9 \ud83d\ude00 \"q\"\n","annotations":[]}]},{"type":"function_call","arguments":"{\"q\":1.0}"}],"usage":{"input_tokens":12,"ratio":1e-06},"n":null,"t":true}"#
        let value = try JSONValue(parsing: text)
        let printed = value.jsonString()
        #expect(try JSONValue(parsing: printed) == value)
        #expect(printed.contains("café 😀"))
        #expect(try JSONValue(parsing: value.jsonString(style: .python)) == value)
        #expect(try JSONValue(parsing: value.jsonString(style: .indented)) == value)
        #expect(value["output"]?[1]?["arguments"]?.string == #"{"q":1.0}"#)
    }
}
