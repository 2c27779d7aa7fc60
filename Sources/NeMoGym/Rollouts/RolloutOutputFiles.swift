/// The files of one collection, named after the output path as NeMo Gym's `ng_collect_rollouts` names them: for
/// `out/rollouts.jsonl`, `out/rollouts_materialized_inputs.jsonl`, `out/rollouts_failures.jsonl` and
/// `out/rollouts_aggregate_metrics.json`.
public struct RolloutOutputFiles: Sendable, Hashable {
    /// The successes, one JSON object per line.
    public let results: String
    /// Every preprocessed row, written once before dispatch.
    public let materializedInputs: String
    /// One line per failed attempt (appended, never deleted by the collector).
    public let failures: String
    /// One entry per agent: `agent_ref`, `agent_metrics`, `key_metrics`, `group_level_metrics`.
    public let aggregateMetrics: String

    /// Derives the paths from the results path (`with_stem(stem + suffix).with_suffix(...)`).
    public init(output: String) {
        results = output
        materializedInputs = Self.sibling(of: output, stemSuffix: "_materialized_inputs", extension: ".jsonl")
        failures = Self.sibling(of: output, stemSuffix: "_failures", extension: ".jsonl")
        aggregateMetrics = Self.sibling(of: output, stemSuffix: "_aggregate_metrics", extension: ".json")
    }

    static func sibling(of path: String, stemSuffix: String, extension newExtension: String) -> String {
        let slash = path.lastIndex(of: "/")
        let directory = slash.map { String(path[...$0]) } ?? ""
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        var stem = name
        if let dot = name.lastIndex(of: "."), dot != name.startIndex, name.index(after: dot) != name.endIndex {
            stem = String(name[..<dot])
        }
        return directory + stem + stemSuffix + newExtension
    }
}
