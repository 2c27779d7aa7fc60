/// The `swift-gym` command-line tool: finds the subcommand and maps errors to exit codes.
///
/// `swift-gym --help` and `swift-gym <command> --help` print usage to stdout and exit 0; a usage error prints one
/// line plus the usage to stderr and exits 2; any other failure prints one `error: ` line to stderr and
/// exits 1.
public enum GymCLI {
    /// Every subcommand, in the order `swift-gym --help` lists them.
    public static let commands: [any GymCommand.Type] = [
        DemoCommand.self,
        CollectCommand.self,
        ListAgentsCommand.self,
        SearchAgentsCommand.self,
        ConfigShowCommand.self,
        ServeCommand.self,
        BenchCommand.self,
    ]

    /// The top-level usage text.
    public static var usage: String {
        var text = "USAGE: swift-gym <command> [options]\n\nCommands:\n"
        let width = commands.map { $0.path.joined(separator: " ").count }.max() ?? 0
        for command in commands {
            let name = command.path.joined(separator: " ")
            text += "  " + name + String(repeating: " ", count: width - name.count + 2) + command.summary + "\n"
        }
        text += "\nRun 'swift-gym <command> --help' for a command's options."
        return text
    }

    /// Runs `swift-gym` with `arguments` (without the program name) and returns the exit code.
    public static func main(_ arguments: [String], console: Console = .standard) async -> Int32 {
        if arguments.isEmpty || arguments == ["--help"] || arguments == ["-h"] || arguments == ["help"] {
            if arguments.isEmpty {
                console.printError(usage)
                return 2
            }
            console.print(usage)
            return 0
        }
        // The longest command path that prefixes the arguments wins.
        let match = commands
            .filter { Array(arguments.prefix($0.path.count)) == $0.path }
            .max { $0.path.count < $1.path.count }
        guard let command = match else {
            let words = arguments.prefix { !$0.hasPrefix("-") }.joined(separator: " ")
            console.printError("unknown command '\(words)'")
            console.printError(usage)
            return 2
        }
        let rest = Array(arguments.dropFirst(command.path.count))
        if rest.contains("--help") || rest.contains("-h") {
            console.print(command.usage)
            return 0
        }
        do {
            return try await command.run(rest, console: console)
        } catch let error as UsageError {
            console.printError(error.message)
            console.printError(command.usage)
            return 2
        } catch {
            console.printError("error: \(error)")
            return 1
        }
    }
}
