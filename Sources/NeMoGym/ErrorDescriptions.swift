import Foundation

// Every public error of the library describes itself with its message, for `localizedDescription` and
// `String(describing:)` alike: `error.localizedDescription == "\(error)"`.

extension ConfigError: LocalizedError {
    /// The message.
    public var errorDescription: String? { description }
}

extension YAMLError: LocalizedError {
    /// The message, with the file, line and column.
    public var errorDescription: String? { description }
}

extension JSONParseError: LocalizedError {
    /// The message, with the position.
    public var errorDescription: String? { description }
}

extension RequestValidationError: LocalizedError {
    /// The validation issues as one sentence.
    public var errorDescription: String? { description }
}

extension InvalidModelResponseError: LocalizedError {
    /// The message.
    public var errorDescription: String? { description }
}

extension InvalidVerifyResponseError: LocalizedError {
    /// The message.
    public var errorDescription: String? { description }
}

extension InnerServerError: LocalizedError {
    /// The message, with the server's status and body.
    public var errorDescription: String? { description }
}

extension ScriptExhaustedError: LocalizedError {
    /// The message.
    public var errorDescription: String? { description }
}

extension ServerClientError: LocalizedError {
    /// The message, naming the URL.
    public var errorDescription: String? { description }
}

extension AgentHTTPServerError: LocalizedError {
    /// The message.
    public var errorDescription: String? { description }
}

extension AggregateMetricsError: LocalizedError {
    /// The message.
    public var errorDescription: String? { description }
}

extension RolloutInputError: LocalizedError {
    /// The message, naming the input line.
    public var errorDescription: String? { description }
}

extension RolloutFailure: LocalizedError {
    /// The failure's class and detail.
    public var errorDescription: String? { description }
}

extension RolloutEndpointError: LocalizedError {
    /// The message, naming the URL or the agents.
    public var errorDescription: String? { description }
}
