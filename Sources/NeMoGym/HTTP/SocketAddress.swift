import Dispatch
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An IPv4 or IPv6 socket address, plus the socket calls the server and the client share.
struct SocketAddress: Sendable {
    enum Storage: Sendable {
        case v4(sockaddr_in)
        case v6(sockaddr_in6)
    }

    var storage: Storage

    /// The address family (`AF_INET` or `AF_INET6`).
    var family: Int32 {
        switch storage {
        case .v4: AF_INET
        case .v6: AF_INET6
        }
    }

    /// Parses a numeric IPv4 or IPv6 address (brackets allowed around IPv6).
    init?(numericHost host: String, port: Int) {
        var host = host
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        var v4 = sockaddr_in()
        if inet_pton(AF_INET, host, &v4.sin_addr) == 1 {
            v4.sin_family = sa_family_t(AF_INET)
            v4.sin_port = UInt16(truncatingIfNeeded: port).bigEndian
            storage = .v4(v4)
            return
        }
        var v6 = sockaddr_in6()
        if inet_pton(AF_INET6, host, &v6.sin6_addr) == 1 {
            v6.sin6_family = sa_family_t(AF_INET6)
            v6.sin6_port = UInt16(truncatingIfNeeded: port).bigEndian
            storage = .v6(v6)
            return
        }
        return nil
    }

    init(_ storage: Storage) { self.storage = storage }

    /// Resolves `host` (numeric, or a name through `getaddrinfo` off the cooperative pool).
    /// Returns the addresses in resolver order, or the `gai_strerror` text.
    static func resolve(host: String, port: Int) async -> Result<[SocketAddress], ResolveError> {
        if let numeric = SocketAddress(numericHost: host, port: port) { return .success([numeric]) }
        return await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(returning: resolveBlocking(host: host, port: port))
            }
        }
    }

    /// A resolver failure.
    struct ResolveError: Error {
        var message: String
    }

    private static func resolveBlocking(host: String, port: Int) -> Result<[SocketAddress], ResolveError> {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let rc = getaddrinfo(host, String(port), &hints, &list)
        guard rc == 0 else { return .failure(ResolveError(message: String(cString: gai_strerror(rc)))) }
        defer { freeaddrinfo(list) }
        var result: [SocketAddress] = []
        var node = list
        while let info = node?.pointee {
            if let addr = info.ai_addr {
                if info.ai_family == AF_INET {
                    result.append(SocketAddress(.v4(UnsafeRawPointer(addr).loadUnaligned(as: sockaddr_in.self))))
                } else if info.ai_family == AF_INET6 {
                    result.append(SocketAddress(.v6(UnsafeRawPointer(addr).loadUnaligned(as: sockaddr_in6.self))))
                }
            }
            node = info.ai_next
        }
        return result.isEmpty ? .failure(ResolveError(message: "no addresses")) : .success(result)
    }

    /// Calls `body` with the address as a `sockaddr` pointer and its length.
    func withSockaddr<R>(_ body: (UnsafePointer<sockaddr>, socklen_t) -> R) -> R {
        switch storage {
        case .v4(var a):
            return withUnsafePointer(to: &a) { p in
                p.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
        case .v6(var a):
            return withUnsafePointer(to: &a) { p in
                p.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, socklen_t(MemoryLayout<sockaddr_in6>.size)) }
            }
        }
    }

    /// The port number.
    var port: Int {
        switch storage {
        case .v4(let a): Int(UInt16(bigEndian: a.sin_port))
        case .v6(let a): Int(UInt16(bigEndian: a.sin6_port))
        }
    }

    /// `ip:port`, or `[ip]:port` for IPv6.
    var description: String {
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
        switch storage {
        case .v4(var a):
            _ = inet_ntop(AF_INET, &a.sin_addr, &buffer, socklen_t(buffer.count))
            return "\(String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)):\(port)"
        case .v6(var a):
            _ = inet_ntop(AF_INET6, &a.sin6_addr, &buffer, socklen_t(buffer.count))
            return "[\(String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))]:\(port)"
        }
    }

    /// Reads a `sockaddr_storage` filled in by `accept`/`getsockname`.
    init?(storage raw: sockaddr_storage) {
        var raw = raw
        switch Int32(raw.ss_family) {
        case AF_INET:
            self.storage = .v4(withUnsafeBytes(of: &raw) { $0.loadUnaligned(as: sockaddr_in.self) })
        case AF_INET6:
            self.storage = .v6(withUnsafeBytes(of: &raw) { $0.loadUnaligned(as: sockaddr_in6.self) })
        default:
            return nil
        }
    }

    /// The local address a socket is bound to.
    static func local(of fd: Int32) -> SocketAddress? {
        var raw = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let rc = withUnsafeMutablePointer(to: &raw) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return rc == 0 ? SocketAddress(storage: raw) : nil
    }
}

/// Small socket helpers.
enum SocketOptions {
    /// Sets an integer socket option (errors are ignored: these are optimisations).
    static func set(_ fd: Int32, _ level: Int32, _ option: Int32, _ value: Int32) {
        var v = value
        _ = setsockopt(fd, level, option, &v, socklen_t(MemoryLayout<Int32>.size))
    }

    /// Disables Nagle's algorithm.
    static func setNoDelay(_ fd: Int32) {
        set(fd, Int32(IPPROTO_TCP), Int32(TCP_NODELAY), 1)
    }

    /// Makes `fd` non-blocking and close-on-exec.
    static func setNonBlocking(_ fd: Int32) {
        let flags = fcntl(fd, F_GETFL)
        _ = fcntl(fd, F_SETFL, flags | O_NONBLOCK)
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
    }

    /// A new non-blocking, close-on-exec TCP socket, or `-1` with `errno` set.
    static func makeTCPSocket(family: Int32) -> Int32 {
        #if canImport(Glibc)
        return socket(family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        #else
        let fd = socket(family, SOCK_STREAM, 0)
        if fd >= 0 { setNonBlocking(fd) }
        return fd
        #endif
    }

    /// The text of an `errno` value, e.g. `"connection refused"`.
    static func describe(errno code: Int32) -> String {
        switch code {
        case ECONNREFUSED: return "connection refused"
        case ECONNRESET: return "connection reset by peer"
        case EPIPE: return "connection closed by peer"
        case ETIMEDOUT: return "connection timed out"
        case EHOSTUNREACH: return "host unreachable"
        case ENETUNREACH: return "network unreachable"
        case EADDRINUSE: return "address already in use"
        case EADDRNOTAVAIL: return "address not available"
        case EACCES: return "permission denied"
        case EMFILE, ENFILE: return "too many open files"
        default: return String(cString: strerror(code)).lowercased()
        }
    }
}
