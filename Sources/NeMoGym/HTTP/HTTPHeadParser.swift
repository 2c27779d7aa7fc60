/// Finds and parses HTTP/1.x message heads (request and status lines plus header fields).
///
/// Shared by ``AgentHTTPServer`` and ``ServerClient``. It accepts `CRLF` and bare `LF` line ends, rejects obsolete
/// line folding, control characters, header names that are not tokens and malformed start lines.
enum HTTPHeadParser {
    /// A parsed request head.
    struct RequestHead {
        var method: RequestMethod
        var target: String
        var version: HTTPProtocolVersion
        var headers: HeaderFields
    }

    /// A parsed response head.
    struct ResponseHead {
        var version: HTTPProtocolVersion
        var status: Int
        var headers: HeaderFields
    }

    /// Why a head is malformed (the text goes into a `400` body or a client error).
    struct Malformed: Error {
        var reason: String
    }

    /// How many leading `CR`/`LF` bytes precede the head (tolerated between pipelined requests).
    static func leadingEmptyLines(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        var i = 0
        while i < bytes.count && (bytes[i] == 0x0D || bytes[i] == 0x0A) { i += 1 }
        return i
    }

    /// The length of the head (through its empty line) if `bytes` holds a complete one. Scanning starts at
    /// `scanFrom` (bytes before it were already searched); on return `scanFrom` is where to resume.
    static func headLength(in bytes: UnsafeBufferPointer<UInt8>, scanFrom: inout Int) -> Int? {
        var i = max(scanFrom, 0)
        while i < bytes.count {
            if bytes[i] == 0x0A {
                if i >= 1 && bytes[i - 1] == 0x0A { return i + 1 }
                if i >= 2 && bytes[i - 1] == 0x0D && bytes[i - 2] == 0x0A { return i + 1 }
            }
            i += 1
        }
        scanFrom = bytes.count
        return nil
    }

    /// Parses a complete request head (as located by ``headLength(in:scanFrom:)``).
    static func parseRequest(_ head: UnsafeBufferPointer<UInt8>) throws(Malformed) -> RequestHead {
        var lines = LineIterator(bytes: head)
        guard let line = lines.next(), !line.isEmpty else { throw Malformed(reason: "missing request line") }
        // METHOD SP target SP HTTP/x.y
        guard let sp1 = line.firstIndex(of: 0x20) else { throw Malformed(reason: "malformed request line") }
        let rest = line[(sp1 + 1)...]
        guard let sp2 = rest.firstIndex(of: 0x20) else { throw Malformed(reason: "malformed request line") }
        let methodBytes = line[..<sp1]
        let targetBytes = line[(sp1 + 1)..<sp2]
        let versionBytes = line[(sp2 + 1)...]
        guard !methodBytes.isEmpty, methodBytes.allSatisfy(isTokenByte) else { throw Malformed(reason: "invalid method") }
        guard !targetBytes.isEmpty, targetBytes.allSatisfy({ $0 > 0x20 && $0 != 0x7F }) else {
            throw Malformed(reason: "invalid request target")
        }
        guard let version = parseVersion(versionBytes) else { throw Malformed(reason: "unsupported HTTP version") }
        let headers = try parseFields(&lines)
        return RequestHead(
            method: RequestMethod(rawValue: String(decoding: methodBytes, as: UTF8.self)),
            target: String(decoding: targetBytes, as: UTF8.self),
            version: version,
            headers: headers
        )
    }

    /// Parses a complete response head.
    static func parseResponse(_ head: UnsafeBufferPointer<UInt8>) throws(Malformed) -> ResponseHead {
        var lines = LineIterator(bytes: head)
        guard let line = lines.next(), !line.isEmpty else { throw Malformed(reason: "missing status line") }
        // HTTP/x.y SP 3DIGIT [SP reason]
        guard let sp1 = line.firstIndex(of: 0x20), let version = parseVersion(line[..<sp1]) else {
            throw Malformed(reason: "malformed status line")
        }
        let codeStart = sp1 + 1
        guard line.endIndex - codeStart >= 3 else { throw Malformed(reason: "malformed status code") }
        var status = 0
        for i in codeStart..<(codeStart + 3) {
            let b = line[i]
            guard b >= 0x30 && b <= 0x39 else { throw Malformed(reason: "malformed status code") }
            status = status * 10 + Int(b - 0x30)
        }
        guard line.endIndex == codeStart + 3 || line[codeStart + 3] == 0x20 else { throw Malformed(reason: "malformed status code") }
        guard status >= 100 else { throw Malformed(reason: "status code \(status) is below 100") }  // as aiohttp
        let headers = try parseFields(&lines)
        return ResponseHead(version: version, status: status, headers: headers)
    }

    /// Parses header field lines up to the empty line.
    static func parseFields(_ lines: inout LineIterator) throws(Malformed) -> HeaderFields {
        var headers = HeaderFields()
        while let line = lines.next() {
            if line.isEmpty { return headers }
            guard line[line.startIndex] != 0x20 && line[line.startIndex] != 0x09 else {
                throw Malformed(reason: "obsolete line folding in header fields")
            }
            guard let colon = line.firstIndex(of: 0x3A) else { throw Malformed(reason: "header line without ':'") }
            let name = line[..<colon]
            guard !name.isEmpty, name.allSatisfy(isTokenByte) else { throw Malformed(reason: "invalid header name") }
            var valueStart = colon + 1
            var valueEnd = line.endIndex
            while valueStart < valueEnd && (line[valueStart] == 0x20 || line[valueStart] == 0x09) { valueStart += 1 }
            while valueEnd > valueStart && (line[valueEnd - 1] == 0x20 || line[valueEnd - 1] == 0x09) { valueEnd -= 1 }
            let value = line[valueStart..<valueEnd]
            guard value.allSatisfy({ $0 >= 0x20 && $0 != 0x7F || $0 == 0x09 || $0 >= 0x80 }) else {
                throw Malformed(reason: "invalid character in header value")
            }
            headers.add(name: String(decoding: name, as: UTF8.self), value: String(decoding: value, as: UTF8.self))
        }
        return headers
    }

    private static func parseVersion(_ bytes: Slice<UnsafeBufferPointer<UInt8>>) -> HTTPProtocolVersion? {
        guard bytes.count == 8 else { return nil }
        let b = UnsafeBufferPointer(rebasing: bytes)
        guard b[0] == 0x48, b[1] == 0x54, b[2] == 0x54, b[3] == 0x50, b[4] == 0x2F, b[6] == 0x2E,
              b[5] == 0x31, b[7] == 0x30 || b[7] == 0x31 else { return nil }
        return HTTPProtocolVersion(major: 1, minor: Int(b[7] - 0x30))
    }

    /// Whether `b` may appear in a token (RFC 9110 `tchar`).
    static func isTokenByte(_ b: UInt8) -> Bool {
        switch b {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: return true
        case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "&"),
             UInt8(ascii: "'"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."),
             UInt8(ascii: "^"), UInt8(ascii: "_"), UInt8(ascii: "`"), UInt8(ascii: "|"), UInt8(ascii: "~"):
            return true
        default: return false
        }
    }

    /// Splits a head into lines without their `CRLF`/`LF` (a stray `CR` inside a line is rejected by the callers'
    /// character checks).
    struct LineIterator {
        let bytes: UnsafeBufferPointer<UInt8>
        var position = 0

        mutating func next() -> Slice<UnsafeBufferPointer<UInt8>>? {
            guard position < bytes.count else { return nil }
            var i = position
            while i < bytes.count && bytes[i] != 0x0A { i += 1 }
            var end = i
            if end > position && bytes[end - 1] == 0x0D { end -= 1 }
            let line = bytes[position..<end]
            position = i + 1
            return line
        }
    }
}
