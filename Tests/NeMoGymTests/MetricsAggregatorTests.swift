import Testing
@testable import NeMoGym

@Suite struct MetricsAggregatorTests {
    private func result(_ task: Int, _ rollout: Int, _ reward: Double, extra: JSONObject = [:]) -> JSONObject {
        var r: JSONObject = ["_ng_task_index": .int(task), "_ng_rollout_index": .int(rollout), "reward": .double(reward)]
        r.merge(extra)
        return r
    }

    /// The reference example: rewards 1, 0 (task 0) and 0.5 (task 7).
    @Test func referenceNumbers() throws {
        let metrics = try MetricsAggregator().aggregate([result(0, 0, 1), result(0, 1, 0), result(7, 0, 0.5)])
        #expect(metrics.agentMetrics["mean/reward"]?.double == 0.5)
        #expect(metrics.agentMetrics["std/reward"]?.double == 0.5)
        #expect(metrics.agentMetrics.keys == ["mean/reward", "max/reward", "min/reward", "median/reward", "std/reward"])
        #expect(metrics.keyMetrics == ["mean/reward": 0.5])
        #expect(metrics.groupLevelMetrics.count == 2)
        let task0 = try #require(metrics.groupLevelMetrics[0].object)
        #expect(abs((task0["std/reward"]?.double ?? 0) - 0.7071067811865476) < 1e-12)
        #expect(task0["_ng_task_index"] == 0)
        #expect(task0["sample"] == ["agent_ref": ["name": "agent"]])
        #expect(task0["num_rollouts"] == 2 && task0["missing_num_rollouts"] == 0 && task0["reward_profile_completion_pct"] == 100.0)
        #expect(task0["rollout_infos"]?[1] == ["rollout_id": "0:1", "_ng_task_index": 0, "_ng_rollout_index": 1, "reward": 0.0])
        let task7 = try #require(metrics.groupLevelMetrics[1].object)
        #expect(task7["_ng_task_index"] == 7)
        #expect(task7["std/reward"]?.double == 0.0)
    }

    /// Case 47: two results without indices collide on (0, 0).
    @Test func duplicateKeysThrow() {
        do {
            _ = try MetricsAggregator().aggregate([["reward": 1.0], ["reward": 0.0]])
            Issue.record("expected an error")
        } catch let error as AggregateMetricsError {
            #expect(error.code == .duplicateRolloutKey)
            #expect(error.message.hasPrefix("Duplicate materialized input row for rollout key (0, 0)"))
        } catch {
            Issue.record("unexpected \(error)")
        }
        #expect(throws: AggregateMetricsError.self) { try AggregateMetrics.compute(verifyResponses: [["reward": 1.0], ["reward": 0.0]]) }
        #expect((try? MetricsAggregator().aggregate([])) == AggregateMetrics())
    }

    /// Case 48: bools as 0/1, strings ignored, usage fields become columns (usage wins).
    @Test func columnsFromBoolsAndUsage() throws {
        let usage: JSONValue = ["input_tokens": 10, "output_tokens": 4, "total_tokens": 14, "input_tokens_details": ["cached_tokens": 0]]
        let metrics = try MetricsAggregator().aggregate([
            result(0, 0, 1, extra: ["correct": true, "note": "x", "response": ["usage": usage], "_ng_attempt_index": 1]),
            result(0, 1, 0, extra: ["correct": false, "note": "y", "response": ["usage": usage], "_ng_attempt_index": 1]),
        ])
        let agent = metrics.agentMetrics
        #expect(agent["mean/correct"]?.double == 0.5)
        #expect(agent["mean/input_tokens"]?.double == 10)
        #expect(agent["mean/_ng_attempt_index"]?.double == 1)
        #expect(agent["mean/note"] == nil && agent["mean/cached_tokens"] == nil && agent["mean/_ng_task_index"] == nil)
        let info = metrics.groupLevelMetrics[0]["rollout_infos"]?[0]
        #expect(info?["correct"] == 1 && info?["total_tokens"] == 14)
    }

    /// Case 49: single-rollout groups get std 0.0; a column with one value in a larger group gets none.
    @Test func standardDeviationRules() throws {
        let single = try MetricsAggregator().aggregate([result(3, 0, 1, extra: ["a": 2])])
        #expect(single.groupLevelMetrics[0]["std/reward"] == 0.0 && single.groupLevelMetrics[0]["std/a"] == 0.0)
        let partial = try MetricsAggregator().aggregate([result(0, 0, 1, extra: ["a": 2]), result(0, 1, 0)])
        let group = partial.groupLevelMetrics[0]
        #expect(group["std/reward"] != nil)
        #expect(group["std/a"] == nil)
        #expect(group["mean/a"] == 2.0)
    }

    /// Case 50: default key metrics are `mean/*`; `per_task_metrics` merges into group entries.
    @Test func hooks() throws {
        let aggregator = MetricsAggregator(computeMetrics: { tasks in
            ["tasks_seen": .int(tasks.count),
             "per_task_metrics": [["_ng_task_index": 7, "difficulty": "hard"]]]
        })
        let metrics = try aggregator.aggregate([result(7, 0, 1), result(0, 0, 0)])
        #expect(metrics.agentMetrics["tasks_seen"] == 2)
        #expect(metrics.agentMetrics["per_task_metrics"] == nil)
        #expect(metrics.groupLevelMetrics[1]["difficulty"] == "hard")
        #expect(metrics.groupLevelMetrics[0]["difficulty"] == nil)
        #expect(metrics.keyMetrics.keys.allSatisfy { $0.hasPrefix("mean/") })
        let custom = try MetricsAggregator(keyMetrics: { m in ["best": m["max/reward"] ?? nil] }).aggregate([result(0, 0, 1)])
        #expect(custom.keyMetrics == ["best": 1.0])
    }

    @Test func groupedByTaskSortsTasks() {
        let groups = MetricsAggregator.groupedByTask([result(2, 0, 1), ["reward": 0.0], result(2, 1, 0)])
        #expect(groups.map(\.count) == [1, 2])
    }
}

@Suite struct PassAtKMetricsTests {
    private func tasks(_ rewards: [[Double]]) -> [[JSONObject]] {
        rewards.map { $0.map { ["reward": .double($0)] } }
    }

    /// The reference example: [1,0,0] and [0,0,1].
    @Test func referenceNumbers() throws {
        let outcome = PassAtKMetrics.compute(tasks: tasks([[1, 0, 0], [0, 0, 1]]))
        let m = outcome.metrics
        #expect(abs((m["pass@1/accuracy"]?.double ?? 0) - 100.0 / 3) < 1e-9)
        #expect(abs((m["pass@2/accuracy"]?.double ?? 0) - 200.0 / 3) < 1e-9)
        #expect(m["pass@3/accuracy"]?.double == 100)
        #expect(m["pass@1[avg-of-2]/accuracy"]?.double == 25)
        #expect(m["per_sample_aggregate"] == ["accuracy": [50.0, 0.0, 50.0]])
        #expect(m["pass@1[avg-of-2]/accuracy/std_dev_across_runs"] != nil)
        #expect(outcome.maxK == 3 && outcome.scoreNames == ["accuracy"])
    }

    @Test func continuousScoresUseMax() {
        let m = PassAtKMetrics.compute(tasks: tasks([[0.2, 0.6]])).metrics
        #expect(abs((m["pass@1/accuracy"]?.double ?? 0) - 20) < 1e-9)
        #expect(abs((m["pass@2/accuracy"]?.double ?? 0) - 60) < 1e-9)
    }

    @Test func majorityAndNoAnswer() {
        let rows: [[JSONObject]] = [[["reward": 1.0, "answer": "4"], ["reward": 1.0, "answer": "4"], ["reward": 0.0, "answer": "5"]],
                                    [["reward": 0.0, "answer": nil], ["reward": 0.0, "answer": "x"], ["reward": 1.0, "answer": "y"]]]
        let m = PassAtKMetrics.compute(tasks: rows, answerKey: "answer").metrics
        #expect(m["majority@3/accuracy"]?.double == 75)  // task 1: 1; task 2: tie of x(0) and y(1) → 0.5
        #expect(abs((m["pass@1[avg-of-3]/no_answer"]?.double ?? 0) - 100.0 / 6) < 1e-9)
    }

    @Test func highestKAndSubsets() {
        let metrics: JSONObject = ["pass@1/accuracy": 10, "pass@4/accuracy": 40, "pass@4/no_answer": 1,
                                   "pass@1[avg-of-4]/accuracy/std_dev_across_runs": 2, "pass@1[avg-of-4]/accuracy": 30]
        #expect(PassAtKMetrics.highestK(metrics, pattern: "pass@{k}", excludeNames: ["no_answer"]) == ["pass@4/accuracy": 40])
        #expect(PassAtKMetrics.highestK(metrics, pattern: "pass@1[avg-of-{k}]") == ["pass@1[avg-of-4]/accuracy": 30])
        let subsets = PassAtKMetrics.subsetMetrics(tasks: [[["reward": 1.0, "level": "easy"]], [["reward": 0.0, "level": "hard"]]], subsetKey: "level")
        #expect(subsets["easy/pass@1/accuracy"] == 100.0 && subsets["hard/pass@1/accuracy"] == 0.0)
        var extra: JSONObject = [:]
        PassAtKMetrics.addAverageSampleStandardDeviation(to: &extra, from: PassAtKMetrics.compute(tasks: tasks([[1, 0]])))
        #expect(extra["pass@1[avg-of-2]/accuracy/avg_sample_std_dev"] != nil)
    }
}
