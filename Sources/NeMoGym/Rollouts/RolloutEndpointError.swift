/// An agent endpoint cannot take rollouts: the agent or head server is unreachable, the head server's
/// config cannot be read, or rows name agents it does not know. The message names the URL or the agents
/// and what to start or fix.
public struct RolloutEndpointError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong and how to fix it.
    public var message: String

    /// Creates the error.
    public init(message: String) {
        self.message = message
    }

    public var description: String { message }
}
