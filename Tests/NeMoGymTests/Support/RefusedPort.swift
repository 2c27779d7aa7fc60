import Glibc

/// Loopback ports that refuse connections for the whole test run.
///
/// A port freed by stopping a server can be handed to another test's server a moment later (tests run in
/// parallel), so "start a server, stop it, use its port" is racy for a port meant to stay dead. A socket
/// that is bound but never listens keeps its port refused; it is left open until the process exits. It
/// sets `SO_REUSEADDR` like every server here, so a test that reuses a port it just freed itself can
/// still bind it should the kernel have handed that port to this socket.
enum RefusedPort {
    /// A port on 127.0.0.1 where every connection is refused.
    static func make() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        precondition(fd >= 0, "socket() failed")
        var one: Int32 = 1
        _ = setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        precondition(ok, "bind() failed")
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// A port between 20000 and 32767 that nothing is bound to right now. The kernel hands out ports
    /// for `bind(0)` and outgoing connections from 32768 up (`ip_local_port_range`), so this port stays
    /// free until the test binds it, unless another test picks the same random port (unlikely).
    static func unusedPortBelowEphemeralRange() -> Int {
        for _ in 0..<200 {
            let port = Int.random(in: 20_000..<32_768)
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            guard fd >= 0 else { continue }
            defer { close(fd) }
            var one: Int32 = 1
            _ = setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            address.sin_port = UInt16(port).bigEndian
            let bound = withUnsafePointer(to: &address) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
            }
            if bound { return port }
        }
        preconditionFailure("no free port between 20000 and 32767")
    }
}
