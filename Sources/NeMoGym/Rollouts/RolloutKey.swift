/// The identity of one rollout: its `(_ng_task_index, _ng_rollout_index)` pair.
///
/// Keys compare and hash by value, as Python tuples do (`1` and `1.0` are the same index), and sort
/// numerically, so results can be ordered as NeMo Gym orders them.
public struct RolloutKey: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The name of the task index key.
    public static let taskIndexKey = "_ng_task_index"
    /// The name of the rollout index key.
    public static let rolloutIndexKey = "_ng_rollout_index"

    /// The task index as stored in the row.
    public let taskIndex: JSONValue
    /// The rollout index as stored in the row.
    public let rolloutIndex: JSONValue

    /// Creates a key from two index values.
    public init(taskIndex: JSONValue, rolloutIndex: JSONValue) {
        self.taskIndex = taskIndex
        self.rolloutIndex = rolloutIndex
    }

    /// Creates a key from integer indices.
    public init(task: Int, rollout: Int) {
        self.init(taskIndex: .int(task), rolloutIndex: .int(rollout))
    }

    /// Reads the key of a row or result; `nil` when either index is missing.
    public init?(of row: JSONObject) {
        guard let task = row[Self.taskIndexKey], let rollout = row[Self.rolloutIndexKey] else { return nil }
        self.init(taskIndex: task, rolloutIndex: rollout)
    }

    /// The key as Python prints the tuple, e.g. `(0, 1)`.
    public var description: String { "(\(Self.text(taskIndex)), \(Self.text(rolloutIndex)))" }

    /// The `rollout_id` form used in `rollout_infos`, e.g. `0:1`.
    public var rolloutID: String { "\(Self.plain(taskIndex)):\(Self.plain(rolloutIndex))" }

    public static func == (lhs: RolloutKey, rhs: RolloutKey) -> Bool {
        canonical(lhs.taskIndex) == canonical(rhs.taskIndex) && canonical(lhs.rolloutIndex) == canonical(rhs.rolloutIndex)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(Self.canonical(taskIndex))
        hasher.combine(Self.canonical(rolloutIndex))
    }

    public static func < (lhs: RolloutKey, rhs: RolloutKey) -> Bool {
        let task = compare(lhs.taskIndex, rhs.taskIndex)
        if task != 0 { return task < 0 }
        return compare(lhs.rolloutIndex, rhs.rolloutIndex) < 0
    }

    // MARK: - Value helpers shared by the rollouts code

    /// A value's canonical text: numbers by value (`1.0` → `1`), anything else as compact JSON.
    static func canonical(_ value: JSONValue) -> String {
        if case .number(let n) = value, let d = n.doubleValue, d.isFinite {
            if d == d.rounded(), abs(d) < 9.0e15 { return String(Int64(d)) }
            return String(d)
        }
        return value.jsonString()
    }

    /// Orders two index values: numbers numerically, before anything else, which sorts by its JSON text.
    static func compare(_ a: JSONValue, _ b: JSONValue) -> Int {
        switch (a.double, b.double) {
        case (let x?, let y?): return x < y ? -1 : (x > y ? 1 : 0)
        case (.some, nil): return -1
        case (nil, .some): return 1
        case (nil, nil):
            let x = a.jsonString(), y = b.jsonString()
            return x < y ? -1 : (x > y ? 1 : 0)
        }
    }

    static func plain(_ value: JSONValue) -> String {
        if case .string(let s) = value { return s }
        return value.jsonString()
    }

    static func text(_ value: JSONValue) -> String {
        if case .string(let s) = value { return "'\(s)'" }
        return value.jsonString()
    }
}
