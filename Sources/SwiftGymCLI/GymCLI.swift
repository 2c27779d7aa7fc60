import NeMoGym
/// The `swift-gym` command-line tool: finds the subcommand and maps errors to exit codes.
///
/// `swift-gym --help` and `swift-gym <command> --help` print usage to stdout and exit 0; a usage error
/// prints one line plus `see 'swift-gym <command> --help'` to stderr and exits 2; any other failure prints
/// one `error: ` line to stderr and exits 1. Unknown commands and options get a "did you mean" when one is
/// close.
public enum GymCLI {
    /// The executable's name, used in every help text and message (whatever name it was started as).
    public static let name = "swift-gym"

    /// Every subcommand, in the order `swift-gym --help` lists them.
    public static let commands: [any GymCommand.Type] = [
        DemoCommand.self,
        CollectCommand.self,
        ListAgentsCommand.self,
        SearchAgentsCommand.self,
        ConfigShowCommand.self,
        ServeCommand.self,
        NeMoGymAgentDirCommand.self,
        BenchCommand.self,
    ]

    /// The top-level usage text.
    public static var usage: String {
        var text = "USAGE: \(name) <command> [options]\n\nCOMMANDS:\n"
        let width = commands.map { $0.path.joined(separator: " ").count }.max() ?? 0
        for command in commands {
            let path = command.path.joined(separator: " ")
            text += "  " + path + String(repeating: " ", count: width - path.count + 2) + command.summary + "\n"
        }
        text += """

            OPTIONS:
              --version     print '\(name) \(NeMoGymVersion.current)'
              -h, --help    show this help

            EXIT CODES:
              0  success
              1  error: one 'error: ' line on stderr
              2  usage error: one line and 'see \(name) <command> --help' on stderr
              3  collect or demo: some rollouts did not succeed

            Run '\(name) <command> --help' (or '\(name) help <command>') for a command's options and exit codes.
            """
        return text
    }

    /// `see 'swift-gym <command> --help'`, the line that follows every usage error.
    static func seeHelp(_ path: [String]) -> String {
        "see '" + ([name] + path + ["--help"]).joined(separator: " ") + "'"
    }

    /// Runs `swift-gym` with `arguments` (without the program name) and returns the exit code.
    public static func main(_ arguments: [String], console: Console = .standard) async -> Int32 {
        switch arguments.first {
        case nil:
            console.printError(usage)
            return 2
        case "--help", "-h":
            console.print(usage)
            return 0
        case "--version", "version":
            console.print("\(name) \(NeMoGymVersion.current)")
            return 0
        case "help":
            let topic = Array(arguments.dropFirst())
            if topic.isEmpty || topic.first?.hasPrefix("-") == true {
                console.print(usage)
                return 0
            }
            guard let command = resolve(topic)?.command else { return unknownCommand(topic, console: console) }
            console.print(command.usage)
            return 0
        default:
            break
        }
        guard let resolved = resolve(arguments) else { return unknownCommand(arguments, console: console) }
        let command = resolved.command, rest = resolved.rest
        if rest.contains("--help") || rest.contains("-h") {
            console.print(command.usage)
            return 0
        }
        do {
            return try await command.run(rest, console: console)
        } catch let error as UsageError {
            console.printError(error.message)
            console.printError(seeHelp(command.path))
            return 2
        } catch {
            console.printError("error: \(error)")
            return 1
        }
    }

    /// The command the arguments select and the arguments that follow its path: the longest command path
    /// that prefixes the arguments, or a group word alone (`list`, `list --json`) when the group has exactly
    /// one command (`list agents`).
    static func resolve(_ arguments: [String]) -> (command: any GymCommand.Type, rest: [String])? {
        let match = commands
            .filter { Array(arguments.prefix($0.path.count)) == $0.path }
            .max { $0.path.count < $1.path.count }
        if let match { return (match, Array(arguments.dropFirst(match.path.count))) }
        guard let group = arguments.first else { return nil }
        let members = commands.filter { $0.path.count > 1 && $0.path[0] == group }
        let next = arguments.dropFirst().first
        if members.count == 1, let only = members.first, next == nil || next?.hasPrefix("-") == true {
            return (only, Array(arguments.dropFirst()))
        }
        return nil
    }

    /// Prints `unknown command '…'` with a suggestion, and `see 'swift-gym --help'`; returns 2.
    static func unknownCommand(_ arguments: [String], console: Console) -> Int32 {
        let words = Array(arguments.prefix { !$0.hasPrefix("-") })
        let typed = words.isEmpty ? (arguments.first ?? "") : words.joined(separator: " ")
        console.printError("unknown command '\(typed)'." + (suggestion(for: words).map { " Did you mean '\($0)'?" } ?? ""))
        console.printError(seeHelp([]))
        return 2
    }

    /// The closest command to the words typed (difflib ratio ≥ 0.6 over as many words as the command
    /// has); for a known group with one command, that command followed by the other words
    /// (`list simple_agent` → `list agents simple_agent`).
    static func suggestion(for words: [String]) -> String? {
        guard let first = words.first else { return nil }
        let members = commands.filter { $0.path.count > 1 && $0.path[0] == first }
        if members.count == 1, let only = members.first {
            if words.count >= 2, Similarity.ratio(words[1], only.path[1]) >= 0.6 {
                return (only.path + words.dropFirst(2)).joined(separator: " ")
            }
            return (only.path + words.dropFirst()).joined(separator: " ")
        }
        var best: (score: Double, path: String)? = nil
        let candidates = commands.map { $0.path } + [["help"], ["version"]]
        for path in candidates {
            let typed = words.prefix(path.count).joined(separator: " ")
            let score = Similarity.ratio(typed, path.joined(separator: " "))
            if score >= 0.6, score > (best?.score ?? 0) { best = (score, path.joined(separator: " ")) }
        }
        return best?.path
    }
}
