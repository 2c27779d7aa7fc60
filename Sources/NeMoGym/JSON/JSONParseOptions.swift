/// Options for parsing a ``JSONValue`` (`JSONValue(parsing:options:)` from a string, substring or bytes).
public struct JSONParseOptions: Sendable, Hashable {
    /// Whether an object may repeat a key (the last value wins, at the first key's position).
    public var allowsDuplicateKeys: Bool
    /// Whether `NaN`, `Infinity` and `-Infinity` are accepted as numbers.
    public var allowsNonFiniteNumbers: Bool
    /// How deep arrays and objects may nest (512 by default). Parsing recurses once per level, so very large
    /// limits can exhaust the smaller stacks of concurrency tasks; keep it in the low thousands at most.
    public var maximumDepth: Int

    /// Creates options.
    public init(allowsDuplicateKeys: Bool = false, allowsNonFiniteNumbers: Bool = false, maximumDepth: Int = 512) {
        self.allowsDuplicateKeys = allowsDuplicateKeys
        self.allowsNonFiniteNumbers = allowsNonFiniteNumbers
        self.maximumDepth = maximumDepth
    }

    /// RFC 8259 JSON: duplicate keys and non-finite numbers are errors. The default everywhere.
    public static let strict = JSONParseOptions()

    /// What Python's `json.loads` accepts: duplicate keys (last wins) and `NaN`/`Infinity`. Used for the
    /// arguments of function calls, which NeMo Gym parses with `json.loads`.
    public static let pythonCompatible = JSONParseOptions(allowsDuplicateKeys: true, allowsNonFiniteNumbers: true)
}
