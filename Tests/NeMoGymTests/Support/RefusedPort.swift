import Glibc

/// Loopback ports that refuse connections for the whole test run.
///
/// A port freed by stopping a server can be handed to another test's server a moment later (tests run in
/// parallel), so "start a server, stop it, use its port" is racy. A socket that is bound but never
/// listens keeps its port refused and out of everyone else's reach; it is left open until the process exits.
enum RefusedPort {
    /// A port on 127.0.0.1 where every connection is refused.
    static func make() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        precondition(fd >= 0, "socket() failed")
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
}
