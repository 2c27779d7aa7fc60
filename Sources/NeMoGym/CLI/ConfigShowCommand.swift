import Foundation

/// `swift-gym config show [--json] [--resolve] CONFIG.yaml...`: the merged config of the files.
public struct ConfigShowCommand: GymCommand {
    public static let path = ["config", "show"]
    public static let summary = "Print the merged config of YAML files"
    public static let usage = """
        USAGE: swift-gym config show [--json] [--resolve] CONFIG.yaml...

        Merges the files in order (later files win; mappings merge key by key) and prints the result as
        block-style YAML, or as one JSON document with --json. Key order is kept.

        ARGUMENTS:
          CONFIG.yaml   config files, merged in order

        OPTIONS:
          --json        print JSON instead of YAML
          --resolve     resolve ${...} interpolations (${a.b}, ${oc.env:VAR,default}, ${oc.select:key,default})
                        and fail listing every ??? value left unset
          -h, --help    show this help

        \(HelpText.exitCodes(success: "printed", failure: "a file cannot be read or parsed, or --resolve failed (every ??? left is listed)"))
        """

    static let parser = CommandLineParser(options: [
        .init(key: "json", names: ["--json"]),
        .init(key: "resolve", names: ["--resolve"]),
        .init(key: "benchmark", names: ["--benchmark-parse"], takesValue: true, hidden: true),  // timing loop
    ])

    public static func run(_ arguments: [String], console: Console) async throws -> Int32 {
        let parsed = try parser.parse(arguments)
        guard !parsed.positionals.isEmpty else { throw UsageError("expected at least one CONFIG.yaml") }
        if let repeats = try parsed.int("benchmark", option: "--benchmark-parse", minimum: 1) {
            console.print(try ParseBenchmark.run(files: parsed.positionals, repeats: repeats))
            return 0
        }
        var config = try GlobalConfig.load(files: parsed.positionals)
        if parsed.flag("resolve") { config = try config.resolved() }
        if parsed.flag("json") {
            console.print(JSONValue.object(config.values).jsonString())
        } else {
            var text = config.yamlText()
            if text.hasSuffix("\n") { text.removeLast() }
            console.print(text)
        }
        return 0
    }
}
