/// Prints ``JSONValue``s to UTF-8 bytes.
///
/// The default ``Style/compact`` style has no spaces, keeps key order, does not escape `/` and prints
/// non-ASCII text as UTF-8. ``Style/python`` matches Python's `json.dumps` defaults (`", "`, `": "` and
/// `\uXXXX` for non-ASCII), ``Style/indented`` matches `orjson`'s two-space indentation.
public struct JSONWriter: Sendable {
    /// How a document is laid out.
    public struct Style: Sendable, Hashable {
        let itemSeparator: [UInt8]
        let keySeparator: [UInt8]
        let escapesNonASCII: Bool
        let indent: Int

        /// No spaces, UTF-8 output (the wire format).
        public static let compact = Style(itemSeparator: [0x2C], keySeparator: [0x3A], escapesNonASCII: false, indent: 0)
        /// Python's `json.dumps` defaults: `", "` and `": "`, non-ASCII as `\uXXXX`.
        public static let python = Style(itemSeparator: [0x2C, 0x20], keySeparator: [0x3A, 0x20], escapesNonASCII: true, indent: 0)
        /// Two-space indentation, one member per line (`orjson.OPT_INDENT_2`).
        public static let indented = Style(itemSeparator: [0x2C], keySeparator: [0x3A, 0x20], escapesNonASCII: false, indent: 2)
    }

    /// The layout.
    public var style: Style

    /// Creates a writer.
    public init(style: Style = .compact) {
        self.style = style
    }

    /// Appends the printed `value` to `output`.
    public func write(_ value: JSONValue, into output: inout [UInt8]) {
        write(value, into: &output, level: 0)
    }

    /// The printed `value`.
    public func bytes(_ value: JSONValue) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        write(value, into: &out, level: 0)
        return out
    }

    /// The printed `value` as a string.
    public func string(_ value: JSONValue) -> String {
        String(decoding: bytes(value), as: UTF8.self)
    }

    func write(_ value: JSONValue, into out: inout [UInt8], level: Int) {
        switch value {
        case .null: out.append(contentsOf: [0x6E, 0x75, 0x6C, 0x6C])
        case .bool(let b): b ? out.append(contentsOf: [0x74, 0x72, 0x75, 0x65]) : out.append(contentsOf: [0x66, 0x61, 0x6C, 0x73, 0x65])
        case .number(let n): out.append(contentsOf: n.text.utf8)
        case .string(let s): writeString(s, into: &out)
        case .array(let elements):
            out.append(UInt8(ascii: "["))
            if elements.isEmpty { out.append(UInt8(ascii: "]")); return }
            for (i, element) in elements.enumerated() {
                if i > 0 { append(style.itemSeparator, &out) }
                newline(&out, level + 1)
                write(element, into: &out, level: level + 1)
            }
            newline(&out, level)
            out.append(UInt8(ascii: "]"))
        case .object(let object):
            out.append(UInt8(ascii: "{"))
            if object.isEmpty { out.append(UInt8(ascii: "}")); return }
            var first = true
            for (key, member) in object {
                if !first { append(style.itemSeparator, &out) }
                first = false
                newline(&out, level + 1)
                writeString(key, into: &out)
                append(style.keySeparator, &out)
                write(member, into: &out, level: level + 1)
            }
            newline(&out, level)
            out.append(UInt8(ascii: "}"))
        }
    }

    @inline(__always)
    func append(_ s: [UInt8], _ out: inout [UInt8]) {
        if s.count == 1 { out.append(s[0]) } else { out.append(contentsOf: s) }
    }

    @inline(__always)
    func newline(_ out: inout [UInt8], _ level: Int) {
        guard style.indent > 0 else { return }
        out.append(0x0A)
        out.append(contentsOf: repeatElement(0x20, count: style.indent * level))
    }

    func writeString(_ s: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var s = s
        s.withUTF8 { bytes in
            var runStart = 0
            var i = 0
            let n = bytes.count
            while i < n {
                let b = bytes[i]
                if b >= 0x20, b != UInt8(ascii: "\""), b != UInt8(ascii: "\\"), b < 0x80 || !style.escapesNonASCII {
                    i += 1
                    continue
                }
                if runStart < i { out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<i])) }
                if b >= 0x80 {
                    // Escape one non-ASCII scalar as \uXXXX (with a surrogate pair above U+FFFF).
                    let length = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : 2
                    var scalar = UInt32(b) & (length == 4 ? 0x07 : length == 3 ? 0x0F : 0x1F)
                    for k in 1..<length where i + k < n { scalar = scalar << 6 | UInt32(bytes[i + k] & 0x3F) }
                    if scalar >= 0x10000 {
                        let v = scalar - 0x10000
                        appendUnicodeEscape(0xD800 + (v >> 10), &out)
                        appendUnicodeEscape(0xDC00 + (v & 0x3FF), &out)
                    } else {
                        appendUnicodeEscape(scalar, &out)
                    }
                    i += length
                    runStart = i
                    continue
                }
                out.append(UInt8(ascii: "\\"))
                switch b {
                case UInt8(ascii: "\""): out.append(UInt8(ascii: "\""))
                case UInt8(ascii: "\\"): out.append(UInt8(ascii: "\\"))
                case 0x0A: out.append(UInt8(ascii: "n"))
                case 0x0D: out.append(UInt8(ascii: "r"))
                case 0x09: out.append(UInt8(ascii: "t"))
                case 0x08: out.append(UInt8(ascii: "b"))
                case 0x0C: out.append(UInt8(ascii: "f"))
                default:
                    out.removeLast()
                    appendUnicodeEscape(UInt32(b), &out)
                }
                i += 1
                runStart = i
            }
            if runStart < n { out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<n])) }
        }
        out.append(UInt8(ascii: "\""))
    }

    func appendUnicodeEscape(_ v: UInt32, _ out: inout [UInt8]) {
        let hex: [UInt8] = Array("0123456789abcdef".utf8)
        out.append(UInt8(ascii: "\\"))
        out.append(UInt8(ascii: "u"))
        out.append(hex[Int((v >> 12) & 0xF)])
        out.append(hex[Int((v >> 8) & 0xF)])
        out.append(hex[Int((v >> 4) & 0xF)])
        out.append(hex[Int(v & 0xF)])
    }
}

extension JSONValue {
    /// The value printed compactly (the wire format), as UTF-8 bytes.
    public func jsonBytes(style: JSONWriter.Style = .compact) -> [UInt8] {
        JSONWriter(style: style).bytes(self)
    }

    /// The value printed compactly (the wire format), as a string.
    public func jsonString(style: JSONWriter.Style = .compact) -> String {
        JSONWriter(style: style).string(self)
    }
}

extension JSONValue: CustomStringConvertible {
    /// The compact JSON text.
    public var description: String { jsonString() }
}
