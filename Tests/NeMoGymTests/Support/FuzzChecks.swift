// The properties the fuzz targets check (Fuzz/run.sh compiles this file into each fuzzer with the library
// sources) and that FuzzCorpusTests replays over Fixtures/fuzz. Each check returns the violations it
// found; a crash or a hang is a finding too.
#if canImport(NeMoGym)
@testable import NeMoGym
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

enum FuzzChecks {
    /// The fuzz targets, as `Fuzz/run.sh` and `Fixtures/fuzz/<target>/` name them.
    static let targets = ["json", "yaml", "http-head", "chunked"]

    /// Runs the check of `target` on `bytes`.
    static func check(_ target: String, _ bytes: [UInt8]) -> [String] {
        switch target {
        case "json": return json(bytes)
        case "yaml": return yaml(bytes)
        case "http-head": return httpHead(bytes)
        case "chunked": return chunked(bytes)
        default: return ["unknown fuzz target '\(target)'"]
        }
    }

    // MARK: - JSON

    /// Both modes: what parses is valid UTF-8; printing and parsing again gives the same value and the same
    /// text; what strict mode accepts, the Python-compatible mode accepts as the same value.
    static func json(_ bytes: [UInt8]) -> [String] {
        var problems: [String] = []
        let limited = JSONParseOptions(maximumDepth: 64)
        let lenient = JSONParseOptions(allowsDuplicateKeys: true, allowsNonFiniteNumbers: true, maximumDepth: 64)
        var values: [JSONValue?] = []
        for (name, options) in [("strict", limited), ("pythonCompatible", lenient)] {
            let value = try? JSONValue(parsing: bytes, options: options)
            values.append(value)
            guard let value else { continue }
            if String(validating: bytes, as: UTF8.self) == nil {
                problems.append("\(name): accepted invalid UTF-8")
            }
            let printed = value.jsonBytes()
            guard let again = try? JSONValue(parsing: printed, options: options) else {
                problems.append("\(name): the printed text does not parse: \(String(decoding: printed, as: UTF8.self))")
                continue
            }
            if again != value { problems.append("\(name): parse(print(v)) != v for \(String(decoding: printed, as: UTF8.self))") }
            if again.jsonBytes() != printed { problems.append("\(name): printing is not stable") }
        }
        if let strict = values[0] {
            if let lenientValue = values[1] {
                if strict != lenientValue { problems.append("strict and pythonCompatible values differ") }
            } else {
                problems.append("strict accepted what pythonCompatible refused")
            }
        }
        return problems
    }

    // MARK: - YAML

    /// What reads is printed by ``YAMLWriter`` as text that reads back to an equivalent value.
    static func yaml(_ bytes: [UInt8]) -> [String] {
        let limits = YAMLReader.Limits(maximumDepth: 40, maximumNodes: 20_000)
        guard let value = try? YAMLReader.parse(bytes: bytes, limits: limits) else { return [] }
        let text = YAMLWriter().string(value)
        do {
            let again = try YAMLReader.parse(text)
            if !again.isEquivalent(to: value) {
                return ["read(write(x)) != x: wrote \(text.debugDescription) for \(value.jsonString())"]
            }
        } catch {
            return ["the writer's text does not read: \(error); wrote \(text.debugDescription)"]
        }
        return []
    }

    // MARK: - HTTP head

    /// Finding the head incrementally gives the one-shot answer; parsing never crashes; what parses has
    /// token header names and values free of CR, LF and NUL.
    static func httpHead(_ bytes: [UInt8]) -> [String] {
        var problems: [String] = []
        bytes.withUnsafeBufferPointer { all in
            let skip = HTTPHeadParser.leadingEmptyLines(all)
            let rest = UnsafeBufferPointer(rebasing: all[skip...])
            var scan = 0
            let oneShot = HTTPHeadParser.headLength(in: rest, scanFrom: &scan)
            var incremental: Int? = nil
            var scanFrom = 0
            var end = 0
            while end < rest.count, incremental == nil {
                end = min(rest.count, end + 1 + Int(rest[end] % 7))
                incremental = HTTPHeadParser.headLength(in: UnsafeBufferPointer(rebasing: rest[..<end]), scanFrom: &scanFrom)
            }
            if oneShot != incremental { problems.append("headLength: one-shot \(String(describing: oneShot)) != incremental \(String(describing: incremental))") }
            let head = UnsafeBufferPointer(rebasing: rest[..<(oneShot ?? rest.count)])
            func checkFields(_ headers: HeaderFields) {
                for (name, value) in headers {
                    if name.isEmpty || !name.utf8.allSatisfy(HTTPHeadParser.isTokenByte) { problems.append("header name \(name.debugDescription) is not a token") }
                    if value.utf8.contains(where: { $0 == 0x0D || $0 == 0x0A || $0 == 0 }) { problems.append("header value \(value.debugDescription) holds CR, LF or NUL") }
                }
            }
            if let request = try? HTTPHeadParser.parseRequest(head) {
                checkFields(request.headers)
                if request.target.utf8.contains(where: { $0 <= 0x20 || $0 == 0x7F }) { problems.append("request target \(request.target.debugDescription) holds a space or control byte") }
                if request.method.rawValue.isEmpty || !request.method.rawValue.utf8.allSatisfy(HTTPHeadParser.isTokenByte) { problems.append("method \(request.method.rawValue.debugDescription) is not a token") }
            }
            if let response = try? HTTPHeadParser.parseResponse(head) {
                checkFields(response.headers)
                // Three digits, 100 or more (`020` is refused, as aiohttp refuses it).
                if !(100...999).contains(response.status) { problems.append("status \(response.status) is not three digits from 100") }
            }
        }
        return problems
    }

    // MARK: - Chunked bodies

    enum ChunkedResult: Equatable {
        case complete([UInt8])
        case incomplete([UInt8])
        case failed
    }

    /// Decoding in pieces gives what decoding at once gives; the payload never exceeds the limit or the input.
    static func chunked(_ bytes: [UInt8]) -> [String] {
        var problems: [String] = []
        let maxBody = 4_096
        let whole = decodeChunked(bytes, pieceSizes: { _ in bytes.count }, maxBody: maxBody)
        let pieces = decodeChunked(bytes, pieceSizes: { offset in 1 + Int(bytes[offset] % 13) }, maxBody: maxBody)
        if whole != pieces { problems.append("decoding at once (\(whole)) differs from decoding in pieces (\(pieces))") }
        for result in [whole, pieces] {
            if case .complete(let out) = result, out.count > min(maxBody, bytes.count) { problems.append("payload of \(out.count) bytes from \(bytes.count) input bytes") }
            if case .incomplete(let out) = result, out.count > min(maxBody, bytes.count) { problems.append("payload of \(out.count) bytes from \(bytes.count) input bytes") }
        }
        return problems
    }

    /// Feeds `bytes` through a socket pair into an ``InboundBuffer`` in pieces and decodes after each.
    static func decodeChunked(_ bytes: [UInt8], pieceSizes: (Int) -> Int, maxBody: Int) -> ChunkedResult {
        var fds: [Int32] = [0, 0]
        #if canImport(Glibc)
        let type = Int32(SOCK_STREAM.rawValue)
        #else
        let type = SOCK_STREAM
        #endif
        guard socketpair(AF_UNIX, type, 0, &fds) == 0 else { return .failed }
        defer { close(fds[0]); close(fds[1]) }
        let buffer = InboundBuffer()
        var decoder = ChunkedDecoder(maxBodyBytes: maxBody, maxLineBytes: 256)
        var output: [UInt8] = []
        var offset = 0
        while offset < bytes.count {
            let n = min(bytes.count - offset, max(1, pieceSizes(offset)))
            let sent = bytes[offset..<(offset + n)].withUnsafeBytes { write(fds[0], $0.baseAddress, n) }
            guard sent == n else { return .failed }
            var received = 0
            while received < n {
                guard case .received(let k) = buffer.receive(from: fds[1]) else { return .failed }
                received += k
            }
            offset += n
            do {
                if try decoder.decode(buffer, into: &output) { return .complete(output) }
            } catch {
                return .failed
            }
        }
        return .incomplete(output)
    }
}
