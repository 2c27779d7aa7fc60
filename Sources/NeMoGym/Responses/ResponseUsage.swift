/// Token usage of a response: `input_tokens`, `output_tokens`, `total_tokens` and the two details objects.
///
/// Kept as its JSON object so unknown keys survive. ``accumulate(_:_:)`` adds usages exactly as NeMo
/// Gym's `accumulate_response_usage` does, including its `None` rules.
public struct ResponseUsage: Sendable, Hashable {
    /// The usage object.
    public var json: JSONObject

    /// Wraps a usage object.
    public init(_ json: JSONObject) {
        self.json = json
    }

    /// Creates a usage from counts.
    public init(inputTokens: Int, outputTokens: Int, cachedTokens: Int? = 0, reasoningTokens: Int? = 0) {
        json = [
            "input_tokens": .int(inputTokens),
            "input_tokens_details": ["cached_tokens": cachedTokens.map { JSONValue.int($0) } ?? .null],
            "output_tokens": .int(outputTokens),
            "output_tokens_details": ["reasoning_tokens": reasoningTokens.map { JSONValue.int($0) } ?? .null],
            "total_tokens": .int(inputTokens + outputTokens),
        ]
    }

    /// `input_tokens`.
    public var inputTokens: Int? { json["input_tokens"]?.int }
    /// `output_tokens`.
    public var outputTokens: Int? { json["output_tokens"]?.int }
    /// `total_tokens`.
    public var totalTokens: Int? { json["total_tokens"]?.int }
    /// `input_tokens_details.cached_tokens`.
    public var cachedTokens: Int? { json["input_tokens_details"]?["cached_tokens"]?.int }
    /// `output_tokens_details.reasoning_tokens`.
    public var reasoningTokens: Int? { json["output_tokens_details"]?["reasoning_tokens"]?.int }

    /// Checks the wire shape NeMo Gym requires: three integer counts and both details objects with their
    /// (possibly null) inner counts. Returns a description of the first problem, or `nil`.
    public static func problem(in value: JSONValue) -> String? {
        guard let object = value.object else { return "usage must be an object or null" }
        for key in ["input_tokens", "output_tokens", "total_tokens"] {
            guard let n = object[key]?.number, n.isInteger else { return "usage.\(key) must be an integer" }
        }
        for (details, inner) in [("input_tokens_details", "cached_tokens"), ("output_tokens_details", "reasoning_tokens")] {
            guard let d = object[details]?.object else { return "usage.\(details) is required" }
            guard let v = d[inner] else { return "usage.\(details).\(inner) is required" }
            if !v.isNull, v.number?.isInteger != true { return "usage.\(details).\(inner) must be an integer or null" }
        }
        return nil
    }

    /// Adds `add` to `total` as NeMo Gym does: `nil` plus X is X; counts add up; a `null` cached or
    /// reasoning count on either side makes the sum `null`; a missing details object on the added side
    /// keeps the running total's value (and a missing one on the total stays missing).
    public static func accumulate(_ total: ResponseUsage?, _ add: ResponseUsage?) -> ResponseUsage? {
        guard let add else { return total }
        guard var result = total else { return add }
        for key in totalKeys {
            result.json[key] = sum(result.json[key], add.json[key])
        }
        for (details, inner) in detailKeys {
            guard var mine = result.json[details]?.object, let theirs = add.json[details]?.object else { continue }
            let a = mine[inner] ?? .null
            let b = theirs[inner] ?? .null
            mine[inner] = (a.isNull || b.isNull) ? .null : sum(a, b)
            result.json[details] = .object(mine)
        }
        return result
    }

    private static let totalKeys = ["input_tokens", "output_tokens", "total_tokens"]
    private static let detailKeys = [("input_tokens_details", "cached_tokens"), ("output_tokens_details", "reasoning_tokens")]

    /// Sums usages starting from zeros (`NeMoGymResponseUsage.sum_from_list`).
    public static func sum(_ usages: [ResponseUsage]) -> ResponseUsage {
        usages.reduce(ResponseUsage(inputTokens: 0, outputTokens: 0)) { accumulate($0, $1) ?? $0 }
    }

    private static func sum(_ a: JSONValue?, _ b: JSONValue?) -> JSONValue {
        let x = a?.number
        let y = b?.number
        if let x, let y, x.isInteger, y.isInteger, let i = x.int64Value, let j = y.int64Value {
            let (s, overflow) = i.addingReportingOverflow(j)
            if !overflow { return .int(s) }
        }
        return .double((x?.doubleValue ?? 0) + (y?.doubleValue ?? 0))
    }
}
