import NeMoGym
/// One `swift-gym` subcommand, such as `swift-gym demo` or `swift-gym list agents`.
///
/// A command parses its own arguments and returns an exit code: 0 on success, 1 after printing an
/// `error: ` line, 2 for a usage error (``GymCLI`` prints those), 3 when `swift-gym collect` finished with failed
/// rollouts.
public protocol GymCommand: Sendable {
    /// The words that select the command, e.g. `["list", "agents"]`.
    static var path: [String] { get }
    /// One line for `swift-gym --help`.
    static var summary: String { get }
    /// The full usage text printed by `--help`.
    static var usage: String { get }
    /// Runs the command with the arguments that follow its path.
    /// - Throws: ``UsageError`` for misuse (exit 2); any other error is printed as `error: ` (exit 1).
    static func run(_ arguments: [String], console: Console) async throws -> Int32
}

/// Pieces shared by the commands' help texts, so that every help reads alike: `USAGE:`, a description,
/// `ARGUMENTS:` and `OPTIONS:` (lower-case descriptions, no final period), then `EXIT CODES:`.
enum HelpText {
    /// The `EXIT CODES:` section: 0 (`success`), 1 (`failure`), 2 (a usage error) and any `extra` codes.
    static func exitCodes(success: String, failure: String = "error: one 'error: ' line on stderr",
                          extra: [(code: Int, meaning: String)] = []) -> String {
        let rows = [(0, success), (1, failure), (2, "usage error: wrong or missing options or arguments")]
            + extra.map { ($0.code, $0.meaning) }
        return "EXIT CODES:\n" + rows.map { "  \($0.0)  \($0.1)" }.joined(separator: "\n")
    }
}
