/// Writes an ``AgentHTTPResponse`` as HTTP/1.1 bytes: head and body in one buffer (one `send`, no Nagle stall).
enum HTTPResponseSerializer {
    /// The bytes of `response`. Framing fields from the handler (`Content-Length`, `Transfer-Encoding`,
    /// `Connection`) are replaced by the server's own; CR and LF in header values are replaced by spaces.
    static func serialize(_ response: AgentHTTPResponse, isHEAD: Bool, close: Bool, keepAliveHeader: Bool) -> [UInt8] {
        let status = (100...999).contains(response.status) ? response.status : 500
        let noBody = status < 200 || status == 204 || status == 304
        var out: [UInt8] = []
        out.reserveCapacity(160 + response.headers.count * 48 + (isHEAD || noBody ? 0 : response.body.count))
        HTTPWire.append("HTTP/1.1 ", to: &out)
        HTTPWire.appendDecimal(status, to: &out)
        out.append(0x20)
        HTTPWire.append(AgentHTTPResponse.reasonPhrase(for: status), to: &out)
        HTTPWire.appendCRLF(to: &out)
        var hasDate = false
        response.headers.forEachField { name, value in
            if HeaderFields.equalsIgnoringCase(name, "Content-Length") || HeaderFields.equalsIgnoringCase(name, "Transfer-Encoding")
                || HeaderFields.equalsIgnoringCase(name, "Connection") {
                return
            }
            if HeaderFields.equalsIgnoringCase(name, "Date") { hasDate = true }
            HTTPWire.appendSanitized(name, to: &out, replacingNUL: true)
            out.append(0x3A)
            out.append(0x20)
            HTTPWire.appendSanitized(value, to: &out, replacingNUL: true)
            HTTPWire.appendCRLF(to: &out)
        }
        if !hasDate {
            out.append(contentsOf: "date: ".utf8)
            out.append(contentsOf: HTTPDate.now())
            out.append(0x0D)
            out.append(0x0A)
        }
        if !noBody {
            HTTPWire.append("content-length: ", to: &out)
            HTTPWire.appendDecimal(response.body.count, to: &out)
            HTTPWire.appendCRLF(to: &out)
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
}
