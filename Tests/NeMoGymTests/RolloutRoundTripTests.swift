import Foundation
import Testing
@testable import NeMoGym

/// Every line of the real NeMo Gym datasets and rollouts in `../shared/conformance/nemo-gym-data` parses,
/// prints and parses back to the same value; the deliberately broken lines fail with a clean error.
///
/// `Fixtures/json/rollouts-python-dumps.txt` holds, per line, what Python 3.11 made of it: FNV-1a hashes of
/// `json.dumps(v, ensure_ascii=False, separators=(',', ':'))` (and its length), of
/// `json.dumps(v, ensure_ascii=False, indent=2)` and of `json.dumps(v)` for `v = json.loads(line)`, or `repr(e)`.
@Suite(.enabled(if: TestPaths.hasSharedConformance))
struct RolloutRoundTripTests {
    struct Expectation {
        var ok: (hash: UInt64, length: Int, indented: UInt64, python: UInt64)?
        var error: String?
    }

    struct Tally {
        var roundTripped = 0
        var rejected = 0
        var matchedPython = 0
        var numberTextDiffers = 0
        var files = 0
    }

    static func expectations() throws -> [String: Expectation] {
        let text = try String(contentsOf: TestPaths.fixture("json/rollouts-python-dumps.txt"), encoding: .utf8)
        var result: [String: Expectation] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            let parts = line.split(separator: " ", maxSplits: 2)
            guard parts.count == 3 else { continue }
            if parts[1] == "ok" {
                let fields = parts[2].split(separator: " ")
                guard fields.count == 4 else { continue }
                result[String(parts[0])] = Expectation(ok: (
                    UInt64(fields[0], radix: 16) ?? 0, Int(fields[1]) ?? 0,
                    UInt64(fields[2], radix: 16) ?? 0, UInt64(fields[3], radix: 16) ?? 0
                ))
            } else {
                result[String(parts[0])] = Expectation(error: String(parts[2]))
            }
        }
        return result
    }

    static func fnv1a(_ bytes: [UInt8]) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in bytes {
            hash ^= UInt64(b)
            hash = hash &* 0x100_0000_01b3
        }
        return hash
    }

    /// Every `.jsonl` under `nemo-gym-data`, as paths relative to the conformance folder, sorted.
    static func dataFiles(in conformance: URL) -> [String] {
        let root = conformance.appendingPathComponent("nemo-gym-data")
        guard let walker = FileManager.default.enumerator(atPath: root.path) else { return [] }
        return walker.compactMap { $0 as? String }.filter { $0.hasSuffix(".jsonl") }
            .map { "nemo-gym-data/" + $0 }.sorted()
    }

    @Test func everyLineRoundTripsOrFailsCleanly() throws {
        let conformance = try #require(TestPaths.sharedConformance)
        let expected = try Self.expectations()
        var tally = Tally()
        for file in Self.dataFiles(in: conformance) {
            tally.files += 1
            let data = try [UInt8](Data(contentsOf: conformance.appendingPathComponent(file)))
            var lines = data.split(separator: 0x0A, omittingEmptySubsequences: false)
            if lines.last?.isEmpty == true { lines.removeLast() }
            for (index, line) in lines.enumerated() {
                let key = "\(file):\(index + 1)"
                let expectation = expected[key]
                do {
                    let value = try JSONValue(parsing: line, options: .pythonCompatible)
                    let printed = value.jsonBytes()
                    #expect(try JSONValue(parsing: printed, options: .pythonCompatible) == value, "\(key)")
                    tally.roundTripped += 1
                    guard let python = expectation?.ok else {
                        Issue.record("\(key): parsed, but Python rejected it: \(expectation?.error ?? "no expectation")")
                        continue
                    }
                    if Self.fnv1a(printed) == python.hash && printed.count == python.length {
                        tally.matchedPython += 1
                    } else {
                        // Python re-spells floats (`1.0e-6` → `1e-06`); with Python's float text the output must match.
                        let normalized = Self.normalizingNumbers(value).jsonBytes()
                        #expect(Self.fnv1a(normalized) == python.hash && normalized.count == python.length,
                                "\(key): printed text differs from Python's json.dumps")
                        tally.numberTextDiffers += 1
                    }
                    // `.python` is json.dumps(v) exactly; `.indented` is json.dumps(v, indent=2) up to number spelling.
                    #expect(Self.fnv1a(value.jsonBytes(style: .python)) == python.python, "\(key): .python style")
                    #expect(Self.fnv1a(Self.normalizingNumbers(value).jsonBytes(style: .indented)) == python.indented,
                            "\(key): .indented style")
                } catch let error as JSONParseError {
                    tally.rejected += 1
                    #expect(expectation?.error == error.pythonDescription, "\(key)")
                }
            }
        }
        #expect(tally.files == 120)
        #expect(tally.roundTripped == 580)
        #expect(tally.rejected == 20)
        #expect(tally.matchedPython + tally.numberTextDiffers == tally.roundTripped)
        print("rollouts: \(tally.files) files, \(tally.roundTripped) lines round-tripped (\(tally.matchedPython) byte-identical to Python's json.dumps, \(tally.numberTextDiffers) differing only in number spelling), \(tally.rejected) rejected")
    }

    @Test func linesParseStrictlyExceptForPythonOnlyForms() throws {
        let conformance = try #require(TestPaths.sharedConformance)
        var strictFailures = 0
        for file in Self.dataFiles(in: conformance) {
            let data = try [UInt8](Data(contentsOf: conformance.appendingPathComponent(file)))
            for line in data.split(separator: 0x0A) {
                guard (try? JSONValue(parsing: line, options: .pythonCompatible)) != nil else { continue }
                if (try? JSONValue(parsing: line)) == nil { strictFailures += 1 }
            }
        }
        #expect(strictFailures == 0)
    }

    /// The value with every number re-spelled as Python's `json.dumps` would print it.
    static func normalizingNumbers(_ value: JSONValue) -> JSONValue {
        switch value {
        case .number(let n): return .number(JSONNumber(unchecked: n.pythonText))
        case .array(let a): return .array(a.map(normalizingNumbers))
        case .object(let o): return .object(JSONObject(o.map { ($0.key, normalizingNumbers($0.value)) }))
        default: return value
        }
    }
}
