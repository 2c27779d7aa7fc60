/// The built-in environment of `swift-gym demo`: a resources server with two tools (`get_weather`,
/// `calculate`), a verifier that checks the final answer against the task's `expected_answer`, and a
/// handful of tasks. Everything is Swift code, so the demo needs no files and no network.
public enum DemoEnvironment {
    /// The instance name of the demo agent.
    public static let agentName = "demo_simple_agent"

    /// The demo's weather table: forecast and temperature in °C.
    static let weather: [String: (forecast: String, celsius: Int)] = [
        "paris": ("sunny", 24), "oslo": ("snowy", -3), "cairo": ("sunny", 35), "london": ("rainy", 14), "tokyo": ("cloudy", 19),
    ]

    /// The tools offered to the model.
    public static let tools: [JSONValue] = [
        ["type": "function", "name": "get_weather", "description": "Current weather for a city.",
         "parameters": ["type": "object", "properties": ["city": ["type": "string"]], "required": ["city"], "additionalProperties": false],
         "strict": true],
        ["type": "function", "name": "calculate", "description": "Applies + - * / to two numbers.",
         "parameters": ["type": "object",
                        "properties": ["a": ["type": "number"], "b": ["type": "number"], "op": ["type": "string", "enum": ["+", "-", "*", "/"]]],
                        "required": ["a", "b", "op"], "additionalProperties": false],
         "strict": true],
    ]

    /// The demo tasks: questions, expected answers (checked as a case-insensitive substring of the final
    /// answer). Two are hard for the demo policy: one city it cannot look up, one power it usually gets
    /// wrong.
    public static let questions: [(question: String, expected: String)] = [
        ("What is the weather in Paris?", "sunny"),
        ("What is the weather in Oslo?", "snowy"),
        ("What is 17 * 23?", "391"),
        ("What is 1234 + 5678?", "6912"),
        ("Is it warmer in Cairo than in London?", "yes"),
        ("What is the weather in Atlantis?", "stormy"),
        ("What is 2 to the power of 10?", "1024"),
    ]

    /// The task rows, one JSON object each, as they would appear in an input JSONL file.
    public static var taskRows: [JSONObject] {
        questions.map { task in
            [
                "responses_create_params": ["input": [["role": "user", "content": .string(task.question)]], "tools": .array(tools)],
                "expected_answer": .string(task.expected),
            ]
        }
    }

    /// The task rows as JSONL text.
    public static var taskJSONL: [UInt8] {
        taskRows.flatMap { JSONValue.object($0).jsonBytes() + [0x0A] }
    }

    /// A fresh resources server with the demo tools and verifier.
    public static func resources() -> InProcessResourcesClient {
        InProcessResourcesClient(
            tools: [
                "get_weather": .json { arguments in
                    let city = arguments["city"]?.string ?? ""
                    guard let entry = weather[city.lowercased()] else { return ["error": .string("unknown city '\(city)'")] }
                    return ["city": .string(city), "forecast": .string(entry.forecast), "temperature_c": .int(entry.celsius)]
                },
                "calculate": .json { arguments in
                    guard let a = arguments["a"]?.double, let b = arguments["b"]?.double, let op = arguments["op"]?.string else {
                        return ["error": "calculate needs numbers 'a', 'b' and an 'op'"]
                    }
                    let result: Double
                    switch op {
                    case "+": result = a + b
                    case "-": result = a - b
                    case "*": result = a * b
                    case "/": guard b != 0 else { return ["error": "division by zero"] }; result = a / b
                    default: return ["error": .string("unknown op '\(op)'")]
                    }
                    return ["result": result == result.rounded() && abs(result) < 1e15 ? .int(Int(result)) : .double(result)]
                },
            ],
            reward: { request in
                let expected = request.json["expected_answer"]?.string?.lowercased() ?? ""
                let answer = request.response.outputText.lowercased()
                return !expected.isEmpty && answer.contains(expected) ? 1 : 0
            })
    }

    /// The demo agent: a ``SimpleAgent`` over the demo resources and the ``DemoPolicyModel``.
    public static func agent() -> SimpleAgent {
        SimpleAgent(configuration: .init(name: agentName, maxSteps: 6), model: DemoPolicyModel(), resources: resources())
    }
}
