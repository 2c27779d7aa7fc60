import Foundation

/// Reads YAML config files the way NeMo Gym does (OmegaConf's loader: PyYAML's YAML 1.1 `SafeLoader`
/// with OmegaConf's float rule, dates kept as strings and duplicate keys refused) into ``JSONValue``s.
///
/// ```swift
/// let value = try YAMLReader.parse("policy:\n  lr: 1e-5\n  tags: [a, b]\n", source: "train.yaml")
/// print(value["policy"]?["lr"]?.double ?? 0)  // 1e-05 (a float)
/// ```
///
/// Values become JSON as NeMo Gym's config reaches its servers: YAML-only number forms become decimal (`0x1F` → `31`), other
/// numbers keep their text (`1.0e-6`), `.inf`/`.nan` become non-finite numbers, keys typed as bool, int
/// or float become their JSON text (`on:` → `"true"`). Interpolations (`${a.b}`) and `???` are kept as
/// strings; ``GlobalConfig`` resolves them. Anchors, aliases and `<<` merges are expanded; the expansion is
/// bounded by ``Limits/maximumNodes`` so a "billion laughs" document is an error, not an out-of-memory.
public enum YAMLReader {
    /// Bounds that keep hostile input from exhausting the stack or memory.
    public struct Limits: Sendable, Hashable {
        /// The deepest nesting of collections accepted.
        public var maximumDepth: Int
        /// The most values a document may expand to, counting each alias expansion in full.
        public var maximumNodes: Int

        /// Creates limits.
        public init(maximumDepth: Int = 200, maximumNodes: Int = 1_000_000) {
            self.maximumDepth = maximumDepth
            self.maximumNodes = maximumNodes
        }

        /// 200 levels, one million values.
        public static let `default` = Limits()
    }

    /// Parses YAML text.
    /// - Parameters:
    ///   - text: the document.
    ///   - source: the name used in errors (usually the file path).
    ///   - limits: the bounds on nesting and expansion (default: ``Limits/default``).
    /// - Returns: a mapping (`.object`) or a sequence (`.array`); an empty document gives `{}`.
    /// - Throws: ``YAMLError`` with the line, column and kind of the problem.
    public static func parse(_ text: String, source: String = "<string>", limits: Limits = .default) throws -> JSONValue {
        try parse(bytes: Array(text.utf8), source: source, limits: limits)
    }

    /// Parses UTF-8 bytes (a leading BOM is skipped; UTF-16/32 and invalid UTF-8 are errors).
    public static func parse<Bytes: Collection<UInt8>>(bytes: Bytes, source: String = "<string>",
                                                      limits: Limits = .default) throws -> JSONValue {
        let normalized = try normalize(Array(bytes), source: source)
        var parser = YAMLParser(bytes: normalized, source: source, limits: limits)
        return try parser.parseDocument()
    }

    /// Reads and parses the file at `path`; errors name the path as given.
    /// - Throws: ``YAMLError``, or ``ConfigError`` when the file cannot be read.
    public static func parseFile(atPath path: String, limits: Limits = .default) throws -> JSONValue {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigError(.fileNotFound, "cannot read the config file '\(path)'; check that it exists and is readable")
        }
        return try parse(bytes: data, source: path, limits: limits)
    }

    /// Drops a BOM, turns CRLF and lone CR into LF, and rejects encodings and characters YAML does not allow.
    static func normalize(_ input: [UInt8], source: String) throws -> [UInt8] {
        var bytes = input
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        func fail(_ message: String, at offset: Int) -> YAMLError {
            let parser = YAMLParser(bytes: bytes, source: source, limits: .default)
            return parser.error(.invalidEncoding, message, at: offset)
        }
        if bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF])
            || (bytes.count >= 2 && (bytes[0] == 0 || bytes[1] == 0)) {
            throw fail("the file is UTF-16 or UTF-32; save it as UTF-8", at: 0)
        }
        var hasCR = false
        for (offset, c) in bytes.enumerated() where c < 0x20 || c == 0x7F {
            if c == 0x0D { hasCR = true; continue }
            if c == 0x0A || c == 0x09 { continue }
            throw fail("control character U+\(String(format: "%04X", Int(c))) is not allowed in YAML; remove it",
                       at: offset)
        }
        if let bad = firstInvalidUTF8(bytes) {
            throw fail("the file is not valid UTF-8; save it as UTF-8", at: bad)
        }
        // PyYAML treats NEL, LS and PS as line breaks; no config uses them, so refuse rather than guess.
        for k in bytes.indices where bytes[k] == 0xC2 || bytes[k] == 0xE2 {
            let isNEL = bytes[k] == 0xC2 && k + 1 < bytes.count && bytes[k + 1] == 0x85
            let isLSorPS = bytes[k] == 0xE2 && k + 2 < bytes.count && bytes[k + 1] == 0x80
                && (bytes[k + 2] == 0xA8 || bytes[k + 2] == 0xA9)
            if isNEL || isLSorPS {
                throw fail("the Unicode line separator U+\(isNEL ? "0085" : (bytes[k + 2] == 0xA8 ? "2028" : "2029")) "
                               + "is not supported; use a newline, or the escape in a double-quoted string", at: k)
            }
        }
        guard hasCR else { return bytes }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var k = 0
        while k < bytes.count {
            let c = bytes[k]
            if c == 0x0D {
                out.append(0x0A)
                if k + 1 < bytes.count && bytes[k + 1] == 0x0A { k += 1 }
            } else {
                out.append(c)
            }
            k += 1
        }
        return out
    }

    /// The offset of the first byte that is not part of a valid UTF-8 sequence, or `nil`.
    static func firstInvalidUTF8(_ bytes: [UInt8]) -> Int? {
        var k = 0
        while k < bytes.count {
            let c = bytes[k]
            if c < 0x80 { k += 1; continue }
            let length: Int
            var minimum: UInt32
            var scalar: UInt32
            switch c {
            case 0xC2...0xDF: length = 2; minimum = 0x80; scalar = UInt32(c & 0x1F)
            case 0xE0...0xEF: length = 3; minimum = 0x800; scalar = UInt32(c & 0x0F)
            case 0xF0...0xF4: length = 4; minimum = 0x10000; scalar = UInt32(c & 0x07)
            default: return k
            }
            guard k + length <= bytes.count else { return k }
            for j in 1..<length {
                let d = bytes[k + j]
                guard d & 0xC0 == 0x80 else { return k }
                scalar = scalar << 6 | UInt32(d & 0x3F)
            }
            if scalar < minimum || scalar > 0x10FFFF || (0xD800...0xDFFF).contains(scalar) { return k }
            k += length
        }
        return nil
    }
}
