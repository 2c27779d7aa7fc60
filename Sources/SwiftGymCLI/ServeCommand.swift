import NeMoGym
import Foundation

/// `swift-gym serve`: serves a `SimpleAgent` with NeMo Gym's agent routes, configured as NeMo Gym configures
/// its child servers.
public enum ServeCommand: GymCommand {
    public static let path = ["serve"]
    public static let summary = "Serve an agent over HTTP from a NeMo Gym config"
    public static let usage = """
    USAGE: swift-gym serve [--agent NAME] [CONFIG.yaml...] [key=value...] [--log-level LEVEL]

    With no CONFIG, reads the whole config from NEMO_GYM_CONFIG_DICT (YAML or JSON text) and serves the
    instance named by NEMO_GYM_CONFIG_PATH, as a NeMo Gym launcher starts its child servers. With CONFIG
    files, merges them (later files win) and serves the agent instance --agent (optional when there is
    exactly one). Host and port come from the instance's block; model_server and resources_server refs
    resolve to those instances. The block's implementation key picks the agent: simple_agent and
    swift_simple_agent are SimpleAgent. Prints 'listening on http://HOST:PORT' when ready; SIGINT/SIGTERM
    stop accepting, finish in-flight requests for up to 5 s and exit 0. Log lines go to stderr, prefixed
    with the instance name.

    ARGUMENTS:
      CONFIG.yaml           config files, merged in order
      key=value             Hydra-style overrides applied after the files (+key=value adds a key,
                            ++key=value adds or replaces one)

    OPTIONS:
      --agent NAME          the agent instance (the config's top-level key)
      --log-level LEVEL     debug, info (default), warning or error (or NEMO_GYM_SWIFT_LOG_LEVEL);
                            info: one line per failed request; debug: one line per request
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
    typealias Serving = AgentLauncher.Serving

    /// Reads the arguments and the config (files, or the environment without files) and builds the server
    /// with the implementation the agent block names (``AgentLauncher/builtIn``), without starting it.
    /// - Throws: ``UsageError`` for bad arguments; ``ConfigError``, ``ConfigError`` or ``YAMLError``
    ///   naming the config input and the fix.
    static func makeServer(_ arguments: [String], console: Console, environment: [String: String]) throws -> Serving {
        let parsed = try parser.parse(arguments)
        var options = AgentLauncher.Options()
        if let text = parsed.value("log-level") {
            guard let level = AgentLog.Level(name: text) else {
                throw UsageError("--log-level must be debug, info, warning or error, got '\(text)'")
            }
            options.logLevel = level
        }
        if parsed.positionals.isEmpty, parsed.value("agent") != nil {
            throw UsageError("--agent needs CONFIG files (without them, NEMO_GYM_CONFIG_PATH names the instance)")
        }
        for argument in parsed.positionals {
            if ConfigOverride.looksLikeOverride(argument) {
                options.overrides.append(argument)
            } else {
                options.configFiles.append(argument)
            }
        }
        options.agentName = parsed.value("agent")
        return try AgentLauncher.builtIn.makeServing(options, environment: environment, logSink: { console.writeError($0) })
    }
}
