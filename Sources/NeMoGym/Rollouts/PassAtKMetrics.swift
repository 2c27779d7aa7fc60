/// NeMo Gym's pass@k helpers (its `compute_pass_majority_metrics`: pass@k, majority@k and their
/// standard deviations over each task's rollouts), for ``MetricsAggregator/computeMetrics`` hooks. All
/// accuracies are percentages (0–100).
///
/// ```swift
/// let tasks: [[JSONObject]] = [[["reward": 1.0], ["reward": 0.0]], [["reward": 0.0], ["reward": 0.0]]]
/// let outcome = PassAtKMetrics.compute(tasks: tasks)
/// print(outcome.metrics.keys)  // ["pass@1/accuracy", "pass@1[avg-of-1]/accuracy", "pass@2/accuracy", ...]
/// ```
public enum PassAtKMetrics {
    /// Turns one result into named scores (numbers, or booleans as 0/1; other values are ignored).
    public typealias Score = @Sendable (_ result: JSONObject) -> JSONObject

    /// The outcome of ``compute(tasks:score:answerKey:)``.
    public struct Outcome: Sendable {
        /// The metrics: `pass@{k}/{name}`, `pass@1[avg-of-{k}]/{name}`, `majority@{k}/{name}`,
        /// `per_sample_aggregate` and the `…/std_dev_across_runs` / `…/std_err_across_runs` statistics.
        public var metrics: JSONObject
        /// The scores of each rollout of each task.
        public var scores: [[[String: Double]]]
        /// Every score name, sorted.
        public var scoreNames: [String]
        /// The most rollouts of any task.
        public var maxK: Int
    }

    /// The default score: `{"accuracy": reward}`.
    public static let rewardAsAccuracy: Score = { result in
        guard let reward = result["reward"] else { return [:] }
        return ["accuracy": reward]
    }

    /// NeMo Gym's `compute_pass_majority_metrics`.
    /// - Parameters:
    ///   - tasks: `tasks[i]` holds the results of task `i`.
    ///   - score: named scores of one result; default ``rewardAsAccuracy``.
    ///   - answerKey: the field holding the extracted answer; enables `majority@k` and the `no_answer`
    ///     score (1 when the field is missing or null).
    public static func compute(tasks: [[JSONObject]], score: Score = rewardAsAccuracy, answerKey: String? = nil) -> Outcome {
        guard !tasks.isEmpty else { return Outcome(metrics: [:], scores: [], scoreNames: [], maxK: 0) }
        let maxK = tasks.map(\.count).max() ?? 0
        var allScores: [[[String: Double]]] = []
        var allAnswers: [[JSONValue?]] = []
        for rollouts in tasks {
            var taskScores: [[String: Double]] = []
            var taskAnswers: [JSONValue?] = []
            for result in rollouts {
                var scores: [String: Double] = [:]
                for (name, value) in score(result) {
                    switch value {
                    case .bool(let b): scores[name] = b ? 1 : 0
                    case .number(let n): if let d = n.doubleValue { scores[name] = d }
                    default: break
                    }
                }
                if let answerKey {
                    var answer: JSONValue? = Optional.none
                    if let stored = result[answerKey], !stored.isNull { answer = stored }
                    taskAnswers.append(answer)
                    if case .some = answer { scores["no_answer"] = 0 } else { scores["no_answer"] = 1 }
                }
                taskScores.append(scores)
            }
            allScores.append(taskScores)
            allAnswers.append(taskAnswers)
        }
        let names = Set(allScores.flatMap { $0.flatMap(\.keys) }).sorted()
        var metrics = JSONObject()
        for k in stride(from: 1, through: maxK, by: 1) {
            for name in names {
                var passValues: [Double] = []
                for taskScores in allScores {
                    let values = taskScores.compactMap { $0[name] }
                    guard !values.isEmpty, k <= values.count else { continue }
                    if values.allSatisfy({ $0 == 0 || $0 == 1 }) {
                        let wrong = values.filter { $0 == 0 }.count
                        passValues.append(wrong < k ? 1 : 1 - combinationRatio(wrong, values.count, k))
                    } else {
                        passValues.append(values.prefix(k).max() ?? 0)
                    }
                }
                if !passValues.isEmpty { metrics["pass@\(k)/\(name)"] = .double(100 * mean(passValues)) }

                let averages = allScores.compactMap { taskScores -> Double? in
                    let values = taskScores.prefix(k).compactMap { $0[name] }
                    return values.isEmpty ? nil : mean(values)
                }
                if !averages.isEmpty { metrics["pass@1[avg-of-\(k)]/\(name)"] = .double(100 * mean(averages)) }

                if answerKey != nil {
                    var majority: [Double] = []
                    for (taskScores, answers) in zip(allScores, allAnswers) {
                        var counts: [(answer: JSONValue, score: Double, count: Int)] = []
                        for (answer, scores) in zip(answers.prefix(k), taskScores.prefix(k)) {
                            guard let answer, let s = scores[name] else { continue }
                            if let i = counts.firstIndex(where: { $0.answer.isEquivalent(to: answer, strictNumberKinds: false) && $0.score == s }) {
                                counts[i].count += 1
                            } else {
                                counts.append((answer, s, 1))
                            }
                        }
                        guard let top = counts.map(\.count).max() else { majority.append(0); continue }
                        let tied = counts.filter { $0.count == top }
                        majority.append(tied.reduce(0) { $0 + $1.score } / Double(tied.count))
                    }
                    if !majority.isEmpty { metrics["majority@\(k)/\(name)"] = .double(100 * mean(majority)) }
                }
            }
        }

        var perSample: [(name: String, values: [Double])] = names.map { ($0, []) }
        for run in 0..<maxK {
            for i in perSample.indices {
                let name = perSample[i].name
                let values = allScores.compactMap { run < $0.count ? $0[run][name] : nil }
                if !values.isEmpty { perSample[i].values.append(100 * mean(values)) }
            }
        }
        perSample.removeAll { $0.values.isEmpty }
        metrics["per_sample_aggregate"] = .object(JSONObject(perSample.map { ($0.name, JSONValue.array($0.values.map(JSONValue.double))) }))
        if maxK > 1 {
            for k in 2...maxK {
                for name in names {
                    let runs = Array((perSample.first { $0.name == name }?.values ?? []).prefix(k))
                    guard runs.count >= 2 else { continue }
                    let deviation = sampleStandardDeviation(runs)
                    metrics["pass@1[avg-of-\(k)]/\(name)/std_dev_across_runs"] = .double(deviation)
                    metrics["pass@1[avg-of-\(k)]/\(name)/std_err_across_runs"] = .double(deviation / Double(runs.count).squareRoot())
                }
            }
        }
        return Outcome(metrics: metrics, scores: allScores, scoreNames: names, maxK: maxK)
    }

    /// NeMo Gym's `add_avg_sample_std_dev`: adds `pass@1[avg-of-{k}]/{name}/avg_sample_std_dev`, the mean
    /// over tasks of the sample standard deviation of each task's first `k` scores.
    public static func addAverageSampleStandardDeviation(to metrics: inout JSONObject, from outcome: Outcome) {
        guard outcome.maxK > 1 else { return }
        for k in 2...outcome.maxK {
            for name in outcome.scoreNames {
                let deviations = outcome.scores.compactMap { taskScores -> Double? in
                    let values = taskScores.prefix(k).compactMap { $0[name] }
                    return values.count >= 2 ? sampleStandardDeviation(values) : nil
                }
                if !deviations.isEmpty { metrics["pass@1[avg-of-\(k)]/\(name)/avg_sample_std_dev"] = .double(mean(deviations)) }
            }
        }
    }

    /// NeMo Gym's `compute_subset_metrics`: pass@k metrics per value of `subsetKey` (read from each task's
    /// first result; tasks without a truthy value are left out), named `"<subset>/<metric>"`, without
    /// `per_sample_aggregate`.
    public static func subsetMetrics(tasks: [[JSONObject]], subsetKey: String, score: Score = rewardAsAccuracy,
                                     answerKey: String? = nil) -> JSONObject {
        var subsets: [(name: String, tasks: [[JSONObject]])] = []
        for rollouts in tasks {
            guard let value = rollouts.first?[subsetKey], value.isTruthy else { continue }
            let name = value.string ?? value.jsonString()
            if let i = subsets.firstIndex(where: { $0.name == name }) { subsets[i].tasks.append(rollouts) } else { subsets.append((name, [rollouts])) }
        }
        var metrics = JSONObject()
        for subset in subsets {
            for (key, value) in compute(tasks: subset.tasks, score: score, answerKey: answerKey).metrics where key != "per_sample_aggregate" {
                metrics["\(subset.name)/\(key)"] = value
            }
        }
        return metrics
    }

    /// NeMo Gym's `highest_k_metrics`: the entries matching `pattern` (with `{k}` standing for the k,
    /// e.g. `"pass@{k}"`) at the highest k, leaving out the `std_dev_across_runs`,
    /// `std_err_across_runs` and `avg_sample_std_dev` statistics.
    public static func highestK(_ agentMetrics: JSONObject, pattern: String, scoreNames: [String]? = nil,
                                excludeNames: [String]? = nil) -> JSONObject {
        let parts = pattern.split(separator: "{k}", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 2 else { return [:] }
        let statistics = ["std_dev_across_runs", "std_err_across_runs", "avg_sample_std_dev"]
        var matches: [(k: Int, key: String)] = []
        for key in agentMetrics.keys where key.hasPrefix(parts[0]) {
            let rest = key.dropFirst(parts[0].count)
            let digits = rest.prefix { $0.isASCII && $0.isNumber }
            guard !digits.isEmpty, let k = Int(digits) else { continue }
            let afterK = rest.dropFirst(digits.count)
            guard afterK.hasPrefix(parts[1] + "/") else { continue }
            let name = String(afterK.dropFirst(parts[1].count + 1))
            guard !name.isEmpty, !statistics.contains(where: { name.hasSuffix($0) }) else { continue }
            if let scoreNames, !scoreNames.contains(name) { continue }
            if let excludeNames, excludeNames.contains(name) { continue }
            matches.append((k, key))
        }
        guard let top = matches.map(\.k).max() else { return [:] }
        return JSONObject(matches.filter { $0.k == top }.compactMap { match in agentMetrics[match.key].map { (match.key, $0) } })
    }

    // MARK: - Arithmetic

    static func mean(_ values: [Double]) -> Double { values.reduce(0, +) / Double(values.count) }

    static func sampleStandardDeviation(_ values: [Double]) -> Double {
        let m = mean(values)
        return (values.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(values.count - 1)).squareRoot()
    }

    /// C(wrong, k) / C(n, k), computed as a product so large n does not overflow.
    static func combinationRatio(_ wrong: Int, _ n: Int, _ k: Int) -> Double {
        var ratio = 1.0
        for i in 0..<k { ratio *= Double(wrong - i) / Double(n - i) }
        return ratio
    }
}
