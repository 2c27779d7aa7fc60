/// Computes reward metrics from rollout results exactly as NeMo Gym's `compute_aggregate_metrics` does
/// (the `/aggregate_metrics` of its resources servers): per-task (`group_level_metrics`) and overall (`agent_metrics`) mean, max,
/// min, median and sample standard deviation of every numeric field, plus the headline `key_metrics`.
///
/// Numeric fields are the result's numbers and booleans (as 0/1) merged with `response.usage` (usage
/// wins); strings, objects and lists are ignored. Two hooks customise it, as NeMo Gym's
/// `compute_metrics` / `get_key_metrics` do:
///
/// ```swift
/// let aggregator = MetricsAggregator(computeMetrics: { tasks in
///     PassAtKMetrics.compute(tasks: tasks).metrics
/// })
/// let results: [JSONObject] = [
///     ["_ng_task_index": 0, "_ng_rollout_index": 0, "reward": 1.0],
///     ["_ng_task_index": 0, "_ng_rollout_index": 1, "reward": 0.0],
/// ]
/// let metrics = try aggregator.aggregate(results)
/// print(JSONValue.object(metrics.keyMetrics).jsonString())  // {"mean/reward":0.5}
/// ```
public struct MetricsAggregator: Sendable {
    /// Receives the results grouped by task (ascending task index) and returns metrics merged into
    /// `agent_metrics`; a `per_task_metrics` list in the answer is merged into the group entries instead.
    public typealias ComputeMetrics = @Sendable (_ tasks: [[JSONObject]]) throws -> JSONObject
    /// Picks the headline metrics from `agent_metrics`.
    public typealias KeyMetrics = @Sendable (_ agentMetrics: JSONObject) -> JSONObject

    /// The `compute_metrics` hook, or `nil` for none.
    public var computeMetrics: ComputeMetrics?
    /// The `get_key_metrics` hook, or `nil` for ``defaultKeyMetrics(_:)``.
    public var keyMetrics: KeyMetrics?

    /// Creates an aggregator with optional hooks.
    public init(computeMetrics: ComputeMetrics? = nil, keyMetrics: KeyMetrics? = nil) {
        self.computeMetrics = computeMetrics
        self.keyMetrics = keyMetrics
    }

    /// The default key metrics: every `agent_metrics` entry whose name starts with `mean/`.
    public static func defaultKeyMetrics(_ agentMetrics: JSONObject) -> JSONObject {
        JSONObject(agentMetrics.filter { $0.key.hasPrefix("mean/") }.map { ($0.key, $0.value) })
    }

    /// Aggregates results (verify responses). An empty list gives empty metrics.
    /// - Throws: ``AggregateMetricsError`` when two results share a `(task, rollout)` key (results
    ///   without indices count as task 0, rollout 0), or whatever the ``computeMetrics`` hook throws.
    public func aggregate(_ verifyResponses: [JSONObject]) throws -> AggregateMetrics {
        guard !verifyResponses.isEmpty else { return AggregateMetrics() }
        var keyed: [(key: RolloutKey, result: JSONObject)] = []
        var seen = Set<RolloutKey>()
        for result in verifyResponses {
            let key = RolloutKey(taskIndex: result[RolloutKey.taskIndexKey] ?? 0, rolloutIndex: result[RolloutKey.rolloutIndexKey] ?? 0)
            guard seen.insert(key).inserted else { throw AggregateMetricsError.duplicateKey(key) }
            keyed.append((key, result))
        }
        keyed.sort { $0.key < $1.key }

        var table = NumericTable()
        for (key, result) in keyed { table.add(key: key, result: result) }

        var groups: [JSONObject] = []
        var start = 0
        while start < keyed.count {
            var end = start + 1
            let task = RolloutKey.canonical(keyed[start].key.taskIndex)
            while end < keyed.count, RolloutKey.canonical(keyed[end].key.taskIndex) == task { end += 1 }
            var group: JSONObject = [RolloutKey.taskIndexKey: keyed[start].key.taskIndex]
            group.merge(table.describe(rows: start..<end))
            let count = end - start
            group["sample"] = ["agent_ref": ["name": "agent"]]
            group["num_rollouts"] = .int(count)
            group["expected_num_rollouts"] = .int(count)
            group["missing_num_rollouts"] = 0
            group["reward_profile_completion_pct"] = 100.0
            group["rollout_infos"] = .array(keyed[start..<end].map { .object(Self.rolloutInfo(key: $0.key, result: $0.result)) })
            groups.append(group)
            start = end
        }
        var agentMetrics = table.describe(rows: 0..<keyed.count)

        if let computeMetrics {
            var custom = try computeMetrics(Self.groupedByTask(verifyResponses))
            if let perTask = custom.removeValue(forKey: "per_task_metrics")?.array, !perTask.isEmpty {
                var byTask: [String: JSONObject] = [:]
                for case .object(let entry) in perTask {
                    if let task = entry[RolloutKey.taskIndexKey] { byTask[RolloutKey.canonical(task)] = entry }
                }
                for i in groups.indices {
                    guard let task = groups[i][RolloutKey.taskIndexKey], let entry = byTask[RolloutKey.canonical(task)] else { continue }
                    for (key, value) in entry where key != RolloutKey.taskIndexKey { groups[i][key] = value }
                }
            }
            agentMetrics.merge(custom)
        }
        let key = keyMetrics?(agentMetrics) ?? Self.defaultKeyMetrics(agentMetrics)
        return AggregateMetrics(groupLevelMetrics: groups.map(JSONValue.object), agentMetrics: agentMetrics, keyMetrics: key)
    }

    /// The results grouped by `_ng_task_index` (missing = 0), ascending, each group in input order.
    public static func groupedByTask(_ results: [JSONObject]) -> [[JSONObject]] {
        var order: [(key: JSONValue, results: [JSONObject])] = []
        var position: [String: Int] = [:]
        for result in results {
            let task = result[RolloutKey.taskIndexKey] ?? 0
            let canonical = RolloutKey.canonical(task)
            if let i = position[canonical] {
                order[i].results.append(result)
            } else {
                position[canonical] = order.count
                order.append((task, [result]))
            }
        }
        return order.sorted { RolloutKey.compare($0.key, $1.key) < 0 }.map(\.results)
    }

    /// One `rollout_infos` entry: id, indices, raw reward, numeric usage, then other numeric fields.
    static func rolloutInfo(key: RolloutKey, result: JSONObject) -> JSONObject {
        var info: JSONObject = [
            "rollout_id": .string(key.rolloutID),
            RolloutKey.taskIndexKey: key.taskIndex,
            RolloutKey.rolloutIndexKey: key.rolloutIndex,
        ]
        if let reward = result["reward"] { info["reward"] = reward }
        if case .object(let usage)? = result["response"]?["usage"] {
            for (name, value) in usage { if let v = numericValue(value) { info[name] = v } }
        }
        for (name, value) in result where ![RolloutKey.taskIndexKey, RolloutKey.rolloutIndexKey, "reward", "response"].contains(name) {
            if let v = numericValue(value) { info[name] = v }
        }
        return info
    }

    /// A number as is, a boolean as 0/1, anything else `nil`.
    static func numericValue(_ value: JSONValue) -> JSONValue? {
        switch value {
        case .bool(let b): return .int(b ? 1 : 0)
        case .number: return value
        default: return nil
        }
    }
}

/// Numeric columns of results, in first-seen order, for the statistics of ``MetricsAggregator``.
struct NumericTable {
    private(set) var columns: [String] = []
    private var columnSet: Set<String> = []
    private(set) var rows: [[String: Double]] = []

    private static let statistics = ["mean", "max", "min", "median", "std"]

    mutating func add(key: RolloutKey, result: JSONObject) {
        var merged = result
        if case .object(let usage)? = result["response"]?["usage"] { merged.merge(usage) }
        var row: [String: Double] = [:]
        note(RolloutKey.taskIndexKey)
        note(RolloutKey.rolloutIndexKey)
        for (name, value) in merged {
            guard name != RolloutKey.taskIndexKey, name != RolloutKey.rolloutIndexKey else { continue }
            let number: Double
            switch value {
            case .bool(let b): number = b ? 1 : 0
            case .number(let n): guard let d = n.doubleValue else { continue }; number = d
            default: continue
            }
            note(name)
            if !number.isNaN { row[name] = number }
        }
        rows.append(row)
    }

    private mutating func note(_ column: String) {
        if columnSet.insert(column).inserted { columns.append(column) }
    }

    /// `mean/c`, `max/c`, `min/c`, `median/c`, `std/c` over `range`, statistic-major, NaN dropped.
    func describe(rows range: Range<Int>) -> JSONObject {
        let names = columns.filter { $0 != RolloutKey.taskIndexKey && $0 != RolloutKey.rolloutIndexKey }
        var stats: [[Double?]] = Array(repeating: Array(repeating: nil, count: names.count), count: 5)
        var complete = Array(repeating: false, count: names.count)
        for (c, name) in names.enumerated() {
            let values = rows[range].compactMap { $0[name] }
            complete[c] = values.count == range.count
            guard !values.isEmpty else { continue }
            let mean = values.reduce(0, +) / Double(values.count)
            let sorted = values.sorted()
            let mid = sorted.count / 2
            stats[0][c] = mean
            stats[1][c] = sorted[sorted.count - 1]
            stats[2][c] = sorted[0]
            stats[3][c] = sorted.count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
            if values.count >= 2 {
                let squares = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
                stats[4][c] = (squares / Double(values.count - 1)).squareRoot()
            }
        }
        // A group where no column has a standard deviation (e.g. one rollout) reports 0.0 for the
        // columns without missing values.
        if stats[4].allSatisfy({ $0 == nil }) {
            for c in names.indices where complete[c] { stats[4][c] = 0 }
        }
        var out = JSONObject()
        for (s, stat) in Self.statistics.enumerated() {
            for (c, name) in names.enumerated() {
                if let v = stats[s][c], !v.isNaN { out[stat + "/" + name] = .double(v) }
            }
        }
        return out
    }
}
