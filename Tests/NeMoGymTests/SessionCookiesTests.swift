import NeMoGym
import Testing

/// How `SessionCookies` reads `Cookie` and `Set-Cookie` header text (byte-level parsing, same rules as before).
struct SessionCookiesTests {
    @Test(arguments: [
        ("a=1; b=2", [("a", "1"), ("b", "2")]),
        (" a = 1 ;;b=\t2\t", [("a", "1"), ("b", "2")]),
        ("flag; x=\"quoted value\"", [("flag", ""), ("x", "quoted value")]),
        ("a=1; a=3; b=é=ü", [("a", "3"), ("b", "é=ü")]),
        ("", []),
        (";;", []),
        ("x=\"", [("x", "\"")]),
    ] as [(String, [(String, String)])])
    func cookieHeaderParsing(header: String, expected: [(String, String)]) {
        let cookies = SessionCookies(cookieHeader: header)
        #expect(cookies.map(\.name) == expected.map(\.0))
        #expect(cookies.map(\.value) == expected.map(\.1))
    }

    @Test func setCookieLinesKeepNameAndValueAndDropAttributes() {
        let cookies = SessionCookies(setCookieHeaders: [
            "session=abc; Path=/; HttpOnly",
            " turn = 3 ",
            "=nameless; Path=/",
            "no-equals-sign",
            "quoted=\"v 1\"; SameSite=lax",
            "turn=4",
            "ünï=cödé",
        ])
        #expect(cookies.map(\.name) == ["session", "turn", "quoted", "ünï"])
        #expect(cookies.map(\.value) == ["abc", "4", "v 1", "cödé"])
        #expect(cookies.cookieHeader == "session=abc; turn=4; quoted=v 1; ünï=cödé")
    }
}
