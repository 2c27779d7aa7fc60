/// Prints a ``JSONValue`` as block-style YAML with 2-space indentation that ``YAMLReader`` (and
/// OmegaConf) read back to the same value.
///
/// Strings stay plain when they would read back as the same string, multi-line strings become literal
/// block scalars (`|`, `|-`, `|+`), anything else is double-quoted; numbers print their text (`.inf`,
/// `.nan` for non-finite ones); empty collections print as `{}` / `[]`.
public struct YAMLWriter: Sendable {
    /// Creates a writer.
    public init() {}

    /// The YAML text of `value`, ending with a newline.
    public func string(_ value: JSONValue) -> String {
        var lines: [String] = []
        switch value {
        case .object(let object) where !object.isEmpty:
            writeObject(object, indent: 0, into: &lines)
        case .array(let items) where !items.isEmpty:
            writeArray(items, indent: 0, into: &lines)
        default:
            lines.append(inline(value, indent: 0) ?? "{}")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private func pad(_ n: Int) -> String { String(repeating: " ", count: n) }

    private func writeObject(_ object: JSONObject, indent: Int, into lines: inout [String]) {
        for (key, value) in object {
            let head = pad(indent) + keyText(key) + ":"
            if let text = inline(value, indent: indent + 2) {
                lines.append(head + " " + text)
            } else if case .array(let items) = value {
                lines.append(head)
                writeArray(items, indent: indent + 2, into: &lines)
            } else if case .object(let inner) = value {
                lines.append(head)
                writeObject(inner, indent: indent + 2, into: &lines)
            }
        }
    }

    private func writeArray(_ items: [JSONValue], indent: Int, into lines: inout [String]) {
        for item in items {
            if let text = inline(item, indent: indent + 2) {
                lines.append(pad(indent) + "- " + text)
                continue
            }
            // A nested collection: its first line shares the "- ", the rest is indented under it.
            var nested: [String] = []
            if case .object(let object) = item {
                writeObject(object, indent: indent + 2, into: &nested)
            } else if case .array(let inner) = item {
                writeArray(inner, indent: indent + 2, into: &nested)
            }
            guard let first = nested.first else { continue }
            // Drop the indentation by scalars: a key starting with a combining mark forms one Character
            // with the space before it.
            lines.append(pad(indent) + "- " + String(first.unicodeScalars.dropFirst(indent + 2)))
            lines.append(contentsOf: nested.dropFirst())
        }
    }

    /// The text of a value that fits after `key: ` (scalars, empty collections, block scalars with their
    /// content lines), or `nil` for a non-empty collection.
    private func inline(_ value: JSONValue, indent: Int) -> String? {
        switch value {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .number(let n):
            switch n.text {
            case "Infinity": return ".inf"
            case "-Infinity": return "-.inf"
            case "NaN": return ".nan"
            default: return n.text
            }
        case .string(let s): return stringText(s, indent: indent)
        case .array(let items): return items.isEmpty ? "[]" : nil
        case .object(let object): return object.isEmpty ? "{}" : nil
        }
    }

    private func keyText(_ key: String) -> String {
        isPlainSafe(key) ? key : doubleQuoted(key)
    }

    private func stringText(_ s: String, indent: Int) -> String {
        if isPlainSafe(s) { return s }
        if s.contains("\n"), let block = literalBlock(s, indent: indent) { return block }
        return doubleQuoted(s)
    }

    /// `|`, `|-` or `|+` with the content indented to `indent`, when the text allows it.
    private func literalBlock(_ s: String, indent: Int) -> String? {
        // At column 0 a content line could read as a document marker (`---`, `...`).
        guard indent > 0, let first = s.unicodeScalars.first, first != " ", first != "\n", first != "\t" else { return nil }
        for scalar in s.unicodeScalars where scalar != "\n" && scalar != "\t" && Self.needsEscape(scalar) {
            return nil
        }
        var body = Substring(s)
        var trailing = 0
        while body.last == "\n" { body = body.dropLast(); trailing += 1 }
        let header = trailing == 0 ? "|-" : (trailing == 1 ? "|" : "|+")
        var lines = body.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            line.isEmpty ? "" : pad(indent) + line
        }
        if trailing > 1 { lines.append(contentsOf: repeatElement("", count: trailing - 1)) }
        return header + "\n" + lines.joined(separator: "\n")
    }

    /// Whether `s` can be written without quotes and read back as the same string.
    private func isPlainSafe(_ s: String) -> Bool {
        guard let first = s.unicodeScalars.first, let last = s.unicodeScalars.last else { return false }
        guard YAMLScalarResolver.resolve(s) == .string else { return false }
        if first == " " || last == " " || last == ":" { return false }
        if "[]{},#&*!|>'\"%@`".unicodeScalars.contains(first) { return false }
        if "-?:".unicodeScalars.contains(first) {
            let scalars = Array(s.unicodeScalars)
            if scalars.count == 1 || scalars[1] == " " { return false }
        }
        // Searched by bytes: a combining mark after the space would hide it from a Character search.
        if Self.containsBytes(s, ": ") || Self.containsBytes(s, " #") { return false }
        // `---` and `...` at the start of a line are document markers (keys are written at column 0).
        if s.hasPrefix("---") || s.hasPrefix("...") { return false }
        for scalar in s.unicodeScalars where Self.needsEscape(scalar) { return false }
        return true
    }

    /// Whether the UTF-8 of `s` contains that of `pattern`.
    static func containsBytes(_ s: String, _ pattern: StaticString) -> Bool {
        let needle = UnsafeBufferPointer(start: pattern.utf8Start, count: pattern.utf8CodeUnitCount)
        let hay = Array(s.utf8)
        guard hay.count >= needle.count else { return false }
        for i in 0...(hay.count - needle.count) where hay[i] == needle[0] {
            if (1..<needle.count).allSatisfy({ hay[i + $0] == needle[$0] }) { return true }
        }
        return false
    }

    /// Whether `scalar` must be written as an escape in a double-quoted string: control characters (tab and
    /// newline included), DEL, the C1 range (NEL among them), the line and paragraph separators, the byte
    /// order mark and the non-characters U+FFFE/U+FFFF, none of which PyYAML accepts raw or keeps as is.
    static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
        let v = scalar.value
        return v < 0x20 || (v >= 0x7F && v <= 0x9F) || v == 0x2028 || v == 0x2029 || v == 0xFEFF
            || v == 0xFFFE || v == 0xFFFF
    }

    private func doubleQuoted(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default:
                if Self.needsEscape(scalar) {
                    let hex = String(scalar.value, radix: 16, uppercase: true)
                    out += "\\u" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
