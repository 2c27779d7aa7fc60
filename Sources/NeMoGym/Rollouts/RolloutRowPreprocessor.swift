import Foundation

/// Turns a JSONL file of task rows into the rows that are dispatched, one per rollout, as NeMo Gym's
/// `_preprocess_rows_from_config` does.
///
/// Per line: parse it; set `agent_ref` to `{"name": agentName}` when the key is absent; shallow-merge
/// the create-params overrides; set `_ng_task_index` (unless present) to the first-seen index of the
/// identical line; then emit one copy per repeat with `_ng_rollout_index` counting per task (across
/// duplicate lines), optionally with `seed` in `metadata.extra_body`. The order is row-major
/// (`abc` → `aabbcc`).
///
/// ```swift
/// var configuration = RolloutRowPreprocessor.Configuration(agentName: "my_agent")
/// configuration.numRepeats = .fixed(4)
/// let rows = try RolloutRowPreprocessor(configuration: configuration).preprocess(contentsOf: "tasks.jsonl").rows
/// print(rows.count)  // 4 per line of tasks.jsonl
/// ```
public struct RolloutRowPreprocessor: Sendable {
    /// How rows are expanded.
    public struct Configuration: Sendable, Hashable {
        /// Fills `agent_ref` in rows that lack the key.
        public var agentName: String?
        /// Take only the first N lines; `nil` or 0 means all.
        public var limit: Int?
        /// How many rollouts per row.
        public var numRepeats: RepeatCount
        /// Put `seed = _ng_rollout_index` into the JSON string `metadata.extra_body`.
        public var addSeed: Bool
        /// Merged over each row's `responses_create_params` (shallow; e.g. `temperature`).
        public var createParamsOverrides: JSONObject

        /// Creates a configuration.
        public init(agentName: String? = nil, limit: Int? = nil, numRepeats: RepeatCount = .fixed(1), addSeed: Bool = false,
                    createParamsOverrides: JSONObject = [:]) {
            self.agentName = agentName
            self.limit = limit
            self.numRepeats = numRepeats
            self.addSeed = addSeed
            self.createParamsOverrides = createParamsOverrides
        }
    }

    /// The number of rollouts per row: one count, or a count per agent name with an optional default.
    public enum RepeatCount: Sendable, Hashable {
        /// The same count for every row (at least 1).
        case fixed(Int)
        /// A count per agent name (in the order given) and the `_default` for other agents.
        case perAgent([String: Int], default: Int?)

        /// Reads NeMo Gym's `num_repeats`: an integer ≥ 1, `null` (1), or `{agent: n, "_default": n}`.
        /// - Throws: ``RolloutInputError`` (`invalidNumRepeats`) for a value below 1 or of another type.
        public init(json: JSONValue) throws {
            func count(_ value: JSONValue, _ name: String) throws -> Int {
                guard let n = value.int, n >= 1 else {
                    throw RolloutInputError(code: .invalidNumRepeats,
                                            message: "\(name) must be an integer ≥ 1, got \(value.jsonString()); use 1 for a single rollout per task.")
                }
                return n
            }
            switch json {
            case .null: self = .fixed(1)
            case .object(let map):
                var counts: [String: Int] = [:]
                var fallback: Int? = nil
                for (agent, value) in map {
                    if agent == "_default" { fallback = try count(value, "num_repeats._default") } else { counts[agent] = try count(value, "num_repeats.\(agent)") }
                }
                self = .perAgent(counts, default: fallback)
            default: self = .fixed(try count(json, "num_repeats"))
            }
        }
    }

    /// The expanded rows and any warnings (such as agents named in a repeat map that never appear).
    public struct Output: Sendable {
        /// The rows to dispatch, row-major.
        public var rows: [JSONObject]
        /// Warnings to show the user.
        public var warnings: [String]
    }

    /// The configuration.
    public var configuration: Configuration

    /// Creates a preprocessor.
    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
    }

    /// Reads and expands a JSONL file.
    /// - Throws: ``RolloutInputError`` naming the file and line.
    public func preprocess(contentsOf path: String) throws -> Output {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw RolloutInputError(code: .fileNotReadable, message: "Input file not found or not readable: '\(path)' (--input). Check the path is spelled correctly.")
        }
        return try preprocess(bytes: Array(data), source: path)
    }

    /// Expands JSONL text; `source` names it in error messages.
    /// - Throws: ``RolloutInputError`` naming the source and line.
    public func preprocess(bytes: [UInt8], source: String) throws -> Output {
        let lines = Self.lines(of: bytes, limit: configuration.limit ?? 0)
        var taskIndexByLine: [String: Int] = [:]
        var nextRolloutIndex: [String: Int] = [:]
        var missingAgentLines: [Int] = []
        var agentsMissingRepeats: Set<String> = []
        var agentsSeen: Set<String> = []
        var rows: [JSONObject] = []
        for (offset, line) in lines.enumerated() {
            let lineNumber = offset + 1
            let value: JSONValue
            do {
                value = try JSONValue(parsing: line.content, options: .strict)
            } catch let error as JSONParseError {
                let reason = line.content.isEmpty || line.content.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D })
                    ? "blank line; every line must be one JSON object (remove empty lines)"
                    : "malformed JSON (\(error.reason) at column \(error.column)); every line must be one JSON object"
                throw RolloutInputError(code: .malformedLine, message: "\(source) line \(lineNumber): \(reason).")
            }
            guard case .object(var row) = value else {
                throw RolloutInputError(code: .notAnObject, message: "\(source) line \(lineNumber): expected a JSON object, got \(value.kindName) \(Self.excerpt(value)).")
            }
            if let agentName = configuration.agentName { row.setDefault("agent_ref", ["name": .string(agentName)]) }
            let agent: String
            switch row["agent_ref"] {
            case nil:
                missingAgentLines.append(lineNumber)
                continue
            case .object(let ref)? where ref["name"]?.string.map({ !$0.isEmpty }) == true:
                agent = ref["name"]?.string ?? ""
            case let other?:
                throw RolloutInputError(code: .invalidAgentRef, message: "\(source) line \(lineNumber): agent_ref must be an object with a non-empty string \"name\", got \(Self.excerpt(other)); "
                    + "fix the row or remove agent_ref and pass --agent NAME.")
            }
            agentsSeen.insert(agent)
            guard case .object(var params)? = row["responses_create_params"] else {
                let got = row["responses_create_params"].map { "got \(Self.excerpt($0))" } ?? "the key is missing"
                throw RolloutInputError(code: .missingCreateParams, message: "\(source) line \(lineNumber): the row needs a \"responses_create_params\" object (\(got)), e.g. {\"responses_create_params\": {\"input\": \"...\"}}.")
            }
            params.merge(configuration.createParamsOverrides)
            row["responses_create_params"] = .object(params)
            if row[RolloutKey.taskIndexKey] == nil {
                let next = taskIndexByLine.count
                row[RolloutKey.taskIndexKey] = .int(taskIndexByLine[line.key, default: next])
                if taskIndexByLine[line.key] == nil { taskIndexByLine[line.key] = next }
            }
            let repeats: Int
            switch configuration.numRepeats {
            case .fixed(let n): repeats = n
            case .perAgent(let counts, let fallback):
                guard let n = counts[agent] ?? fallback else { agentsMissingRepeats.insert(agent); continue }
                repeats = n
            }
            let task = RolloutKey.canonical(row[RolloutKey.taskIndexKey] ?? 0)
            for _ in 0..<max(repeats, 0) {
                var copy = row
                let rolloutIndex = nextRolloutIndex[task, default: 0]
                nextRolloutIndex[task] = rolloutIndex + 1
                copy[RolloutKey.rolloutIndexKey] = .int(rolloutIndex)
                if configuration.addSeed { try Self.addSeed(rolloutIndex, to: &copy, source: source, line: lineNumber) }
                rows.append(copy)
            }
        }
        if !missingAgentLines.isEmpty {
            let shown = missingAgentLines.prefix(20).map(String.init).joined(separator: ", ") + (missingAgentLines.count > 20 ? ", …" : "")
            throw RolloutInputError(code: .missingAgent, message: "\(source): no agent specified for the rows on lines [\(shown)]. "
                + "Pass --agent NAME or include \"agent_ref\": {\"name\": ...} in the data.")
        }
        var warnings: [String] = []
        if case .perAgent(let counts, _) = configuration.numRepeats {
            if !agentsMissingRepeats.isEmpty {
                throw RolloutInputError(code: .missingNumRepeats, message: "num_repeats has no entry for agents \(agentsMissingRepeats.sorted()) and no '_default'; "
                    + "listed agents: \(counts.keys.sorted()). Add the agents or a \"_default\".")
            }
            let unknown = Set(counts.keys).subtracting(agentsSeen).sorted()
            if !unknown.isEmpty {
                warnings.append("num_repeats names agents that never appear in the input rows (possible typo?): \(unknown)")
            }
        }
        return Output(rows: rows, warnings: warnings)
    }

    // MARK: - Helpers

    /// One input line: its bytes without the line break, and its identity (the text with the `\n`
    /// when present, as Python iterates a text file).
    struct Line {
        var content: ArraySlice<UInt8>
        var key: String
    }

    static func lines(of bytes: [UInt8], limit: Int) -> [Line] {
        var lines: [Line] = []
        var start = 0
        while start < bytes.count, limit <= 0 || lines.count < limit {
            let end = bytes[start...].firstIndex(of: 0x0A)
            var contentEnd = end ?? bytes.count
            if contentEnd > start, bytes[contentEnd - 1] == 0x0D { contentEnd -= 1 }
            let content = bytes[start..<contentEnd]
            lines.append(Line(content: content, key: String(decoding: content, as: UTF8.self) + (end == nil ? "" : "\n")))
            start = (end ?? bytes.count) + 1
        }
        return lines
    }

    static func addSeed(_ seed: Int, to row: inout JSONObject, source: String, line: Int) throws {
        var params = row["responses_create_params"]?.object ?? [:]
        let metadataValue = params["metadata"] ?? .object([:])
        guard case .object(var metadata) = metadataValue else {
            throw RolloutInputError(code: .invalidMetadata, message: "\(source) line \(line): responses_create_params.metadata must be an object to add a seed, got \(excerpt(metadataValue)).")
        }
        var extra = JSONObject()
        if let existing = metadata["extra_body"] {
            guard case .string(let text) = existing, case .object(let parsed)? = try? JSONValue(parsing: text, options: .pythonCompatible) else {
                throw RolloutInputError(code: .invalidMetadata, message: "\(source) line \(line): metadata.extra_body must be a JSON object string such as \"{}\" to add a seed, got \(excerpt(existing)).")
            }
            extra = parsed
        }
        extra["seed"] = .int(seed)
        metadata["extra_body"] = .string(JSONValue.object(extra).jsonString(style: .python))
        params["metadata"] = .object(metadata)
        row["responses_create_params"] = .object(params)
    }

    static func excerpt(_ value: JSONValue) -> String {
        let text = value.jsonString()
        return text.count > 80 ? String(text.prefix(80)) + "…" : text
    }
}
