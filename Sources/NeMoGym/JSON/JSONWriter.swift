/// Prints ``JSONValue``s to UTF-8 bytes.
///
/// The default ``Style/compact`` style has no spaces, keeps key order, does not escape `/`, prints
/// non-ASCII text as UTF-8 and numbers as their stored text. ``Style/python`` prints exactly what
/// Python's `json.dumps(x)` prints for the same value, and ``Style/indented`` matches `orjson`'s
/// `OPT_INDENT_2` layout (the same as `json.dumps(x, indent=2, ensure_ascii=False)`).
///
/// ```swift
/// let value: JSONValue = ["name": "café", "n": [1, 2.5]]
/// print(value.jsonString())                // {"name":"café","n":[1,2.5]}
/// print(value.jsonString(style: .python))  // {"name": "caf\u00e9", "n": [1, 2.5]}
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
    /// Whether `NaN` and the infinities print as `null`, as `orjson` serialises them (the resources client's
    /// bodies), instead of Python's `NaN`/`Infinity`.
    var writesNonFiniteAsNull = false

    /// Creates a writer.
    public init(style: Style = .compact) {
        self.style = style
    }

    /// A compact writer that prints `NaN` and the infinities as `null`.
    static let nonFiniteAsNull: JSONWriter = {
        var writer = JSONWriter()
        writer.writesNonFiniteAsNull = true
        return writer
    }()

    /// Appends the printed `value` to `output`.
    public func write(_ value: JSONValue, into output: inout [UInt8]) {
        var buffer = JSONOutputBuffer(capacity: estimatedSize(of: value))
        write(value, into: &buffer, level: 0)
        output.append(contentsOf: buffer.bytes)
    }

    /// The printed `value`.
    public func bytes(_ value: JSONValue) -> [UInt8] {
        // Print straight into the array's storage, sized from an estimate; if escapes make the text longer
        // than that, the buffer moves to memory of its own and is copied once.
        let estimate = estimatedSize(of: value)
        var spilled: [UInt8]? = nil
        let result = [UInt8](unsafeUninitializedCapacity: estimate) { storage, initialized in
            guard let base = storage.baseAddress else { return }
            var buffer = JSONOutputBuffer(borrowing: base, capacity: storage.count)
            write(value, into: &buffer, level: 0)
            if buffer.isBorrowed {
                initialized = buffer.count
            } else {
                spilled = Array(buffer.bytes)
            }
        }
        return spilled ?? result
    }

    /// The printed `value` as a string.
    public func string(_ value: JSONValue) -> String {
        var buffer = JSONOutputBuffer(capacity: estimatedSize(of: value))
        write(value, into: &buffer, level: 0)
        return String(decoding: buffer.bytes, as: UTF8.self)
    }

    /// The printed size of `value` if no character needed an escape, plus some room for escapes.
    func estimatedSize(of value: JSONValue) -> Int {
        let size = unescapedSize(of: value, level: 0)
        return size + size / (style.escapesNonASCII ? 2 : 16) + 16
    }

    func unescapedSize(of value: JSONValue, level: Int) -> Int {
        switch value {
        case .null: return 4
        case .bool(let b): return b ? 4 : 5
        case .number(let n): return n.text.utf8.count
        case .string(let s): return s.utf8.count + 2
        case .array(let elements):
            if elements.isEmpty { return 2 }
            var size = 2 + (elements.count - 1) * style.itemSeparator.utf8CodeUnitCount
            if style.indent > 0 { size += elements.count * (1 + style.indent * (level + 1)) + 1 + style.indent * level }
            for element in elements { size += unescapedSize(of: element, level: level + 1) }
            return size
        case .object(let object):
            if object.isEmpty { return 2 }
            let n = object.count
            var size = 2 + (n - 1) * style.itemSeparator.utf8CodeUnitCount + n * (style.keySeparator.utf8CodeUnitCount + 2)
            if style.indent > 0 { size += n * (1 + style.indent * (level + 1)) + 1 + style.indent * level }
            for key in object.storedKeys { size += key.utf8.count }
            for member in object.storedValues { size += unescapedSize(of: member, level: level + 1) }
            return size
        }
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
            elements.withUnsafeBufferPointer { elements in
                for i in 0..<elements.count {
                    if i > 0 { out.append(style.itemSeparator) }
                    newline(&out, level + 1)
                    write(elements[i], into: &out, level: level + 1)
                }
            }
            newline(&out, level)
            out.append(UInt8(ascii: "]"))
        case .object(let object):
            if object.isEmpty { return out.append(UInt8(ascii: "{"), UInt8(ascii: "}")) }
            out.append(UInt8(ascii: "{"))
            object.storedKeys.withUnsafeBufferPointer { keys in
                object.storedValues.withUnsafeBufferPointer { values in
                    for i in 0..<keys.count {
                        if i > 0 { out.append(style.itemSeparator) }
                        newline(&out, level + 1)
                        writeString(keys[i], into: &out)
                        out.append(style.keySeparator)
                        write(values[i], into: &out, level: level + 1)
                    }
                }
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
        if writesNonFiniteAsNull && n.isNonFinite { return out.append("null") }
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
