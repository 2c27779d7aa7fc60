import Testing
@testable import NeMoGym

@Suite struct JSONValueTests {
    @Test func keepsKeyOrderAndNumberText() throws {
        let text = #"{"zeta":1,"alpha":1.0,"mid":1e-06,"big":12345678901234567890123,"url":"http://a/b"}"#
        let value = try JSONValue(parsing: text)
        #expect(value.jsonString() == text)
        #expect(value["alpha"]?.number?.text == "1.0")
        #expect(value["big"]?.int64 == nil)
        #expect(value["zeta"]?.int64 == 1)
    }
}
