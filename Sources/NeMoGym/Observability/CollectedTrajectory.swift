/// What NeMo Gym's collector makes of an agent's `ng_trajectory` before it writes the row
/// (`rollout_collection.py`, `_build_trajectory_record` as `_attach_trajectory_record` calls it), for a
/// collector without model-call capture files to fold in.
///
/// The collector takes the task id and rollout id from the input row, keeps the agent's invocations, tool
/// calls and model calls, replaces a mismatched identity (with the gap
/// `producer_trajectory_identity_mismatch`), sorts the turns by time, and adds the gaps
/// `model_calls_unavailable`, `turns_unavailable` and `conversation_unavailable` for what is missing;
/// duplicate gaps are dropped.
///
/// ```swift
/// let row: JSONObject = ["_ng_task_index": 0, "_ng_rollout_index": 0]
/// var result: JSONObject = ["reward": 1.0, "ng_trajectory": ["task_id": "0", "rollout_id": "0-0", "turns": []]]
/// if result["ng_trajectory"] != nil {
///     result["ng_trajectory"] = .object(CollectedTrajectory.record(row: row, result: result))
/// }
/// print(result["ng_trajectory"]?["gaps"] ?? [])
/// ```
public enum CollectedTrajectory {
    /// The task id and rollout id of an input row (`_trajectory_identity`): the first of `task_id`,
    /// `problem_id`, `instance_id` that is not null, else `_ng_task_index`; the row's rollout id
    /// (``RolloutCorrelation``), else `<task index>-<rollout index>`.
    public static func identity(of row: JSONObject) -> (taskID: String, rolloutID: String) {
        let taskKey = ["task_id", "problem_id", "instance_id"].first { row[$0].map { !$0.isNull } ?? false }
        let taskID = RolloutCorrelation.pythonStr(row[taskKey ?? RolloutCorrelation.taskIndexKey] ?? .null)
        let fallback = "\(RolloutCorrelation.pythonStr(row[RolloutCorrelation.taskIndexKey] ?? .null))-"
            + RolloutCorrelation.pythonStr(row[RolloutCorrelation.rolloutIndexKey] ?? .null)
        let rolloutID = ((try? RolloutCorrelation.rolloutID(fromRunBody: row)) ?? nil) ?? fallback
        return (taskID, rolloutID)
    }

    /// The completed `ng_trajectory` for `result` (the agent's `/run` answer) of input `row`.
    public static func record(row: JSONObject, result: JSONObject) -> JSONObject {
        let (taskID, rolloutID) = identity(of: row)
        var gaps: [JSONValue] = []
        var invocations: [JSONValue] = []
        var turns: [JSONValue] = []
        var tools: [JSONValue] = []
        var modelCalls: [JSONValue] = []
        if case .object(let trajectory)? = result[TrajectoryRecorder.runResultKey] {
            let mismatches = [("task_id", taskID), ("rollout_id", rolloutID)].filter { trajectory[$0.0]?.string != $0.1 }.map(\.0)
            turns = trajectory["turns"]?.array ?? []
            if !mismatches.isEmpty {
                gaps.append(gap("producer_trajectory_identity_mismatch", detail: mismatches.joined(separator: ",")))
                for i in turns.indices {
                    turns[i]["task_id"] = .string(taskID)
                    turns[i]["rollout_id"] = .string(rolloutID)
                }
            }
            gaps += trajectory["gaps"]?.array ?? []
            invocations = trajectory["invocations"]?.array ?? []
            tools = trajectory["tool_calls"]?.array ?? []
            modelCalls = trajectory["model_calls"]?.array ?? []
        }
        turns = turns.enumerated().sorted { a, b in
            let (x, y) = (a.element, b.element)
            let keyX = (x["timestamp"]?.double ?? 0, x["invocation_id"]?.string ?? "", x["turn_no"]?.int ?? 0)
            let keyY = (y["timestamp"]?.double ?? 0, y["invocation_id"]?.string ?? "", y["turn_no"]?.int ?? 0)
            return keyX == keyY ? a.offset < b.offset : keyX < keyY
        }.map(\.element)
        if modelCalls.isEmpty { gaps.append(gap("model_calls_unavailable")) }
        if turns.isEmpty { gaps.append(gap("turns_unavailable")) }
        if !invocations.contains(where: { !($0["conversation"]?.array?.isEmpty ?? true) }) {
            gaps.append(gap("conversation_unavailable"))
        }
        var seen = Set<String>()
        let unique = gaps.filter { gap in
            let key = [gap["code"], gap["invocation_id"], gap["detail"]].map { ($0 ?? .null).jsonString() }.joined(separator: "\u{0}")
            return seen.insert(key).inserted
        }
        return [
            "schema_version": "1.0",
            "task_id": .string(taskID),
            "rollout_id": .string(rolloutID),
            "invocations": .array(invocations),
            "turns": .array(turns),
            "model_calls": .array(modelCalls),
            "tool_calls": .array(tools),
            "gaps": .array(unique),
        ]
    }

    private static func gap(_ code: String, detail: String? = nil) -> JSONValue {
        ["code": .string(code), "invocation_id": .null, "detail": detail.map(JSONValue.string) ?? .null]
    }
}
