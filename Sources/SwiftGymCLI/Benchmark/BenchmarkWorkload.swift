import NeMoGym
/// A benchmark workload: how many steps a rollout takes and what its tools return.
public enum BenchmarkWorkload: String, Sendable, CaseIterable {
    /// One tool call, then an answer (2 model calls).
    case single
    /// 30 tool calls with 4 KB outputs, then an answer (31 model calls).
    case long
    /// 8 parallel function calls in one turn, then an answer.
    case wide
    /// The scale test: `single` rollouts all started at once (8,192 by default) against a slow model
    /// (1 s per call by default).
    case burst

    /// Model calls per rollout.
    public var modelCalls: Int {
        switch self {
        case .single, .wide, .burst: return 2
        case .long: return 31
        }
    }

    /// Tool calls per rollout.
    public var toolCalls: Int {
        switch self {
        case .single, .burst: return 1
        case .long: return 30
        case .wide: return 8
        }
    }

    /// The first user message of the Python fake model's script for this workload (it picks the script by it).
    var pythonPrompt: String { "Benchmark \(rawValue): what is the weather in Paris?" }

    /// The `/run` body of rollout `index`; with `fixedPrompt`, the user message is ``pythonPrompt``.
    func runBody(index: Int, fixedPrompt: Bool = false) -> JSONValue {
        [
            "responses_create_params": [
                "input": [["role": "user", "content": .string(fixedPrompt ? pythonPrompt : "Benchmark task \(index): what is the weather in Paris?")]],
                "tools": [
                    ["type": "function", "name": "get_weather", "parameters": ["type": "object", "properties": ["city": ["type": "string"]]], "strict": false],
                    ["type": "function", "name": "echo_blob", "parameters": ["type": "object", "properties": ["size": ["type": "integer"]]], "strict": false],
                ],
                "temperature": 0.7,
            ],
            "_ng_task_index": .int(index), "_ng_rollout_index": 0, "agent_ref": ["name": "bench_agent"],
            "expected_answer": "cold", "expected_substring": "cold",
        ]
    }

    /// The scripted model's answer for a request holding `toolOutputs` function-call outputs so far.
    func modelAnswer(toolOutputs: Int, turn: Int) -> JSONValue {
        var output: [JSONValue] = []
        switch self {
        case .single where toolOutputs == 0, .burst where toolOutputs == 0:
            output = [Self.call("get_weather", #"{"city":"Paris"}"#, "call_0")]
        case .long where toolOutputs < 30:
            output = [Self.call("echo_blob", #"{"size":4096}"#, "call_\(toolOutputs)")]
        case .wide where toolOutputs == 0:
            output = (0..<8).map { Self.call("get_weather", #"{"city":"City \#($0)"}"#, "call_\($0)") }
        default:
            output = [[
                "id": "msg_\(turn)", "type": "message", "role": "assistant", "status": "completed",
                "content": [["type": "output_text", "text": "It is cold in Paris.", "annotations": []]],
            ]]
        }
        return [
            "id": .string("resp_bench_\(turn)"), "created_at": 1_700_000_000, "model": "bench-model", "object": "response",
            "output": .array(output), "parallel_tool_calls": true, "tool_choice": "auto", "tools": [],
            "incomplete_details": nil, "error": nil, "status": "completed",
            "usage": ["input_tokens": 120, "input_tokens_details": ["cached_tokens": 0], "output_tokens": 30,
                      "output_tokens_details": ["reasoning_tokens": 0], "total_tokens": 150],
        ]
    }

    /// The script `fake_model.py` of the conformance kit plays for this workload (one task).
    var pythonScript: JSONValue {
        var turns: [JSONValue] = []
        for turn in 0..<modelCalls {
            let answer = modelAnswer(toolOutputs: self == .wide ? turn * 8 : turn, turn: turn)
            let output = (answer["output"]?.array ?? []).map { item -> JSONValue in
                var item = item
                item["id"] = nil
                item["call_id"] = nil
                return item
            }
            turns.append(["output": .array(output)])
        }
        return [["id": .string("bench_\(rawValue)"), "prompt": .string(pythonPrompt), "turns": .array(turns)]]
    }

    private static func call(_ name: String, _ arguments: String, _ id: String) -> JSONValue {
        ["type": "function_call", "id": .string("fc_" + id), "call_id": .string(id), "name": .string(name),
         "arguments": .string(arguments), "status": "completed"]
    }
}
