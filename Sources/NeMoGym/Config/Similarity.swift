/// String similarity as Python's `difflib` measures it (Ratcliff–Obershelp), for "did you mean" hints and
/// fuzzy search.
///
/// ```swift
/// print(Similarity.ratio("swe_agent", "swe_agents"))                  // ≈ 0.947
/// print(Similarity.closeMatches("polcy_model", in: ["policy_model"]))  // ["policy_model"]
/// ```
package enum Similarity {
    /// `difflib.SequenceMatcher(None, a, b).ratio()`: twice the matched characters over the total length
    /// (1 for equal strings, 0 when nothing matches). Compares Unicode scalars; no junk heuristic.
    package static func ratio(_ a: String, _ b: String) -> Double {
        let x = Array(a.unicodeScalars)
        let y = Array(b.unicodeScalars)
        let total = x.count + y.count
        guard total > 0 else { return 1 }
        return 2 * Double(matchingCount(x[...], y[...])) / Double(total)
    }

    /// `difflib.get_close_matches(word, candidates, n, cutoff)`: the best candidates scoring at least
    /// `cutoff`, best first; equal scores keep the candidates' order.
    package static func closeMatches(_ word: String, in candidates: [String], count: Int = 3,
                                    cutoff: Double = 0.6) -> [String] {
        let scored = candidates.enumerated().compactMap { index, candidate -> (Double, Int, String)? in
            let score = ratio(word, candidate)
            return score >= cutoff ? (score, index, candidate) : nil
        }
        return scored.sorted { $0.0 != $1.0 ? $0.0 > $1.0 : $0.1 < $1.1 }.prefix(count).map { $0.2 }
    }

    /// The number of matched elements: the longest common block, then recursively left and right of it.
    private static func matchingCount(_ a: ArraySlice<Unicode.Scalar>, _ b: ArraySlice<Unicode.Scalar>) -> Int {
        guard !a.isEmpty, !b.isEmpty else { return 0 }
        // Longest common substring, earliest in `a` then in `b` (difflib's find_longest_match).
        var best = (i: a.startIndex, j: b.startIndex, size: 0)
        var previous = [Int](repeating: 0, count: b.count + 1)
        for i in a.indices {
            var current = [Int](repeating: 0, count: b.count + 1)
            for (offset, j) in b.indices.enumerated() where a[i] == b[j] {
                let size = previous[offset] + 1
                current[offset + 1] = size
                if size > best.size {
                    best = (i - size + 1, j - size + 1, size)
                }
            }
            previous = current
        }
        guard best.size > 0 else { return 0 }
        let left = matchingCount(a[a.startIndex..<best.i], b[b.startIndex..<best.j])
        let right = matchingCount(a[(best.i + best.size)...], b[(best.j + best.size)...])
        return best.size + left + right
    }
}
