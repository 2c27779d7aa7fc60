import Testing
@testable import NeMoGym

@Suite struct SimilarityTests {
    @Test func ratioMatchesDifflib() {
        // Values from Python: difflib.SequenceMatcher(None, a, b).ratio()
        #expect(Similarity.ratio("abcd", "bcde") == 0.75)
        #expect(abs(Similarity.ratio("swe_agent", "swe_agents") - 0.9473684210526315) < 1e-12)
        #expect(Similarity.ratio("", "") == 1)
        #expect(Similarity.ratio("abc", "xyz") == 0)
    }

    @Test func closeMatchesAreBestFirstAboveTheCutoff() {
        #expect(Similarity.closeMatches("appel", in: ["ape", "apple", "peach", "puppy"]) == ["apple", "ape"])
        #expect(Similarity.closeMatches("zzz", in: ["apple"]).isEmpty)
    }
}
