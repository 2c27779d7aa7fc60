import NeMoGym
/// A small command-line parser for the `swift-gym` executables: long and short options, `--name=value`,
/// repeated options, positionals and `--`.
///
/// ```swift
/// let parser = CommandLineParser(options: [
///     .init(key: "input", names: ["-i", "--input"], takesValue: true),
///     .init(key: "json", names: ["--json"]),
/// ])
/// let parsed = try parser.parse(["-i", "in.jsonl", "--json"])
/// parsed.value("input")  // "in.jsonl"
/// ```
public struct CommandLineParser: Sendable {
    /// One option a command accepts.
    public struct Option: Sendable {
        /// The key the parsed value is stored under.
        public var key: String
        /// Every spelling, e.g. `["-i", "--input"]`.
        public var names: [String]
        /// Whether the option takes a value (`--input FILE`) or is a flag (`--json`).
        public var takesValue: Bool
        /// Whether the option is left out of "did you mean" suggestions (options for tooling, not in the help).
        public var hidden: Bool

        /// Creates an option.
        public init(key: String, names: [String], takesValue: Bool = false, hidden: Bool = false) {
            self.key = key
            self.names = names
            self.takesValue = takesValue
            self.hidden = hidden
        }
    }

    /// The options this parser accepts (`-h`/`--help` is always accepted).
    public var options: [Option]

    /// Creates a parser.
    public init(options: [Option]) {
        self.options = options
    }

    /// Parses `arguments` (without the program and command names).
    /// - Throws: ``UsageError`` for an unknown option (with the closest known one, when one is close) or a
    ///   missing value.
    public func parse(_ arguments: [String]) throws -> ParsedArguments {
        var parsed = ParsedArguments()
        var index = 0
        var onlyPositionals = false
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            if onlyPositionals || argument == "-" || !argument.hasPrefix("-") || isNegativeNumber(argument) {
                parsed.positionals.append(argument)
                continue
            }
            if argument == "--" { onlyPositionals = true; continue }
            if argument == "-h" || argument == "--help" { parsed.helpRequested = true; continue }
            var name = argument
            var inlineValue: String? = nil
            if argument.hasPrefix("--"), let eq = argument.firstIndex(of: "=") {
                name = String(argument[..<eq])
                inlineValue = String(argument[argument.index(after: eq)...])
            }
            guard let option = options.first(where: { $0.names.contains(name) }) else {
                throw UsageError("unknown option '\(name)'." + (closestOption(to: name).map { " Did you mean '\($0)'?" } ?? ""))
            }
            if option.takesValue {
                let value: String
                if let inlineValue {
                    value = inlineValue
                } else {
                    guard index < arguments.count else { throw UsageError("option '\(name)' needs a value") }
                    value = arguments[index]
                    index += 1
                }
                parsed.values[option.key, default: []].append(value)
            } else {
                if inlineValue != nil { throw UsageError("option '\(name)' takes no value") }
                parsed.flags.insert(option.key)
            }
        }
        return parsed
    }

    /// The visible option spelling closest to `name` (difflib ratio ≥ 0.6), if any.
    func closestOption(to name: String) -> String? {
        let spellings = options.filter { !$0.hidden }.flatMap(\.names) + ["--help"]
        return Similarity.closeMatches(name, in: spellings, count: 1, cutoff: 0.6).first
    }

    private func isNegativeNumber(_ s: String) -> Bool {
        s.count > 1 && s.hasPrefix("-") && Double(s) != nil
    }
}

/// The result of ``CommandLineParser/parse(_:)``.
public struct ParsedArguments: Sendable {
    /// Values of options that take one, by key, in the order given.
    public var values: [String: [String]] = [:]
    /// Keys of the flags that were given.
    public var flags: Set<String> = []
    /// Arguments that are not options, in order.
    public var positionals: [String] = []
    /// Whether `-h` or `--help` was given.
    public var helpRequested = false

    /// Creates an empty result.
    public init() {}

    /// The last value given for `key`.
    public func value(_ key: String) -> String? { values[key]?.last }

    /// Every value given for `key`.
    public func allValues(_ key: String) -> [String] { values[key] ?? [] }

    /// Whether the flag `key` was given.
    public func flag(_ key: String) -> Bool { flags.contains(key) }

    /// The value of `key` as an integer at least `minimum`.
    /// - Throws: ``UsageError`` when the value is not such an integer.
    public func int(_ key: String, option: String, minimum: Int = 0) throws -> Int? {
        guard let text = value(key) else { return nil }
        guard let n = Int(text), n >= minimum else {
            throw UsageError("option '\(option)' needs an integer ≥ \(minimum), got '\(text)'")
        }
        return n
    }

    /// The value of `key` as a number.
    /// - Throws: ``UsageError`` when the value is not a number.
    public func double(_ key: String, option: String) throws -> Double? {
        guard let text = value(key) else { return nil }
        guard let n = Double(text), n.isFinite else {
            throw UsageError("option '\(option)' needs a number, got '\(text)'")
        }
        return n
    }
}

/// The command line was used wrongly: `swift-gym` prints the message and `see 'swift-gym <command> --help'`
/// to stderr and exits 2.
public struct UsageError: Error, Sendable, CustomStringConvertible {
    /// What was wrong, as one line.
    public var message: String

    /// Creates a usage error.
    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}
