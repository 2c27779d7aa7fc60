/// The routes of an agent server, recognised from a request path.
enum AgentRoute: Equatable {
    /// `GET /`.
    case liveness
    /// `POST /v1/responses` and its `/ng-rollout/{id}[/training-token-capture]/v1/responses` twins;
    /// `prefix` is what precedes `/v1/responses`.
    case responses(rolloutID: String?, prefix: String)
    /// `POST /run`.
    case run
    /// `POST /aggregate_metrics`.
    case aggregateMetrics

    static let rolloutPrefix = "ng-rollout"
    static let tokenCaptureSegment = "training-token-capture"

    /// The method the route answers.
    var method: RequestMethod {
        self == .liveness ? .get : .post
    }

    /// Recognises `path`, or `nil` for an unknown path (404).
    init?(path: String) {
        switch path {
        case "/": self = .liveness
        case "/v1/responses": self = .responses(rolloutID: nil, prefix: "")
        case "/run": self = .run
        case "/aggregate_metrics": self = .aggregateMetrics
        default:
            let segments = path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
            // ["", "ng-rollout", id, "v1", "responses"] or with "training-token-capture" before "v1".
            guard segments.count >= 5, segments[0].isEmpty, segments[1] == AgentRoute.rolloutPrefix, !segments[2].isEmpty
            else { return nil }
            let id = segments[2]
            let rest = Array(segments[3...])
            if rest == ["v1", "responses"] {
                self = .responses(rolloutID: id, prefix: "/\(AgentRoute.rolloutPrefix)/\(id)")
            } else if rest == [AgentRoute.tokenCaptureSegment, "v1", "responses"] {
                self = .responses(rolloutID: id, prefix: "/\(AgentRoute.rolloutPrefix)/\(id)/\(AgentRoute.tokenCaptureSegment)")
            } else {
                return nil
            }
        }
    }
}
