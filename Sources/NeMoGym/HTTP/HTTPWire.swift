/// Appends the pieces of an HTTP head to a byte buffer without building intermediate `String`s.
enum HTTPWire {
    /// Appends the UTF-8 bytes of `text`.
    @inline(__always)
    static func append(_ text: String, to out: inout [UInt8]) {
        var text = text
        text.withUTF8 { out.append(contentsOf: $0) }
    }

    /// Appends `CR LF`.
    @inline(__always)
    static func appendCRLF(to out: inout [UInt8]) {
        out.append(0x0D)
        out.append(0x0A)
    }

    /// Appends `text` with CR and LF (and NUL when `replacingNUL`) replaced by spaces, so a value cannot end
    /// the line it is written on. Copies in one piece when there is nothing to replace (the usual case).
    static func appendSanitized(_ text: String, to out: inout [UInt8], replacingNUL: Bool = false) {
        var text = text
        text.withUTF8 { bytes in
            var clean = true
            for b in bytes where b == 0x0D || b == 0x0A || (replacingNUL && b == 0) {
                clean = false
                break
            }
            if clean {
                out.append(contentsOf: bytes)
            } else {
                for b in bytes { out.append(b == 0x0D || b == 0x0A || (replacingNUL && b == 0) ? 0x20 : b) }
            }
        }
    }

    /// Appends a non-negative integer in decimal (negative values are written as `0`).
    static func appendDecimal(_ value: Int, to out: inout [UInt8]) {
        var v = max(0, value)
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        withUnsafeMutableBytes(of: &digits) { buffer in
            var i = buffer.count
            repeat {
                i -= 1
                buffer[i] = UInt8(truncatingIfNeeded: 0x30 + v % 10)
                v /= 10
            } while v > 0
            out.append(contentsOf: buffer[i...])
        }
    }
}
