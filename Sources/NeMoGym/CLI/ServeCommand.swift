import Foundation

/// `swift-gym serve`: serves a `SimpleAgent` with NeMo Gym's agent routes, configured as NeMo Gym configures
/// its child servers.
public enum ServeCommand: GymCommand {
    public static let path = ["serve"]
    public static let summary = "Serve an agent over HTTP from a NeMo Gym config"
    public static let usage = """
    USAGE: swift-gym serve [--agent NAME] [CONFIG.yaml...] [--log-level info|debug]

    With no CONFIG, reads the whole config from NEMO_GYM_CONFIG_DICT (YAML or JSON text) and serves the
    instance named by NEMO_GYM_CONFIG_PATH, as a NeMo Gym launcher starts its child servers. With CONFIG
    files, merges them (later files win) and serves the agent instance --agent (optional when there is
    exactly one). Host and port come from the instance's block; model_server and resources_server refs
    resolve to those instances. Prints 'listening on http://HOST:PORT' when ready; SIGINT/SIGTERM stop
    accepting, finish in-flight requests for up to 5 s and exit 0.

    ARGUMENTS:
      CONFIG.yaml           config files, merged in order

    OPTIONS:
      --agent NAME          the agent instance (the config's top-level key)
      --log-level LEVEL     info (default) or debug (one line per request on stderr)
      -h, --help            show this help

    \(HelpText.exitCodes(success: "stopped by SIGINT or SIGTERM", failure: "config error, or the port cannot be bound"))
    """

    static let parser = CommandLineParser(options: [
        .init(key: "agent", names: ["--agent", "-a"], takesValue: true),
        .init(key: "log-level", names: ["--log-level"], takesValue: true),
    ])

    public static func run(_ arguments: [String], console: Console) async throws -> Int32 {
        try await run(arguments, console: console, environment: ProcessInfo.processInfo.environment)
    }

    /// `swift-gym serve` with an explicit environment (what `NEMO_GYM_CONFIG_DICT`, `NEMO_GYM_CONFIG_PATH` and
    /// `${oc.env:...}` interpolations read): builds the server, starts it, prints the listening line and
    /// serves until `SIGINT` or `SIGTERM`.
    static func run(_ arguments: [String], console: Console, environment: [String: String]) async throws -> Int32 {
        let serving = try makeServer(arguments, console: console, environment: environment)
        let port = try await serving.start()
        await serving.server.runUntilTerminated {
            console.print("listening on \(serving.url(port: port))")
        }
        return 0
    }

    /// What `swift-gym serve` serves: the deployment read from the config and its (not yet started) server.
    struct Serving: Sendable {
        /// The agent instance, its settings and where its model and resources servers are.
        let deployment: AgentDeployment
        /// The HTTP server answering with the agent's routes.
        let server: HTTPServer

        /// Starts the server; a taken port is reported with the block that sets it.
        /// - Returns: the bound port.
        func start() async throws -> Int {
            do {
                return try await server.start()
            } catch {
                let instance = deployment.instance
                throw HTTPServerError(code: error.code, message: "cannot serve agent '\(instance.name)': \(error.message) "
                                          + "(the port is set by 'port:' in the block '\(instance.blockPath)')")
            }
        }

        /// `http://HOST:PORT` for the instance's host (IPv6 hosts in brackets).
        func url(port: Int) -> String {
            let host = deployment.instance.host
            return "http://\(host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host):\(port)"
        }
    }

    /// Reads the arguments and the config (files, or the environment without files) and builds the server,
    /// without starting it.
    /// - Throws: ``UsageError`` for bad arguments; ``ConfigError``, ``ConfigurationError`` or ``YAMLError``
    ///   naming the config input and the fix.
    static func makeServer(_ arguments: [String], console: Console, environment: [String: String]) throws -> Serving {
        let parsed = try parser.parse(arguments)
        let level = parsed.value("log-level") ?? "info"
        guard level == "info" || level == "debug" else { throw UsageError("--log-level must be info or debug, got '\(level)'") }
        let config: GlobalConfig
        let instanceName: String
        if parsed.positionals.isEmpty {
            if parsed.value("agent") != nil {
                throw UsageError("--agent needs CONFIG files (without them, NEMO_GYM_CONFIG_PATH names the instance)")
            }
            (config, instanceName) = try GlobalConfig.fromEnvironment(environment)
        } else {
            config = try GlobalConfig.load(files: parsed.positionals).resolved(environment: environment)
            instanceName = try AgentDeployment.agentInstanceName(in: config, named: parsed.value("agent"))
        }
        let deployment = try AgentDeployment(config: config, instanceName: instanceName)
        var log: (@Sendable (String) -> Void)? = nil
        if level == "debug" {
            let name = instanceName
            log = { line in console.printError("(\(name)) \(line)") }
        }
        let server = HTTPServer(configuration: try deployment.serverConfiguration(),
                                handler: AgentServer(agent: try deployment.makeAgent(), debugLog: log).handler)
        return Serving(deployment: deployment, server: server)
    }
}
