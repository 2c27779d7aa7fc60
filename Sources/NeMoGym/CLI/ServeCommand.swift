/// `gym serve`: serves a `SimpleAgent` with NeMo Gym's agent routes, configured as NeMo Gym configures
/// its child servers.
public enum ServeCommand: GymCommand {
    public static let path = ["serve"]
    public static let summary = "Serve an agent over HTTP from a NeMo Gym config"
    public static let usage = """
    USAGE: gym serve [--agent NAME] [CONFIG.yaml...] [--log-level info|debug]

    With no CONFIG, reads the whole config from NEMO_GYM_CONFIG_DICT (YAML or JSON text) and serves the
    instance named by NEMO_GYM_CONFIG_PATH, as a NeMo Gym launcher starts its child servers. With CONFIG
    files, merges them (later files win) and serves the agent instance --agent (optional when there is
    exactly one). Host and port come from the instance's block; model_server and resources_server refs
    resolve to those instances. Prints 'listening on http://HOST:PORT' when ready; SIGINT/SIGTERM stop
    accepting, finish in-flight requests for up to 5 s and exit 0.

    OPTIONS:
      --agent NAME          the agent instance (the config's top-level key)
      --log-level LEVEL     info (default) or debug (one line per request on stderr)
      -h, --help            show this help
    """

    static let parser = CommandLineParser(options: [
        .init(key: "agent", names: ["--agent", "-a"], takesValue: true),
        .init(key: "log-level", names: ["--log-level"], takesValue: true),
    ])

    public static func run(_ arguments: [String], console: Console) async throws -> Int32 {
        let parsed = try parser.parse(arguments)
        let level = parsed.value("log-level") ?? "info"
        guard level == "info" || level == "debug" else { throw UsageError("--log-level must be info or debug, got '\(level)'") }
        let config: GlobalConfig
        let instanceName: String
        if parsed.positionals.isEmpty {
            if parsed.value("agent") != nil {
                throw UsageError("--agent needs CONFIG files (without them, NEMO_GYM_CONFIG_PATH names the instance)")
            }
            (config, instanceName) = try GlobalConfig.fromEnvironment()
        } else {
            config = try GlobalConfig.load(files: parsed.positionals).resolved()
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
        let port = try await server.start()
        console.print("listening on http://\(deployment.instance.host):\(port)")
        await server.runUntilTerminated()
        return 0
    }
}
