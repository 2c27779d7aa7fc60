import Testing
@testable import NeMoGym

@Suite struct ResponseUsageTests {
    func usage(_ i: Int, _ o: Int, cached: JSONValue? = 0, reasoning: JSONValue? = 0) -> ResponseUsage {
        var json: JSONObject = ["input_tokens": .int(i), "output_tokens": .int(o), "total_tokens": .int(i + o)]
        if let cached { json["input_tokens_details"] = ["cached_tokens": cached] }
        if let reasoning { json["output_tokens_details"] = ["reasoning_tokens": reasoning] }
        return ResponseUsage(json)
    }

    @Test func nilPlusXIsX() {
        #expect(ResponseUsage.accumulate(nil, usage(1, 2)) == usage(1, 2))
        #expect(ResponseUsage.accumulate(usage(1, 2), nil) == usage(1, 2))
        #expect(ResponseUsage.accumulate(nil, nil) == nil)
    }

    @Test func countsAddUp() {
        let sum = ResponseUsage.accumulate(usage(1, 2, cached: 3, reasoning: 4), usage(10, 20, cached: 30, reasoning: 40))
        #expect(sum?.inputTokens == 11)
        #expect(sum?.totalTokens == 33)
        #expect(sum?.cachedTokens == 33)
        #expect(sum?.reasoningTokens == 44)
    }

    @Test func aNullInnerCountPoisonsTheSumInEitherOrder() {
        #expect(ResponseUsage.accumulate(usage(1, 1, cached: .null), usage(1, 1))?.json["input_tokens_details"] == ["cached_tokens": nil])
        #expect(ResponseUsage.accumulate(usage(1, 1), usage(1, 1, reasoning: .null))?.json["output_tokens_details"] == ["reasoning_tokens": nil])
    }

    @Test func aMissingDetailsObjectIsAsymmetric() {
        // Missing on the added side: the total keeps its value.
        let keep = ResponseUsage.accumulate(usage(1, 1, reasoning: 1), usage(1, 1, reasoning: Optional<JSONValue>.none))
        #expect(keep?.reasoningTokens == 1)
        // Missing on the total: it stays missing.
        let missing = ResponseUsage.accumulate(usage(1, 1, reasoning: Optional<JSONValue>.none), usage(1, 1, reasoning: 5))
        #expect(missing?.json["output_tokens_details"] == nil)
    }

    @Test func sumStartsFromZeros() {
        let total = ResponseUsage.sum([usage(1, 2), usage(100, 200)])
        #expect(total.json == ["input_tokens": 101, "input_tokens_details": ["cached_tokens": 0], "output_tokens": 202,
                               "output_tokens_details": ["reasoning_tokens": 0], "total_tokens": 303])
    }

    @Test(arguments: [
        (#"{"input_tokens":1,"output_tokens":1,"total_tokens":2}"#, false),
        (#"{"input_tokens":1,"input_tokens_details":{"cached_tokens":null},"output_tokens":1,"output_tokens_details":{"reasoning_tokens":0},"total_tokens":2}"#, true),
        (#"{"input_tokens":1,"input_tokens_details":{},"output_tokens":1,"output_tokens_details":{"reasoning_tokens":0},"total_tokens":2}"#, false),
        (#"{"input_tokens":"1","input_tokens_details":{"cached_tokens":0},"output_tokens":1,"output_tokens_details":{"reasoning_tokens":0},"total_tokens":2}"#, false),
    ])
    func wireShapeIsChecked(text: String, valid: Bool) throws {
        #expect((ResponseUsage.problem(in: try JSONValue(parsing: text)) == nil) == valid)
    }
}
