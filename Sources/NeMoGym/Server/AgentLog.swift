#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The log of an agent server: lines at or above a level, each prefixed with the instance name as NeMo
/// Gym's servers prefix theirs (`(my_agent) POST /run -> 500: ...`), written unbuffered to standard error.
///
/// ```swift
/// let log = AgentLog(level: .info, instanceName: "my_agent")
/// log.info("serving")        // (my_agent) serving
/// log.debug("not shown")     // below the level
/// ```
public struct AgentLog: Sendable {
    /// How much is logged.
    public enum Level: Int, Sendable, Comparable, CaseIterable {
        /// One line per request, and everything below.
        case debug
        /// Start-up, warnings about the config, and one line per failed request (the default).
        case info
        /// Only warnings and errors.
        case warning
        /// Only errors.
        case error

        /// Reads `debug`, `info`, `warning` (or `warn`) and `error`, in any case.
        public init?(name: String) {
            switch name.lowercased() {
            case "debug": self = .debug
            case "info": self = .info
            case "warning", "warn": self = .warning
            case "error": self = .error
            default: return nil
            }
        }

        /// The level's name.
        public var name: String { String(describing: self) }

        public static func < (a: Level, b: Level) -> Bool { a.rawValue < b.rawValue }
    }

    /// The environment variable that sets the level when no flag does (`NEMO_GYM_SWIFT_LOG_LEVEL=debug`).
    public static let levelVariable = "NEMO_GYM_SWIFT_LOG_LEVEL"

    /// The lowest level written.
    public var level: Level
    /// The text before every line: `(instance name) `, or empty.
    public var prefix: String
    private let sink: @Sendable (String) -> Void

    /// Creates a log. `sink` receives whole lines, newline included (default: standard error).
    public init(level: Level = .info, instanceName: String? = nil,
                sink: @escaping @Sendable (String) -> Void = { AgentLog.writeStandardError($0) }) {
        self.level = level
        self.prefix = instanceName.map { "(\($0)) " } ?? ""
        self.sink = sink
    }

    /// Writes `message` when `level` is enabled.
    public func log(_ level: Level, _ message: @autoclosure () -> String) {
        guard level >= self.level else { return }
        sink(prefix + message() + "\n")
    }

    /// Whether lines at `level` are written.
    public func isEnabled(_ level: Level) -> Bool { level >= self.level }

    /// Writes a debug line.
    public func debug(_ message: @autoclosure () -> String) { log(.debug, message()) }
    /// Writes an info line.
    public func info(_ message: @autoclosure () -> String) { log(.info, message()) }
    /// Writes a warning line (`warning: ` is prepended).
    public func warning(_ message: @autoclosure () -> String) { log(.warning, "warning: " + message()) }
    /// Writes an error line (`error: ` is prepended).
    public func error(_ message: @autoclosure () -> String) { log(.error, "error: " + message()) }

    /// Writes `text` to standard error in one unbuffered write.
    public static func writeStandardError(_ text: String) {
        var text = text
        text.withUTF8 { bytes in _ = write(2, bytes.baseAddress, bytes.count) }
    }
}
