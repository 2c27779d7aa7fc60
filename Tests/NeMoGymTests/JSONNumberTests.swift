import Foundation
import Testing
@testable import NeMoGym

@Suite struct JSONNumberTests {
    @Test(arguments: [
        (1e16, "1e+16"), (1e-5, "1e-05"), (0.1, "0.1"), (1.0 / 3.0, "0.3333333333333333"), (-0.0, "-0.0"),
        (0.0, "0.0"), (Double.leastNonzeroMagnitude, "5e-324"), (1.7976931348623157e308, "1.7976931348623157e+308"),
        (123456789.0, "123456789.0"), (1.0, "1.0"), (-2.5, "-2.5"), (1e15, "1000000000000000.0"),
        (9.5e15, "9500000000000000.0"), (1e-4, "0.0001"), (1e-6, "1e-06"), (1e22, "1e+22"), (100.0, "100.0"),
        (Double.infinity, "Infinity"), (-Double.infinity, "-Infinity"), (Double.nan, "NaN"),
    ])
    func doubleTextMatchesPythonRepr(value: Double, expected: String) {
        #expect(JSONNumber(value).text == expected)
    }

    @Test func doubleTextMatchesPythonReprForManyValues() throws {
        let text = try String(contentsOf: TestPaths.fixture("json/python-float-repr.txt"), encoding: .utf8)
        var checked = 0
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            let parts = line.split(separator: " ")
            guard parts.count == 2, let bits = UInt64(parts[0], radix: 16) else {
                Issue.record("bad fixture line \(line)")
                continue
            }
            let value = Double(bitPattern: bits)
            #expect(JSONNumber(value).text == String(parts[1]), "bits \(parts[0])")
            // The Python text parses back to the same double.
            #expect(JSONNumber(unchecked: String(parts[1])).doubleValue == value)
            checked += 1
        }
        #expect(checked == 337)
    }

    @Test func integerInitialisers() {
        #expect(JSONNumber(42).text == "42")
        #expect(JSONNumber(Int64.min).text == "-9223372036854775808")
        #expect(JSONNumber(UInt64.max).text == "18446744073709551615")
        #expect(JSONNumber(UInt8(7)).text == "7")
    }

    @Test(arguments: [
        ("0", Int64(0)), ("-0", 0), ("42", 42), ("-17", -17), ("9223372036854775807", .max), ("-9223372036854775808", .min),
    ])
    func int64ValueOfIntegers(text: String, expected: Int64) {
        let number = JSONNumber(unchecked: text)
        #expect(number.isInteger)
        #expect(number.int64Value == expected)
        #expect(number.intValue == Int(expected))
    }

    @Test(arguments: ["9223372036854775808", "-9223372036854775809", "12345678901234567890123", "1.0", "1e2", "NaN", "Infinity"])
    func int64ValueIsNilWhenNotAFittingInteger(text: String) {
        #expect(JSONNumber(unchecked: text).int64Value == nil)
    }

    @Test(arguments: [
        ("1.5", 1.5), ("1e-06", 1e-06), ("-0.0", -0.0), ("12345678901234567890123", 1.2345678901234568e22), ("1E5", 100000),
        ("Infinity", .infinity), ("-Infinity", -.infinity), ("1e400", .infinity),
    ])
    func doubleValue(text: String, expected: Double) {
        #expect(JSONNumber(unchecked: text).doubleValue == expected)
    }

    @Test func nanDoubleValue() {
        #expect(JSONNumber(unchecked: "NaN").doubleValue?.isNaN == true)
        #expect(JSONNumber(unchecked: "NaN").isNonFinite)
        #expect(!JSONNumber(unchecked: "1").isNonFinite)
    }

    @Test func twentyDigitIntegersAreNotRounded() throws {
        let value = try JSONValue(parsing: "[12345678901234567890, 98765432109876543210123]")
        #expect(value.jsonString() == "[12345678901234567890,98765432109876543210123]")
        #expect(value[0]?.number?.isInteger == true)
        #expect(value[0]?.int64 == nil)
        #expect(value[0]?.double == 12345678901234567890.0)
    }

    @Test func equalityIsByTextAndNumericEqualityByValue() {
        let a = JSONNumber(unchecked: "1.0")
        let b = JSONNumber(unchecked: "1")
        let c = JSONNumber(unchecked: "1e0")
        #expect(a != b)
        #expect(a.isNumericallyEqual(to: b))
        #expect(a.isNumericallyEqual(to: c))
        #expect(JSONNumber(unchecked: "NaN").isNumericallyEqual(to: JSONNumber(unchecked: "NaN")))
        // Both round to the same double; integers compare exactly.
        #expect(!JSONNumber(unchecked: "12345678901234567890").isNumericallyEqual(to: JSONNumber(unchecked: "12345678901234567891")))
        #expect(JSONNumber(unchecked: "-0").isNumericallyEqual(to: JSONNumber(unchecked: "0")))
        #expect(JSONNumber(unchecked: "9007199254740993").isNumericallyEqual(to: JSONNumber(unchecked: "9007199254740993")))
        #expect(!JSONNumber(unchecked: "9007199254740993").isNumericallyEqual(to: JSONNumber(unchecked: "9007199254740992")))
    }

    @Test(arguments: [
        ("1", "1"), ("-0", "0"), ("007", "7"), ("+5", "5"), ("-00", "0"), ("12345678901234567890123", "12345678901234567890123"),
        ("1.50", "1.5"), ("1E5", "100000.0"), ("1e-6", "1e-06"), ("1.0e-6", "1e-06"), ("-0.0", "-0.0"), ("1e400", "Infinity"),
        ("NaN", "NaN"), ("0.1", "0.1"), ("2.50E+1", "25.0"),
    ])
    func pythonTextNormalisesLikeJSONDumps(text: String, expected: String) {
        #expect(JSONNumber(unchecked: text).pythonText == expected)
    }

    @Test func descriptionIsTheText() {
        #expect(JSONNumber(unchecked: "1e-06").description == "1e-06")
        #expect("\(JSONNumber(2.5))" == "2.5")
    }
}
