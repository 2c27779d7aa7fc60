// json-bench: measures NeMoGym's JSON parser and printer in a release build.
//
//     swift run -c release json-bench            # a built-in ~200 KB Responses-style document
//     swift run -c release json-bench FILE.json  # any JSON document
//
// Each case gets a few warm-up runs, then at least 1.5 s of timed iterations; the median is reported.
// MB = 10^6 bytes: of input for parsing, of output for printing.

import Foundation
import NeMoGym

/// A deterministic pseudo-random generator (SplitMix64), so every run builds the same document.
struct SplitMix64 {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
}

/// Builds an OpenAI Responses-style document of about 200 KB: 72 output items (messages with long texts,
/// non-ASCII and escapes, url_citation annotations; function_call items with JSON-string arguments),
/// tools, usage and metadata.
func makeResponsesDocument() -> JSONValue {
    var rng = SplitMix64(state: 42)
    let words = [
        "the", "agent", "calls", "a", "tool", "and", "reads", "its", "output", "before", "answering", "model",
        "reward", "verify", "rollout", "résumé", "naïve", "café", "Straße", "東京", "データ", "모델", "😀", "🚀",
        "path/to/file", "C:\\temp", "\"quoted\"", "tab\there", "line\nbreak", "x < y && y > z", "100%",
        "α+β=γ", "€12.50", "—", "…", "ok", "result", "because", "should", "function", "value", "returns", "which",
        "search", "query", "then", "with", "from", "this", "that", "answer", "final", "step", "first", "second",
        "number", "list", "items", "given", "where", "when", "there", "their", "about", "would", "could",
    ]
    func sentence(_ count: Int) -> String {
        var parts: [String] = []
        parts.reserveCapacity(count)
        for _ in 0..<count { parts.append(words[rng.below(words.count)]) }
        return parts.joined(separator: " ") + "."
    }
    func text(_ sentences: Int) -> String {
        (0..<sentences).map { _ in sentence(8 + rng.below(12)) }.joined(separator: " ")
    }

    var output: [JSONValue] = []
    for i in 0..<72 {
        if i % 3 == 2 {
            let arguments: JSONValue = [
                "query": .string(sentence(6)),
                "max_results": .int(1 + rng.below(20)),
                "filters": ["lang": "en", "since": "2024-01-01", "score": .double(Double(rng.below(1000)) / 7)],
                "path": "/tmp/work/\(i)/notes.md",
            ]
            output.append([
                "type": "function_call",
                "id": .string("fc_\(String(rng.next(), radix: 16))"),
                "call_id": .string("call_\(String(rng.next(), radix: 36))"),
                "name": .string(i % 2 == 0 ? "web_search" : "read_file"),
                "arguments": .string(arguments.jsonString()),
                "status": "completed",
            ])
        } else {
            var annotations: [JSONValue] = []
            for k in 0..<(1 + rng.below(4)) {
                annotations.append([
                    "type": "url_citation",
                    "start_index": .int(k * 40),
                    "end_index": .int(k * 40 + 25),
                    "url": .string("https://example.com/articles/\(rng.below(100_000))?ref=gym&lang=en"),
                    "title": .string(sentence(5)),
                ])
            }
            output.append([
                "type": "message",
                "id": .string("msg_\(String(rng.next(), radix: 16))"),
                "role": "assistant",
                "status": "completed",
                "content": [
                    [
                        "type": "output_text",
                        "text": .string(text(38)),
                        "annotations": .array(annotations),
                        "logprobs": [],
                    ]
                ],
            ])
        }
    }
    let tools: [JSONValue] = ["web_search", "read_file"].map { name in
        [
            "type": "function", "name": .string(name), "description": .string(sentence(12)), "strict": true,
            "parameters": [
                "type": "object",
                "properties": ["query": ["type": "string"], "max_results": ["type": "integer", "minimum": 1]],
                "required": ["query"], "additionalProperties": false,
            ],
        ]
    }
    return [
        "id": "resp_0123456789abcdef",
        "object": "response",
        "created_at": 1_735_000_000,
        "status": "completed",
        "model": "nemotron-super-49b",
        "output": .array(output),
        "parallel_tool_calls": true,
        "temperature": 1.0,
        "top_p": 0.95,
        "tool_choice": "auto",
        "tools": .array(tools),
        "usage": [
            "input_tokens": 123_456, "input_tokens_details": ["cached_tokens": 1024],
            "output_tokens": 7890, "output_tokens_details": ["reasoning_tokens": 512], "total_tokens": 131_346,
        ],
        "metadata": ["task": "bench", "seed": "12345678901234567890", "ratio": .number(JSONNumber(unchecked: "1e-06"))],
    ]
}

/// Runs `body` for warm-up, then for at least `seconds`; returns the median time of one run in seconds.
func medianSeconds(seconds: Double = 1.5, _ body: () throws -> Void) rethrows -> Double {
    for _ in 0..<3 { try body() }
    var samples: [Double] = []
    let clock = ContinuousClock()
    let begin = clock.now
    while samples.count < 5 || (clock.now - begin) < .milliseconds(Int64(seconds * 1000)) {
        let start = clock.now
        try body()
        let d = clock.now - start
        samples.append(Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18)
    }
    samples.sort()
    return samples[samples.count / 2]
}

func report(_ label: String, bytes: Int, seconds: Double) {
    let mbps = Double(bytes) / 1e6 / seconds
    let padded = label.padding(toLength: 26, withPad: " ", startingAt: 0)
    print("\(padded) \(String(format: "%8.1f", mbps)) MB/s   (\(String(format: "%.3f", seconds * 1000)) ms, \(bytes) B)")
}

// JSON_BENCH_ONLY=parse|print limits the run to one kind of case (for profiling).
let only = ProcessInfo.processInfo.environment["JSON_BENCH_ONLY"]
let arguments = CommandLine.arguments.dropFirst()
let input: [UInt8]
if let path = arguments.first {
    guard let data = FileManager.default.contents(atPath: path) else {
        FileHandle.standardError.write(Data("error: cannot read \(path)\n".utf8))
        exit(1)
    }
    input = [UInt8](data)
    print("document: \(path), \(input.count) bytes")
} else {
    input = makeResponsesDocument().jsonBytes()
    print("document: built-in Responses document, \(input.count) bytes")
}

do {
    let value = try JSONValue(parsing: input)
    guard try JSONValue(parsing: value.jsonBytes()) == value else {
        print("error: parse(print(x)) != x")
        exit(1)
    }
    var sink = 0
    if only != "print" {
    let parse = try medianSeconds { sink &+= try JSONValue(parsing: input).isNull ? 1 : 2 }
    report("parse", bytes: input.count, seconds: parse)
    let lenient = try medianSeconds {
        sink &+= try JSONValue(parsing: input, options: .pythonCompatible).isNull ? 1 : 2
    }
    report("parse (pythonCompatible)", bytes: input.count, seconds: lenient)
    }
    if only != "parse" {
    for (name, style) in [("compact", JSONWriter.Style.compact), ("python", .python), ("indented", .indented)] {
        let size = value.jsonBytes(style: style).count
        let time = medianSeconds { sink &+= value.jsonBytes(style: style).count }
        report("print \(name)", bytes: size, seconds: time)
    }
    let stringTime = medianSeconds { sink &+= value.jsonString().utf8.count }
    report("print compact as String", bytes: input.count, seconds: stringTime)
    }
    if sink == 42 { print("") }
} catch {
    print("error: \(error)")
    exit(1)
}
