/// A JSON number that keeps the exact text it was written with.
///
/// NeMo Gym payloads carry integers that do not fit a `Double` (token ids, 20-digit ids) and floats whose
/// spelling matters to people reading rollouts (`1.0`, `1e-06`). A ``JSONNumber`` stores the number's text
/// and converts only when asked, so a parsed document prints back exactly as it came in.
///
/// Two numbers are equal when their text is equal; use ``isNumericallyEqual(to:)`` to compare by value.
public struct JSONNumber: Sendable, Hashable, CustomStringConvertible {
    /// The number's text, as parsed or as built (for example `12`, `-0.5`, `1e-06`, `NaN`).
    public let text: String

    /// Creates a number from its JSON text without checking it; the text is printed verbatim.
    public init(unchecked text: String) {
        self.text = text
    }

    /// Creates a number from an integer.
    public init<I: BinaryInteger>(_ value: I) {
        self.text = String(value)
    }

    /// Creates a number from a double, printed as Python's `repr` prints floats (`1.0`, `0.1`, `1e-06`,
    /// `Infinity`, `NaN`).
    public init(_ value: Double) {
        self.text = JSONNumber.pythonText(of: value)
    }

    /// The text as printed.
    public var description: String { text }

    /// Whether the text has no fraction or exponent (and so is an integer, as Python would parse it).
    public var isInteger: Bool {
        for byte in text.utf8 where byte == UInt8(ascii: ".") || byte == UInt8(ascii: "e")
            || byte == UInt8(ascii: "E") || byte == UInt8(ascii: "N") || byte == UInt8(ascii: "I")
        {
            return false
        }
        return true
    }

    /// Whether the number is `NaN`, `Infinity` or `-Infinity` (only produced by lenient parsing or YAML).
    public var isNonFinite: Bool {
        // Most numbers start with a digit: one byte tells.
        guard let first = text.utf8.first, first == UInt8(ascii: "N") || first == UInt8(ascii: "I") || first == UInt8(ascii: "-") else {
            return false
        }
        return text == "NaN" || text == "Infinity" || text == "-Infinity"
    }

    /// The value as a 64-bit integer, or `nil` when the text is not an integer or does not fit.
    public var int64Value: Int64? {
        isInteger ? Int64(text) : nil
    }

    /// The value as an `Int`, or `nil` when the text is not an integer or does not fit.
    public var intValue: Int? {
        isInteger ? Int(text) : nil
    }

    /// The value as a `Double` (rounded for long integers), or `nil` if the text is not a number.
    public var doubleValue: Double? {
        switch text {
        case "NaN": return .nan
        case "Infinity": return .infinity
        case "-Infinity": return -.infinity
        default: return Double(text)
        }
    }

    /// Compares two numbers by value: integers exactly, anything else as doubles.
    public func isNumericallyEqual(to other: JSONNumber) -> Bool {
        if isInteger, other.isInteger {
            if let a = Int64(text), let b = Int64(other.text) { return a == b }
            return pythonText == other.pythonText
        }
        guard let a = doubleValue, let b = other.doubleValue else { return text == other.text }
        return a == b || (a.isNaN && b.isNaN)
    }

    /// The text Python's `json.dumps` prints for this number: integers in canonical form (`-0` prints `0`),
    /// floats as `repr(float(text))` (`1.50` prints `1.5`, `1E5` prints `100000.0`, `1e400` prints
    /// `Infinity`), `NaN`/`Infinity`/`-Infinity` unchanged.
    public var pythonText: String {
        if isNonFinite { return text }
        if isInteger {
            let utf8 = text.utf8
            guard let first = utf8.first else { return text }
            // Canonical already unless it is `-0`, has a `+` or a leading zero.
            let digitsStart = first == UInt8(ascii: "-") || first == UInt8(ascii: "+") ? 1 : 0
            let leadingZero = utf8.count > digitsStart + 1 && utf8.dropFirst(digitsStart).first == UInt8(ascii: "0")
            if first != UInt8(ascii: "+") && !leadingZero && text != "-0" { return text }
            if let value = Int64(text) { return String(value) }
            var digits = Substring(text.dropFirst(digitsStart))
            while digits.count > 1, digits.first == "0" { digits = digits.dropFirst() }
            return (first == UInt8(ascii: "-") && digits != "0" ? "-" : "") + digits
        }
        guard let value = doubleValue else { return text }
        return JSONNumber.pythonText(of: value)
    }

    /// Prints a double as Python's `repr(float)`: shortest round-trip digits, always with a `.` or an
    /// exponent, exponent form below `1e-4` and from `1e16`.
    static func pythonText(of value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value < 0 ? "-Infinity" : "Infinity" }
        // Swift's description is shortest round-trip; Swift switches to exponent form at 2^53 and below 1e-4
        // with a different spelling, so rebuild the text from the digits and exponent.
        let swift = "\(value)"
        var sign = ""
        var body = Substring(swift)
        if body.hasPrefix("-") { sign = "-"; body = body.dropFirst() }
        var mantissa = body
        var exponent = 0
        if let e = body.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            mantissa = body[..<e]
            exponent = Int(body[body.index(after: e)...]) ?? 0
        }
        var digits = ""
        var pointPosition = 0
        if let dot = mantissa.firstIndex(of: ".") {
            let intPart = mantissa[..<dot]
            let fracPart = mantissa[mantissa.index(after: dot)...]
            digits = String(intPart) + String(fracPart)
            pointPosition = intPart.count
        } else {
            digits = String(mantissa)
            pointPosition = digits.count
        }
        // Strip leading zeros (adjusting the point) and trailing zeros.
        while digits.count > 1, digits.first == "0" { digits.removeFirst(); pointPosition -= 1 }
        while digits.count > 1, digits.last == "0" { digits.removeLast() }
        if digits == "0" { return sign + "0.0" }
        let decimalExponent = pointPosition + exponent - 1  // value = 0.d1d2... * 10^(pointPosition+exponent)
        if decimalExponent < -4 || decimalExponent >= 16 {
            var m = String(digits.first!)
            if digits.count > 1 { m += "." + digits.dropFirst() }
            let expSign = decimalExponent < 0 ? "-" : "+"
            let expDigits = String(abs(decimalExponent))
            return sign + m + "e" + expSign + (expDigits.count < 2 ? "0" + expDigits : expDigits)
        }
        if decimalExponent < 0 {
            return sign + "0." + String(repeating: "0", count: -decimalExponent - 1) + digits
        }
        let intCount = decimalExponent + 1
        if digits.count <= intCount {
            return sign + digits + String(repeating: "0", count: intCount - digits.count) + ".0"
        }
        let split = digits.index(digits.startIndex, offsetBy: intCount)
        return sign + digits[..<split] + "." + digits[split...]
    }
}
