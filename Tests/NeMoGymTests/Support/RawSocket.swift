import Dispatch
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A plain blocking TCP socket for tests that must send exact bytes (garbage, pipelined or dribbled requests,
/// abrupt resets) or act as a scripted peer. Every blocking call runs on a thread of its own, never on the
/// cooperative pool or the global dispatch queues the server uses, and reads give up after a timeout so a test
/// cannot hang.
final class RawSocket: @unchecked Sendable {
    let fd: Int32
    private var pending: [UInt8] = []
    private let lock = NSLock()

    init(fd: Int32) {
        self.fd = fd
        var one: Int32 = 1
        _ = setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(4))
    }

    deinit { _ = Glibc.close(fd) }

    /// Connects to `127.0.0.1:port`.
    static func connect(port: Int) async throws -> RawSocket {
        try await offload { RawSocket(fd: try connectedDescriptor(port: port)) }
    }

    private static func connectedDescriptor(port: Int) throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = UInt16(port).bigEndian
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let rc = withUnsafePointer(to: &addr) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard rc == 0 else {
            let e = errno
            _ = Glibc.close(fd)
            throw POSIXError(POSIXErrorCode(rawValue: e) ?? .EIO)
        }
        return fd
    }

    /// Connects and sends `text` on the same thread at once, so the bytes are in the server's socket before its
    /// connection task first runs (for tests with timeouts shorter than a busy machine's scheduling delays).
    static func connect(port: Int, sending text: String) async throws -> RawSocket {
        try await offload {
            let fd = try connectedDescriptor(port: port)
            _ = sendAll(Array(text.utf8), to: fd)
            return RawSocket(fd: fd)
        }
    }

    /// Blocking: sends all of `bytes` on `fd`; `false` if the peer is gone.
    static func sendAll(_ bytes: [UInt8], to fd: Int32) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { return false }
            offset += n
        }
        return true
    }

    /// Runs blocking work on a new thread.
    static func offload<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try work() }) }.start()
        }
    }

    /// Sends all of `text` (errors such as a reset peer are ignored; see ``sendReportingErrors(_:)``).
    func send(_ text: String) async { _ = await sendReportingErrors(Array(text.utf8)) }

    /// Sends all of `bytes`.
    func send(_ bytes: [UInt8]) async { _ = await sendReportingErrors(bytes) }

    /// Sends `bytes`; returns `false` if the peer is gone.
    func sendReportingErrors(_ bytes: [UInt8]) async -> Bool {
        (try? await Self.offload { [fd] in Self.sendAll(bytes, to: fd) }) ?? false
    }

    /// Reads once (up to 64 KiB), waiting at most `timeout` seconds; `[]` on end of stream, `nil` on timeout.
    func readSome(timeout: Double) async -> [UInt8]? {
        let buffered: [UInt8]? = lock.withLock {
            guard !pending.isEmpty else { return nil }
            defer { pending = [] }
            return pending
        }
        if let buffered { return buffered }
        return try? await Self.offload { [fd] () -> [UInt8]? in
            var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&p, 1, Int32(timeout * 1000)) > 0 else { return nil }
            var chunk = [UInt8](repeating: 0, count: 65536)
            let n = recv(fd, &chunk, chunk.count, 0)
            return n > 0 ? Array(chunk[0..<n]) : []
        } ?? nil
    }

    /// Reads until the peer closes (or `timeout` passes); returns the bytes and whether it closed.
    func readToEnd(timeout: Double = 5) async -> (bytes: [UInt8], closed: Bool) {
        var out: [UInt8] = []
        let end = Date().addingTimeInterval(timeout)
        while Date() < end {
            guard let chunk = await readSome(timeout: max(0.01, end.timeIntervalSinceNow)) else { break }
            if chunk.isEmpty { return (out, true) }
            out += chunk
        }
        return (out, false)
    }

    /// Reads one `Content-Length`-framed (or body-less) response; `nil` if none arrives within `timeout`.
    func readResponse(timeout: Double = 5) async -> RawResponse? {
        var data: [UInt8] = []
        let end = Date().addingTimeInterval(timeout)
        while true {
            if let response = RawResponse.parse(&data) {
                if !data.isEmpty { lock.withLock { pending = data + pending } }
                return response
            }
            guard Date() < end, let chunk = await readSome(timeout: max(0.01, end.timeIntervalSinceNow)), !chunk.isEmpty else {
                return nil
            }
            data += chunk
        }
    }

    /// Closes with a reset (`SO_LINGER` 0) instead of a normal close.
    func reset() {
        var linger = Glibc.linger(l_onoff: 1, l_linger: 0)
        _ = setsockopt(fd, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<Glibc.linger>.size))
        _ = Glibc.shutdown(fd, Int32(SHUT_RDWR))
    }
}

/// A response read by ``RawSocket/readResponse(timeout:)``.
struct RawResponse {
    var status: Int
    var headers: [(String, String)]
    var body: [UInt8]

    var bodyText: String { String(decoding: body, as: UTF8.self) }

    func header(_ name: String) -> String? {
        headers.first { $0.0.lowercased() == name.lowercased() }?.1
    }

    /// Parses and removes one response from the front of `data` if it is complete.
    static func parse(_ data: inout [UInt8]) -> RawResponse? {
        let terminator: [UInt8] = [13, 10, 13, 10]
        guard data.count >= 4, let end = (0...(data.count - 4)).first(where: { Array(data[$0..<($0 + 4)]) == terminator }) else { return nil }
        let head = String(decoding: data[0..<end], as: UTF8.self).components(separatedBy: "\r\n")
        let parts = head[0].split(separator: " ")
        guard parts.count >= 2, let status = Int(parts[1]) else { return nil }
        var headers: [(String, String)] = []
        for line in head.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers.append((String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)))
        }
        let length = headers.first { $0.0.lowercased() == "content-length" }.flatMap { Int($0.1) } ?? 0
        guard data.count >= end + 4 + length else { return nil }
        let body = Array(data[(end + 4)..<(end + 4 + length)])
        data.removeFirst(end + 4 + length)
        return RawResponse(status: status, headers: headers, body: body)
    }
}
