import Foundation

/// The scripted policy of `swift-gym demo`: a ``ModelClient`` that decides deterministically from the
/// conversation, as a small tool-using model would. It reads the question, calls the right tool with
/// arguments taken from the text (twice for a comparison), then answers from the tool output.
///
/// It is imperfect on purpose: it cannot answer for unknown cities, and for a power it has no tool for,
/// it answers correctly only when the request's seed (`metadata.extra_body`) is a multiple of 3, so
/// rewards vary across repeats.
public struct DemoPolicyModel: ModelClient {
    /// Creates the policy.
    public init() {}

    public func createResponse(_ request: ModelRequest) async throws -> ModelReply {
        let items = request.params.input.normalizedItems
        let question = items.first { $0.role == "user" }?.texts.joined() ?? ""
        let outputs = items.filter { $0.type == "function_call_output" }.compactMap { item -> JSONValue? in
            guard let text = item.output?.string else { return nil }
            return try? JSONValue(parsing: text)
        }
        let turn = items.filter { $0.type == "function_call" }.count
        let item = decide(question: question, outputs: outputs, turn: turn, seed: Self.seed(of: request.params))
        let inputText = items.map { JSONValue.object($0.json).jsonString() }.joined()
        let outputText = JSONValue.object(item.json).jsonString()
        let usage = ResponseUsage(inputTokens: inputText.utf8.count / 4, outputTokens: max(outputText.utf8.count / 4, 1))
        let response = ModelResponse.make(id: "demo_resp_\(turn + 1)", model: "demo-policy", output: [item], usage: usage)
        return ModelReply(body: .object(response.json))
    }

    private func decide(question: String, outputs: [JSONValue], turn: Int, seed: Int) -> ResponseItem {
        let lower = question.lowercased()
        let words = Self.words(of: question)
        func call(_ name: String, _ arguments: JSONValue) -> ResponseItem {
            .functionCall(name: name, arguments: arguments.jsonString(), callID: "call_\(turn + 1)", id: "fc_\(turn + 1)")
        }
        if lower.contains("warmer in"), let cities = Self.citiesAfter(["in"], in: words), cities.count >= 2 {
            if outputs.count < 2 { return call("get_weather", ["city": .string(cities[outputs.count])]) }
            guard let t0 = outputs[0]["temperature_c"]?.double, let t1 = outputs[1]["temperature_c"]?.double else {
                return .assistantMessage("I could not compare the weather of \(cities[0]) and \(cities[1]).")
            }
            let verdict = t0 > t1 ? "Yes" : "No"
            return .assistantMessage("\(verdict), \(cities[0]) is \(Int(t0))°C and \(cities[1]) is \(Int(t1))°C.")
        }
        if lower.contains("weather in"), let city = Self.citiesAfter(["in"], in: words)?.first {
            guard let result = outputs.first else { return call("get_weather", ["city": .string(city)]) }
            guard let forecast = result["forecast"]?.string, let t = result["temperature_c"]?.int else {
                return .assistantMessage("Sorry, I could not find the weather for \(city).")
            }
            return .assistantMessage("It is \(forecast) in \(city), \(t)°C.")
        }
        let numbers = words.compactMap { Double($0) }
        if numbers.count >= 2 {
            let a = numbers[0], b = numbers[1]
            let power = lower.contains("power")
            if power, seed % 3 == 0 { return .assistantMessage("\(Self.text(a)) to the power of \(Self.text(b)) is \(Self.text(Foundation.pow(a, b))).") }
            let op = power ? "*" : lower.contains("+") || lower.contains("plus") ? "+" : lower.contains("-") || lower.contains("minus") ? "-"
                : lower.contains("/") || lower.contains("divided") ? "/" : "*"
            guard let result = outputs.first else { return call("calculate", ["a": .double(a), "b": .double(b), "op": .string(op)]) }
            let value = result["result"].map { $0.jsonString() } ?? "unknown"
            return .assistantMessage(power ? "\(Self.text(a)) to the power of \(Self.text(b)) is \(value)."
                                           : "\(Self.text(a)) \(op) \(Self.text(b)) = \(value).")
        }
        return .assistantMessage("I don't know how to answer that.")
    }

    // MARK: - Text helpers

    static func words(of text: String) -> [String] {
        text.split { $0 == " " || $0 == "?" || $0 == "," || $0 == "!" }.map(String.init)
    }

    /// The capitalised words that follow `markers` (e.g. the cities after "in").
    static func citiesAfter(_ markers: Set<String>, in words: [String]) -> [String]? {
        var cities: [String] = []
        for (i, word) in words.enumerated() where markers.contains(word.lowercased()) && i + 1 < words.count {
            let next = words[i + 1]
            if let first = next.first, first.isUppercase { cities.append(next) }
        }
        return cities.isEmpty ? nil : cities
    }

    static func seed(of params: ResponseCreateParams) -> Int {
        guard let text = params.json["metadata"]?["extra_body"]?.string, let value = try? JSONValue(parsing: text) else { return 0 }
        return value["seed"]?.int ?? 0
    }

    static func text(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }
}
