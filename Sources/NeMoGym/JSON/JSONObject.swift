/// A JSON object that keeps its keys in the order they were inserted.
///
/// Setting a key that exists replaces its value in place (as a Python `dict` does); a new key is appended.
/// Lookups are linear, which is the fastest choice for the small objects NeMo Gym exchanges.
public struct JSONObject: Sendable, Hashable, RandomAccessCollection, ExpressibleByDictionaryLiteral {
    /// One key and its value.
    public typealias Element = (key: String, value: JSONValue)

    @usableFromInline var storedKeys: [String]
    @usableFromInline var storedValues: [JSONValue]

    /// Creates an empty object.
    public init() {
        storedKeys = []
        storedValues = []
    }

    /// Creates an object from key–value pairs; a repeated key keeps its first position and last value.
    public init<S: Sequence>(_ pairs: S) where S.Element == (String, JSONValue) {
        self.init()
        for (key, value) in pairs { self[key] = value }
    }

    /// Creates an object from a literal, keeping the literal's order.
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self.init(elements)
    }

    init(uncheckedKeys keys: [String], values: [JSONValue]) {
        storedKeys = keys
        storedValues = values
    }

    /// The keys, in order.
    public var keys: [String] { storedKeys }

    /// The values, in key order.
    public var values: [JSONValue] { storedValues }

    /// The position of the first pair (always 0).
    public var startIndex: Int { 0 }
    /// The position after the last pair (the number of keys).
    public var endIndex: Int { storedKeys.count }
    /// The key and value at `position` (in insertion order).
    public subscript(position: Int) -> Element { (storedKeys[position], storedValues[position]) }

    /// The position of `key`, or `nil`.
    @inlinable
    public func index(forKey key: String) -> Int? {
        storedKeys.firstIndex(of: key)
    }

    /// The value for `key`; setting `nil` removes the key.
    @inlinable
    public subscript(key: String) -> JSONValue? {
        get {
            guard let i = index(forKey: key) else { return nil }
            return storedValues[i]
        }
        set {
            if let i = index(forKey: key) {
                if let newValue {
                    storedValues[i] = newValue
                } else {
                    storedKeys.remove(at: i)
                    storedValues.remove(at: i)
                }
            } else if let newValue {
                storedKeys.append(key)
                storedValues.append(newValue)
            }
        }
    }

    /// Whether the object has `key` (even with a `null` value).
    public func contains(key: String) -> Bool { index(forKey: key) != nil }

    /// Removes `key` and returns its value.
    @discardableResult
    public mutating func removeValue(forKey key: String) -> JSONValue? {
        guard let i = index(forKey: key) else { return nil }
        storedKeys.remove(at: i)
        return storedValues.remove(at: i)
    }

    /// Sets `key` only when it is absent (Python's `dict.setdefault`); returns the value now stored.
    @discardableResult
    public mutating func setDefault(_ key: String, _ value: JSONValue) -> JSONValue {
        if let existing = self[key] { return existing }
        self[key] = value
        return value
    }

    /// Adds every pair of `other`, replacing existing keys in place (Python's `a | b`).
    public mutating func merge(_ other: JSONObject) {
        for (key, value) in other { self[key] = value }
    }

    /// A copy with every pair of `other` merged in (Python's `a | b`).
    public func merging(_ other: JSONObject) -> JSONObject {
        var copy = self
        copy.merge(other)
        return copy
    }

    /// Appends a key without checking for duplicates; callers must know `key` is new.
    mutating func appendUnchecked(_ key: String, _ value: JSONValue) {
        storedKeys.append(key)
        storedValues.append(value)
    }

    mutating func reserveCapacity(_ n: Int) {
        storedKeys.reserveCapacity(n)
        storedValues.reserveCapacity(n)
    }

    /// Whether both objects have the same keys in the same order with equal values.
    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        lhs.storedKeys == rhs.storedKeys && lhs.storedValues == rhs.storedValues
    }

    /// Hashes the keys in order and the values.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(storedKeys)
        hasher.combine(storedValues)
    }
}
