import Testing
@testable import NeMoGym

@Suite struct HTTPWireTests {
    @Test func appendsDecimalIntegers() {
        for value in [0, 7, 10, 99, 12_345, Int.max] {
            var out: [UInt8] = [0x41]
            HTTPWire.appendDecimal(value, to: &out)
            #expect(out == [0x41] + Array(String(value).utf8))
        }
        var negative: [UInt8] = []
        HTTPWire.appendDecimal(-5, to: &negative)
        #expect(negative == Array("0".utf8))
    }

    @Test func sanitizesLineBreaksAndOptionallyNUL() {
        var out: [UInt8] = []
        HTTPWire.appendSanitized("a\r\nb\u{0}c", to: &out)
        #expect(out == Array("a  b\u{0}c".utf8))
        out = []
        HTTPWire.appendSanitized("a\r\nb\u{0}c", to: &out, replacingNUL: true)
        #expect(out == Array("a  b c".utf8))
        out = []
        HTTPWire.appendSanitized("clean value é", to: &out)
        #expect(out == Array("clean value é".utf8))
    }

    @Test func clientRequestHeadIsWrittenFieldByField() throws {
        let url = try HTTPClientURL.parse("http://127.0.0.1:8080/v1/responses?x=1").get()
        var request = ServerClientRequest(method: .post, url: "http://127.0.0.1:8080/v1/responses?x=1", headers: ["X-A": "1\r\nX-B: 2", "Content-Length": "99"])
        request.body = Array("{}".utf8)
        let text = String(decoding: ServerClient.serialize(request, url: url), as: UTF8.self)
        #expect(text == "POST /v1/responses?x=1 HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nX-A: 1  X-B: 2\r\nContent-Length: 2\r\n\r\n{}")
        let get = ServerClientRequest(method: .get, url: "http://127.0.0.1:8080/")
        let getURL = try HTTPClientURL.parse("http://127.0.0.1:8080/").get()
        #expect(String(decoding: ServerClient.serialize(get, url: getURL), as: UTF8.self) == "GET / HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n\r\n")
    }

    @Test(arguments: ["HTTP/1.1 020 OK\r\n\r\n", "HTTP/1.1 099 OK\r\n\r\n", "HTTP/1.1 2000 OK\r\n\r\n"])
    func aStatusBelow100OrNotThreeDigitsIsMalformed(head: String) {
        let bytes = Array(head.utf8)
        let parsed = bytes.withUnsafeBufferPointer { try? HTTPHeadParser.parseResponse($0) }
        #expect(parsed == nil)
    }

    @Test func aThreeDigitStatusParses() throws {
        let bytes = Array("HTTP/1.1 204 No Content\r\n\r\n".utf8)
        let parsed = try bytes.withUnsafeBufferPointer { try HTTPHeadParser.parseResponse($0) }
        #expect(parsed.status == 204)
    }
}
