import Foundation
import Testing
@testable import NeMoGym

/// One case of `Fixtures/agent/loop-cases.json`: a request, a scripted model, tool answers and what the
/// agent must do.
struct LoopCase: Sendable, CustomTestStringConvertible {
    let json: JSONObject

    var name: String { json["name"]?.string ?? "?" }
    var testDescription: String { name }
    var expect: JSONValue { json["expect"] ?? [:] }

    static func all() throws -> [LoopCase] {
        let data = try Data(contentsOf: TestPaths.fixture("agent/loop-cases.json"))
        let root = try JSONValue(parsing: data)
        return (root["cases"]?.array ?? []).compactMap { $0.object.map(LoopCase.init) }
    }

    /// The scripted model for the case's turns.
    func model() -> ScriptedModelClient {
        let steps: [ScriptedModelClient.Step] = (json["turns"]?.array ?? []).enumerated().map { i, turn in
            if let status = turn["http_error"]?.int {
                return .httpError(status: status, body: turn["body"]?.string ?? "")
            }
            var response = ModelResponse.make(id: turn["id"]?.string ?? "resp_\(i + 1)", output: []).json
            response["output"] = turn["output"] ?? []
            if let usage = turn["usage"] { response["usage"] = usage }
            if let details = turn["incomplete_details"] { response["incomplete_details"] = details }
            return .response(.object(response))
        }
        return ScriptedModelClient(steps: steps, repeatsLastStep: json["repeat_last"]?.bool ?? false)
    }

    /// The in-process resources server answering the case's tools.
    func resources() -> InProcessResourcesClient {
        var tools: [String: InProcessResourcesClient.Tool] = [:]
        for (name, spec) in json["tools"]?.object ?? [:] {
            let status = spec["status"]?.int ?? 200
            let body = spec["body"]?.string ?? "{}"
            tools[name] = InProcessResourcesClient.Tool { _, cookies in ToolResult(status: status, body: body, cookies: cookies) }
        }
        return InProcessResourcesClient(tools: tools, reward: { _ in 1 })
    }

    var configuration: SimpleAgent.Configuration {
        SimpleAgent.Configuration(name: "test_agent", maxSteps: json["max_steps"]?.int)
    }

    var params: ResponseCreateParams {
        ResponseCreateParams(unchecked: json["params"]?.object ?? [:])
    }
}

extension ResponseItem {
    /// A short label: `message:assistant`, `function_call:get_weather`, `function_call_output:c1`, ...
    var label: String {
        switch kind {
        case .message: return "message:\(role ?? "?")"
        case .functionCall: return "function_call:\(name ?? "?")"
        case .functionCallOutput: return "function_call_output:\(callID ?? "?")"
        case .reasoning: return "reasoning"
        case .other(let t): return t
        case .unknown: return "?"
        }
    }
}
