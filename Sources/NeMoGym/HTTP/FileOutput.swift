#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Unbuffered writes to the standard streams for the transport's rare warnings.
enum FileOutput {
    /// Writes `text` to standard output in one unbuffered write.
    static func standardOutput(_ text: String) {
        var text = text
        text.withUTF8 { bytes in _ = write(1, bytes.baseAddress, bytes.count) }
    }

    /// Writes `text` to standard error.
    static func standardError(_ text: String) {
        var text = text
        text.withUTF8 { bytes in _ = write(2, bytes.baseAddress, bytes.count) }
    }
}
