/// A Responses API response (NeMo Gym's `NeMoGymResponse`), kept as its JSON object.
///
/// Every key the model server returned survives, including vendor fields and keys this type does not
/// model. ``init(validating:)`` checks the fields NeMo Gym requires.
public struct ModelResponse: Sendable, Hashable {
    /// The response object.
    public var json: JSONObject

    /// Wraps a response object without validating it.
    public init(unchecked json: JSONObject) {
        self.json = json
    }

    /// Validates a model server's answer: `id`, `created_at`, `model`, `object: "response"`, `output`
    /// (each item with a string `type`; function calls with string `name`, `arguments` and `call_id`),
    /// `parallel_tool_calls`, `tool_choice`, `tools`, and a well-formed `usage` when not null.
    /// - Throws: ``InvalidModelResponseError`` naming the first problem.
    public init(validating value: JSONValue) throws {
        guard let object = value.object else {
            throw InvalidModelResponseError(problem: "the response is not a JSON object", body: value)
        }
        func fail(_ problem: String) -> InvalidModelResponseError {
            InvalidModelResponseError(problem: problem, body: value)
        }
        guard object["id"]?.string != nil else { throw fail("'id' must be a string") }
        guard object["created_at"]?.number != nil else { throw fail("'created_at' must be a number") }
        guard object["model"]?.string != nil else { throw fail("'model' must be a string") }
        guard object["object"]?.string == "response" else { throw fail("'object' must be \"response\"") }
        guard let output = object["output"]?.array else { throw fail("'output' must be a list") }
        for (i, item) in output.enumerated() {
            guard let itemObject = item.object else { throw fail("output[\(i)] must be an object") }
            guard itemObject["type"]?.string != nil else {
                throw fail("output[\(i)]: Responses API output items must include a type discriminator")
            }
            if itemObject["type"]?.string == "function_call" {
                for key in ["name", "arguments", "call_id"] where itemObject[key]?.string == nil {
                    throw fail("output[\(i)] (function_call): '\(key)' must be a string")
                }
            }
        }
        guard object["parallel_tool_calls"]?.bool != nil else { throw fail("'parallel_tool_calls' must be a boolean") }
        guard let toolChoice = object["tool_choice"], toolChoice.string != nil || toolChoice.object != nil else {
            throw fail("'tool_choice' must be a string or an object")
        }
        guard object["tools"]?.array != nil else { throw fail("'tools' must be a list") }
        if let usage = object["usage"], !usage.isNull, let problem = ResponseUsage.problem(in: usage) {
            throw fail(problem)
        }
        self.json = object
    }

    /// `id`.
    public var id: String { json["id"]?.string ?? "" }

    /// The `output` items.
    public var output: [ResponseItem] {
        get { (json["output"]?.array ?? []).compactMap { $0.object.map(ResponseItem.init) } }
        set { json["output"] = .array(newValue.map { .object($0.json) }) }
    }

    /// The `usage`, or `nil` when absent or null.
    public var usage: ResponseUsage? {
        get { json["usage"]?.object.map(ResponseUsage.init) }
        set { json["usage"] = newValue.map { .object($0.json) } ?? .null }
    }

    /// `incomplete_details`, when present and not null (for example `{"reason": "max_output_tokens"}`).
    public var incompleteDetails: JSONValue? {
        guard let value = json["incomplete_details"], value.isTruthy else { return nil }
        return value
    }

    /// The text of every assistant message in `output`, joined.
    public var outputText: String {
        output.filter { $0.isAssistantMessage }.flatMap(\.texts).joined()
    }

    /// A minimal valid response with the given output, for tests and scripted models.
    public static func make(id: String = "resp_0", model: String = "scripted", output: [ResponseItem],
                            usage: ResponseUsage? = nil, incompleteDetails: JSONValue? = nil) -> ModelResponse {
        ModelResponse(unchecked: [
            "id": .string(id), "created_at": 0.0, "error": nil, "incomplete_details": incompleteDetails ?? .null,
            "instructions": nil, "metadata": nil, "model": .string(model), "object": "response",
            "output": .array(output.map { .object($0.json) }), "parallel_tool_calls": true,
            "temperature": nil, "tool_choice": "auto", "tools": [], "top_p": nil,
            "usage": usage.map { .object($0.json) } ?? .null,
        ])
    }
}

/// A model server answered 2xx with something that is not a valid ModelResponse.
///
/// The agent server answers 500 with the JSON string
/// `"Received an invalid response from model server: {...}"`, as NeMo Gym's agent words it.
public struct InvalidModelResponseError: Error, Sendable, CustomStringConvertible {
    /// What is wrong with it.
    public var problem: String
    /// The answer as received.
    public var body: JSONValue

    /// Creates the error.
    public init(problem: String, body: JSONValue) {
        self.problem = problem
        self.body = body
    }

    /// `Received an invalid response from model server: <json, cut at 10 KB>`.
    public var referenceMessage: String {
        var text = body.jsonString(style: .python)
        if text.utf8.count > 10_240 {
            text = String(decoding: Array(text.utf8.prefix(10_240)), as: UTF8.self) + "…"
        }
        return "Received an invalid response from model server: " + text
    }

    public var description: String { "invalid response from the model server (\(problem))" }
}
