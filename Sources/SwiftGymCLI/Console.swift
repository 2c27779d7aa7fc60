import NeMoGym
#if canImport(Glibc)
import Glibc
#endif

/// Where a command writes: results to standard output, progress and errors to standard error.
///
/// Tests use ``capturing()`` to read what a command printed.
public final class Console: Sendable {
    private let writeOut: @Sendable (String) -> Void
    private let writeErr: @Sendable (String) -> Void
    /// Whether standard error is a terminal (live progress lines are drawn only then).
    public let stderrIsTerminal: Bool

    /// Creates a console from two sinks.
    public init(stderrIsTerminal: Bool = false, out: @escaping @Sendable (String) -> Void,
                err: @escaping @Sendable (String) -> Void) {
        self.writeOut = out
        self.writeErr = err
        self.stderrIsTerminal = stderrIsTerminal
    }

    /// The process's standard output and standard error.
    public static let standard = Console(
        stderrIsTerminal: isatty(2) == 1,
        out: { text in Console.writeAll(1, text) },
        err: { text in Console.writeAll(2, text) })

    /// Writes `text` and a newline to standard output.
    public func print(_ text: String = "") { writeOut(text + "\n") }

    /// Writes `text` and a newline to standard error.
    public func printError(_ text: String) { writeErr(text + "\n") }

    /// Writes `text` as it is to standard error (for progress lines ending in `\r`).
    public func writeError(_ text: String) { writeErr(text) }

    private static func writeAll(_ fd: Int32, _ text: String) {
        var text = text
        text.withUTF8 { buffer in
            var offset = 0
            while offset < buffer.count {
                let n = write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    return
                }
                offset += n
            }
        }
    }
}

import Synchronization

extension Console {
    /// A console that records everything written, for tests.
    public static func capturing() -> (console: Console, output: CapturedOutput) {
        let output = CapturedOutput()
        let console = Console(out: { output.appendOut($0) }, err: { output.appendErr($0) })
        return (console, output)
    }
}

/// What a ``Console/capturing()`` console recorded.
public final class CapturedOutput: Sendable {
    private let state = Mutex<(out: String, err: String)>(("", ""))

    /// Everything written to standard output.
    public var standardOutput: String { state.withLock { $0.out } }
    /// Everything written to standard error.
    public var standardError: String { state.withLock { $0.err } }

    func appendOut(_ text: String) { state.withLock { $0.out += text } }
    func appendErr(_ text: String) { state.withLock { $0.err += text } }
}
