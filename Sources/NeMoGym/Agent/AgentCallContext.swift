import Synchronization

/// Per-call information for ``ResponsesAPIAgent`` methods: the cookies that came in, the cookies to send
/// back, and the rollout id of a `/ng-rollout/{id}/...` request.
///
/// A context belongs to one call. The agent server reads ``responseCookies`` after the call and sends them
/// as `Set-Cookie`; `SimpleAgent` sets the latest resources and model cookies there.
public final class AgentCallContext: Sendable {
    /// The cookies the caller sent (for `/v1/responses` inside a rollout: the resources session).
    public let cookies: SessionCookies
    /// The rollout id from a `/ng-rollout/{id}/...` path, if any.
    public let rolloutID: String?
    /// The prefix of model-server paths for this call: empty, `/ng-rollout/{id}` or
    /// `/ng-rollout/{id}/training-token-capture`, mirroring the inbound path.
    public let modelPathPrefix: String
    private let outgoing = Mutex(SessionCookies())

    /// Creates a context.
    public init(cookies: SessionCookies = SessionCookies(), rolloutID: String? = nil, modelPathPrefix: String = "") {
        self.cookies = cookies
        self.rolloutID = rolloutID
        self.modelPathPrefix = modelPathPrefix
    }

    /// The cookies to send back to the caller.
    public var responseCookies: SessionCookies { outgoing.withLock { $0 } }

    /// Sets one cookie to send back (replacing one of the same name).
    public func setResponseCookie(_ name: String, _ value: String) {
        outgoing.withLock { $0[name] = value }
    }

    /// Sets cookies to send back (each replacing one of the same name).
    public func setResponseCookies(_ cookies: SessionCookies) {
        outgoing.withLock { current in
            for (name, value) in cookies { current[name] = value }
        }
    }
}
