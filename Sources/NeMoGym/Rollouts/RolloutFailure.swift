/// One rollout could not be run: the class recorded as `_ng_failure_class` in `OUT_failures.jsonl` and a
/// detail recorded as `_ng_failure_detail`.
///
/// ``RolloutAgentEndpoint`` conformers throw it for every failure, so ``RolloutCollector`` can record a
/// failure row and go on. Only ``Code/connectionError`` is retried (for
/// ``RolloutCollector/Configuration/retrySeconds``).
public struct RolloutFailure: Error, Sendable, Hashable, CustomStringConvertible {
    /// The failure class.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        /// The class as written to `_ng_failure_class`: `http_<status>`, `connection_error` or
        /// `invalid_response`.
        public let name: String

        /// The agent could not be reached (refused, reset, timed out).
        public static let connectionError = Code(name: "connection_error")
        /// The agent answered 2xx with a body that is not a JSON object.
        public static let invalidResponse = Code(name: "invalid_response")
        /// The agent answered with a non-2xx status.
        public static func http(_ status: Int) -> Code { Code(name: "http_\(status)") }

        public var description: String { name }
    }

    /// The failure class.
    public let code: Code
    /// What happened, for people (e.g. the answer body).
    public let detail: String

    /// Creates a failure.
    public init(code: Code, detail: String) {
        self.code = code
        self.detail = detail
    }

    public var description: String { "\(code.name): \(detail)" }
}
