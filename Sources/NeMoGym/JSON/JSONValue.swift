/// A lossless JSON value: objects keep key order, numbers keep their exact text.
///
/// This is the wire model of the whole library. Everything NeMo Gym passes through without a schema
/// (dataset columns, verifier outputs, token ids, vendor fields) is carried as a ``JSONValue`` and printed
/// back unchanged. Typed views such as ``ModelResponse`` wrap it and expose what the agent needs.
///
/// ```swift
/// let value = try JSONValue(parsing: #"{"b":1.0,"a":[true,null]}"#)
/// print(value["b"]?.number?.text ?? "")  // 1.0
/// print(value.jsonString())              // {"b":1.0,"a":[true,null]}
/// ```
public enum JSONValue: Sendable, Hashable {
    /// `null`.
    case null
    /// `true` or `false`.
    case bool(Bool)
    /// A number, kept as its text.
    case number(JSONNumber)
    /// A string.
    case string(String)
    /// An array.
    case array([JSONValue])
    /// An object with ordered keys.
    case object(JSONObject)
}

// MARK: - Building values

extension JSONValue: ExpressibleByNilLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByFloatLiteral, ExpressibleByStringLiteral, ExpressibleByArrayLiteral,
    ExpressibleByDictionaryLiteral, ExpressibleByStringInterpolation
{
    /// `nil` is JSON `null`.
    public init(nilLiteral: ()) { self = .null }
    /// `true` / `false`.
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    /// An integer literal is an integer number.
    public init(integerLiteral value: Int) { self = .number(JSONNumber(value)) }
    /// A float literal is a float number printed as Python would (`1.0`, `1e-06`).
    public init(floatLiteral value: Double) { self = .number(JSONNumber(value)) }
    /// A string literal (also with interpolation) is a string.
    public init(stringLiteral value: String) { self = .string(value) }
    /// An array literal is an array.
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    /// A dictionary literal is an object in the literal's order (a repeated key keeps its first position
    /// and last value).
    public init(dictionaryLiteral elements: (String, JSONValue)...) { self = .object(JSONObject(elements)) }

    /// An integer number.
    public static func int<I: BinaryInteger>(_ value: I) -> JSONValue { .number(JSONNumber(value)) }

    /// A float number, printed as Python prints floats (`1.0`, `1e-06`).
    public static func double(_ value: Double) -> JSONValue { .number(JSONNumber(value)) }
}

// MARK: - Reading values

extension JSONValue {
    /// Whether the value is `null`.
    public var isNull: Bool { if case .null = self { return true } else { return false } }

    /// The boolean, if this is one.
    public var bool: Bool? { if case .bool(let b) = self { return b } else { return nil } }

    /// The number, if this is one.
    public var number: JSONNumber? { if case .number(let n) = self { return n } else { return nil } }

    /// The string, if this is one.
    public var string: String? { if case .string(let s) = self { return s } else { return nil } }

    /// The elements, if this is an array.
    public var array: [JSONValue]? { if case .array(let a) = self { return a } else { return nil } }

    /// The object, if this is one.
    public var object: JSONObject? { if case .object(let o) = self { return o } else { return nil } }

    /// The number as `Int64`, if this is an integer number that fits.
    public var int64: Int64? { number?.int64Value }

    /// The number as `Int`, if this is an integer number that fits.
    public var int: Int? { number?.intValue }

    /// The number as `Double`, if this is a number.
    public var double: Double? { number?.doubleValue }

    /// The member `key` of an object (`nil` for a missing key or a non-object).
    public subscript(key: String) -> JSONValue? {
        get { object?[key] }
        set {
            guard case .object(var o) = self else { return }
            self = .null  // release the storage so the mutation below does not copy
            o[key] = newValue
            self = .object(o)
        }
    }

    /// The element at `index` of an array (`nil` out of range or for a non-array).
    public subscript(index: Int) -> JSONValue? {
        guard case .array(let a) = self, a.indices.contains(index) else { return nil }
        return a[index]
    }

    /// Python's truthiness: `null`, `false`, `0`, `""`, `[]` and `{}` are false.
    public var isTruthy: Bool {
        switch self {
        case .null: return false
        case .bool(let b): return b
        case .number(let n): return (n.doubleValue ?? 1) != 0
        case .string(let s): return !s.isEmpty
        case .array(let a): return !a.isEmpty
        case .object(let o): return !o.isEmpty
        }
    }

    /// A short name of the kind of value, as used in error messages (`object`, `string`, ...).
    public var kindName: String {
        switch self {
        case .null: return "null"
        case .bool: return "boolean"
        case .number(let n): return n.isInteger ? "integer" : "number"
        case .string: return "string"
        case .array: return "array"
        case .object: return "object"
        }
    }

    /// ``kindName`` with its indefinite article, for messages: `an object`, `an array`, `a string`, `null`.
    var kindNameWithArticle: String {
        switch self {
        case .null: return "null"
        case .array, .object: return "an \(kindName)"
        case .number(let n): return n.isInteger ? "an integer" : "a number"
        case .bool, .string: return "a \(kindName)"
        }
    }

    /// Compares by value: like `==`, but numbers compare numerically and integers equal their float form
    /// only when `strictNumberKinds` is false.
    public func isEquivalent(to other: JSONValue, strictNumberKinds: Bool = true) -> Bool {
        switch (self, other) {
        case (.number(let a), .number(let b)):
            if strictNumberKinds, a.isInteger != b.isInteger { return false }
            return a.isNumericallyEqual(to: b)
        case (.array(let a), .array(let b)):
            return a.count == b.count
                && zip(a, b).allSatisfy { $0.isEquivalent(to: $1, strictNumberKinds: strictNumberKinds) }
        case (.object(let a), .object(let b)):
            return a.keys == b.keys
                && zip(a.values, b.values).allSatisfy {
                    $0.isEquivalent(to: $1, strictNumberKinds: strictNumberKinds)
                }
        default:
            return self == other
        }
    }
}
