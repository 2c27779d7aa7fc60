import NeMoGym
import Foundation

/// The timing loop behind the hidden `swift-gym config show --benchmark-parse N FILE...` flag: parses every file
/// N times and reports the throughput (for release-build measurements; never used by tests).
enum ParseBenchmark {
    static func run(files: [String], repeats: Int) throws -> String {
        let contents: [(String, Data)] = files.compactMap { path in
            FileManager.default.contents(atPath: path).map { (path, $0) }
        }
        let bytes = contents.reduce(0) { $0 + $1.1.count }
        var failures = 0
        var values = 0
        let clock = ContinuousClock()
        let elapsed = clock.measure {
            for _ in 0..<repeats {
                for (path, data) in contents {
                    if let value = try? YAMLReader.parse(bytes: data, source: path) {
                        if case .object(let o) = value { values += o.count }
                    } else {
                        failures += 1
                    }
                }
            }
        }
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let perPass = seconds / Double(repeats)
        return "parsed \(contents.count) files (\(bytes) bytes) \(repeats) times: "
            + String(format: "%.2f ms per pass, %.1f MB/s", perPass * 1000, Double(bytes) / perPass / 1e6)
            + ", \(failures / repeats) files failed per pass"
    }
}
