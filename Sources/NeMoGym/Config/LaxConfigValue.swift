/// Reads config values as pydantic's lax mode does, so a block NeMo Gym accepts is accepted here.
///
/// NeMo Gym validates server blocks with pydantic models, whose default (lax) mode converts: numeric
/// strings and integral floats to `int`, `"true"`/`"yes"`/`"on"`/`"1"` (and opposites, any case) and
/// `0`/`1` to `bool`, numeric strings and bools to `float`. Values that come from `${oc.env:VAR,default}`
/// are always strings, so this matters for real configs. What pydantic refuses is refused with its reason.
enum LaxConfigValue {
    /// `int`: an integer; a bool (`1`/`0`); a float without a fractional part; a string holding an
    /// integer (surrounding spaces and `_` between digits allowed) or a float without a fractional part.
    static func int(_ value: JSONValue) -> Result<Int, Refusal> {
        switch value {
        case .bool(let b): return .success(b ? 1 : 0)
        case .number(let n):
            if let i = n.intValue { return .success(i) }
            let d = n.doubleValue ?? .nan
            guard d.isFinite, d.rounded() == d, let i = Int(exactly: d) else {
                return .failure(Refusal("Input should be a valid integer, got a number with a fractional part"))
            }
            return .success(i)
        case .string(let s):
            if let i = integerText(s.trimmingSpaces()) { return .success(i) }
            return .failure(Refusal("Input should be a valid integer, unable to parse string as an integer"))
        default:
            return .failure(Refusal("Input should be a valid integer"))
        }
    }

    /// `bool`: a bool; the numbers `0`/`1`; the strings `0 off f false n no` / `1 on t true y yes` in any case.
    static func bool(_ value: JSONValue) -> Result<Bool, Refusal> {
        switch value {
        case .bool(let b): return .success(b)
        case .number(let n):
            let d = n.doubleValue ?? .nan
            if d == 0 { return .success(false) }
            if d == 1 { return .success(true) }
        case .string(let s):
            switch s.trimmingSpaces().lowercased() {
            case "1", "on", "t", "true", "y", "yes": return .success(true)
            case "0", "off", "f", "false", "n", "no": return .success(false)
            default: break
            }
        default:
            return .failure(Refusal("Input should be a valid boolean"))
        }
        return .failure(Refusal("Input should be a valid boolean, unable to interpret input"))
    }

    /// `float`: a number; a bool (`1.0`/`0.0`); a string holding a number (also `inf`, `nan`).
    static func double(_ value: JSONValue) -> Result<Double, Refusal> {
        switch value {
        case .bool(let b): return .success(b ? 1 : 0)
        case .number(let n): return .success(n.doubleValue ?? .nan)
        case .string(let s):
            let text = s.trimmingSpaces().replacingUnderscoresBetweenDigits()
            switch text.lowercased() {
            case "inf", "+inf", "infinity", "+infinity": return .success(.infinity)
            case "-inf", "-infinity": return .success(-.infinity)
            case "nan", "+nan", "-nan": return .success(.nan)
            default: break
            }
            if let d = Double(text), !text.isEmpty, text.allSatisfy({ "0123456789+-.eE".contains($0) }) { return .success(d) }
            return .failure(Refusal("Input should be a valid number, unable to parse string as a number"))
        default:
            return .failure(Refusal("Input should be a valid number"))
        }
    }

    /// `str`: only a string (pydantic does not turn numbers or bools into strings).
    static func string(_ value: JSONValue) -> Result<String, Refusal> {
        if let s = value.string { return .success(s) }
        return .failure(Refusal("Input should be a valid string"))
    }

    /// Why a value was refused, worded as pydantic words it.
    struct Refusal: Error {
        var reason: String
        init(_ reason: String) { self.reason = reason }
    }

    /// `12`, `-3`, `1_000`, `2.0`, `+7` → the integer; anything else `nil`.
    private static func integerText(_ text: String) -> Int? {
        var digits = text.replacingUnderscoresBetweenDigits()
        guard digits.count == text.filter({ $0 != "_" }).count, !text.hasPrefix("_"), !text.hasSuffix("_") else { return nil }
        if let dot = digits.firstIndex(of: ".") {
            let fraction = digits[digits.index(after: dot)...]
            guard fraction.allSatisfy({ $0 == "0" }) else { return nil }
            digits = String(digits[..<dot])
        }
        guard !digits.isEmpty, digits.dropFirst(digits.first == "-" || digits.first == "+" ? 1 : 0).allSatisfy(\.isASCIIDigit) else { return nil }
        return Int(digits.first == "+" ? String(digits.dropFirst()) : digits)
    }
}

extension String {
    /// The string with each `_` that stands between two digits removed (Python's `int("1_000")`).
    fileprivate func replacingUnderscoresBetweenDigits() -> String {
        let chars = Array(self)
        var out = ""
        for (i, c) in chars.enumerated() {
            if c == "_", i > 0, i + 1 < chars.count, chars[i - 1].isASCIIDigit, chars[i + 1].isASCIIDigit { continue }
            out.append(c)
        }
        return out
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}
