// Two ways to build a NeMo Gym agent in Swift, each run once against the library's test harness
// (a scripted model and an in-process resources server), with no network.
//
//   swift run custom-agent
#if canImport(Glibc)
import Glibc
#endif
import NeMoGym

// 1. Subclass SimpleAgent and override one step: cap every tool output at 40 characters.
final class CappedOutputAgent: SimpleAgent, @unchecked Sendable {
    let limit = 40

    override func callTool(_ call: ResponseItem, episode: inout Episode) async throws -> ToolCallOutcome {
        var outcome = try await super.callTool(call, episode: &episode)
        if outcome.output.count > limit {
            outcome.output = String(outcome.output.prefix(limit)) + "…"
        }
        return outcome
    }
}

// 2. Conform to ResponsesAPIAgent directly and run a loop of your own, as NeMo Gym does when it wraps an
//    external agent framework. This one asks the model once, then verifies.
struct SingleTurnAgent: ResponsesAPIAgent {
    let model: any ModelClient
    let resources: any ResourcesClient
    var instanceName: String { "single_turn_agent" }

    func responses(_ params: ResponseCreateParams, context: AgentCallContext) async throws -> ModelResponse {
        var params = params
        params.input = .items(params.input.normalizedItems)
        let reply = try await model.createResponse(ModelRequest(params: params))
        return try ModelResponse(validating: reply.body)
    }

    func run(_ request: RunRequest, context: AgentCallContext) async throws -> VerifyResponse {
        let response = try await responses(request.responsesCreateParams, context: context)
        let verify = VerifyRequest(run: request, response: response)
        return try VerifyResponse(validating: try await resources.verify(.object(verify.json), cookies: SessionCookies()).body)
    }
}

// A resources server with one tool whose answer is long, and a verifier that wants the word "cold".
let resources = InProcessResourcesClient(
    tools: ["get_weather": .json { args in
        ["city": args["city"] ?? "?", "report": "Cold and windy with a chance of rain later in the evening."]
    }],
    reward: { request in request.response.outputText.contains("cold") ? 1 : 0 })

let task = RunRequest(params: ResponseCreateParams(input: .text("What is the weather in Oslo?")), extra: ["task_id": "oslo"])

do {
    let model = ScriptedModelClient(turns: [
        [.functionCall(name: "get_weather", arguments: #"{"city":"Oslo"}"#, callID: "call_1")],
        [.assistantMessage("It is cold in Oslo.")],
    ])
    let agent = CappedOutputAgent(configuration: .init(name: "capped_agent", maxSteps: 5), model: model, resources: resources)
    let result = try await agent.run(task, context: AgentCallContext())
    print("CappedOutputAgent (a SimpleAgent subclass):")
    for item in result.response.output {
        let detail = item.type == "function_call_output" ? item.output?.string ?? "" : item.texts.joined()
        print("  \(item.type ?? "?"): \(item.name ?? "") \(detail)")
    }
    print("  reward: \(result.reward)")

    let oneShot = SingleTurnAgent(model: ScriptedModelClient(turns: [[.assistantMessage("Probably cold.")]]), resources: resources)
    let second = try await oneShot.run(task, context: AgentCallContext())
    print("SingleTurnAgent (conforms to ResponsesAPIAgent):")
    print("  answer: \(second.response.outputText)")
    print("  reward: \(second.reward)")
} catch {
    print("error: \(error)")
    exit(1)
}
