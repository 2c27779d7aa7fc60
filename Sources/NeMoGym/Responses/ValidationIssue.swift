/// One problem found while validating a request, in FastAPI's `{"type", "loc", "msg", "input", "ctx"?}` shape.
public struct ValidationIssue: Sendable, Hashable, CustomStringConvertible {
    /// The pydantic error type, e.g. `missing`, `extra_forbidden`, `string_type`.
    public var type: String
    /// Where the problem is: `["body", "input"]`, `["body", "responses_create_params", "foo"]`, ...
    public var location: [JSONValue]
    /// A human message, e.g. `Field required`.
    public var message: String
    /// The offending input value.
    public var input: JSONValue
    /// Extra context, e.g. `{"error": "Expecting value"}` for malformed JSON.
    public var context: JSONValue?

    /// Creates an issue.
    public init(type: String, location: [JSONValue], message: String, input: JSONValue, context: JSONValue? = nil) {
        self.type = type
        self.location = location
        self.message = message
        self.input = input
        self.context = context
    }

    /// The issue as a FastAPI `detail` entry.
    public var json: JSONValue {
        var object: JSONObject = ["type": .string(type), "loc": .array(location), "msg": .string(message), "input": input]
        if let context { object["ctx"] = context }
        return .object(object)
    }

    /// `body.input: Field required`.
    public var description: String {
        let path = location.map { $0.string ?? $0.description }.joined(separator: ".")
        return "\(path): \(message)"
    }
}

/// A request failed validation: the server answers 422 with `{"detail": [...]}`.
public struct RequestValidationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Every problem found.
    public var issues: [ValidationIssue]

    /// Creates an error from its issues.
    public init(_ issues: [ValidationIssue]) {
        self.issues = issues
    }

    /// The FastAPI 422 body: `{"detail": [...]}`.
    public var detailJSON: JSONValue {
        ["detail": .array(issues.map(\.json))]
    }

    /// One line per issue, e.g. `invalid request: body.input: Field required`.
    public var description: String {
        "invalid request: " + issues.map(\.description).joined(separator: "; ")
    }
}
