/// The body of a `POST /v1/responses` request (NeMo Gym's `NeMoGymResponseCreateParamsNonStreaming`),
/// kept as the JSON object the client sent.
///
/// Only the keys the client set are present, in their order; nothing is filled in, so forwarding the
/// params to a model server never adds defaults such as `tools: []` or `tool_choice: "auto"`.
public struct ResponseCreateParams: Sendable, Hashable {
    /// The params object, exactly as sent.
    public var json: JSONObject

    /// The top-level keys NeMo Gym accepts; any other key is rejected with `extra_forbidden`.
    ///
    /// This is the field list of NeMo Gym's `NeMoGymResponseCreateParamsNonStreaming`, including the
    /// fields newer releases added to mirror the OpenAI SDK (`conversation`, `prompt_cache_key`, ...).
    public static let knownKeys: Set<String> = [
        "input", "background", "store", "include", "instructions", "previous_response_id", "user",
        "max_output_tokens", "max_tool_calls", "top_logprobs", "metadata", "model", "parallel_tool_calls",
        "prompt", "reasoning", "text", "service_tier", "temperature", "top_p", "tool_choice", "tools",
        "truncation", "stream", "context_management", "conversation", "moderation", "prompt_cache_key",
        "prompt_cache_retention", "safety_identifier", "stream_options",
    ]

    /// Wraps params without validating them.
    public init(unchecked json: JSONObject) {
        self.json = json
    }

    /// Creates params with a string or item input and optional other keys.
    public init(input: ResponseInput, tools: [JSONValue]? = nil, other: JSONObject = [:]) {
        var json: JSONObject = ["input": input.json]
        if let tools { json["tools"] = .array(tools) }
        json.merge(other)
        self.json = json
    }

    /// Validates `value` as create params (the rules of NeMo Gym's Pydantic model of the Responses API create params).
    /// - Parameters:
    ///   - value: the JSON body (or its `responses_create_params`).
    ///   - location: the prefix of issue locations, `["body"]` for `/v1/responses`,
    ///     `["body", "responses_create_params"]` inside a run request.
    /// - Throws: ``RequestValidationError`` naming every offending field.
    public init(validating value: JSONValue, location: [JSONValue] = ["body"]) throws {
        guard let object = value.object else {
            throw RequestValidationError([ValidationIssue(
                type: "model_attributes_type", location: location,
                message: "Input should be a valid dictionary or object to extract fields from", input: value)])
        }
        var issues: [ValidationIssue] = []
        if object["input"] == nil {
            issues.append(ValidationIssue(type: "missing", location: location + ["input"], message: "Field required", input: value))
        }
        for (key, member) in object {
            let loc = location + [.string(key)]
            switch key {
            case "input":
                issues += ResponseCreateParams.inputIssues(member, location: loc)
            case "stream":
                if member != .null, member != .bool(false) {
                    issues.append(ValidationIssue(type: "literal_error", location: loc, message: "Input should be False",
                                                  input: member, context: ["expected": "False"]))
                }
            case "tools":
                if member.array == nil {
                    issues.append(ValidationIssue(type: "list_type", location: loc, message: "Input should be a valid list", input: member))
                }
            case "metadata":
                if let metadata = member.object {
                    for (metaKey, metaValue) in metadata where metaValue.string == nil {
                        issues.append(ValidationIssue(type: "string_type", location: loc + [.string(metaKey)],
                                                      message: "Input should be a valid string", input: metaValue))
                    }
                } else if !member.isNull {
                    issues.append(ValidationIssue(type: "dict_type", location: loc, message: "Input should be a valid dictionary", input: member))
                }
            default:
                if !ResponseCreateParams.knownKeys.contains(key) {
                    issues.append(ValidationIssue(type: "extra_forbidden", location: loc, message: "Extra inputs are not permitted", input: member))
                }
            }
        }
        guard issues.isEmpty else { throw RequestValidationError(issues) }
        self.json = object
    }

    /// The token-id keys NeMo Gym adds to items for training; the first three must come together.
    public static let tokenIDKeys = ["prompt_token_ids", "generation_token_ids", "generation_log_probs"]

    static func inputIssues(_ input: JSONValue, location: [JSONValue]) -> [ValidationIssue] {
        switch input {
        case .string: return []
        case .array(let items):
            var issues: [ValidationIssue] = []
            for (i, item) in items.enumerated() {
                issues += ResponseCreateParams.itemIssues(item, location: location + [.int(i)])
            }
            return issues
        default:
            return [ValidationIssue(type: "string_type", location: location, message: "Input should be a valid string or list of items", input: input)]
        }
    }

    /// Problems with one input item: not an object, partial token metadata, non-string function-call
    /// arguments.
    static func itemIssues(_ item: JSONValue, location: [JSONValue]) -> [ValidationIssue] {
        guard let object = item.object else {
            return [ValidationIssue(type: "model_type", location: location, message: "Input should be a valid dictionary or object", input: item)]
        }
        let present = tokenIDKeys.filter { object[$0] != nil }
        if !present.isEmpty || object["routed_experts"] != nil, present.count < tokenIDKeys.count {
            let missing = tokenIDKeys.filter { object[$0] == nil }
            return [ValidationIssue(
                type: "value_error", location: location,
                message: "Value error, Token metadata must include all required fields; missing: \(missing.joined(separator: ", "))",
                input: item, context: ["error": .string("Token metadata must include all required fields; missing: \(missing.joined(separator: ", "))")])]
        }
        if object["type"]?.string == "function_call", let arguments = object["arguments"], arguments.string == nil {
            return [ValidationIssue(type: "string_type", location: location + ["arguments"], message: "Input should be a valid string", input: arguments)]
        }
        return []
    }

    /// The `input`: a string or a list of items.
    public var input: ResponseInput {
        get { ResponseInput(json["input"] ?? .array([])) }
        set { json["input"] = newValue.json }
    }

    /// The `tools` list, if set.
    public var tools: [JSONValue]? { json["tools"]?.array }

    /// The `model`, if set.
    public var model: String? { json["model"]?.string }
}

/// The `input` of create params: a string or a list of items.
public enum ResponseInput: Sendable, Hashable {
    /// A plain string, which the agent turns into one user message.
    case text(String)
    /// A list of items.
    case items([ResponseItem])

    /// Reads an input value (anything but a string is read as a list of objects; other elements are skipped).
    public init(_ value: JSONValue) {
        if case .string(let s) = value {
            self = .text(s)
        } else {
            self = .items((value.array ?? []).compactMap { $0.object.map(ResponseItem.init) })
        }
    }

    /// The input as JSON.
    public var json: JSONValue {
        switch self {
        case .text(let s): return .string(s)
        case .items(let items): return .array(items.map { .object($0.json) })
        }
    }

    /// The input as items: a string becomes `[{"role": "user", "content": s}]` (no `type` key).
    public var normalizedItems: [ResponseItem] {
        switch self {
        case .text(let s): return [.userMessage(s)]
        case .items(let items): return items
        }
    }
}
