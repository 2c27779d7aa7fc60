import Synchronization

/// A ``RolloutAgentEndpoint`` that sends rows to agent servers over HTTP (`POST /run`).
///
/// Either one agent URL serves every row (`--agent-url`), or a NeMo Gym head server tells where each
/// agent instance listens (`--head-server`: `GET /global_config_dict_yaml`, a JSON string holding the
/// whole config as YAML), and rows go to the instance named by their `agent_ref.name`.
///
/// Failures are classified for the failures sidecar: a non-2xx answer is `http_<status>`, a refused or
/// reset connection is `connection_error` (the collector retries those), and an answer that is not a JSON
/// object, not valid HTTP, or larger than the client's ``ServerClient/Configuration/maxResponseBodyBytes`` is
/// `invalid_response`.
public final class HTTPAgentEndpoint: RolloutAgentEndpoint {
    private enum Source: Sendable {
        case agentURL(String)
        case headServer(String)
    }

    private let source: Source
    private let client: ServerClient
    /// The client for the setup calls (`GET /`, the head server's config): they must not hang.
    private let setupClient: ServerClient
    private struct Agents: Sendable {
        /// Agent instance name → base URL.
        var urls: [String: String] = [:]
        /// Agent instances in the config without a port.
        var portless: [String] = []
    }
    private let agents = Mutex(Agents())

    /// How long a setup call (`GET /`, the head server's config) may take before ``checkReachable()`` fails.
    public static let defaultSetupTimeout: Duration = .seconds(30)

    /// Rows go to the agent at `agentURL`, e.g. `http://127.0.0.1:8000`.
    public convenience init(agentURL: String, client: ServerClient? = nil) {
        self.init(agentURL: agentURL, client: client, setupTimeout: Self.defaultSetupTimeout)
    }

    /// Rows go to the agent instances the head server at `headServer` lists (read by ``checkReachable()``).
    public convenience init(headServer: String, client: ServerClient? = nil) {
        self.init(headServer: headServer, client: client, setupTimeout: Self.defaultSetupTimeout)
    }

    /// An agent-URL endpoint whose setup calls give up after `setupTimeout`.
    convenience init(agentURL: String, client: ServerClient? = nil, setupTimeout: Duration) {
        self.init(source: .agentURL(agentURL.withoutTrailingSlashes), client: client, setupTimeout: setupTimeout)
    }

    /// A head-server endpoint whose setup calls give up after `setupTimeout`.
    convenience init(headServer: String, client: ServerClient? = nil, setupTimeout: Duration) {
        self.init(source: .headServer(headServer.withoutTrailingSlashes), client: client, setupTimeout: setupTimeout)
    }

    private init(source: Source, client: ServerClient?, setupTimeout: Duration) {
        self.source = source
        self.client = client ?? HTTPAgentEndpoint.makeClient()
        self.setupClient = ServerClient(configuration: .init(totalTimeout: setupTimeout, maxRetryDuration: .zero))
    }

    /// A client that reports connection errors at once (the collector decides about retries) and never
    /// times out a generation.
    static func makeClient() -> ServerClient {
        ServerClient(configuration: .init(maxRetryDuration: .zero))
    }

    /// Checks `GET /` on the agent (or reads the head server's config and checks every agent), each call
    /// failing at once on a refused connection and after the setup timeout (30 s) on a silent server.
    /// - Throws: ``RolloutEndpointError`` with one clear message when something is unreachable.
    public func checkReachable() async throws {
        switch source {
        case .agentURL(let url):
            try await ping(url, what: "the agent")
        case .headServer(let head):
            try await ping(head, what: "the head server", start: "start NeMo Gym's servers first (gym env start, legacy ng_run) or fix --head-server")
            let config = try await readConfig(from: head)
            var urls: [String: String] = [:]
            var portless: [String] = []
            for instance in config.serverInstances where instance.serverType == "responses_api_agents" {
                if let url = try? instance.baseURL() { urls[instance.name] = url.withoutTrailingSlashes } else { portless.append(instance.name) }
            }
            agents.withLock { $0 = Agents(urls: urls, portless: portless.sorted()) }
            guard !urls.isEmpty else {
                let note = portless.isEmpty ? "" : " (\(Self.quoted(portless)) have no port)"
                throw RolloutEndpointError(message: "the head server at \(head) knows no agent instance with a host and port\(note); "
                                        + "start the agents through it (gym env start, legacy ng_run) or use --agent-url")
            }
            for (name, url) in urls.sorted(by: { $0.key < $1.key }) { try await ping(url, what: "the agent '\(name)'") }
        }
    }

    /// Reads and parses `GET /global_config_dict_yaml` (a JSON string holding YAML).
    private func readConfig(from head: String) async throws -> GlobalConfig {
        let url = head + "/global_config_dict_yaml"
        let answer: ServerClientResponse
        do {
            answer = try await setupClient.send(ServerClientRequest(url: url))
        } catch {
            throw RolloutEndpointError(message: "could not read the config from the head server at \(url): \(error)")
        }
        guard answer.isSuccess, let yaml = (try? answer.json())?.string else {
            throw RolloutEndpointError(message: "the head server at \(url) answered with HTTP \(answer.status) and no YAML string "
                                    + "(expected a JSON string holding the config); check that --head-server points at a NeMo Gym head server")
        }
        do {
            return try GlobalConfig.parse(yaml, source: url)
        } catch {
            throw RolloutEndpointError(message: "the head server at \(url) sent YAML that is not a valid config: \(Self.oneLine(error))")
        }
    }

    /// The agent names the head server knows (empty for a single agent URL).
    public var knownAgents: [String] { agents.withLock { $0.urls.keys.sorted() } }

    /// Checks, after ``checkReachable()``, that the head server knows every agent in `names` (the rows'
    /// `agent_ref.name`s); with a single agent URL every name is accepted.
    /// - Throws: ``RolloutEndpointError`` naming the unknown agents and listing the known ones.
    public func checkAgentsKnown(_ names: some Sequence<String>) throws {
        guard case .headServer(let head) = source else { return }
        let known = agents.withLock { $0 }
        let unknown = Set(names).subtracting(known.urls.keys).sorted()
        guard !unknown.isEmpty else { return }
        let portless = unknown.filter { known.portless.contains($0) }
        var message = "the head server at \(head) has no agent instance named \(Self.quoted(unknown)) (used by the rows' agent_ref.name or --agent)"
        if !portless.isEmpty { message += "; \(Self.quoted(portless)) in its config \(portless.count == 1 ? "has" : "have") no port" }
        message += "; known agents: \(known.urls.keys.sorted().joined(separator: ", ")). Fix --agent or the rows' agent_ref"
        throw RolloutEndpointError(message: message)
    }

    private func ping(_ url: String, what: String, start: String = "start it first (for a Swift agent: swift-gym serve) or fix the URL") async throws {
        do {
            _ = try await setupClient.send(ServerClientRequest(url: url + "/"))
        } catch {
            throw RolloutEndpointError(message: "\(what) at \(url) is not reachable (\(error)); \(start)")
        }
    }

    /// `'a', 'b'`, at most 10 names then `and N more`.
    private static func quoted(_ names: [String]) -> String {
        let shown = names.prefix(10).map { "'\($0)'" }.joined(separator: ", ")
        return names.count > 10 ? shown + " and \(names.count - 10) more" : shown
    }

    private static func oneLine(_ error: any Error) -> String {
        String(describing: error).split(whereSeparator: \.isNewline).joined(separator: " ")
    }

    private func baseURL(for agentName: String?) throws -> String {
        switch source {
        case .agentURL(let url): return url
        case .headServer(let head):
            let urls = agents.withLock { $0.urls }
            guard let name = agentName, let url = urls[name] else {
                let known = urls.keys.sorted().joined(separator: ", ")
                throw RolloutFailure(code: .http(404), detail: "the head server at \(head) has no agent named '\(agentName ?? "")' (known: \(known))")
            }
            return url
        }
    }

    public func run(_ row: JSONObject) async throws -> JSONObject {
        let url = try baseURL(for: row["agent_ref"]?["name"]?.string) + "/run"
        let answer: ServerClientResponse
        do {
            answer = try await client.send(.json(url: url, .object(row)))
        } catch {
            throw RolloutFailure(code: Self.failureCode(error), detail: error.message)
        }
        guard answer.isSuccess else {
            throw RolloutFailure(code: .http(answer.status), detail: String(answer.bodyText.prefix(2_000)))
        }
        guard let object = (try? answer.json())?.object else {
            throw RolloutFailure(code: .invalidResponse, detail: "\(url) answered 200 with a body that is not a JSON object: \(answer.bodyText.prefix(500))")
        }
        return object
    }

    /// How a transport error is recorded: an answer that is not valid HTTP or too large is
    /// `invalid_response` (not retried: sending the row again would get the same answer); an unreachable,
    /// reset or timed-out agent is `connection_error` (the collector retries those).
    static func failureCode(_ error: ServerClientError) -> RolloutFailure.Code {
        switch error.code {
        case .invalidResponse, .responseTooLarge: return .invalidResponse
        default: return .connectionError
        }
    }

    public func aggregateMetrics(_ request: AggregateMetricsRequest, agentName: String) async throws -> AggregateMetrics {
        let url = try baseURL(for: agentName) + "/aggregate_metrics"
        let answer = try await client.send(.json(url: url, request.json))
        guard answer.isSuccess else { throw InnerServerError(server: url, status: answer.status, body: answer.body) }
        return try AggregateMetrics(validating: try answer.json())
    }
}
