import NeMoGym
import Foundation

/// `swift-gym config show [--json] [--resolve] CONFIG.yaml... [OVERRIDE...]`: the merged config of the files,
/// with Hydra-style overrides (`key=value`, `+key=value`, `++key=value`) applied after them.
public struct ConfigShowCommand: GymCommand {
    public static let path = ["config", "show"]
    public static let summary = "Print the merged config of YAML files and ++key=value overrides"
    public static let usage = """
        USAGE: swift-gym config show [--json] [--resolve] CONFIG.yaml... [OVERRIDE...]

        Merges the files in order (later files win; mappings merge key by key), applies the overrides
        after them in order, as NeMo Gym applies its Hydra overrides, and prints the result as block-style
        YAML, or as one JSON document with --json. Key order is kept.

        ARGUMENTS:
          CONFIG.yaml   config files, merged in order
          OVERRIDE      key=value overrides a key the files set, +key=value adds one they do not set,
                        ++key=value adds or overrides; keys are dotted paths (a.b.c), values are YAML
                        (3, 1e-5, true, null, [a, b], {k: v}, 'text', ${oc.env:VAR,default})

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
        let overrides = try parsed.positionals.filter(ConfigOverride.looksLikeOverride).map(ConfigOverride.parse)
        let files = parsed.positionals.filter { !ConfigOverride.looksLikeOverride($0) }
        guard !files.isEmpty || !overrides.isEmpty else {
            throw UsageError("expected at least one CONFIG.yaml (or an override such as ++key=value)")
        }
        if let repeats = try parsed.int("benchmark", option: "--benchmark-parse", minimum: 1) {
            console.print(try ParseBenchmark.run(files: files, repeats: repeats))
            return 0
        }
        var config = try GlobalConfig.load(files: files).applying(overrides: overrides)
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
