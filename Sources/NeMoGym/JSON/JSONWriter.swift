/// Prints ``JSONValue``s to UTF-8 bytes.
///
/// The default ``Style/compact`` style has no spaces, keeps key order, does not escape `/`, prints
/// non-ASCII text as UTF-8 and numbers as their stored text. ``Style/python`` prints exactly what
/// Python's `json.dumps(x)` prints for the same value, and ``Style/indented`` matches `orjson`'s
/// `OPT_INDENT_2` layout (the same as `json.dumps(x, indent=2, ensure_ascii=False)`).
///
/// ```swift
/// let value: JSONValue = ["name": "café", "n": [1, 2.5]]
/// value.jsonString()                   // {"name":"café","n":[1,2.5]}
/// value.jsonString(style: .python)     // {"name": "caf\u00e9", "n": [1, 2.5]}
/// ```
public struct JSONWriter: Sendable {
    /// How a document is laid out.
    public struct Style: Sendable, Hashable {
        enum Kind: Hashable, Sendable { case compact, python, indented }
        let kind: Kind

        /// No spaces, UTF-8 output, numbers as stored (the wire format).
        public static let compact = Style(kind: .compact)

        /// Python's `json.dumps` defaults: `", "` and `": "`, non-ASCII and DEL as `\uXXXX` (`ensure_ascii`),
        /// floats as Python's `repr` (`1.50` prints `1.5`, `1E5` prints `100000.0`), `-0` as `0`.
        public static let python = Style(kind: .python)

        /// Two-space indentation, one member per line, `": "` after keys, UTF-8 output (`orjson.OPT_INDENT_2`).
        public static let indented = Style(kind: .indented)

        var itemSeparator: StaticString { kind == .python ? ", " : "," }
        var keySeparator: StaticString { kind == .compact ? ":" : ": " }
        var escapesNonASCII: Bool { kind == .python }
        var normalizesNumbers: Bool { kind == .python }
        var indent: Int { kind == .indented ? 2 : 0 }
    }

    /// The layout.
    public var style: Style

    /// Creates a writer.
    public init(style: Style = .compact) {
        self.style = style
    }

    /// Appends the printed `value` to `output`.
    public func write(_ value: JSONValue, into output: inout [UInt8]) {
        var buffer = JSONOutputBuffer(capacity: 1024)
        write(value, into: &buffer, level: 0)
        output.append(contentsOf: buffer.bytes)
    }

    /// The printed `value`.
    public func bytes(_ value: JSONValue) -> [UInt8] {
        var buffer = JSONOutputBuffer(capacity: 1024)
        write(value, into: &buffer, level: 0)
        return Array(buffer.bytes)
    }

    /// The printed `value` as a string.
    public func string(_ value: JSONValue) -> String {
        var buffer = JSONOutputBuffer(capacity: 1024)
        write(value, into: &buffer, level: 0)
        return String(decoding: buffer.bytes, as: UTF8.self)
    }

    // MARK: - Values

    func write(_ value: JSONValue, into out: inout JSONOutputBuffer, level: Int) {
        switch value {
        case .null: out.append("null")
        case .bool(let b): b ? out.append("true") : out.append("false")
        case .number(let n): writeNumber(n, into: &out)
        case .string(let s): writeString(s, into: &out)
        case .array(let elements):
            if elements.isEmpty { return out.append(UInt8(ascii: "["), UInt8(ascii: "]")) }
            out.append(UInt8(ascii: "["))
            var first = true
            for element in elements {
                if !first { out.append(style.itemSeparator) }
                first = false
                newline(&out, level + 1)
                write(element, into: &out, level: level + 1)
            }
            newline(&out, level)
            out.append(UInt8(ascii: "]"))
        case .object(let object):
            if object.isEmpty { return out.append(UInt8(ascii: "{"), UInt8(ascii: "}")) }
            out.append(UInt8(ascii: "{"))
            let keys = object.storedKeys
            let values = object.storedValues
            for i in 0..<keys.count {
                if i > 0 { out.append(style.itemSeparator) }
                newline(&out, level + 1)
                writeString(keys[i], into: &out)
                out.append(style.keySeparator)
                write(values[i], into: &out, level: level + 1)
            }
            newline(&out, level)
            out.append(UInt8(ascii: "}"))
        }
    }

    @inline(__always)
    func newline(_ out: inout JSONOutputBuffer, _ level: Int) {
        guard style.indent > 0 else { return }
        out.append(0x0A)
        out.appendRepeating(0x20, count: style.indent * level)
    }

    func writeNumber(_ n: JSONNumber, into out: inout JSONOutputBuffer) {
        guard style.normalizesNumbers else { return out.append(n.text) }
        out.append(n.pythonText)
    }
}

extension JSONValue {
    /// The value printed compactly (the wire format), or in another ``JSONWriter/Style``, as UTF-8 bytes.
    public func jsonBytes(style: JSONWriter.Style = .compact) -> [UInt8] {
        JSONWriter(style: style).bytes(self)
    }

    /// The value printed compactly (the wire format), or in another ``JSONWriter/Style``, as a string.
    public func jsonString(style: JSONWriter.Style = .compact) -> String {
        JSONWriter(style: style).string(self)
    }
}

extension JSONValue: CustomStringConvertible {
    /// The compact JSON text.
    public var description: String { jsonString() }
}
