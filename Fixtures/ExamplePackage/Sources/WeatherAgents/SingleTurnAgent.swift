import NeMoGym

/// An agent with a loop of its own: one model call, then verify.
public struct SingleTurnAgent: ResponsesAPIAgent {
    public let model: any ModelClient
    public let resources: any ResourcesClient
    public var instanceName: String { "single_turn_agent" }

    public init(model: any ModelClient, resources: any ResourcesClient) {
        self.model = model
        self.resources = resources
    }

    public func responses(_ params: ResponseCreateParams, context: AgentCallContext) async throws -> ModelResponse {
        var params = params
        params.input = .items(params.input.normalizedItems)
        let reply = try await model.createResponse(ModelRequest(params: params))
        return try ModelResponse(validating: reply.body)
    }

    public func run(_ request: RunRequest, context: AgentCallContext) async throws -> VerifyResponse {
        let response = try await responses(request.responsesCreateParams, context: context)
        let verify = VerifyRequest(run: request, response: response)
        return try VerifyResponse(validating: try await resources.verify(.object(verify.json), cookies: SessionCookies()).body)
    }
}
