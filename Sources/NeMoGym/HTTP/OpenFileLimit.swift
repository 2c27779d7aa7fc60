#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The process's limit on open file descriptors (`RLIMIT_NOFILE`), which caps concurrent connections.
///
/// ``AgentHTTPServer/start()`` raises the soft limit to the hard limit, as NeMo Gym's Python
/// servers do; a failure is only reported.
///
/// The library keeps 5 % of the limit (at least 64, at most 512) free for the runtime and the application's files: within that
/// margin ``ServerClient`` opens no new connection (requests wait for a descriptor, and can be cancelled), and
/// ``AgentHTTPServer`` stops accepting one margin earlier (connections wait in the listen backlog) until connections
/// close. Running out of descriptors is never fatal.
///
/// Each concurrent rollout holds about two descriptors in the agent (its `/run` connection and a model
/// connection), so 8,192 rollouts need about 17,000: check `ulimit -Hn`.
public enum OpenFileLimit {
    /// The current soft limit (`ulimit -n`), or `-1` if it cannot be read.
    public static var soft: Int { read().map { clamp($0.rlim_cur) } ?? -1 }

    /// The current hard limit (`ulimit -Hn`), or `-1` if it cannot be read.
    public static var hard: Int { read().map { clamp($0.rlim_max) } ?? -1 }

    /// Raises the soft limit to `target` (default: as high as allowed), or to the hard limit if that is lower.
    /// Never lowers it.
    /// - Returns: `nil` on success (or when nothing needed doing), otherwise a sentence saying what failed.
    @discardableResult
    public static func raise(to target: Int = Int.max) -> String? {
        guard var limits = read() else { return "could not read the open-file limit: \(SocketOptions.describe(errno: errno))" }
        let current = clamp(limits.rlim_cur)
        guard current < target else { return nil }
        let wanted = min(target, clamp(limits.rlim_max))
        guard wanted > current else { return nil }
        limits.rlim_cur = rlim_t(wanted)
        #if canImport(Glibc)
        let rc = setrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limits)
        #else
        let rc = setrlimit(RLIMIT_NOFILE, &limits)
        #endif
        guard rc == 0 else {
            return "could not raise the open-file limit from \(current) to \(wanted): \(SocketOptions.describe(errno: errno))"
        }
        return nil
    }

    private static func read() -> rlimit? {
        var limits = rlimit()
        #if canImport(Glibc)
        let rc = getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limits)
        #else
        let rc = getrlimit(RLIMIT_NOFILE, &limits)
        #endif
        return rc == 0 ? limits : nil
    }

    private static func clamp(_ value: rlim_t) -> Int {
        value > rlim_t(Int.max) ? Int.max : Int(value)
    }
}
