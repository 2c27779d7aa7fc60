import Foundation

/// Collects rollouts: dispatches preprocessed rows to an agent endpoint with bounded concurrency, writes
/// NeMo Gym's output files as results arrive, resumes an interrupted run without duplicates, and
/// aggregates the metrics, as NeMo Gym's `ng_collect_rollouts` does (with the differences below).
///
/// Unlike NeMo Gym, a failing rollout does not abort the collection: it becomes one line of
/// `OUT_failures.jsonl` (the row plus `_ng_failure_class`, `_ng_failure_detail` and
/// `_ng_attempt_index`) and the others go on; `--resume` retries it up to ``Configuration/maxAttempts``.
///
/// ```swift
/// let rows = try RolloutRowPreprocessor(configuration: .init(agentName: "my_agent", numRepeats: .fixed(4)))
///     .preprocess(contentsOf: "tasks.jsonl").rows
/// let collector = RolloutCollector(endpoint: InProcessAgentEndpoint(agent),
///                                  configuration: .init(outputPath: "out/rollouts.jsonl", concurrency: 8))
/// let summary = try await collector.collect(freshRows: { rows }) { outcome in print(outcome.reward ?? 0) }
/// print("\(summary.succeeded) succeeded, \(summary.failed) failed")
/// ```
///
/// Without an output path the collection runs in memory: no file is read or written, the results are
/// the outcomes (and the summary's ``RolloutCollectionSummary/results``):
///
/// ```swift
/// let rows: [JSONObject] = (0..<3).map { i in
///     ["responses_create_params": ["input": .string("task \(i)")], "_ng_task_index": .int(i), "_ng_rollout_index": 0]
/// }
/// let inMemory = RolloutCollector(endpoint: InProcessAgentEndpoint(agent), configuration: .init(concurrency: 8))
/// let plan = try inMemory.plan(freshRows: { rows })
/// for try await outcome in inMemory.outcomes(for: plan) { print(outcome.reward ?? 0) }
/// ```
///
/// Output files are never destroyed by accident: the output path must name a file, and a fresh run over
/// a previous run's non-empty files is refused unless ``Configuration/overwrite`` is set (or
/// ``Configuration/resume`` continues that run). Cancelling the collecting task stops the rollouts in
/// flight; every line written stays a complete JSON line, so a later resume continues from there.
public struct RolloutCollector: Sendable {
    /// Collection options.
    public struct Configuration: Sendable, Hashable {
        /// The results file; the other files are named after it (``RolloutOutputFiles``). `nil` collects
        /// in memory: no files, the outcomes are the only results (``resume`` and ``overwrite`` are ignored).
        public var outputPath: String?
        /// The most rollouts in flight; `nil` or 0 means no limit of the collector's own, as in NeMo Gym.
        /// Rollouts over HTTP are then bounded by the client's 1,024 connections per host; tasks are
        /// started at most ``unlimitedInFlight`` at a time, so a huge input does not become a huge task set.
        public var concurrency: Int?
        /// On resume, rows with this many failed attempts are not retried.
        public var maxAttempts: Int
        /// How long connection errors of one rollout are retried before it is recorded as failed.
        public var retrySeconds: Double
        /// The pause between two connection attempts.
        public var retryInterval: Double
        /// Reuse a previous run's files (when both the materialized inputs and results exist).
        public var resume: Bool
        /// Skip the aggregation call.
        public var disableAggregation: Bool
        /// Replace a previous run's files when not resuming: the results file is truncated, the
        /// materialized inputs and aggregate metrics files are replaced, and the failures file is appended
        /// to, as NeMo Gym does. Without it a fresh run over non-empty files is refused.
        public var overwrite: Bool

        /// Creates options.
        public init(outputPath: String? = nil, concurrency: Int? = nil, maxAttempts: Int = 3, retrySeconds: Double = 60,
                    retryInterval: Double = 0.5, resume: Bool = false, disableAggregation: Bool = false,
                    overwrite: Bool = false) {
            self.outputPath = outputPath
            self.concurrency = concurrency
            self.maxAttempts = maxAttempts
            self.retrySeconds = retrySeconds
            self.retryInterval = retryInterval
            self.resume = resume
            self.disableAggregation = disableAggregation
            self.overwrite = overwrite
        }
    }

    /// Keys a server sets on a result to steer collection.
    enum Key {
        static let failureClass = "_ng_failure_class"
        static let failureDetail = "_ng_failure_detail"
        static let failureTerminal = "_ng_failure_terminal"
        static let noPersist = "_ng_no_persist"
        static let attemptIndex = "_ng_attempt_index"
        static let rolloutID = "_ng_rollout_id"
    }

    /// Where rollouts go.
    public let endpoint: any RolloutAgentEndpoint
    /// The options.
    public let configuration: Configuration
    /// The file names; `nil` for an in-memory collection.
    public var files: RolloutOutputFiles? { configuration.outputPath.map(RolloutOutputFiles.init(output:)) }

    /// Creates a collector.
    public init(endpoint: any RolloutAgentEndpoint, configuration: Configuration) {
        self.endpoint = endpoint
        self.configuration = configuration
    }

    // MARK: - Running everything

    /// Plans, dispatches every pending row, writes the files and aggregates.
    /// - Parameters:
    ///   - freshRows: the preprocessed rows; called only when the run does not resume.
    ///   - onOutcome: called once per finished rollout, after it was written.
    /// - Throws: ``RolloutInputError`` for unusable input or output files; never for a failed rollout;
    ///   `CancellationError` when the task was cancelled (the rollouts in flight were stopped first).
    public func collect(freshRows: () throws -> [JSONObject],
                        onOutcome: @Sendable (RolloutOutcome) -> Void = { _ in }) async throws -> RolloutCollectionSummary {
        let plan = try plan(freshRows: freshRows)
        var summary = RolloutCollectionSummary(plan: plan, files: files, dispatched: 0, succeeded: 0, failed: 0, notPersisted: 0,
                                               results: plan.previousResults, aggregates: [], aggregationErrors: [])
        try await run(plan) { outcome in
            summary.dispatched += 1
            switch outcome.disposition {
            case .succeeded:
                summary.succeeded += 1
                summary.results.append(outcome.result)
            case .failed: summary.failed += 1
            case .notPersisted: summary.notPersisted += 1
            }
            onOutcome(outcome)
        }
        summary.results = Self.sortedByKey(summary.results)
        if !configuration.disableAggregation {
            (summary.aggregates, summary.aggregationErrors) = try await aggregate(summary.results)
        }
        return summary
    }

    // MARK: - Planning

    /// Works out what to run. A fresh run writes the materialized inputs and empties the results file
    /// (the failures file is kept and appended to); over a previous run's non-empty files it needs
    /// ``Configuration/overwrite`` (``checkOutput(_:resume:overwrite:)``). An in-memory collection (no
    /// output path) plans every row and touches no file. A resumed run (``Configuration/resume`` with both files present)
    /// cuts a torn last line off the results and failures files, and skips every key already succeeded,
    /// terminally failed or failed ``Configuration/maxAttempts`` times.
    /// - Throws: ``RolloutInputError``; what `freshRows` throws.
    public func plan(freshRows: () throws -> [JSONObject]) throws -> RolloutPlan {
        guard let files = self.files else {
            let rows = try freshRows()
            return RolloutPlan(materializedRowCount: rows.count, pendingRows: rows, previousResults: [], resumed: false,
                               terminalCount: 0, exhaustedCount: 0, priorFailureCount: 0, notes: [])
        }
        let manager = FileManager.default
        var notes: [String] = []
        try Self.checkOutput(files, resume: configuration.resume, overwrite: configuration.overwrite)
        if configuration.resume {
            if manager.fileExists(atPath: files.materializedInputs), manager.fileExists(atPath: files.results) {
                return try resumePlan()
            }
            if !manager.fileExists(atPath: files.results) { notes.append("Not resuming: the results file \(files.results) does not exist; starting fresh.") }
            if !manager.fileExists(atPath: files.materializedInputs) { notes.append("Not resuming: \(files.materializedInputs) does not exist; starting fresh.") }
        }
        let rows = try freshRows()
        try createParentDirectory(of: files.results)
        var bytes: [UInt8] = []
        for row in rows {
            bytes += JSONValue.object(row).jsonBytes()
            bytes.append(0x0A)
        }
        try JSONLFile.writeAtomically(bytes, to: files.materializedInputs)
        // Only regular files get here (checkOutput refused directories): truncate, never remove.
        if manager.fileExists(atPath: files.results) { try JSONLFile.empty(files.results) }
        if manager.fileExists(atPath: files.aggregateMetrics) { try JSONLFile.removeRegularFile(files.aggregateMetrics) }
        return RolloutPlan(materializedRowCount: rows.count, pendingRows: rows, previousResults: [], resumed: false,
                           terminalCount: 0, exhaustedCount: 0, priorFailureCount: 0, notes: notes)
    }

    /// Checks that the output paths name files (not directories, not ending in `/`) and, for a run that
    /// will not resume, that a previous run's files are empty or absent unless `overwrite`.
    /// Touches nothing.
    /// - Throws: ``RolloutInputError`` with ``RolloutInputError/Code/outputIsADirectory`` or
    ///   ``RolloutInputError/Code/outputExists``; the messages name `--resume` and `--overwrite`.
    public static func checkOutput(_ files: RolloutOutputFiles, resume: Bool, overwrite: Bool) throws {
        let all = [files.results, files.materializedInputs, files.failures, files.aggregateMetrics]
        if files.results.isEmpty || files.results.hasSuffix("/") {
            throw RolloutInputError(code: .outputIsADirectory, message: "the output '\(files.results)' must name a file, "
                                        + "such as 'out/rollouts.jsonl', not a directory")
        }
        for path in all where isDirectory(path) {
            throw RolloutInputError(code: .outputIsADirectory, message: "the output '\(path)' is a directory; "
                                        + "name a file, such as '\(path)/rollouts.jsonl'")
        }
        let manager = FileManager.default
        let resumes = resume && manager.fileExists(atPath: files.materializedInputs) && manager.fileExists(atPath: files.results)
        guard !resumes, !overwrite else { return }
        // With --resume but nothing to resume from, only existing results would be lost.
        let guarded = resume ? [files.results] : [files.results, files.materializedInputs, files.failures]
        for path in guarded {
            guard let size = (try? manager.attributesOfItem(atPath: path))?[.size] as? Int, size > 0 else { continue }
            let why = resume ? " and cannot be resumed (\(files.materializedInputs) is missing)" : ""
            throw RolloutInputError(code: .outputExists, message: "'\(path)' already holds \(size) bytes from a previous run\(why); "
                                        + "pass --resume to continue that run, --overwrite to replace its files, "
                                        + "or choose another output")
        }
    }

    private static func isDirectory(_ path: String) -> Bool {
        var directory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &directory) && directory.boolValue
    }

    private func resumePlan() throws -> RolloutPlan {
        guard let files = self.files else { preconditionFailure("resumePlan without files") }
        let materialized = try JSONLFile.readObjects(files.materializedInputs).map(\.object)
        var notes: [String] = []
        let cut = try JSONLFile.discardTornTail(of: files.results)
        if cut > 0 { notes.append("Discarded a torn last line (\(cut) bytes) of \(files.results) left by an interrupted run.") }
        if FileManager.default.fileExists(atPath: files.failures) { try JSONLFile.discardTornTail(of: files.failures) }
        let previous = try JSONLFile.readObjects(files.results).map(\.object)
        var done = Set<RolloutKey>()
        var previousResults: [JSONObject] = []
        for result in previous {
            guard let key = RolloutKey(of: result), done.insert(key).inserted else { continue }
            previousResults.append(result)
        }
        var attempts: [RolloutKey: Int] = [:]
        var terminal = Set<RolloutKey>()
        for (_, failure) in try JSONLFile.readObjects(files.failures) {
            guard let key = RolloutKey(of: failure) else { continue }
            attempts[key, default: 0] += 1
            if failure[Key.failureTerminal]?.isTruthy == true { terminal.insert(key) }
        }
        let maxAttempts = max(configuration.maxAttempts, 1)
        let exhausted = Set(attempts.filter { $0.value >= maxAttempts }.keys)
        var pending: [JSONObject] = []
        var scheduled = Set<RolloutKey>()
        for row in materialized {
            guard let key = RolloutKey(of: row) else { continue }
            if done.contains(key) || terminal.contains(key) || exhausted.contains(key) { continue }
            guard scheduled.insert(key).inserted else { continue }
            var row = row
            if let n = attempts[key], n > 0 { row[Key.attemptIndex] = .int(n) }
            pending.append(row)
        }
        notes.append("""
            Resumed from cache. Found:
            - \(materialized.count) original input rows
            - \(previousResults.count) rows already done
            - \(attempts.values.reduce(0, +)) prior failure attempts (\(attempts.count) unique rollouts)
            - \(terminal.subtracting(done).count) terminal failures, not retried
            - \(exhausted.subtracting(done).subtracting(terminal).count) at max attempts (\(maxAttempts)), not retried
            - \(pending.count) rows that still need to be run
            """)
        return RolloutPlan(materializedRowCount: materialized.count, pendingRows: pending, previousResults: previousResults, resumed: true,
                           terminalCount: terminal.subtracting(done).count, exhaustedCount: exhausted.subtracting(done).subtracting(terminal).count,
                           priorFailureCount: attempts.values.reduce(0, +), notes: notes)
    }

    private func createParentDirectory(of path: String) throws {
        guard let slash = path.lastIndex(of: "/"), slash != path.startIndex else { return }
        let directory = String(path[..<slash])
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw RolloutInputError(code: .invalidOutput, message: "cannot create the output directory '\(directory)': \(error.localizedDescription)")
        }
    }

    // MARK: - Dispatch

    /// Dispatches the plan's pending rows and yields each outcome once it is written: successes to the
    /// results file, failures to the failures file, `_ng_no_persist` results nowhere. Every line is
    /// synced before the outcome is yielded. The stream throws only when a file cannot be written.
    ///
    /// Ending the iteration early (or cancelling the iterating task) cancels the collection; the lines
    /// already written stay complete. ``run(_:onOutcome:)`` does the same in the calling task and returns
    /// only once the rollouts in flight have stopped.
    public func outcomes(for plan: RolloutPlan) -> AsyncThrowingStream<RolloutOutcome, any Error> {
        let (stream, continuation) = AsyncThrowingStream.makeStream(of: RolloutOutcome.self)
        let task = Task {
            do {
                try await run(plan) { continuation.yield($0) }
                continuation.finish()
            } catch {
                continuation.finish(throwing: error)
            }
        }
        continuation.onTermination = { _ in task.cancel() }
        return stream
    }

    /// How many rollouts are started at once when ``Configuration/concurrency`` sets no limit: four times
    /// the HTTP client's connections per host, so an HTTP agent is never the one waiting.
    public static let unlimitedInFlight = 4_096

    /// Dispatches the plan's pending rows in the calling task, writing each outcome (as
    /// ``outcomes(for:)`` describes) before passing it to `onOutcome`.
    ///
    /// When the task is cancelled, the rollouts in flight are cancelled, no new ones start, successes that
    /// still arrive are written, failures caused by the cancellation are not recorded (a resume runs those
    /// rollouts again), and the method throws `CancellationError` once all of them have stopped.
    /// - Throws: ``RolloutInputError`` when a file cannot be written; `CancellationError`.
    public func run(_ plan: RolloutPlan, onOutcome: (RolloutOutcome) -> Void) async throws {
        var results: JSONLFile? = nil
        var failures: JSONLFile? = nil
        if let files {
            try createParentDirectory(of: files.results)
            results = try JSONLFile(appendingTo: files.results)
        }
        let limit = (configuration.concurrency ?? 0) > 0 ? configuration.concurrency ?? 1 : Self.unlimitedInFlight
        try await withThrowingTaskGroup(of: RolloutOutcome.self) { group in
            var iterator = plan.pendingRows.makeIterator()
            var running = 0
            while running < limit, !Task.isCancelled, let row = iterator.next() {
                group.addTask { await self.dispatch(row) }
                running += 1
            }
            while let outcome = try await group.next() {
                let cancelled = Task.isCancelled
                switch outcome.disposition {
                case .succeeded: try results?.append(.object(outcome.result))
                case .failed:
                    if cancelled { continue }
                    if let files, failures == nil { failures = try JSONLFile(appendingTo: files.failures) }
                    try failures?.append(.object(outcome.result))
                case .notPersisted: break
                }
                onOutcome(outcome)
                if !cancelled, let row = iterator.next() { group.addTask { await self.dispatch(row) } }
            }
        }
        try Task.checkCancellation()
    }

    /// Runs one row, retrying connection errors for at most ``Configuration/retrySeconds``.
    func dispatch(_ row: JSONObject) async -> RolloutOutcome {
        let clock = ContinuousClock()
        let start = clock.now
        while true {
            do {
                let result = try await endpoint.run(row)
                return Self.outcome(row: row, result: result)
            } catch let failure as RolloutFailure {
                // Retry until the window closes; the last pause is shortened so one attempt lands at its end.
                let remaining = .seconds(configuration.retrySeconds) - (clock.now - start)
                guard failure.code == .connectionError, !Task.isCancelled, remaining > .zero else {
                    var detail = failure.detail
                    if failure.code == .connectionError, configuration.retrySeconds > 0 {
                        let seconds = configuration.retrySeconds
                        detail += " (gave up after retrying for \(seconds == seconds.rounded() && seconds < 1e15 ? String(Int(seconds)) : String(seconds)) s)"
                    }
                    return Self.failureOutcome(row: row, failure: RolloutFailure(code: failure.code, detail: detail))
                }
                try? await Task.sleep(for: min(.seconds(configuration.retryInterval), remaining))
            } catch {
                return Self.failureOutcome(row: row, failure: RolloutFailure(code: .invalidResponse, detail: String(describing: error)))
            }
        }
    }

    /// Stamps the row's `_ng_task_index`, `_ng_rollout_index` and `agent_ref` on a result and classifies it.
    static func outcome(row: JSONObject, result: JSONObject) -> RolloutOutcome {
        var result = result
        for key in [RolloutKey.taskIndexKey, RolloutKey.rolloutIndexKey, "agent_ref"] { result[key] = row[key] ?? .null }
        for key in ["skills_ref", Key.attemptIndex, Key.rolloutID] { if let value = row[key] { result[key] = value } }
        // As NeMo Gym's collector: an agent's trajectory evidence becomes the completed `ng_trajectory`.
        if result["ng_model_call_capture"] != nil || result["ng_agent_observations"] != nil || result["ng_trajectory"] != nil {
            result["ng_trajectory"] = .object(CollectedTrajectory.record(row: row, result: result))
        }
        let disposition: RolloutOutcome.Disposition
        if result[Key.noPersist]?.isTruthy == true {
            disposition = .notPersisted
        } else if let failureClass = result[Key.failureClass], !failureClass.isNull {
            disposition = .failed(failureClass.string ?? failureClass.jsonString())
        } else {
            disposition = .succeeded
        }
        return RolloutOutcome(row: row, result: result, disposition: disposition)
    }

    /// The failure row: the dispatched row plus the failure class, detail and attempt index.
    static func failureOutcome(row: JSONObject, failure: RolloutFailure) -> RolloutOutcome {
        var record = row
        record[Key.failureClass] = .string(failure.code.name)
        record[Key.failureDetail] = .string(failure.detail)
        record.setDefault(Key.attemptIndex, 0)
        return RolloutOutcome(row: row, result: record, disposition: .failed(failure.code.name))
    }

    // MARK: - Aggregation

    /// The `/aggregate_metrics` body for results, as NeMo Gym builds it: each result without `response`,
    /// `responses_create_params`, `ng_agent_observations`, `ng_model_call_capture` and `ng_trajectory`,
    /// with `response: {"usage": ...}` added back when the usage is not empty.
    public static func aggregationRequest(for results: [JSONObject]) -> AggregateMetricsRequest {
        let stripped: Set<String> = ["response", "responses_create_params", "ng_agent_observations", "ng_model_call_capture", "ng_trajectory"]
        return AggregateMetricsRequest(verifyResponses: results.map { result in
            var entry = JSONObject(result.filter { !stripped.contains($0.key) }.map { ($0.key, $0.value) })
            if let usage = result["response"]?["usage"], usage.isTruthy { entry["response"] = ["usage": usage] }
            return entry
        })
    }

    /// Aggregates persisted results per agent (grouped by `agent_ref.name`, in first-seen order), writes
    /// the aggregate metrics file when any agent answered, and returns the entries and per-agent errors.
    public func aggregate(_ results: [JSONObject]) async throws -> ([RolloutCollectionSummary.AgentMetrics], [String]) {
        guard !results.isEmpty else { return ([], []) }
        var groups: [(agent: String, results: [JSONObject])] = []
        for result in Self.sortedByKey(results) {
            let agent = result["agent_ref"]?["name"]?.string ?? ""
            if let i = groups.firstIndex(where: { $0.agent == agent }) { groups[i].results.append(result) } else { groups.append((agent, [result])) }
        }
        var entries: [RolloutCollectionSummary.AgentMetrics] = []
        var errors: [String] = []
        for group in groups {
            do {
                let metrics = try await endpoint.aggregateMetrics(Self.aggregationRequest(for: group.results), agentName: group.agent)
                entries.append(.init(agentName: group.agent, metrics: metrics))
            } catch {
                errors.append("aggregating metrics for agent '\(group.agent)' failed: \(error)")
            }
        }
        if !entries.isEmpty, let files {
            let bytes = JSONValue.array(entries.map(\.json)).jsonBytes(style: .indented)
            try JSONLFile.writeAtomically(bytes, to: files.aggregateMetrics)
        }
        return (entries, errors)
    }

    static func sortedByKey(_ results: [JSONObject]) -> [JSONObject] {
        results.enumerated().sorted { a, b in
            switch (RolloutKey(of: a.element), RolloutKey(of: b.element)) {
            case (let x?, let y?) where x != y: return x < y
            default: return a.offset < b.offset
            }
        }.map(\.element)
    }
}
