import Testing
import NeMoGym

@Suite struct AgentHTTPRequestTests {
    @Test(arguments: [
        ("/v1/responses", "/v1/responses", nil),
        ("/run?x=1&y=%20", "/run", "x=1&y=%20"),
        ("/a?", "/a", ""),
        ("/a?b?c", "/a", "b?c"),
        ("*", "*", nil),
        ("http://example.com:8000/p/q?z=1", "/p/q", "z=1"),
        ("http://example.com", "/", nil),
    ] as [(String, String, String?)])
    func splitsTargetIntoPathAndQuery(target: String, path: String, query: String?) {
        let request = AgentHTTPRequest(method: .get, target: target)
        #expect(request.path == path)
        #expect(request.query == query)
        #expect(request.target == target)
    }

    @Test func mergesCookieHeaders() {
        let request = AgentHTTPRequest(method: .get, target: "/", headers: [("Cookie", "a=1; b=2"), ("cookie", "b=3")].reduce(into: HeaderFields()) {
            $0.add(name: $1.0, value: $1.1)
        })
        #expect(request.cookies == ["a": "1", "b": "3"])
    }
}
