/// Parses a config string into literal text and `${...}` interpolations (OmegaConf's grammar, the parts
/// NeMo Gym configs use: node paths, `resolver:arg,arg` calls, nested interpolations, quoted arguments,
/// and `\${` escapes).
struct InterpolationParser {
    typealias Segment = ConfigInterpolation.Segment

    private let characters: [Character]
    private let text: String
    private let valuePath: String
    private var pos = 0

    init(text: String, valuePath: String) {
        self.text = text
        self.characters = Array(text)
        self.valuePath = valuePath
    }

    private func peek(_ k: Int = 0) -> Character? {
        pos + k < characters.count ? characters[pos + k] : nil
    }

    private func fail(_ reason: String) -> ConfigError {
        ConfigError(.interpolation, "Config value '\(valuePath)' has a malformed interpolation in \"\(text)\": "
                        + reason + "; write ${key}, ${oc.env:VAR,default} or escape it as \\${")
    }

    /// The whole string.
    mutating func parseTemplate() throws -> [Segment] {
        var segments: [Segment] = []
        var literal = ""
        while let c = peek() {
            if c == "\\" && peek(1) == "$" && peek(2) == "{" {
                literal += "$"
                pos += 2
            } else if c == "$" && peek(1) == "{" {
                if !literal.isEmpty { segments.append(.text(literal)); literal = "" }
                segments.append(try parseInterpolation())
            } else {
                literal.append(c)
                pos += 1
            }
        }
        if !literal.isEmpty || segments.isEmpty { segments.append(.text(literal)) }
        return segments
    }

    /// `${...}` starting at the `$`.
    private mutating func parseInterpolation() throws -> Segment {
        pos += 2
        skipWhitespace()
        let headStart = pos
        while let c = peek(), c.isLetter || c.isNumber || c == "_" || c == "." || c == "-" { pos += 1 }
        let head = String(characters[headStart..<pos])
        if peek() == ":", let first = head.first, first.isLetter || first == "_" {
            pos += 1
            var arguments: [[Segment]] = []
            var quoted: [Bool] = []
            skipWhitespace()
            if peek() == "}" { pos += 1; return .resolver(name: head, arguments: [], quoted: []) }
            while true {
                let (segments, isQuoted) = try parseArgument()
                arguments.append(segments)
                quoted.append(isQuoted)
                guard let c = peek() else { throw fail("missing '}'") }
                pos += 1
                if c == "}" { return .resolver(name: head, arguments: arguments, quoted: quoted) }
            }
        }
        // A node path: everything up to '}'.
        pos = headStart
        var path = ""
        while let c = peek(), c != "}" {
            if c == "$" && peek(1) == "{" { throw fail("nested interpolations in a key are not supported") }
            if c == "{" { throw fail("unexpected '{'") }
            path.append(c)
            pos += 1
        }
        guard peek() == "}" else { throw fail("missing '}'") }
        pos += 1
        let trimmed = path.trimmingWhitespace()
        guard !trimmed.isEmpty else { throw fail("empty interpolation '${}'") }
        if trimmed.contains(where: { $0 == " " || $0 == "," || $0 == ":" || $0 == "'" || $0 == "\"" }) {
            throw fail("'\(trimmed)' is not a key path")
        }
        return .node(trimmed)
    }

    /// One resolver argument, up to an unnested `,` or `}` (not consumed).
    private mutating func parseArgument() throws -> (segments: [Segment], quoted: Bool) {
        skipWhitespace()
        var segments: [Segment] = []
        var literal = ""
        var quotedPieces = 0
        var otherPieces = 0
        while let c = peek() {
            if c == "," || c == "}" { break }
            if c == "$" && peek(1) == "{" {
                if !literal.isEmpty { segments.append(.text(literal)); literal = "" }
                segments.append(try parseInterpolation())
                otherPieces += 1
            } else if c == "'" || c == "\"" {
                if !literal.isEmpty { segments.append(.text(literal)); literal = "" }
                segments.append(contentsOf: try parseQuoted(c))
                quotedPieces += 1
            } else if c == "\\", let next = peek(1) {
                literal.append(next)
                pos += 2
            } else if c == "{" || c == "[" || c == "]" {
                throw fail("unexpected '\(c)' in a resolver argument (quote the argument)")
            } else {
                literal.append(c)
                pos += 1
            }
        }
        let trimmed = literal.trimmingTrailingWhitespace()
        if !trimmed.isEmpty { segments.append(.text(trimmed)); otherPieces += 1 }
        let merged = InterpolationParser.mergeText(segments)
        return (merged, quotedPieces == 1 && otherPieces == 0)
    }

    /// A quoted argument; interpolations inside it are kept.
    private mutating func parseQuoted(_ quote: Character) throws -> [Segment] {
        pos += 1
        var segments: [Segment] = []
        var literal = ""
        while let c = peek() {
            if c == quote {
                pos += 1
                if !literal.isEmpty || segments.isEmpty { segments.append(.text(literal)) }
                return segments
            }
            if c == "\\", let next = peek(1) {
                literal.append(next)
                pos += 2
            } else if c == "$" && peek(1) == "{" {
                if !literal.isEmpty { segments.append(.text(literal)); literal = "" }
                segments.append(try parseInterpolation())
            } else {
                literal.append(c)
                pos += 1
            }
        }
        throw fail("unterminated quoted argument")
    }

    private mutating func skipWhitespace() {
        while let c = peek(), c == " " || c == "\t" { pos += 1 }
    }

    /// Joins adjacent text segments.
    static func mergeText(_ segments: [Segment]) -> [Segment] {
        var out: [Segment] = []
        for segment in segments {
            if case .text(let t) = segment, case .text(let previous)? = out.last {
                out[out.count - 1] = .text(previous + t)
            } else {
                out.append(segment)
            }
        }
        return out
    }
}

fileprivate extension String {
    func trimmingWhitespace() -> String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" { s = s.dropLast() }
        return String(s)
    }

    func trimmingTrailingWhitespace() -> String {
        var s = Substring(self)
        while let l = s.last, l == " " || l == "\t" { s = s.dropLast() }
        return String(s)
    }
}
