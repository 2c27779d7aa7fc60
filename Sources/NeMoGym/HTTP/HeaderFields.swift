/// The header fields of an HTTP message, in the order they were received or added.
///
/// Lookup is case-insensitive (`headers["content-type"]` finds `Content-Type`). A name may appear more than
/// once; ``values(for:)`` returns every value, which is what repeated fields such as `Set-Cookie` need.
///
/// ```swift
/// var headers: HeaderFields = ["Content-Type": "application/json"]
/// headers.add(name: "Set-Cookie", value: "a=1; Path=/")
/// headers.add(name: "Set-Cookie", value: "b=2; Path=/")
/// print(headers["content-type"] ?? "")     // application/json
/// print(headers.values(for: "set-cookie"))  // ["a=1; Path=/", "b=2; Path=/"]
/// ```
public struct HeaderFields: Sendable, Hashable, Sequence, ExpressibleByDictionaryLiteral, CustomStringConvertible {
    /// One header field.
    public typealias Element = (name: String, value: String)

    private var names: [String] = []
    private var fieldValues: [String] = []

    /// No header fields.
    public init() {}

    /// Creates header fields from pairs, in order (repeated names are kept).
    public init(_ fields: [(String, String)]) {
        names.reserveCapacity(fields.count)
        fieldValues.reserveCapacity(fields.count)
        for (name, value) in fields { add(name: name, value: value) }
    }

    /// Creates header fields from a literal, in order.
    public init(dictionaryLiteral elements: (String, String)...) {
        self.init(elements)
    }

    /// How many fields there are (a repeated name counts once per field).
    public var count: Int { names.count }

    /// Whether there are no fields.
    public var isEmpty: Bool { names.isEmpty }

    /// The first value of the field `name` (case-insensitive); setting replaces every field of that name
    /// (keeping the first one's position), setting `nil` removes them all.
    public subscript(name: String) -> String? {
        get {
            for i in names.indices where Self.equalsIgnoringCase(names[i], name) { return fieldValues[i] }
            return nil
        }
        set {
            if let newValue { replaceOrAdd(name: name, value: newValue) } else { remove(name: name) }
        }
    }

    /// Every value of the field `name` (case-insensitive), in order; `[]` when absent.
    public func values(for name: String) -> [String] {
        var result: [String] = []
        for i in names.indices where Self.equalsIgnoringCase(names[i], name) { result.append(fieldValues[i]) }
        return result
    }

    /// Whether a field `name` is present (case-insensitive).
    public func contains(_ name: String) -> Bool {
        names.contains { Self.equalsIgnoringCase($0, name) }
    }

    /// Appends a field, keeping any existing fields of the same name.
    public mutating func add(name: String, value: String) {
        names.append(name)
        fieldValues.append(value)
    }

    /// Replaces every field `name` with one field holding `value` (at the first one's position), or appends it.
    public mutating func replaceOrAdd(name: String, value: String) {
        guard let first = names.firstIndex(where: { Self.equalsIgnoringCase($0, name) }) else {
            add(name: name, value: value)
            return
        }
        fieldValues[first] = value
        var i = names.count - 1
        while i > first {
            if Self.equalsIgnoringCase(names[i], name) {
                names.remove(at: i)
                fieldValues.remove(at: i)
            }
            i -= 1
        }
    }

    /// Removes every field `name` (case-insensitive).
    public mutating func remove(name: String) {
        var i = names.count - 1
        while i >= 0 {
            if Self.equalsIgnoringCase(names[i], name) {
                names.remove(at: i)
                fieldValues.remove(at: i)
            }
            i -= 1
        }
    }

    /// Iterates the fields in order.
    public func makeIterator() -> AnyIterator<Element> {
        var i = 0
        return AnyIterator {
            guard i < names.count else { return nil }
            defer { i += 1 }
            return (names[i], fieldValues[i])
        }
    }

    /// Calls `body` with each field in order (without the iterator's allocation).
    func forEachField(_ body: (String, String) throws -> Void) rethrows {
        for i in names.indices { try body(names[i], fieldValues[i]) }
    }

    /// The fields as `Name: value` lines.
    public var description: String {
        zip(names, fieldValues).map { "\($0): \($1)" }.joined(separator: "\n")
    }

    /// Whether the comma-separated field `name` holds `token` (case-insensitive), e.g. `Connection: keep-alive, Upgrade`.
    public func containsToken(_ token: String, in name: String) -> Bool {
        for i in names.indices where Self.equalsIgnoringCase(names[i], name) {
            for part in fieldValues[i].split(separator: ",") where Self.equalsIgnoringCase(part.trimmingSpaces(), token) {
                return true
            }
        }
        return false
    }

    /// Whether both hold the same fields in the same order (names compared exactly).
    public static func == (lhs: HeaderFields, rhs: HeaderFields) -> Bool {
        lhs.names == rhs.names && lhs.fieldValues == rhs.fieldValues
    }

    /// Hashes the fields in order.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(names)
        hasher.combine(fieldValues)
    }

    /// ASCII case-insensitive comparison (header names are ASCII tokens).
    static func equalsIgnoringCase(_ a: String, _ b: String) -> Bool {
        var a = a, b = b
        return a.withUTF8 { x in
            b.withUTF8 { y in
                guard x.count == y.count else { return false }
                for i in 0..<x.count where x[i] != y[i] {
                    if x[i] | 0x20 != y[i] | 0x20 { return false }
                    let lower = x[i] | 0x20
                    if lower < UInt8(ascii: "a") || lower > UInt8(ascii: "z") { return false }
                }
                return true
            }
        }
    }
}
