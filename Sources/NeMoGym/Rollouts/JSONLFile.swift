#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// A JSONL file opened for appending: every line is written with one `write` and made durable with
/// `fsync` before the next, so a crash leaves at most one torn (newline-less) last line.
final class JSONLFile {
    let path: String
    private let fd: Int32

    /// Opens (creating) `path` for appending.
    init(appendingTo path: String) throws {
        self.path = path
        fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw JSONLFile.error("cannot open '\(path)' for writing", errno) }
    }

    deinit { close(fd) }

    /// Appends one JSON value as a compact line, then syncs.
    func append(_ value: JSONValue) throws {
        var bytes = value.jsonBytes()
        bytes.append(0x0A)
        try bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let n = write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw JSONLFile.error("cannot write to '\(path)'", errno)
                }
                offset += n
            }
        }
        while fsync(fd) != 0 {
            if errno != EINTR { throw JSONLFile.error("cannot sync '\(path)'", errno) }
        }
    }

    /// Cuts a torn last line (bytes after the last newline) off `path`; returns how many bytes were cut.
    @discardableResult
    static func discardTornTail(of path: String) throws -> Int {
        guard let data = FileManager.default.contents(atPath: path), let last = data.last, last != 0x0A else { return 0 }
        let keep = (data.lastIndex(of: 0x0A).map { $0 + 1 }) ?? 0
        guard truncate(path, off_t(keep)) == 0 else { throw error("cannot truncate the torn last line of '\(path)'", errno) }
        return data.count - keep
    }

    /// The non-blank lines of `path` parsed as JSON objects with their 1-based line numbers; a missing
    /// file has none.
    static func readObjects(_ path: String) throws -> [(line: Int, object: JSONObject)] {
        guard let data = FileManager.default.contents(atPath: path) else { return [] }
        var objects: [(Int, JSONObject)] = []
        let bytes = Array(data)
        for (i, line) in RolloutRowPreprocessor.lines(of: bytes, limit: 0).enumerated() {
            if line.content.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { continue }
            guard case .object(let object)? = try? JSONValue(parsing: line.content, options: .pythonCompatible) else {
                throw RolloutInputError(code: .invalidOutput, message: "\(path) line \(i + 1) is not a JSON object; fix or remove that line, or run without --resume to start over.")
            }
            objects.append((i + 1, object))
        }
        return objects
    }

    /// Empties the regular file at `path` (a directory or other kind of file is an error, never emptied).
    static func empty(_ path: String) throws {
        try requireRegularFile(path)
        let fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC)
        guard fd >= 0 else { throw error("cannot truncate '\(path)'", errno) }
        close(fd)
    }

    /// Unlinks the regular file at `path`; anything else (a directory above all) is an error, left alone.
    static func removeRegularFile(_ path: String) throws {
        try requireRegularFile(path)
        guard unlink(path) == 0 else { throw error("cannot remove '\(path)'", errno) }
    }

    private static func requireRegularFile(_ path: String) throws {
        var info = stat()
        guard stat(path, &info) == 0 else { throw error("cannot read '\(path)'", errno) }
        guard info.st_mode & S_IFMT == S_IFREG else {
            throw RolloutInputError(code: .invalidOutput, message: "'\(path)' is not a regular file; it was left alone.")
        }
    }

    /// Writes `bytes` to `path` atomically (a temporary file renamed over it).
    static func writeAtomically(_ bytes: [UInt8], to path: String) throws {
        let temporary = path + ".tmp-\(getpid())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw error("cannot create '\(temporary)'", errno) }
        defer { close(fd) }
        try bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let n = write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw error("cannot write '\(temporary)'", errno)
                }
                offset += n
            }
        }
        _ = fsync(fd)
        guard rename(temporary, path) == 0 else { throw error("cannot rename '\(temporary)' to '\(path)'", errno) }
    }

    static func error(_ what: String, _ code: Int32) -> RolloutInputError {
        RolloutInputError(code: .invalidOutput, message: "\(what): \(String(cString: strerror(code))).")
    }
}
