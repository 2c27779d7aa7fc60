/// The body of `POST /run` (NeMo Gym's `SimpleAgentRunRequest`): `responses_create_params` plus any
/// extra keys (task fields such as `expected_answer`, `_ng_task_index`, `agent_ref`), kept in order.
public struct RunRequest: Sendable, Hashable {
    /// The whole run body, exactly as sent.
    public var json: JSONObject

    /// Validates a run body: an object whose `responses_create_params` are valid create params.
    /// - Throws: ``RequestValidationError`` with locations under `["body", "responses_create_params"]`.
    public init(validating value: JSONValue) throws {
        guard let object = value.object else {
            throw RequestValidationError([ValidationIssue(
                type: "model_attributes_type", location: ["body"],
                message: "Input should be a valid dictionary or object to extract fields from", input: value)])
        }
        guard let params = object["responses_create_params"] else {
            throw RequestValidationError([ValidationIssue(
                type: "missing", location: ["body", "responses_create_params"], message: "Field required", input: value)])
        }
        _ = try ResponseCreateParams(validating: params, location: ["body", "responses_create_params"])
        self.json = object
    }

    /// Creates a run request from params and extra keys.
    public init(params: ResponseCreateParams, extra: JSONObject = [:]) {
        var json: JSONObject = ["responses_create_params": .object(params.json)]
        json.merge(extra)
        self.json = json
    }

    /// The create params.
    public var responsesCreateParams: ResponseCreateParams {
        get { ResponseCreateParams(unchecked: json["responses_create_params"]?.object ?? [:]) }
        set { json["responses_create_params"] = .object(newValue.json) }
    }

    /// Every key but `responses_create_params`, in order.
    public var extraKeys: JSONObject {
        var copy = json
        copy.removeValue(forKey: "responses_create_params")
        return copy
    }
}
