/// The body the agent sends to `POST /verify`: the run body plus the final `response`.
public struct VerifyRequest: Sendable, Hashable {
    /// The whole verify body.
    public var json: JSONObject

    /// Wraps a verify body.
    public init(json: JSONObject) {
        self.json = json
    }

    /// The run body with `response` set (replaced in place if the run body had one).
    public init(run: RunRequest, response: ModelResponse) {
        var json = run.json
        json["response"] = .object(response.json)
        self.json = json
    }

    /// The final response being verified.
    public var response: ModelResponse { ModelResponse(unchecked: json["response"]?.object ?? [:]) }
}
