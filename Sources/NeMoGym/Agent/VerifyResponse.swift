/// The result of a rollout: what `/verify` returned (NeMo Gym's `SimpleAgentVerifyResponse`).
///
/// Keys come in NeMo Gym's order: `responses_create_params`, `response`, `reward`, then every extra key
/// in order (run-body extras first, then what the verifier added, such as `accuracy` or
/// `_ng_failure_class`). `reward` is always a float.
public struct VerifyResponse: Sendable, Hashable {
    /// The result object.
    public var json: JSONObject

    /// Validates a verifier's answer: it needs `responses_create_params`, `response` (objects) and a
    /// numeric `reward`; the keys are put in NeMo Gym's order and `reward` becomes a float.
    /// - Throws: ``InvalidVerifyResponseError`` naming the missing or malformed field.
    public init(validating value: JSONValue) throws {
        guard let object = value.object else { throw InvalidVerifyResponseError(problem: "the answer is not a JSON object", body: value) }
        guard let params = object["responses_create_params"], params.object != nil else {
            throw InvalidVerifyResponseError(problem: "'responses_create_params' is missing or not an object", body: value)
        }
        guard let response = object["response"], response.object != nil else {
            throw InvalidVerifyResponseError(problem: "'response' is missing or not an object", body: value)
        }
        let reward: Double
        switch object["reward"] {
        case .number(let n)?: reward = n.doubleValue ?? .nan
        case .bool(let b)?: reward = b ? 1 : 0
        case .string(let s)? where Double(s) != nil: reward = Double(s)!
        default: throw InvalidVerifyResponseError(problem: "'reward' is missing or not a number", body: value)
        }
        var json: JSONObject = ["responses_create_params": params, "response": response, "reward": .double(reward)]
        for (key, member) in object where key != "responses_create_params" && key != "response" && key != "reward" {
            json.appendUnchecked(key, member)
        }
        self.json = json
    }

    /// The reward.
    public var reward: Double { json["reward"]?.double ?? 0 }

    /// The final response.
    public var response: ModelResponse { ModelResponse(unchecked: json["response"]?.object ?? [:]) }

    /// Every key but `responses_create_params`, `response` and `reward`, in order.
    public var extraKeys: JSONObject {
        JSONObject(json.filter { !["responses_create_params", "response", "reward"].contains($0.key) }.map { ($0.key, $0.value) })
    }
}

/// A resources server's `/verify` answer is not a valid verify response.
public struct InvalidVerifyResponseError: Error, Sendable, CustomStringConvertible {
    /// What is wrong.
    public var problem: String
    /// The answer as received.
    public var body: JSONValue

    public var description: String { "invalid /verify answer from the resources server: \(problem)" }
}
