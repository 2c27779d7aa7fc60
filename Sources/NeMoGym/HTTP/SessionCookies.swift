/// An ordered set of cookies as name/value pairs, treated as opaque.
///
/// NeMo Gym servers keep per-rollout state in session cookies. An agent passes cookies explicitly on each
/// call (there is no cookie jar): the cookies a response set are the ones the next call sends, replacing
/// what was there before. Setting an existing name keeps its position and replaces the value, as a Python
/// `dict` does.
public struct SessionCookies: Sendable, Hashable, Sequence, ExpressibleByDictionaryLiteral {
    /// One cookie.
    public typealias Element = (name: String, value: String)

    private var names: [String] = []
    private var cookieValues: [String] = []

    /// No cookies.
    public init() {}

    /// Creates cookies from pairs, in order.
    public init(dictionaryLiteral elements: (String, String)...) {
        for (name, value) in elements { self[name] = value }
    }

    /// Whether there are no cookies.
    public var isEmpty: Bool { names.isEmpty }

    /// How many cookies there are.
    public var count: Int { names.count }

    /// The value of the cookie `name`; setting `nil` removes it.
    public subscript(name: String) -> String? {
        get { names.firstIndex(of: name).map { cookieValues[$0] } }
        set {
            if let i = names.firstIndex(of: name) {
                if let newValue { cookieValues[i] = newValue } else {
                    names.remove(at: i)
                    cookieValues.remove(at: i)
                }
            } else if let newValue {
                names.append(name)
                cookieValues.append(newValue)
            }
        }
    }

    public func makeIterator() -> AnyIterator<Element> {
        var i = 0
        return AnyIterator {
            guard i < names.count else { return nil }
            defer { i += 1 }
            return (names[i], cookieValues[i])
        }
    }

    /// These cookies followed by `other`'s (a name in both takes `other`'s value).
    public func merging(_ other: SessionCookies) -> SessionCookies {
        var copy = self
        for (name, value) in other { copy[name] = value }
        return copy
    }

    /// The value of a `Cookie` request header: `a=1; b=2`; `nil` when there are no cookies.
    public var cookieHeader: String? {
        isEmpty ? nil : zip(names, cookieValues).map { "\($0)=\($1)" }.joined(separator: "; ")
    }

    /// Parses a `Cookie` request header (`a=1; b=2`).
    public init(cookieHeader: String) {
        let utf8 = cookieHeader.utf8
        var start = utf8.startIndex
        while start < utf8.endIndex {
            let end = utf8[start...].firstIndex(of: UInt8(ascii: ";")) ?? utf8.endIndex
            let part = Self.trimmed(utf8[start..<end])
            if !part.isEmpty {
                if let eq = part.firstIndex(of: UInt8(ascii: "=")) {
                    self[Self.text(Self.trimmed(part[..<eq]))] = Self.text(Self.unquoted(Self.trimmed(part[part.index(after: eq)...])))
                } else {
                    self[Self.text(part)] = ""
                }
            }
            start = end < utf8.endIndex ? utf8.index(after: end) : end
        }
    }

    /// The cookies set by a response's `Set-Cookie` header lines (attributes such as `Path` are dropped).
    public init(setCookieHeaders: [String]) {
        for line in setCookieHeaders {
            let utf8 = line.utf8
            let pair = utf8[..<(utf8.firstIndex(of: UInt8(ascii: ";")) ?? utf8.endIndex)]
            guard let eq = pair.firstIndex(of: UInt8(ascii: "=")) else { continue }
            let name = Self.trimmed(pair[..<eq])
            guard !name.isEmpty else { continue }
            self[Self.text(name)] = Self.text(Self.unquoted(Self.trimmed(pair[pair.index(after: eq)...])))
        }
    }

    /// `Set-Cookie` header values for these cookies as SimpleAgent sends them: `name=value; Path=/; SameSite=lax`.
    public var setCookieHeaders: [String] {
        zip(names, cookieValues).map { "\($0)=\($1); Path=/; SameSite=lax" }
    }

    // Cookie text is split at ASCII bytes only, so every slice is valid UTF-8.
    private static func text(_ bytes: Substring.UTF8View) -> String {
        String(Substring(bytes))
    }

    private static func trimmed(_ bytes: Substring.UTF8View) -> Substring.UTF8View {
        var s = bytes
        while let f = s.first, f == UInt8(ascii: " ") || f == UInt8(ascii: "\t") { s = s.dropFirst() }
        while let l = s.last, l == UInt8(ascii: " ") || l == UInt8(ascii: "\t") { s = s.dropLast() }
        return s
    }

    private static func unquoted(_ value: Substring.UTF8View) -> Substring.UTF8View {
        if value.count >= 2, value.first == UInt8(ascii: "\""), value.last == UInt8(ascii: "\"") {
            return value.dropFirst().dropLast()
        }
        return value
    }

    public static func == (lhs: SessionCookies, rhs: SessionCookies) -> Bool {
        lhs.names == rhs.names && lhs.cookieValues == rhs.cookieValues
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(names)
        hasher.combine(cookieValues)
    }
}

extension StringProtocol {
    /// The text without leading and trailing spaces and tabs.
    func trimmingSpaces() -> String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" { s.removeFirst() }
        while let l = s.last, l == " " || l == "\t" { s.removeLast() }
        return String(s)
    }
}
