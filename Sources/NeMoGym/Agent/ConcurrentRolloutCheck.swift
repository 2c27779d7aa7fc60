/// A test helper that catches state shared between rollouts: it runs every request alone on a fresh
/// agent, then all of them at once on one agent, and reports each rollout whose reward or output differ.
///
/// One agent object serves many rollouts concurrently in a real deployment, so a subclass that keeps
/// per-rollout state in a stored property gives wrong rewards only under load. Run your agent through
/// this check in a unit test (its model and resources should answer each request by its content, for
/// example with ``ClosureModelClient`` and ``InProcessResourcesClient``):
///
/// ```swift
/// let requests = (0..<200).map { i in
///     RunRequest(params: ResponseCreateParams(input: .text("task \(i)")))
/// }
/// let mismatches = try await ConcurrentRolloutCheck.run(requests) {
///     SimpleAgent(model: ClosureModelClient { _ in
///         ModelReply(body: .object(ModelResponse.make(output: [.assistantMessage("done")]).json))
///     }, resources: InProcessResourcesClient(tools: [:], reward: { _ in 1 }))
/// }
/// assert(mismatches.isEmpty, mismatches.map(\.description).joined(separator: "\n"))
/// ```
public enum ConcurrentRolloutCheck {
    /// One rollout whose result on the shared agent differs from its result alone.
    public struct Mismatch: Sendable, CustomStringConvertible {
        /// The request's index in the list given to ``run(_:concurrency:makeAgent:)``.
        public var index: Int
        /// The result on a fresh agent.
        public var alone: VerifyResponse
        /// The result on the agent shared by every rollout.
        public var shared: VerifyResponse

        /// Which rollout differs and how.
        public var description: String {
            if alone.reward != shared.reward {
                return "rollout \(index): reward \(shared.reward) on the shared agent, \(alone.reward) alone"
            }
            return "rollout \(index): the response differs on the shared agent (reward \(shared.reward) both times)"
        }
    }

    /// Runs `requests` alone (each on an agent of its own, one at a time), then concurrently on one agent
    /// (at most `concurrency` at once), and returns the rollouts whose reward or response output differ.
    /// - Throws: the first error a rollout throws.
    public static func run(_ requests: [RunRequest], concurrency: Int = 64,
                           makeAgent: @Sendable () throws -> any ResponsesAPIAgent) async throws -> [Mismatch] {
        var alone: [VerifyResponse] = []
        alone.reserveCapacity(requests.count)
        for request in requests {
            alone.append(try await makeAgent().run(request, context: AgentCallContext()))
        }
        let agent = try makeAgent()
        var shared = [VerifyResponse?](repeating: nil, count: requests.count)
        try await withThrowingTaskGroup(of: (Int, VerifyResponse).self) { group in
            var next = 0
            func startNext() {
                guard next < requests.count else { return }
                let (index, request) = (next, requests[next])
                next += 1
                group.addTask { (index, try await agent.run(request, context: AgentCallContext())) }
            }
            for _ in 0..<max(1, concurrency) { startNext() }
            while let (index, result) = try await group.next() {
                shared[index] = result
                startNext()
            }
        }
        var mismatches: [Mismatch] = []
        for (index, result) in shared.enumerated() {
            guard let result else { continue }
            let reference = alone[index]
            let sameOutput = result.response.json["output"] == reference.response.json["output"]
            if result.reward != reference.reward || !sameOutput {
                mismatches.append(Mismatch(index: index, alone: reference, shared: result))
            }
        }
        return mismatches
    }
}
