/// Implicit typing of plain scalars as OmegaConf's loader does it: PyYAML's YAML 1.1 `SafeLoader`
/// resolvers (null, the whole bool set, octal/hex/binary/base-60 ints, `_` separators, `.inf`/`.nan`),
/// plus OmegaConf's float resolver (`1e-5`, `1E3` are floats) and minus the timestamp resolver (dates
/// stay strings).
enum YAMLScalarResolver {
    /// What a plain scalar means.
    enum Resolved: Equatable {
        case null
        case bool(Bool)
        /// An integer, as JSON text (decimal).
        case int(String)
        /// A float, as JSON text (the original spelling when it is valid JSON, else Python's repr).
        case float(String)
        case string
        /// The merge key `<<`.
        case merge
        /// The YAML 1.1 "value" key `=`.
        case value
        /// A number form whose value does not fit (hex/octal/binary/base-60 beyond 64 bits) or has no digits.
        case invalidNumber(overflow: Bool)
    }

    static let nullWords: Set<String> = ["", "~", "null", "Null", "NULL"]
    static let trueWords: Set<String> = ["yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"]
    static let falseWords: Set<String> = ["no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"]

    /// Resolves a plain scalar's text.
    static func resolve(_ text: String) -> Resolved {
        guard let first = text.utf8.first else { return .null }
        switch first {
        case UInt8(ascii: "~"), UInt8(ascii: "n"), UInt8(ascii: "N"):
            if nullWords.contains(text) { return .null }
        case UInt8(ascii: "<"):
            if text == "<<" { return .merge }
        case UInt8(ascii: "="):
            if text == "=" { return .value }
        default:
            break
        }
        if let b = bool(text) { return .bool(b) }
        let bytes = Array(text.utf8)
        if isFloat(bytes) { return float(text) }
        if isInt(bytes) { return int(text) }
        return .string
    }

    /// The bool a YAML 1.1 word means, or `nil`.
    static func bool(_ text: String) -> Bool? {
        if trueWords.contains(text) { return true }
        if falseWords.contains(text) { return false }
        return nil
    }

    // MARK: - Matching

    private static func isDigit(_ c: UInt8) -> Bool { c >= 48 && c <= 57 }

    /// `[-+]?(0b[01_]+|0[0-7_]+|0|[1-9][0-9_]*|0x[0-9a-fA-F_]+|[1-9][0-9_]*(:[0-5]?[0-9])+)`
    static func isInt(_ s: [UInt8]) -> Bool {
        var k = 0
        if k < s.count && (s[k] == UInt8(ascii: "-") || s[k] == UInt8(ascii: "+")) { k += 1 }
        guard k < s.count else { return false }
        let body = s[k...]
        if body.first == UInt8(ascii: "0") {
            if body.count == 1 { return true }
            let second = body[body.startIndex + 1]
            let rest = body.dropFirst(2)
            if second == UInt8(ascii: "b") {
                return !rest.isEmpty && rest.allSatisfy { $0 == 48 || $0 == 49 || $0 == UInt8(ascii: "_") }
            }
            if second == UInt8(ascii: "x") {
                return !rest.isEmpty && rest.allSatisfy { YAMLParser.hexValue($0) != nil || $0 == UInt8(ascii: "_") }
            }
            return body.dropFirst().allSatisfy { ($0 >= 48 && $0 <= 55) || $0 == UInt8(ascii: "_") }
        }
        guard let f = body.first, f >= 49 && f <= 57 else { return false }
        // Decimal, or base 60 when it has colons.
        var j = body.startIndex + 1
        while j < body.endIndex && (isDigit(body[j]) || body[j] == UInt8(ascii: "_")) { j += 1 }
        if j == body.endIndex { return true }
        return matchesSexagesimalTail(body, from: j) == body.endIndex
    }

    /// Matches `(:[0-5]?[0-9])+` from `j`; returns the end of the match, or `nil`.
    private static func matchesSexagesimalTail(_ s: ArraySlice<UInt8>, from start: Int) -> Int? {
        var j = start
        var groups = 0
        while j < s.endIndex && s[j] == UInt8(ascii: ":") {
            j += 1
            guard j < s.endIndex, isDigit(s[j]) else { return nil }
            if j + 1 < s.endIndex && isDigit(s[j + 1]) {
                guard s[j] <= UInt8(ascii: "5") else { return nil }
                j += 2
            } else {
                j += 1
            }
            groups += 1
        }
        return groups > 0 ? j : nil
    }

    /// PyYAML's float regex united with OmegaConf's.
    static func isFloat(_ s: [UInt8]) -> Bool {
        let text = s[...]
        var k = 0
        let signed = k < s.count && (s[k] == UInt8(ascii: "-") || s[k] == UInt8(ascii: "+"))
        if signed { k += 1 }
        guard k < s.count else { return false }
        let rest = String(decoding: s[k...], as: UTF8.self)
        if rest == ".inf" || rest == ".Inf" || rest == ".INF" { return true }
        if !signed && (rest == ".nan" || rest == ".NaN" || rest == ".NAN") { return true }
        if s[k] == UInt8(ascii: ".") {
            // \.[0-9_]+([eE][-+][0-9]+)?  (unsigned only)
            guard !signed else { return false }
            var j = k + 1
            let digitsStart = j
            while j < s.count && (isDigit(s[j]) || s[j] == UInt8(ascii: "_")) { j += 1 }
            guard j > digitsStart else { return false }
            return matchesExponent(text, from: j, signRequired: true) == s.count
        }
        guard isDigit(s[k]) else { return false }
        var j = k + 1
        while j < s.count && (isDigit(s[j]) || s[j] == UInt8(ascii: "_")) { j += 1 }
        if j == s.count { return false }
        if s[j] == UInt8(ascii: ".") {
            j += 1
            while j < s.count && (isDigit(s[j]) || s[j] == UInt8(ascii: "_")) { j += 1 }
            return matchesExponent(text, from: j, signRequired: false) == s.count
        }
        if s[j] == UInt8(ascii: "e") || s[j] == UInt8(ascii: "E") {
            guard let end = matchesExponent(text, from: j, signRequired: false), end > j else { return false }
            return end == s.count
        }
        if s[j] == UInt8(ascii: ":") {
            guard let end = matchesSexagesimalTail(text, from: j), end < s.count,
                  s[end] == UInt8(ascii: ".") else { return false }
            var e = end + 1
            while e < s.count && (isDigit(s[e]) || s[e] == UInt8(ascii: "_")) { e += 1 }
            return e == s.count
        }
        return false
    }

    /// Matches an optional `[eE][-+]?[0-9]+` at `j`; returns the end (== `j` when absent) or `nil` when malformed.
    private static func matchesExponent(_ s: ArraySlice<UInt8>, from start: Int, signRequired: Bool) -> Int? {
        var j = start
        guard j < s.endIndex else { return j }
        guard s[j] == UInt8(ascii: "e") || s[j] == UInt8(ascii: "E") else { return j }
        j += 1
        if j < s.endIndex && (s[j] == UInt8(ascii: "-") || s[j] == UInt8(ascii: "+")) {
            j += 1
        } else if signRequired {
            return nil
        }
        let digits = j
        while j < s.endIndex && isDigit(s[j]) { j += 1 }
        return j > digits ? j : nil
    }

    // MARK: - Construction

    /// PyYAML's `construct_yaml_int` on text that matches ``isInt(_:)``.
    static func int(_ text: String) -> Resolved {
        var body = Substring(text.replacingUnderscores())
        var negative = false
        if body.first == "-" { negative = true; body = body.dropFirst() } else if body.first == "+" { body = body.dropFirst() }
        if body == "0" { return .int("0") }
        var value: Int64?
        if body.hasPrefix("0b") {
            guard body.count > 2 else { return .invalidNumber(overflow: false) }
            value = Int64(body.dropFirst(2), radix: 2)
        } else if body.hasPrefix("0x") {
            guard body.count > 2 else { return .invalidNumber(overflow: false) }
            value = Int64(body.dropFirst(2), radix: 16)
        } else if body.hasPrefix("0") {
            value = Int64(body.dropFirst(), radix: 8) ?? (body.dropFirst().allSatisfy { $0 == "0" } ? 0 : nil)
        } else if body.contains(":") {
            var total: Int64 = 0
            for part in body.split(separator: ":") {
                guard let digit = Int64(part) else { return .invalidNumber(overflow: true) }
                let (m, o1) = total.multipliedReportingOverflow(by: 60)
                let (sum, o2) = m.addingReportingOverflow(digit)
                if o1 || o2 { return .invalidNumber(overflow: true) }
                total = sum
            }
            value = total
        } else {
            // Decimal: keep every digit (lossless beyond 64 bits).
            let digits = body.drop { $0 == "0" }
            if digits.isEmpty { return .int("0") }
            return .int((negative ? "-" : "") + digits)
        }
        guard let value else { return .invalidNumber(overflow: true) }
        if value == 0 { return .int("0") }
        return .int((negative ? "-" : "") + String(value))
    }

    /// PyYAML's `construct_yaml_float` on text that matches ``isFloat(_:)`` (or an int, for `!!float`).
    static func float(_ text: String) -> Resolved {
        let cleaned = text.replacingUnderscores()
        let lower = cleaned.lowercased()
        var body = Substring(lower)
        var sign = 1.0
        if body.first == "-" { sign = -1; body = body.dropFirst() } else if body.first == "+" { body = body.dropFirst() }
        if body == ".inf" { return .float(JSONNumber(sign * Double.infinity).text) }
        if body == ".nan" { return .float(JSONNumber(Double.nan).text) }
        if body.contains(":") {
            var total = 0.0
            for part in body.split(separator: ":") {
                guard let d = Double(part) else { return .invalidNumber(overflow: false) }
                total = total * 60 + d
            }
            return .float(JSONNumber(sign * total).text)
        }
        let unsigned = cleaned.hasPrefix("+") ? String(cleaned.dropFirst()) : cleaned
        if isJSONFloat(unsigned) { return .float(unsigned) }
        guard let d = Double(body) else { return .invalidNumber(overflow: false) }
        return .float(JSONNumber(sign * d).text)
    }

    /// Whether `text` is a JSON number with a fraction or an exponent.
    static func isJSONFloat(_ text: String) -> Bool {
        let s = Array(text.utf8)
        var j = 0
        if j < s.count && s[j] == UInt8(ascii: "-") { j += 1 }
        guard j < s.count, isDigit(s[j]) else { return false }
        if s[j] == UInt8(ascii: "0") { j += 1 } else { while j < s.count && isDigit(s[j]) { j += 1 } }
        var hasFractionOrExponent = false
        if j < s.count && s[j] == UInt8(ascii: ".") {
            j += 1
            let start = j
            while j < s.count && isDigit(s[j]) { j += 1 }
            guard j > start else { return false }
            hasFractionOrExponent = true
        }
        if j < s.count && (s[j] == UInt8(ascii: "e") || s[j] == UInt8(ascii: "E")) {
            j += 1
            if j < s.count && (s[j] == UInt8(ascii: "-") || s[j] == UInt8(ascii: "+")) { j += 1 }
            let start = j
            while j < s.count && isDigit(s[j]) { j += 1 }
            guard j > start else { return false }
            hasFractionOrExponent = true
        }
        return j == s.count && hasFractionOrExponent
    }
}

fileprivate extension String {
    func replacingUnderscores() -> String {
        contains("_") ? String(filter { $0 != "_" }) : self
    }
}
