import Testing
@testable import NeMoGym

@Suite struct JSONObjectTests {
    @Test func keepsInsertionOrder() {
        var object: JSONObject = ["zeta": 1, "alpha": 2]
        object["mid"] = 3
        #expect(object.keys == ["zeta", "alpha", "mid"])
        #expect(object.values == [1, 2, 3])
        #expect(object.map(\.key) == ["zeta", "alpha", "mid"])
        #expect(JSONValue.object(object).jsonString() == #"{"zeta":1,"alpha":2,"mid":3}"#)
    }

    @Test func settingAnExistingKeyReplacesInPlace() {
        var object: JSONObject = ["a": 1, "b": 2, "c": 3]
        object["b"] = "x"
        #expect(object.keys == ["a", "b", "c"])
        #expect(object["b"] == "x")
    }

    @Test func settingNilRemovesTheKey() {
        var object: JSONObject = ["a": 1, "b": 2]
        object["a"] = nil
        #expect(object.keys == ["b"])
        object["missing"] = nil
        #expect(object.count == 1)
        // A JSON null is a value, not a removal.
        object["n"] = .null
        #expect(object.keys == ["b", "n"])
        #expect(object.contains(key: "n"))
        #expect(object["n"] == .null)
    }

    @Test func removeValueReturnsTheValue() {
        var object: JSONObject = ["a": 1, "b": 2]
        #expect(object.removeValue(forKey: "a") == 1)
        #expect(object.removeValue(forKey: "a") == nil)
        #expect(object.keys == ["b"])
    }

    @Test func setDefaultOnlySetsMissingKeys() {
        var object: JSONObject = ["a": 1]
        #expect(object.setDefault("a", 9) == 1)
        #expect(object.setDefault("b", 2) == 2)
        #expect(object == ["a": 1, "b": 2])
    }

    @Test func mergeReplacesExistingKeysInPlaceAndAppendsNewOnes() {
        var object: JSONObject = ["a": 1, "b": 2]
        object.merge(["b": 20, "c": 30])
        #expect(object.keys == ["a", "b", "c"])
        #expect(object.values == [1, 20, 30])
        let merged = (["x": 1] as JSONObject).merging(["y": 2])
        #expect(merged.keys == ["x", "y"])
    }

    @Test func repeatedKeysInInitialiserKeepFirstPositionAndLastValue() {
        let object = JSONObject([("a", 1), ("b", 2), ("a", 3)])
        #expect(object.keys == ["a", "b"])
        #expect(object["a"] == 3)
    }

    @Test func equalityDependsOnOrder() {
        let ab: JSONObject = ["a": 1, "b": 2]
        let ba: JSONObject = ["b": 2, "a": 1]
        #expect(ab != ba)
        #expect(ab == ["a": 1, "b": 2])
        #expect(Set([ab, ba, ab]).count == 2)
    }

    @Test func indexingAndIteration() {
        let object: JSONObject = ["a": true, "b": nil]
        #expect(object.index(forKey: "b") == 1)
        #expect(object.index(forKey: "c") == nil)
        #expect(object[0].key == "a")
        #expect(object[1].value == .null)
        var seen: [String] = []
        for (key, _) in object { seen.append(key) }
        #expect(seen == ["a", "b"])
        #expect(JSONObject().isEmpty)
    }
}
