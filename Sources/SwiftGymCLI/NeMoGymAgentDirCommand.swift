import NeMoGym
import Foundation

/// `swift-gym nemo-gym agent-dir DIR [--name NAME] [--resources-server NAME] [--force]`: writes an agent
/// directory that NeMo Gym's launcher (`gym env start`) starts as it is.
public enum NeMoGymAgentDirCommand: GymCommand {
    public static let path = ["nemo-gym", "agent-dir"]
    public static let summary = "Write an agent directory NeMo Gym's launcher starts (app.py, requirements.txt, config)"
    public static let usage = """
        USAGE: swift-gym nemo-gym agent-dir DIR [--name NAME] [--resources-server NAME] [--force]

        Writes DIR/app.py, which execs this swift-gym binary (by its absolute path, or $NEMO_GYM_SWIFT_GYM
        when set) with 'serve'; DIR/requirements.txt, which lists no packages but without which NeMo
        Gym's launcher does not set the directory up; and DIR/configs/NAME.yaml, the agent instance with
        its model_server and resources_server refs. NeMo Gym looks for the implementation NAME in
        ROOT/responses_api_agents/NAME/, so DIR is usually responses_api_agents/NAME of a NeMo Gym checkout.

        ARGUMENTS:
          DIR                       the agent directory (created if missing)

        OPTIONS:
          --name NAME               the implementation key and instance name (default swift_simple_agent)
          --resources-server NAME   the resources server instance the agent uses (default ???: set it later)
          --force                   overwrite files that exist
          -h, --help                show this help

        \(HelpText.exitCodes(success: "written", failure: "a file exists (without --force), DIR is a file, or a write failed"))
        """

    static let parser = CommandLineParser(options: [
        .init(key: "name", names: ["--name"], takesValue: true),
        .init(key: "resources-server", names: ["--resources-server"], takesValue: true),
        .init(key: "force", names: ["--force"]),
    ])

    public static func run(_ arguments: [String], console: Console) async throws -> Int32 {
        let parsed = try parser.parse(arguments)
        guard parsed.positionals.count == 1, let directory = parsed.positionals.first, !directory.isEmpty else {
            throw UsageError("expected one DIR, got \(parsed.positionals.count)")
        }
        let name = parsed.value("name") ?? NeMoGymAgentDirectory.defaultName
        guard NeMoGymAgentDirectory.isValidName(name) else {
            throw UsageError("--name must be letters, digits, '_' or '-' (it is a directory name and a config key), got '\(name)'")
        }
        let resourcesServer = parsed.value("resources-server")
        if let resourcesServer, !NeMoGymAgentDirectory.isValidName(resourcesServer) {
            throw UsageError("--resources-server must be an instance name (letters, digits, '_' or '-'), got '\(resourcesServer)'")
        }
        let environment = ProcessInfo.processInfo.environment
        let template = NeMoGymAgentDirectory(name: name, executable: executablePath(),
                                             resourcesServer: resourcesServer)
        let written = try template.write(to: directory, force: parsed.flag("force"))
        let absolute = NeMoGymAgentDirectory.absolute(directory)
        console.print("Wrote the agent directory \(absolute):")
        for file in written { console.print("  \(file)") }
        console.print("app.py runs \(template.executable) serve"
                          + (environment[NeMoGymAgentDirectory.executableVariable].map { " (now overridden by NEMO_GYM_SWIFT_GYM=\($0))" } ?? ""))
        if let warning = NeMoGymAgentDirectory.placementWarning(directory: absolute, name: name) {
            console.printError("warning: \(warning)")
        }
        let config = "responses_api_agents/\(name)/configs/\(name).yaml"
        console.print("Start it from the NeMo Gym checkout, for example:")
        console.print("  gym env start --config \(config) --resources-server \(resourcesServer ?? "RESOURCES_SERVER") \\")
        console.print("    --model-type openai_model --model MODEL --model-url URL --model-api-key KEY"
                          + (resourcesServer == nil ? " \\\n    ++\(name).responses_api_agents.\(name).resources_server.name=RESOURCES_SERVER" : ""))
        return 0
    }

    /// The running executable's absolute path: `/proc/self/exe` on Linux, else `argv[0]` made absolute.
    static func executablePath() -> String {
        if let resolved = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") { return resolved }
        let argument = CommandLine.arguments.first ?? GymCLI.name
        if argument.contains("/") { return NeMoGymAgentDirectory.absolute(argument) }
        // Started by name from PATH: find it there.
        for directory in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") {
            let candidate = String(directory) + "/" + argument
            if FileManager.default.isExecutableFile(atPath: candidate) { return NeMoGymAgentDirectory.absolute(candidate) }
        }
        return argument
    }
}

/// The files of an agent directory NeMo Gym's launcher starts as it is: `app.py` (execs `swift-gym serve`),
/// `requirements.txt` (no packages; the launcher needs the file) and `configs/<name>.yaml` (the agent
/// instance, modelled on NeMo Gym's `simple_agent` config).
///
/// ```swift
/// let directory = NeMoGymAgentDirectory(name: "swift_simple_agent", executable: "/opt/bin/swift-gym")
/// try directory.write(to: "Gym/responses_api_agents/swift_simple_agent", force: false)
/// ```
public struct NeMoGymAgentDirectory: Sendable, Hashable {
    /// The implementation key, directory name and instance name the files use by default.
    public static let defaultName = "swift_simple_agent"
    /// The environment variable that, when set, names the `swift-gym` binary `app.py` runs instead.
    public static let executableVariable = "NEMO_GYM_SWIFT_GYM"

    /// The implementation key and the instance name in the config.
    public var name: String
    /// The absolute path of the `swift-gym` binary `app.py` runs.
    public var executable: String
    /// The resources server instance the agent uses; `nil` writes `???` (NeMo Gym's "set me").
    public var resourcesServer: String?

    /// Creates the files' description.
    public init(name: String = defaultName, executable: String, resourcesServer: String? = nil) {
        self.name = name
        self.executable = executable
        self.resourcesServer = resourcesServer
    }

    /// Whether `name` can be a directory name and an unquoted config key: letters, digits, `_`, `-`.
    public static func isValidName(_ name: String) -> Bool {
        !name.isEmpty && name.unicodeScalars.allSatisfy {
            ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) || $0 == "_" || $0 == "-"
        }
    }

    /// The paths written, relative to the directory, in order.
    public var relativePaths: [String] { ["app.py", "requirements.txt", "configs/\(name).yaml"] }

    /// `app.py`: hands the process over to `swift-gym serve`, which reads `NEMO_GYM_CONFIG_DICT` and
    /// `NEMO_GYM_CONFIG_PATH` as the launcher sets them.
    public var appPy: String {
        // A JSON string literal is a Python string literal (UTF-8 source, `\"` and `\\` escapes).
        let path = JSONValue.string(executable).jsonString()
        return """
            # Generated by `\(GymCLI.name) nemo-gym agent-dir` (\(GymCLI.name) \(NeMoGymVersion.current)).
            # NeMo Gym's launcher runs `python app.py` in this directory with NEMO_GYM_CONFIG_DICT and
            # NEMO_GYM_CONFIG_PATH set. This file hands the process over to the Swift agent server
            # (`\(GymCLI.name) serve`), which reads both, serves the agent instance they name, and stops on
            # SIGINT/SIGTERM as the launcher expects. Set \(Self.executableVariable) to run another \(GymCLI.name)
            # binary than the one that wrote this file.
            import os
            import sys

            SWIFT_GYM = os.environ.get("\(Self.executableVariable)") or \(path)

            if __name__ == "__main__":
                try:
                    os.execvp(SWIFT_GYM, [SWIFT_GYM, "serve", *sys.argv[1:]])
                except OSError as error:
                    sys.exit(
                        f"cannot start the Swift agent server {SWIFT_GYM!r}: {error}. Build it "
                        "(swift build -c release --product \(GymCLI.name)) and rerun "
                        "`\(GymCLI.name) nemo-gym agent-dir`, or set \(Self.executableVariable) to its path."
                    )

            """
    }

    /// `requirements.txt`: no packages. The launcher refuses a server directory without it (or a
    /// `pyproject.toml`), and installs its own head-server packages into the directory's venv anyway.
    public var requirementsTxt: String {
        """
        # The Swift agent needs no Python packages: app.py only execs the \(GymCLI.name) binary.
        # NeMo Gym's launcher still requires this file (or a pyproject.toml) in a server directory: it
        # creates the directory's venv (uv venv) and installs this file's packages, none, plus its own
        # head-server packages (ray, openai) into it before running `python app.py`. Start with
        # +skip_venv_if_present=true to reuse that venv on later starts.

        """
    }

    /// `configs/<name>.yaml`: the agent instance with its refs, commented, modelled on `simple_agent.yaml`.
    public var configYAML: String {
        let setResources = "++\(name).responses_api_agents.\(name).resources_server.name="
        let example = resourcesServer == nil ? " \\\n#     \(setResources)example_single_tool_call" : ""
        let resourcesNote = resourcesServer == nil
            ? "        # ???: set it here, or on the command line with \(setResources)NAME\n"
            : ""
        return """
            # The Swift agent (\(GymCLI.name) serve) as a NeMo Gym agent server. NeMo Gym's launcher runs
            # `python app.py` in responses_api_agents/\(name)/ and app.py execs \(GymCLI.name), which behaves as
            # simple_agent (same /run, /v1/responses, rollouts and metrics). The launcher assigns host and port,
            # as for any server. Load it with a resources server and a model server, for example:
            #   gym env start --config responses_api_agents/\(name)/configs/\(name).yaml \\
            #     --resources-server \(resourcesServer ?? "example_single_tool_call") --model-type openai_model \\
            #     --model MODEL --model-url URL --model-api-key KEY\(example)

            # The instance name: agent_ref.name in task rows, --agent of gym eval run and swift-gym collect.
            \(name):
              responses_api_agents:
                # The implementation: the name of this directory.
                \(name):
                  entrypoint: app.py
                  # The resources server instance: the tools, /seed_session and /verify.
                  resources_server:
                    type: resources_servers
            \(resourcesNote)        name: \(resourcesServer ?? "???")
                  # The policy model server instance (NeMo Gym's model configs name it policy_model).
                  model_server:
                    type: responses_api_models
                    name: policy_model
                  # Stop after this many model calls per rollout (absent: no limit, as simple_agent).
                  # max_steps: 10

            """
    }

    /// The contents of every file, by relative path, in ``relativePaths`` order.
    public var files: [(path: String, contents: String)] {
        zip(relativePaths, [appPy, requirementsTxt, configYAML]).map { ($0, $1) }
    }

    /// Writes the files into `directory` (created with its `configs/` if missing).
    /// - Parameter force: overwrite files that exist; without it, existing files are an error and nothing
    ///   is written.
    /// - Returns: the relative paths written.
    /// - Throws: ``WriteError`` when `directory` (or its `configs`) is a file, when files exist and
    ///   `force` is false (naming them all), or when a write fails.
    @discardableResult
    public func write(to directory: String, force: Bool) throws -> [String] {
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        for folder in [directory, directory + "/configs"] where manager.fileExists(atPath: folder, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else {
                throw WriteError("'\(folder)' is a file, not a directory: choose another DIR, or move the file away")
            }
        }
        if !force {
            let existing = relativePaths.filter { manager.fileExists(atPath: directory + "/" + $0) }
            if !existing.isEmpty {
                throw WriteError("'\(directory)' already has \(existing.joined(separator: ", ")): pass --force to overwrite "
                                             + (existing.count == 1 ? "it" : "them"))
            }
        }
        do {
            try manager.createDirectory(atPath: directory + "/configs", withIntermediateDirectories: true)
            for (path, contents) in files {
                try Data(contents.utf8).write(to: URL(fileURLWithPath: directory + "/" + path), options: .atomic)
            }
        } catch {
            throw WriteError("cannot write the agent directory '\(directory)': \(error.localizedDescription)")
        }
        return relativePaths
    }

    /// A warning when NeMo Gym's launcher would not find the directory as the implementation `name`:
    /// it looks in `ROOT/responses_api_agents/<name>/`.
    public static func placementWarning(directory: String, name: String) -> String? {
        let url = URL(fileURLWithPath: directory).standardizedFileURL
        let actual = url.lastPathComponent, parent = url.deletingLastPathComponent().lastPathComponent
        if actual == name && parent == "responses_api_agents" { return nil }
        return "NeMo Gym's launcher starts the implementation '\(name)' from ROOT/responses_api_agents/\(name)/ "
            + "(ROOT: the checkout, the current directory or NEMO_GYM_EXTRA_ROOTS); this directory is "
            + ".../\(parent)/\(actual): move it there" + (actual != name ? ", or pass --name \(actual)" : "")
    }

    /// The agent directory could not be written: the message names the path and the fix.
    public struct WriteError: Error, Sendable, LocalizedError, CustomStringConvertible {
        /// What went wrong, as one line.
        public var message: String
        /// Creates an error.
        public init(_ message: String) { self.message = message }
        public var description: String { message }
        public var errorDescription: String? { message }
    }

    /// `path` made absolute against the current directory and standardized.
    static func absolute(_ path: String) -> String {
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        return URL(fileURLWithPath: absolute).standardizedFileURL.path
    }
}
