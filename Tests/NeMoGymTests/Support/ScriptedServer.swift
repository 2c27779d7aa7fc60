import Dispatch
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A loopback TCP server for client tests whose peer must misbehave on cue: each accepted connection is given
/// to `script` (with its index) on a thread of its own, where blocking reads and writes are fine.
final class ScriptedServer: @unchecked Sendable {
    let port: Int
    private let fd: Int32
    private let accepted = NSLock()
    private var connectionCount = 0
    private var stopped = false

    /// How many connections were accepted.
    var connections: Int { accepted.withLock { connectionCount } }

    init(script: @escaping @Sendable (RawSocket, Int) -> Void) throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        var one: Int32 = 1
        _ = setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(4))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = 0
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &addr) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 64) == 0 else { throw POSIXError(.EADDRINUSE) }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &addr) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        port = Int(UInt16(bigEndian: addr.sin_port))
        self.fd = fd
        let listenFD = fd
        let thread = Thread { [self] in
            while true {
                let client = accept(listenFD, nil, nil)
                if client < 0 { return }
                let index: Int? = accepted.withLock {
                    if stopped { return nil }
                    connectionCount += 1
                    return connectionCount - 1
                }
                guard let index else {
                    _ = Glibc.close(client)
                    return
                }
                let socket = RawSocket(fd: client)
                Thread { script(socket, index) }.start()
            }
        }
        thread.start()
    }

    /// Stops accepting.
    func stop() {
        accepted.withLock { stopped = true }
        _ = Glibc.shutdown(fd, Int32(SHUT_RDWR))
        _ = Glibc.close(fd)
    }

    deinit { stop() }
}

extension RawSocket {
    /// Blocking: reads until a complete request head (and its `Content-Length` body) has arrived; returns the
    /// head text, or `nil` on end of stream or after `timeout` seconds without a byte.
    func blockingReadRequest(timeout: Double = 20) -> String? {
        var data: [UInt8] = []
        while true {
            if let end = findHeadEnd(data) {
                let head = String(decoding: data[0..<end], as: UTF8.self)
                let length = head.components(separatedBy: "\r\n").first { $0.lowercased().hasPrefix("content-length:") }
                    .flatMap { Int($0.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)) } ?? 0
                if data.count >= end + 4 + length { return head }
            }
            var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&p, 1, Int32(timeout * 1000)) > 0 else { return nil }
            var chunk = [UInt8](repeating: 0, count: 65536)
            let n = recv(fd, &chunk, chunk.count, 0)
            if n <= 0 { return nil }
            data += chunk[0..<n]
        }
    }

    /// Blocking: writes `text`.
    func blockingWrite(_ text: String) {
        _ = RawSocket.sendAll(Array(text.utf8), to: fd)
    }

    /// Blocking: reads (and drops) until the peer closes or resets the connection; `false` after `seconds`.
    func blockingWaitForEndOfStream(seconds: Double) -> Bool {
        let end = Date().addingTimeInterval(seconds)
        var chunk = [UInt8](repeating: 0, count: 65536)
        while Date() < end {
            var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&p, 1, 100) >= 0 else { return true }
            if p.revents == 0 { continue }
            if recv(fd, &chunk, chunk.count, 0) <= 0 { return true }
        }
        return false
    }

    /// Blocking: closes the socket now (the object must not be used afterwards for I/O).
    func blockingClose() {
        _ = Glibc.shutdown(fd, Int32(SHUT_RDWR))
    }

    private func findHeadEnd(_ data: [UInt8]) -> Int? {
        guard data.count >= 4 else { return nil }
        for i in 0...(data.count - 4) where data[i] == 13 && data[i + 1] == 10 && data[i + 2] == 13 && data[i + 3] == 10 { return i }
        return nil
    }
}
