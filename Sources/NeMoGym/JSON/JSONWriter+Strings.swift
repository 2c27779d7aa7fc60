/// String escaping for ``JSONWriter``.
extension JSONWriter {
    /// Writes `s` quoted: `"` and `\` escaped, control characters as `\n`-style or `\u00XX` escapes, and
    /// (``Style/python``) every non-ASCII character and DEL as `\uXXXX`, with surrogate pairs above U+FFFF.
    func writeString(_ s: String, into out: inout JSONOutputBuffer) {
        var s = s
        let python = style.escapesNonASCII
        s.withUTF8 { buffer in
            let n = buffer.count
            guard let base = buffer.baseAddress, n > 0 else {
                return out.append(UInt8(ascii: "\""), UInt8(ascii: "\""))
            }
            out.reserve(n + 2)
            out.appendUnchecked(UInt8(ascii: "\""))
            var p = 0
            var runStart = 0
            while p < n {
                while p + 8 <= n {
                    let w = UnsafeRawPointer(base + p).loadUnaligned(as: UInt64.self)
                    if JSONParser.needsAttention(w) || (python && JSONWriter.hasNonASCIIOrDEL(w)) { break }
                    p += 8
                }
                let stop = min(n, p + 8)
                while p < stop {
                    let b = base[p]
                    if b >= 0x20 && b != UInt8(ascii: "\"") && b != UInt8(ascii: "\\") && (!python || b < 0x7F) {
                        p += 1
                        continue
                    }
                    if runStart < p { out.append(base + runStart, count: p - runStart) }
                    if b >= 0x7F {
                        p = writeUnicodeEscapes(base, n, p, &out)
                    } else {
                        writeEscape(b, &out)
                        p += 1
                    }
                    runStart = p
                }
            }
            if runStart < n { out.append(base + runStart, count: n - runStart) }
            out.append(UInt8(ascii: "\""))
        }
    }

    /// Whether any byte of `w` is non-ASCII or DEL (0x7F).
    @inline(__always)
    static func hasNonASCIIOrDEL(_ w: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        let d = w ^ 0x7F7F_7F7F_7F7F_7F7F
        return (w | ((d &- ones) & ~d)) & highs != 0
    }

    /// Writes the escape of an ASCII byte that needs one.
    @inline(__always)
    func writeEscape(_ b: UInt8, _ out: inout JSONOutputBuffer) {
        switch b {
        case UInt8(ascii: "\""): out.append(UInt8(ascii: "\\"), UInt8(ascii: "\""))
        case UInt8(ascii: "\\"): out.append(UInt8(ascii: "\\"), UInt8(ascii: "\\"))
        case 0x0A: out.append(UInt8(ascii: "\\"), UInt8(ascii: "n"))
        case 0x0D: out.append(UInt8(ascii: "\\"), UInt8(ascii: "r"))
        case 0x09: out.append(UInt8(ascii: "\\"), UInt8(ascii: "t"))
        case 0x08: out.append(UInt8(ascii: "\\"), UInt8(ascii: "b"))
        case 0x0C: out.append(UInt8(ascii: "\\"), UInt8(ascii: "f"))
        default: writeUnicodeEscape(UInt32(b), &out)
        }
    }

    /// Writes the scalar starting at `p` (DEL or a UTF-8 lead byte) as `\uXXXX` escapes; returns the
    /// position after it.
    func writeUnicodeEscapes(_ base: UnsafePointer<UInt8>, _ n: Int, _ p: Int, _ out: inout JSONOutputBuffer) -> Int {
        let b = base[p]
        let length = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1
        var scalar = UInt32(b) & (length == 4 ? 0x07 : length == 3 ? 0x0F : length == 2 ? 0x1F : 0x7F)
        var k = 1
        while k < length, p + k < n {
            scalar = scalar << 6 | UInt32(base[p + k] & 0x3F)
            k += 1
        }
        if scalar >= 0x10000 {
            let v = scalar - 0x10000
            writeUnicodeEscape(0xD800 + (v >> 10), &out)
            writeUnicodeEscape(0xDC00 + (v & 0x3FF), &out)
        } else {
            writeUnicodeEscape(scalar, &out)
        }
        return p + k
    }

    @inline(__always)
    func writeUnicodeEscape(_ v: UInt32, _ out: inout JSONOutputBuffer) {
        let hex: StaticString = "0123456789abcdef"
        let digits = hex.utf8Start
        out.reserve(6)
        out.appendUnchecked(UInt8(ascii: "\\"))
        out.appendUnchecked(UInt8(ascii: "u"))
        out.appendUnchecked(digits[Int((v >> 12) & 0xF)])
        out.appendUnchecked(digits[Int((v >> 8) & 0xF)])
        out.appendUnchecked(digits[Int((v >> 4) & 0xF)])
        out.appendUnchecked(digits[Int(v & 0xF)])
    }
}
