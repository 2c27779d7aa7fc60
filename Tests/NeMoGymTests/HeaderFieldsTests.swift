import Testing
import NeMoGym

@Suite struct HeaderFieldsTests {
    @Test func looksUpNamesCaseInsensitively() {
        let headers: HeaderFields = ["Content-Type": "application/json", "X-A": "1"]
        #expect(headers["content-type"] == "application/json")
        #expect(headers["CONTENT-TYPE"] == "application/json")
        #expect(headers["Content-Typf"] == nil)
        #expect(headers.contains("x-a"))
    }

    @Test func keepsRepeatedFieldsInOrder() {
        var headers = HeaderFields()
        headers.add(name: "Set-Cookie", value: "a=1")
        headers.add(name: "Other", value: "x")
        headers.add(name: "set-cookie", value: "b=2")
        #expect(headers.values(for: "SET-COOKIE") == ["a=1", "b=2"])
        #expect(headers.map(\.name) == ["Set-Cookie", "Other", "set-cookie"])
        #expect(headers.count == 3)
    }

    @Test func replacesAndRemovesEveryFieldOfAName() {
        var headers: HeaderFields = ["A": "1", "B": "2", "a": "3"]
        headers["a"] = "9"
        #expect(headers.map(\.name) == ["A", "B"])
        #expect(headers["A"] == "9")
        headers["A"] = nil
        #expect(headers.map(\.name) == ["B"])
    }

    @Test func findsTokensInListFields() {
        let headers: HeaderFields = ["Connection": "Keep-Alive, Upgrade"]
        #expect(headers.containsToken("keep-alive", in: "connection"))
        #expect(headers.containsToken("upgrade", in: "Connection"))
        #expect(!headers.containsToken("close", in: "Connection"))
    }

    @Test func doesNotConfuseNonLettersDifferingByCase() {
        // '@' (0x40) and '`' (0x60) differ only in the 0x20 bit but are not letters.
        let headers: HeaderFields = ["a@b": "1"]
        #expect(headers["a`b"] == nil)
        #expect(headers["A@B"] == "1")
    }
}
