import Synchronization

/// A ``RolloutAgentEndpoint`` that sends rows to agent servers over HTTP (`POST /run`).
///
/// Either one agent URL serves every row (`--agent-url`), or a NeMo Gym head server tells where each
/// agent instance listens (`--head-server`: `GET /global_config_dict_yaml`, a JSON string holding the
/// whole config as YAML), and rows go to the instance named by their `agent_ref.name`.
///
/// Failures are classified for the failures sidecar: a non-2xx answer is `http_<status>`, a refused or
/// reset connection is `connection_error` (the collector retries those), and an answer that is not a JSON
/// object is `invalid_response`.
public final class HTTPAgentEndpoint: RolloutAgentEndpoint {
    private enum Source: Sendable {
        case agentURL(String)
        case headServer(String)
    }

    private let source: Source
    private let client: HTTPClient
    private let agentURLs = Mutex<[String: String]>([:])

    /// Rows go to the agent at `agentURL`, e.g. `http://127.0.0.1:8000`.
    public init(agentURL: String, client: HTTPClient? = nil) {
        self.source = .agentURL(HTTPModelClient.trimmed(agentURL))
        self.client = client ?? HTTPAgentEndpoint.makeClient()
    }

    /// Rows go to the agent instances the head server at `headServer` lists (read by ``checkReachable()``).
    public init(headServer: String, client: HTTPClient? = nil) {
        self.source = .headServer(HTTPModelClient.trimmed(headServer))
        self.client = client ?? HTTPAgentEndpoint.makeClient()
    }

    /// A client that reports connection errors at once (the collector decides about retries) and never
    /// times out a generation.
    static func makeClient() -> HTTPClient {
        HTTPClient(configuration: .init(maxRetryDuration: .zero))
    }

    /// Checks `GET /` on the agent (or reads the head server's config and checks every agent).
    /// - Throws: ``CollectSetupError`` with one clear message when something is unreachable.
    public func checkReachable() async throws {
        switch source {
        case .agentURL(let url):
            try await ping(url, what: "the agent")
        case .headServer(let head):
            try await ping(head, what: "the head server")
            let answer: HTTPClientResponse
            do {
                answer = try await client.send(HTTPClientRequest(url: head + "/global_config_dict_yaml"))
            } catch {
                throw CollectSetupError(message: "could not read the config from the head server at \(head): \(error)")
            }
            guard answer.isSuccess, let yaml = (try? answer.json())?.string else {
                throw CollectSetupError(message: "the head server at \(head) answered /global_config_dict_yaml with HTTP \(answer.status) and no YAML string")
            }
            let config = try GlobalConfig.parse(yaml, source: head + "/global_config_dict_yaml")
            var urls: [String: String] = [:]
            for instance in config.serverInstances where instance.serverType == "responses_api_agents" {
                if let url = try? instance.baseURL() { urls[instance.name] = url }
            }
            guard !urls.isEmpty else {
                throw CollectSetupError(message: "the head server at \(head) knows no agent instance with a host and port")
            }
            agentURLs.withLock { $0 = urls }
            for url in Set(urls.values) { try await ping(url, what: "the agent") }
        }
    }

    /// The agent names the head server knows (empty for a single agent URL).
    public var knownAgents: [String] { agentURLs.withLock { $0.keys.sorted() } }

    private func ping(_ url: String, what: String) async throws {
        do {
            _ = try await client.send(HTTPClientRequest(url: url + "/"))
        } catch {
            throw CollectSetupError(message: "\(what) at \(url) is not reachable (\(error)); start it first (for a Swift agent: gym serve) or fix the URL")
        }
    }

    private func baseURL(for agentName: String?) throws -> String {
        switch source {
        case .agentURL(let url): return url
        case .headServer(let head):
            let urls = agentURLs.withLock { $0 }
            guard let name = agentName, let url = urls[name] else {
                let known = urls.keys.sorted().joined(separator: ", ")
                throw RolloutFailure(code: .http(404), detail: "the head server at \(head) has no agent named '\(agentName ?? "")' (known: \(known))")
            }
            return url
        }
    }

    public func run(_ row: JSONObject) async throws -> JSONObject {
        let url = try baseURL(for: row["agent_ref"]?["name"]?.string) + "/run"
        let answer: HTTPClientResponse
        do {
            answer = try await client.send(.json(url: url, .object(row)))
        } catch {
            throw RolloutFailure(code: .connectionError, detail: "\(error)")
        }
        guard answer.isSuccess else {
            throw RolloutFailure(code: .http(answer.status), detail: String(answer.bodyText.prefix(2_000)))
        }
        guard let object = (try? answer.json())?.object else {
            throw RolloutFailure(code: .invalidResponse, detail: "\(url) answered 200 with a body that is not a JSON object: \(answer.bodyText.prefix(500))")
        }
        return object
    }

    public func aggregateMetrics(_ request: AggregateMetricsRequest, agentName: String) async throws -> AggregateMetrics {
        let url = try baseURL(for: agentName) + "/aggregate_metrics"
        let answer = try await client.send(.json(url: url, request.json))
        guard answer.isSuccess else { throw InnerServerError(server: url, status: answer.status, body: answer.body) }
        return try AggregateMetrics(validating: try answer.json())
    }
}
