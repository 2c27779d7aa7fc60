import Foundation

/// Serves an agent the way NeMo Gym starts its child servers — from `NEMO_GYM_CONFIG_DICT` and
/// `NEMO_GYM_CONFIG_PATH`, or from config files — with your factory making the agent.
///
/// This is everything `swift-gym serve` does, for your own executable: it reads and resolves the config,
/// finds the agent instance, resolves its `model_server` and `resources_server` refs to host and port,
/// warns about block keys the agent does not use, sets up the log (level from `--log-level` or
/// ``AgentLog/levelVariable``, lines prefixed with the instance name), starts the HTTP server on the
/// block's host and port, prints `listening on http://HOST:PORT` to standard output at once, and serves
/// until SIGINT or SIGTERM (in-flight requests get 5 s to finish).
///
/// ```swift
/// // Sources/my-agent/main.swift
/// import NeMoGym
///
/// final class MyAgent: SimpleAgent, @unchecked Sendable {}   // your overrides
///
/// let launcher = AgentLauncher { try MyAgent(deployment: $0) }
/// await launcher.main()   // `my-agent [--agent NAME] [--log-level LEVEL] [CONFIG.yaml...]`
/// ```
///
/// The factory is chosen by the block's implementation key (`simple_agent` in
/// `my_agent: {responses_api_agents: {simple_agent: {...}}}`): ``init(implementations:)`` maps keys to
/// factories and refuses an unknown key naming the known ones; ``init(_:)`` serves every key with one
/// factory. ``builtIn`` is what `swift-gym serve` uses.
public struct AgentLauncher: Sendable {
    /// Makes the agent for a deployment (its settings, model and resources servers, the whole config).
    public typealias Factory = @Sendable (AgentDeployment) throws -> any ResponsesAPIAgent

    /// Implementation key → factory; `nil` when one factory serves every key.
    public let implementations: [String: Factory]?
    private let anyImplementation: Factory?

    /// The environment variable that, set to `0`, runs connection tasks on the cooperative pool instead of
    /// their epoll loop's thread (Linux; `1` or unset keeps the default, see
    /// ``AgentHTTPServer/Configuration/runsConnectionsOnEventLoop``).
    public static let eventLoopHandlersVariable = "NEMO_GYM_SWIFT_EVENT_LOOP_HANDLERS"

    /// A launcher whose factory serves any implementation key.
    public init(_ makeAgent: @escaping Factory) {
        self.implementations = nil
        self.anyImplementation = makeAgent
    }

    /// A launcher that picks the factory by the block's implementation key.
    public init(implementations: [String: Factory]) {
        self.implementations = implementations
        self.anyImplementation = nil
    }

    /// The implementations `swift-gym serve` knows: `simple_agent` and `swift_simple_agent` (the name of
    /// a NeMo Gym agent directory whose `app.py` starts this binary) are ``SimpleAgent``.
    public static let builtIn = AgentLauncher(implementations: [
        "simple_agent": { try $0.makeAgent() },
        "swift_simple_agent": { try $0.makeAgent() },
    ])

    /// A copy that also knows `more` (replacing keys it had).
    public func adding(_ more: [String: Factory]) -> AgentLauncher {
        guard let implementations else { return self }
        return AgentLauncher(implementations: implementations.merging(more) { _, new in new })
    }

    /// What to serve: config files (none: NeMo Gym's environment variables), the instance, the log level
    /// and Hydra-style overrides.
    public struct Options: Sendable, Hashable {
        /// Config files, merged in order (later files win). Empty: read `NEMO_GYM_CONFIG_DICT` and serve
        /// the instance named by `NEMO_GYM_CONFIG_PATH`.
        public var configFiles: [String]
        /// The agent instance (the config's top-level key); optional when the config has one agent.
        public var agentName: String?
        /// The log level; `nil`: ``AgentLog/levelVariable``, else `info`.
        public var logLevel: AgentLog.Level?
        /// `key=value`, `+key=value` and `++key=value` overrides applied after the files, as Hydra does.
        public var overrides: [String]

        /// Creates options.
        public init(configFiles: [String] = [], agentName: String? = nil, logLevel: AgentLog.Level? = nil,
                    overrides: [String] = []) {
            self.configFiles = configFiles
            self.agentName = agentName
            self.logLevel = logLevel
            self.overrides = overrides
        }

        /// Reads `[serve] [--agent NAME] [--log-level LEVEL] [CONFIG.yaml...] [+key=value...]` (a leading
        /// `serve` is skipped, so an executable can stand in for `swift-gym serve`, as NeMo Gym's `app.py` starts it).
        /// - Throws: ``ConfigError`` for an unknown flag or a missing value.
        public init(arguments: [String]) throws {
            self.init()
            var i = arguments.first == "serve" ? 1 : 0
            func value(_ flag: String) throws -> String {
                i += 1
                guard i < arguments.count else { throw ConfigError(.invalidArguments, "\(flag) needs a value") }
                return arguments[i]
            }
            while i < arguments.count {
                let argument = arguments[i]
                if let eq = argument.firstIndex(of: "="), argument.hasPrefix("--") {
                    let flag = String(argument[..<eq])
                    let rest = String(argument[argument.index(after: eq)...])
                    try apply(flag, rest)
                } else if argument == "--agent" || argument == "-a" || argument == "--log-level" {
                    try apply(argument, try value(argument))
                } else if argument.hasPrefix("-") && !argument.hasPrefix("--=") && argument != "-" {
                    throw ConfigError(.invalidArguments, "unknown option '\(argument)'; expected --agent NAME, --log-level LEVEL, CONFIG.yaml files and key=value overrides")
                } else if ConfigOverride.looksLikeOverride(argument) {
                    overrides.append(argument)
                } else {
                    configFiles.append(argument)
                }
                i += 1
            }
            func apply(_ flag: String, _ text: String) throws {
                switch flag {
                case "--agent", "-a": agentName = text
                case "--log-level":
                    guard let level = AgentLog.Level(name: text) else {
                        throw ConfigError(.invalidArguments, "--log-level must be debug, info, warning or error, got '\(text)'")
                    }
                    logLevel = level
                default:
                    throw ConfigError(.invalidArguments, "unknown option '\(flag)'; expected --agent NAME, --log-level LEVEL, CONFIG.yaml files and key=value overrides")
                }
            }
        }
    }

    /// A server built from a config, not yet started.
    public struct Serving: Sendable {
        /// The agent instance, its settings and where its model and resources servers are.
        public let deployment: AgentDeployment
        /// The agent the factory made.
        public let agent: any ResponsesAPIAgent
        /// The HTTP server answering with the agent's routes.
        public let server: AgentHTTPServer
        /// The log the server writes to.
        public let log: AgentLog

        /// Starts the server; a taken port is reported with the block that sets it.
        /// - Returns: the bound port.
        public func start() async throws -> Int {
            do {
                return try await server.start()
            } catch {
                let instance = deployment.instance
                throw AgentHTTPServerError(code: error.code, message: "cannot serve agent '\(instance.name)': \(error.message) "
                                          + "(the port is set by 'port:' in the block '\(instance.blockPath)')")
            }
        }

        /// `http://HOST:PORT` for the instance's host (IPv6 hosts in brackets).
        public func url(port: Int) -> String {
            let host = deployment.instance.host
            return "http://\(host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host):\(port)"
        }
    }

    /// Reads the config (files, or the environment without files), finds the agent instance, makes the
    /// agent and its server, and writes the start-up warnings; does not start the server.
    /// - Throws: ``ConfigError``, ``ConfigError`` or ``YAMLError`` naming the input and the fix,
    ///   or what the factory throws.
    public func makeServing(_ options: Options, environment: [String: String] = ProcessInfo.processInfo.environment,
                            logSink: (@Sendable (String) -> Void)? = nil) throws -> Serving {
        var level = options.logLevel
        if level == nil, let text = environment[AgentLog.levelVariable], !text.isEmpty {
            guard let parsed = AgentLog.Level(name: text) else {
                throw ConfigError(.invalidValue, "\(AgentLog.levelVariable) must be debug, info, warning or error, got '\(text)'")
            }
            level = parsed
        }
        let config: GlobalConfig
        let instanceName: String
        if options.configFiles.isEmpty {
            if options.agentName != nil {
                throw ConfigError(.invalidValue, "--agent needs CONFIG files (without them, \(GlobalConfig.configPathVariable) names the instance)")
            }
            let (read, name) = try GlobalConfig.fromEnvironment(environment)
            config = try Self.applying(options.overrides, to: read).resolved(environment: environment, checkMissing: false)
            instanceName = name
        } else {
            config = try Self.applying(options.overrides, to: GlobalConfig.load(files: options.configFiles))
                .resolved(environment: environment)
            instanceName = try AgentDeployment.agentInstanceName(in: config, named: options.agentName)
        }
        var deployment = try AgentDeployment(config: config, instanceName: instanceName)
        let log = logSink.map { AgentLog(level: level ?? .info, instanceName: instanceName, sink: $0) }
            ?? AgentLog(level: level ?? .info, instanceName: instanceName)
        let factory: Factory
        if let implementations {
            guard let found = implementations[deployment.implementation] else {
                let known = implementations.keys.sorted().joined(separator: ", ")
                throw ConfigError(.unknownImplementation, "agent '\(instanceName)' has the implementation '\(deployment.implementation)' "
                    + "(block '\(deployment.instance.blockPath)'), which this server does not know; known implementations: \(known)")
            }
            factory = found
        } else {
            factory = anyImplementation!
        }
        let unused = deployment.unusedKeys
        if !unused.isEmpty {
            log.warning("agent '\(instanceName)' does not use the key\(unused.count == 1 ? "" : "s") "
                + unused.map { "'\($0)'" }.joined(separator: ", ") + " of the block '\(deployment.instance.blockPath)' (ignored)")
        }
        var clientConfiguration = ServerClient.Configuration()
        clientConfiguration.retryNotice = { [log] line in log.info(line) }
        deployment.client = ServerClient(configuration: clientConfiguration)
        let agent = try factory(deployment)
        var serverConfiguration = try deployment.serverConfiguration()
        if let value = environment[Self.eventLoopHandlersVariable] {
            serverConfiguration.runsConnectionsOnEventLoop = value != "0"
        }
        let server = AgentHTTPServer(configuration: serverConfiguration,
                                handler: AgentServer(agent: agent, log: log).handler)
        return Serving(deployment: deployment, agent: agent, server: server, log: log)
    }

    /// `config` with Hydra-style overrides applied.
    static func applying(_ overrides: [String], to config: GlobalConfig) throws -> GlobalConfig {
        guard !overrides.isEmpty else { return config }
        return try config.applying(overrides: overrides.map(ConfigOverride.parse))
    }

    /// Builds the server, starts it, prints `listening on http://HOST:PORT` to standard output (flushed at
    /// once, after SIGINT and SIGTERM are handled) and serves until one of them arrives.
    /// - Throws: what ``makeServing(_:environment:logSink:)`` throws, or ``AgentHTTPServerError`` when the port
    ///   cannot be bound.
    public func serve(_ options: Options, environment: [String: String] = ProcessInfo.processInfo.environment,
                      printListening: (@Sendable (String) -> Void)? = nil) async throws {
        let serving = try makeServing(options, environment: environment)
        let port = try await serving.start()
        serving.log.debug("serving \(serving.deployment.implementation) at \(serving.url(port: port))")
        await serving.server.runUntilTerminated {
            let line = "listening on \(serving.url(port: port))"
            if let printListening { printListening(line) } else { FileOutput.standardOutput(line + "\n") }
        }
    }

    /// The whole program: reads `arguments` as ``Options/init(arguments:)`` does, serves, and exits 0
    /// after a graceful shutdown, or prints `error: <message>` to standard error and exits 1.
    public func main(arguments: [String] = Array(CommandLine.arguments.dropFirst()),
                     environment: [String: String] = ProcessInfo.processInfo.environment) async -> Never {
        do {
            try await serve(try Options(arguments: arguments), environment: environment)
            exit(0)
        } catch {
            FileOutput.standardError("error: \(error)\n")
            exit(1)
        }
    }
}
