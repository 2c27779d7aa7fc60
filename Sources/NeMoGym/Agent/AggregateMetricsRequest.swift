/// The body of `POST /aggregate_metrics`: `{"verify_responses": [...]}`, one result per rollout.
public struct AggregateMetricsRequest: Sendable, Hashable {
    /// The rollout results (verify responses), each kept as sent.
    public var verifyResponses: [JSONObject]

    /// Creates a request.
    public init(verifyResponses: [JSONObject]) {
        self.verifyResponses = verifyResponses
    }

    /// Validates a body.
    /// - Throws: ``RequestValidationError`` when `verify_responses` is missing or not a list of objects.
    public init(validating value: JSONValue) throws {
        guard let list = value["verify_responses"] else {
            throw RequestValidationError([ValidationIssue(type: "missing", location: ["body", "verify_responses"], message: "Field required", input: value)])
        }
        guard let items = list.array else {
            throw RequestValidationError([ValidationIssue(type: "list_type", location: ["body", "verify_responses"], message: "Input should be a valid list", input: list)])
        }
        var objects: [JSONObject] = []
        for (i, item) in items.enumerated() {
            guard let object = item.object else {
                throw RequestValidationError([ValidationIssue(type: "dict_type", location: ["body", "verify_responses", .int(i)], message: "Input should be a valid dictionary", input: item)])
            }
            objects.append(object)
        }
        verifyResponses = objects
    }

    /// The body as JSON.
    public var json: JSONValue { ["verify_responses": .array(verifyResponses.map(JSONValue.object))] }
}
