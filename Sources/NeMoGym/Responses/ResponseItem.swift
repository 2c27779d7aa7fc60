/// One Responses API input or output item, kept as its JSON object with typed accessors.
///
/// Items are forwarded with exactly the keys they had, in order (token ids, vendor fields and hosted tool
/// items survive). The accessors read what the agent loop needs.
public struct ResponseItem: Sendable, Hashable {
    /// The item's JSON object.
    public var json: JSONObject

    /// Wraps a JSON object.
    public init(_ json: JSONObject) {
        self.json = json
    }

    /// The kinds the agent loop distinguishes.
    public enum Kind: Sendable, Hashable {
        /// `message` (also an item with a `role` and no `type`).
        case message
        /// `function_call`.
        case functionCall
        /// `function_call_output`.
        case functionCallOutput
        /// `reasoning`.
        case reasoning
        /// Any other `type` (hosted tool calls and the like), passed through untouched.
        case other(String)
        /// No `type` and no `role`.
        case unknown
    }

    /// The `type` key, if present and a string.
    public var type: String? { json["type"]?.string }

    /// The kind of item.
    public var kind: Kind {
        switch type {
        case "message": return .message
        case "function_call": return .functionCall
        case "function_call_output": return .functionCallOutput
        case "reasoning": return .reasoning
        case .some(let other): return .other(other)
        case nil: return json["role"] != nil ? .message : .unknown
        }
    }

    /// The `role` of a message (`user`, `assistant`, `system`, `developer`).
    public var role: String? { json["role"]?.string }

    /// Whether this is a message with role `assistant` and an explicit `type: "message"` (the stop rule).
    public var isAssistantMessage: Bool { type == "message" && role == "assistant" }

    /// The function name of a `function_call`.
    public var name: String? { json["name"]?.string }

    /// The raw arguments string of a `function_call`.
    public var arguments: String? { json["arguments"]?.string }

    /// The `call_id` of a `function_call` or `function_call_output`.
    public var callID: String? { json["call_id"]?.string }

    /// The `output` of a `function_call_output`.
    public var output: JSONValue? { json["output"] }

    /// The texts of a message's content: the string itself, or each part's `text`.
    public var texts: [String] {
        switch json["content"] {
        case .string(let s): return [s]
        case .array(let parts): return parts.compactMap { $0["text"]?.string }
        default: return []
        }
    }

    /// A user message with string content, as NeMo Gym builds it from a string input (no `type` key).
    public static func userMessage(_ text: String) -> ResponseItem {
        ResponseItem(["role": "user", "content": .string(text)])
    }

    /// An assistant output message with one `output_text` part.
    public static func assistantMessage(_ text: String, id: String = "msg_0") -> ResponseItem {
        ResponseItem([
            "id": .string(id),
            "content": [["annotations": [], "text": .string(text), "type": "output_text"]],
            "role": "assistant", "status": "completed", "type": "message",
        ])
    }

    /// A `function_call` item.
    public static func functionCall(name: String, arguments: String, callID: String, id: String? = nil) -> ResponseItem {
        var object: JSONObject = ["arguments": .string(arguments), "call_id": .string(callID), "name": .string(name), "type": "function_call"]
        if let id { object["id"] = .string(id) }
        return ResponseItem(object)
    }

    /// A `function_call_output` item, keyed as NeMo Gym sends it: `call_id`, `output`, `type`.
    public static func functionCallOutput(callID: String, output: String) -> ResponseItem {
        ResponseItem(["call_id": .string(callID), "output": .string(output), "type": "function_call_output"])
    }
}
