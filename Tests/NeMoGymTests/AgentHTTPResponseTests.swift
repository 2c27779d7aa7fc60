import Testing
import NeMoGym

@Suite struct AgentHTTPResponseTests {
    @Test func printsCompactJSONWithAContentType() {
        let response = AgentHTTPResponse.json(status: 422, ["detail": ["a", 1, nil], "url": "http://a/b"])
        #expect(response.status == 422)
        #expect(response.headers["Content-Type"] == "application/json")
        #expect(String(decoding: response.body, as: UTF8.self) == #"{"detail":["a",1,null],"url":"http://a/b"}"#)
    }

    @Test func keepsACallerContentType() {
        let response = AgentHTTPResponse.json(["a": 1], headers: ["content-type": "application/problem+json"])
        #expect(response.headers.values(for: "Content-Type") == ["application/problem+json"])
    }

    @Test func addsOneSetCookieFieldPerCookie() {
        var response = AgentHTTPResponse(status: 200)
        response.setCookies(["session": "abc", "theme": "dark"])
        #expect(response.headers.values(for: "set-cookie") == ["session=abc; Path=/; SameSite=lax", "theme=dark; Path=/; SameSite=lax"])
    }

    @Test func knowsReasonPhrases() {
        #expect(AgentHTTPResponse.reasonPhrase(for: 413) == "Content Too Large")
        #expect(AgentHTTPResponse.reasonPhrase(for: 431) == "Request Header Fields Too Large")
        #expect(AgentHTTPResponse.reasonPhrase(for: 299) == "Unknown")
    }
}
