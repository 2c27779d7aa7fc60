/// The parts of an absolute `http://` or `https://` URL that the client needs.
struct HTTPClientURL: Sendable {
    /// `http` or `https`.
    let scheme: String
    /// The host without brackets, e.g. `127.0.0.1` or `::1`.
    let host: String
    /// The port (default 80 or 443).
    let port: Int
    /// Whether the URL named the port.
    let hasExplicitPort: Bool
    /// Path and query, at least `/`; the fragment is dropped.
    let target: String

    /// The `Host` header value (the host in brackets when it is an IPv6 address, the port when the URL named it).
    let hostHeader: String

    init(scheme: String, host: String, port: Int, hasExplicitPort: Bool, target: String) {
        self.scheme = scheme
        self.host = host
        self.port = port
        self.hasExplicitPort = hasExplicitPort
        self.target = target
        let h = host.contains(":") ? "[\(host)]" : host
        hostHeader = hasExplicitPort ? "\(h):\(port)" : h
    }

    /// Parses `text`, or returns why it is not a usable URL.
    static func parse(_ text: String) -> Result<HTTPClientURL, ServerClientError> {
        func invalid(_ why: String) -> Result<HTTPClientURL, ServerClientError> {
            .failure(ServerClientError(code: .invalidURL, url: text, message: "invalid URL '\(text)': \(why); expected http://host[:port]/path or https://…"))
        }
        guard let colon = text.firstIndex(of: ":"), text[colon...].hasPrefix("://") else { return invalid("no scheme") }
        let scheme = text[..<colon].lowercased()
        guard scheme == "http" || scheme == "https" else { return invalid("unsupported scheme '\(scheme)'") }
        let rest = text[text.index(colon, offsetBy: 3)...]
        let authorityEnd: String.Index = rest.firstIndex(where: { (c: Character) -> Bool in c == "/" || c == "?" || c == "#" }) ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        var target = String(rest[authorityEnd...])
        if let hash = target.firstIndex(of: "#") { target = String(target[..<hash]) }
        if target.isEmpty || target.hasPrefix("?") { target = "/" + target }
        guard !target.utf8.contains(where: { $0 <= 0x20 || $0 == 0x7F }) else { return invalid("spaces or control characters in the path") }
        guard !authority.contains("@") else { return invalid("user information is not supported") }
        var host: Substring
        var portText: Substring?
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { return invalid("unclosed '[' in the host") }
            host = authority[authority.index(after: authority.startIndex)..<close]
            let after = authority[authority.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { return invalid("unexpected text after the IPv6 address") }
                portText = after.dropFirst()
            }
        } else if let colon = authority.lastIndex(of: ":") {
            host = authority[..<colon]
            portText = authority[authority.index(after: colon)...]
        } else {
            host = authority
        }
        guard !host.isEmpty else { return invalid("no host") }
        guard host.utf8.allSatisfy({ $0 > 0x20 && $0 != 0x7F && $0 != UInt8(ascii: "[") && $0 != UInt8(ascii: "]") }) else {
            return invalid("the host '\(host)' contains spaces or reserved characters")
        }
        var port = scheme == "https" ? 443 : 80
        if let portText {
            guard let p = Int(portText), (1...65535).contains(p) else { return invalid("port '\(portText)' is not in 1...65535") }
            port = p
        }
        return .success(HTTPClientURL(scheme: scheme, host: String(host), port: port, hasExplicitPort: portText != nil, target: target))
    }
}
