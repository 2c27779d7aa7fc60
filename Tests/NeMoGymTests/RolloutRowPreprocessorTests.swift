import Foundation
import Testing
@testable import NeMoGym

@Suite struct RolloutRowPreprocessorTests {
    private func run(_ text: String, _ configuration: RolloutRowPreprocessor.Configuration) throws -> RolloutRowPreprocessor.Output {
        try RolloutRowPreprocessor(configuration: configuration).preprocess(bytes: Array(text.utf8), source: "in.jsonl")
    }

    private func expectError(_ code: RolloutInputError.Code, _ text: String, _ configuration: RolloutRowPreprocessor.Configuration,
                             containing fragment: String) {
        do {
            _ = try run(text, configuration)
            Issue.record("expected \(code)")
        } catch let error as RolloutInputError {
            #expect(error.code == code)
            #expect(error.message.contains(fragment), "\(error.message)")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    /// The reference's `test_preprocess_rows_from_config`.
    @Test func matchesReferenceExample() throws {
        let text = (0..<10).map { #"{"responses_create_params": {"input": []}, "x": \#($0)}"# }.joined(separator: "\n") + "\n"
        let configuration = RolloutRowPreprocessor.Configuration(agentName: "my_agent", limit: 3, numRepeats: .fixed(2), addSeed: true,
                                                                  createParamsOverrides: ["temperature": 0.1])
        let rows = try run(text, configuration).rows
        #expect(rows.count == 6)
        for (i, row) in rows.enumerated() {
            let expected: JSONObject = [
                "responses_create_params": ["input": [], "temperature": 0.1, "metadata": ["extra_body": .string("{\"seed\": \(i % 2)}")]],
                "x": .int(i / 2), "agent_ref": ["name": "my_agent"], "_ng_task_index": .int(i / 2), "_ng_rollout_index": .int(i % 2),
            ]
            #expect(row == expected)
        }
    }

    /// Case 51: identical lines share a task index and their rollout indices continue.
    @Test func identicalLinesShareTaskIndex() throws {
        let rows = try RolloutRowPreprocessor(configuration: .init(agentName: "a", numRepeats: .fixed(2)))
            .preprocess(contentsOf: TestPaths.fixture("rollouts/tasks.jsonl").path).rows
        let keys = rows.map { "\($0["_ng_task_index"]!.jsonString()):\($0["_ng_rollout_index"]!.jsonString())" }
        #expect(keys == ["0:0", "0:1", "1:0", "1:1", "0:2", "0:3", "40:0", "40:1"])
        // Row-major order, agent_ref only where missing (case 55).
        #expect(rows.map { $0["agent_ref"]!["name"]!.string! } == ["a", "a", "a", "a", "a", "a", "other_agent", "other_agent"])
    }

    /// Case 52: an existing task index is kept, limit takes the first lines, a blank line is an error.
    @Test func limitAndBlankLines() throws {
        let text = "{\"responses_create_params\":{},\"_ng_task_index\":7}\n\n{\"responses_create_params\":{}}\n"
        let rows = try run(text, .init(agentName: "a", limit: 1)).rows
        #expect(rows.count == 1)
        #expect(rows[0]["_ng_task_index"] == 7)
        expectError(.malformedLine, text, .init(agentName: "a"), containing: "in.jsonl line 2: blank line")
        expectError(.malformedLine, "{\"a\":\n", .init(agentName: "a"), containing: "in.jsonl line 1: malformed JSON")
        expectError(.notAnObject, "[1]\n", .init(agentName: "a"), containing: "line 1: expected a JSON object")
    }

    /// Case 53: repeat maps.
    @Test func repeatMaps() throws {
        let text = "{\"responses_create_params\":{},\"agent_ref\":{\"name\":\"x\"}}\n{\"responses_create_params\":{},\"agent_ref\":{\"name\":\"y\"}}\n"
        let output = try run(text, .init(numRepeats: try .init(json: ["x": 3, "_default": 1, "ghost": 2])))
        #expect(output.rows.count == 4)
        #expect(output.warnings.count == 1 && output.warnings[0].contains("ghost"))
        expectError(.missingNumRepeats, text, .init(numRepeats: try .init(json: ["x": 3])), containing: "['y']".replacingOccurrences(of: "'", with: "\""))
        #expect(try RolloutRowPreprocessor.RepeatCount(json: .null) == .fixed(1))
        #expect(throws: RolloutInputError.self) { try RolloutRowPreprocessor.RepeatCount(json: 0) }
        #expect(throws: RolloutInputError.self) { try RolloutRowPreprocessor.RepeatCount(json: ["x": 0]) }
    }

    /// Case 54: the seed is merged into an existing `metadata.extra_body` JSON string.
    @Test func seedMergesIntoExtraBody() throws {
        let text = #"{"responses_create_params":{"input":[],"metadata":{"extra_body":"{\"top_k\": 5}"}}}"# + "\n"
        let rows = try run(text, .init(agentName: "a", numRepeats: .fixed(2), addSeed: true)).rows
        #expect(rows[1]["responses_create_params"]?["metadata"]?["extra_body"] == "{\"top_k\": 5, \"seed\": 1}")
    }

    /// Case 55: `agent_ref: null` is an error; rows without an agent are reported together.
    @Test func agentErrors() {
        expectError(.invalidAgentRef, "{\"responses_create_params\":{},\"agent_ref\":null}\n", .init(agentName: "a"), containing: "line 1: agent_ref must be")
        expectError(.missingAgent, "{\"responses_create_params\":{}}\n{\"responses_create_params\":{},\"agent_ref\":{\"name\":\"z\"}}\n{\"responses_create_params\":{}}\n",
                    .init(), containing: "lines [1, 3]")
        expectError(.missingCreateParams, "{\"x\":1}\n", .init(agentName: "a"), containing: "in.jsonl line 1: the row needs a \"responses_create_params\"")
    }

    @Test func overridesAreShallow() throws {
        let rows = try run("{\"responses_create_params\":{\"input\":\"q\",\"temperature\":1.0,\"top_p\":0.5}}\n",
                           .init(agentName: "a", createParamsOverrides: ["temperature": 0.2, "max_output_tokens": 64])).rows
        #expect(rows[0]["responses_create_params"] == ["input": "q", "temperature": 0.2, "top_p": 0.5, "max_output_tokens": 64])
    }
}
