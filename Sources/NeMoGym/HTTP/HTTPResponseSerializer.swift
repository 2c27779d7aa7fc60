/// Writes an ``HTTPResponse`` as HTTP/1.1 bytes: head and body in one buffer (one `send`, no Nagle stall).
enum HTTPResponseSerializer {
    /// The bytes of `response`. Framing fields from the handler (`Content-Length`, `Transfer-Encoding`,
    /// `Connection`) are replaced by the server's own; CR and LF in header values are replaced by spaces.
    static func serialize(_ response: HTTPResponse, isHEAD: Bool, close: Bool, keepAliveHeader: Bool) -> [UInt8] {
        let status = (100...999).contains(response.status) ? response.status : 500
        let noBody = status < 200 || status == 204 || status == 304
        var out: [UInt8] = []
        out.reserveCapacity(160 + response.headers.count * 48 + (isHEAD || noBody ? 0 : response.body.count))
        out.append(contentsOf: "HTTP/1.1 \(status) \(HTTPResponse.reasonPhrase(for: status))\r\n".utf8)
        var hasDate = false
        for (name, value) in response.headers {
            if HTTPHeaders.equalsIgnoringCase(name, "Content-Length") || HTTPHeaders.equalsIgnoringCase(name, "Transfer-Encoding")
                || HTTPHeaders.equalsIgnoringCase(name, "Connection") {
                continue
            }
            if HTTPHeaders.equalsIgnoringCase(name, "Date") { hasDate = true }
            appendSanitized(name, to: &out)
            out.append(0x3A)
            out.append(0x20)
            appendSanitized(value, to: &out)
            out.append(0x0D)
            out.append(0x0A)
        }
        if !hasDate {
            out.append(contentsOf: "date: ".utf8)
            out.append(contentsOf: HTTPDate.now())
            out.append(0x0D)
            out.append(0x0A)
        }
        if !noBody {
            out.append(contentsOf: "content-length: \(response.body.count)\r\n".utf8)
        }
        if close {
            out.append(contentsOf: "connection: close\r\n".utf8)
        } else if keepAliveHeader {
            out.append(contentsOf: "connection: keep-alive\r\n".utf8)
        }
        out.append(0x0D)
        out.append(0x0A)
        if !isHEAD && !noBody { out.append(contentsOf: response.body) }
        return out
    }

    private static func appendSanitized(_ text: String, to out: inout [UInt8]) {
        for b in text.utf8 { out.append(b == 0x0D || b == 0x0A || b == 0 ? 0x20 : b) }
    }
}
