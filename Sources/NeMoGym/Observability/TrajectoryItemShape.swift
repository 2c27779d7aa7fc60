/// The shape a Responses item takes inside NeMo Gym's `ng_trajectory`: the item validated as
/// `NeMoGymResponseInputItem` (pydantic's smart union) and dumped with `model_dump(mode="json")`.
///
/// The Python agent's trajectory holds pydantic models, so its items carry every declared field in
/// declaration order, with defaults filled in and unknown keys dropped: a `function_call_output` sent as
/// `{"call_id", "output", "type"}` reads `{"call_id", "output", "type", "id": null, "status": null}`
/// there, a user message without `type` gains `"type": "message"`, and an `output_text` part gains
/// `"logprobs": null`. The agent's response is not touched: only the trajectory uses this shape.
///
/// Covered as the reference declares them (`nemo_gym/openai_utils.py`, openai 2.7.2): easy input
/// messages, input messages, output messages, function calls and their outputs, reasoning items, and
/// their `ForTraining` variants (token ids first), MCP calls and approvals, custom tool calls and their
/// outputs, image generation calls and local shell outputs. Union members are chosen as pydantic's smart mode
/// chooses them: the valid member with the most fields set from the input, the first on a tie. Other
/// hosted item types (web and file search, computer use, code interpreter, local shell calls, MCP tool
/// lists) and items no member accepts are kept as they are.
///
/// ```swift
/// let item = TrajectoryItemShape.normalized(.functionCallOutput(callID: "c1", output: "ok"))
/// print(JSONValue.object(item).jsonString())
/// // {"call_id":"c1","output":"ok","type":"function_call_output","id":null,"status":null}
/// ```
public enum TrajectoryItemShape {
    /// The item as the Python trajectory dumps it.
    public static func normalized(_ item: ResponseItem) -> JSONObject {
        normalized(item.json)
    }

    /// The item object as the Python trajectory dumps it.
    public static func normalized(_ item: JSONObject) -> JSONObject {
        let value = JSONValue.object(item)
        if !tokenMetadataIsAtomic(item) { return item }
        var best: (value: JSONValue, fieldsSet: Int)? = nil
        for member in inputItemMembers {
            guard let result = member.validate(value) else { continue }
            if best == nil || result.fieldsSet > best!.fieldsSet { best = result }
        }
        return best?.value.object ?? item
    }

    // MARK: - Checks

    /// Validates a value and returns its dumped form, or `nil` when pydantic would refuse it.
    typealias Check = @Sendable (JSONValue) -> JSONValue?

    static let string: Check = { value in value.string != nil ? value : JSONValue?.none }
    static let integer: Check = { value in
        guard case .number(let n) = value else { return nil }
        if n.isInteger { return value }
        if let d = n.doubleValue, d.isFinite, d == d.rounded() { return .number(JSONNumber(Int(d))) }
        return nil
    }
    static let float: Check = { value in
        guard case .number(let n) = value, let d = n.doubleValue else { return nil }
        return .double(d)
    }
    static let any: Check = { value in value }

    static func literal(_ allowed: String...) -> Check {
        { value in value.string.map { allowed.contains($0) } == true ? value : JSONValue?.none }
    }

    static func optional(_ check: @escaping Check) -> Check {
        { value in value.isNull ? JSONValue?.some(value) : check(value) }
    }

    static func list(_ check: @escaping Check) -> Check {
        { value in
            guard case .array(let items) = value else { return nil }
            var out: [JSONValue] = []
            out.reserveCapacity(items.count)
            for item in items {
                guard let checked = check(item) else { return nil }
                out.append(checked)
            }
            return .array(out)
        }
    }

    static func either(_ checks: Check...) -> Check {
        { value in
            for check in checks { if let result = check(value) { return result } }
            return nil
        }
    }

    /// A `TypedDict`: declared keys only, in declaration order, present ones only.
    static func typedDict(_ fields: [(name: String, check: Check, required: Bool)]) -> Check {
        { value in
            guard case .object(let object) = value else { return nil }
            var out = JSONObject()
            for field in fields {
                if let member = object[field.name] {
                    guard let checked = field.check(member) else { return nil }
                    out.appendUnchecked(field.name, checked)
                } else if field.required {
                    return nil
                }
            }
            return .object(out)
        }
    }

    /// A pydantic model.
    struct Model: Sendable {
        /// Declared fields in order; `defaultValue == nil` means required.
        var fields: [(name: String, check: Check, defaultValue: JSONValue?)]
        /// `extra="allow"` (the openai SDK's models): unknown keys are kept after the fields.
        var keepsExtras = false

        func validate(_ value: JSONValue) -> (value: JSONValue, fieldsSet: Int)? {
            guard case .object(let object) = value else { return nil }
            var out = JSONObject()
            var set = 0
            for field in fields {
                if let member = object[field.name] {
                    guard let checked = field.check(member) else { return nil }
                    out.appendUnchecked(field.name, checked)
                    set += 1
                } else if let defaultValue = field.defaultValue {
                    out.appendUnchecked(field.name, defaultValue)
                } else {
                    return nil
                }
            }
            if keepsExtras {
                let declared = Set(fields.map(\.name))
                for (key, member) in object where !declared.contains(key) {
                    out.appendUnchecked(key, member)
                    set += 1
                }
            }
            return (.object(out), set)
        }

        var check: Check {
            let model = self
            return { model.validate($0)?.value }
        }

        /// The model with the token-id mixin's fields first (`class X(Base, TokenIDLogProbMixin)`).
        var forTraining: Model {
            Model(fields: TrajectoryItemShape.tokenFields + fields, keepsExtras: keepsExtras)
        }
    }

    /// A union of models, chosen as pydantic's smart mode chooses.
    static func smartUnion(_ models: [Model]) -> Check {
        { value in
            var best: (value: JSONValue, fieldsSet: Int)? = nil
            for model in models {
                guard let result = model.validate(value) else { continue }
                if best == nil || result.fieldsSet > best!.fieldsSet { best = result }
            }
            return best?.value
        }
    }

    // MARK: - The reference's types

    static let tokenFields: [(name: String, check: Check, defaultValue: JSONValue?)] = [
        ("prompt_token_ids", list(integer), nil),
        ("generation_token_ids", list(integer), nil),
        ("generation_log_probs", list(float), nil),
        ("routed_experts", any, .null),
    ]

    static let status = optional(literal("in_progress", "completed", "incomplete"))

    static let inputText = typedDict([("text", string, true), ("type", literal("input_text"), true)])
    static let inputImage = typedDict([("detail", literal("low", "high", "auto"), true), ("type", literal("input_image"), true),
                                       ("file_id", optional(string), false), ("image_url", optional(string), false)])
    static let inputFile = typedDict([("type", literal("input_file"), true), ("file_data", string, false),
                                      ("file_id", optional(string), false), ("file_url", string, false), ("filename", string, false)])
    static let inputVideo: Check = { value in
        // NeMoGymInputVideoPart with its before-validator: exactly one non-empty source.
        guard case .object(let object) = value, object["type"]?.string == "input_video" else { return nil }
        let sources = ["video_url", "video"].filter { object[$0] != nil }
        guard sources.count == 1, let source = object[sources[0]] else { return nil }
        let url = source.object?["url"] ?? source
        guard let text = url.string, !text.allSatisfy(\.isWhitespace) else { return nil }
        let check = typedDict([("type", literal("input_video"), true), ("video_url", either(string, objectCheck), false),
                               ("video", either(string, objectCheck), false)])
        return check(value)
    }
    static let objectCheck: Check = { value in value.object != nil ? value : JSONValue?.none }
    static let inputContentList = list(either(inputText, inputImage, inputFile, inputVideo))

    static let outputItemList = list(either(
        inputText,
        typedDict([("type", literal("input_image"), true), ("detail", optional(literal("low", "high", "auto")), false),
                   ("file_id", optional(string), false), ("image_url", optional(string), false)]),
        typedDict([("type", literal("input_file"), true), ("file_data", optional(string), false), ("file_id", optional(string), false),
                   ("file_url", optional(string), false), ("filename", optional(string), false)])))

    static let annotation = either(
        typedDict([("file_id", string, true), ("filename", string, true), ("index", integer, true), ("type", literal("file_citation"), true)]),
        typedDict([("end_index", integer, true), ("start_index", integer, true), ("title", string, true),
                   ("type", literal("url_citation"), true), ("url", string, true)]),
        typedDict([("container_id", string, true), ("end_index", integer, true), ("file_id", string, true), ("filename", string, true),
                   ("start_index", integer, true), ("type", literal("container_file_citation"), true)]),
        typedDict([("file_id", string, true), ("index", integer, true), ("type", literal("file_path"), true)]))
    static let topLogprob = typedDict([("token", string, true), ("bytes", list(integer), true), ("logprob", float, true)])
    static let logprob = typedDict([("token", string, true), ("bytes", list(integer), true), ("logprob", float, true),
                                    ("top_logprobs", list(topLogprob), true)])

    static let outputText = Model(fields: [("annotations", list(annotation), nil), ("text", string, nil),
                                           ("type", literal("output_text"), .string("output_text")),
                                           ("logprobs", optional(list(logprob)), .null)])
    static let refusal = Model(fields: [("refusal", string, nil), ("type", literal("refusal"), .string("refusal"))])
    static let summary = Model(fields: [("text", string, nil), ("type", literal("summary_text"), nil)], keepsExtras: true)
    static let reasoningContent = Model(fields: [("text", string, nil), ("type", literal("reasoning_text"), nil)], keepsExtras: true)

    static let easyInputMessage = Model(fields: [
        ("content", either(string, inputContentList), nil),
        ("role", literal("user", "assistant", "system", "developer"), nil),
        ("type", literal("message"), .string("message")),
    ])
    static let message = Model(fields: [
        ("content", inputContentList, nil),
        ("role", literal("user", "system", "developer"), nil),
        ("status", literal("in_progress", "completed", "incomplete"), .string("completed")),
        ("type", literal("message"), .string("message")),
    ])
    static let outputMessage = Model(fields: [
        ("id", string, nil),
        ("content", list(smartUnion([outputText, refusal])), nil),
        ("role", literal("assistant"), .string("assistant")),
        ("status", literal("in_progress", "completed", "incomplete"), .string("completed")),
        ("type", literal("message"), .string("message")),
    ])
    static let functionToolCall = Model(fields: [
        ("arguments", string, nil), ("call_id", string, nil), ("name", string, nil),
        ("type", literal("function_call"), .string("function_call")),
        ("id", optional(string), .null), ("status", status, .null),
    ])
    static let functionCallOutput = Model(fields: [
        ("call_id", string, nil), ("output", either(string, outputItemList), nil),
        ("type", literal("function_call_output"), .string("function_call_output")),
        ("id", optional(string), .null), ("status", status, .null),
    ])
    static let reasoningItem = Model(fields: [
        ("id", string, nil), ("summary", list(summary.check), nil),
        ("type", literal("reasoning"), .string("reasoning")),
        ("encrypted_content", optional(string), .null),
        ("content", optional(list(reasoningContent.check)), .null),
    ])

    // The openai SDK's hosted and custom tool items (`extra="allow"`), with NeMo Gym's relaxed MCP fields.
    static let mcpCall = Model(fields: [
        ("id", optional(string), .null), ("arguments", string, nil), ("name", string, nil),
        ("server_label", optional(string), .null), ("type", literal("mcp_call"), .string("mcp_call")),
        ("approval_request_id", optional(string), .null), ("error", optional(string), .null),
        ("output", optional(string), .null), ("status", optional(string), .null),
    ], keepsExtras: true)
    static let mcpApprovalRequest = Model(fields: [
        ("id", optional(string), .null), ("arguments", string, nil), ("name", string, nil),
        ("server_label", optional(string), .null), ("type", literal("mcp_approval_request"), .string("mcp_approval_request")),
    ], keepsExtras: true)
    static let imageGenerationCall = Model(fields: [
        ("id", string, nil), ("result", optional(string), .null),
        ("status", literal("in_progress", "completed", "generating", "failed"), nil),
        ("type", literal("image_generation_call"), nil),
    ], keepsExtras: true)
    static let customToolCall = Model(fields: [
        ("call_id", string, nil), ("input", string, nil), ("name", string, nil),
        ("type", literal("custom_tool_call"), nil), ("id", optional(string), .null),
    ], keepsExtras: true)
    static let customToolCallOutput = Model(fields: [
        ("call_id", string, nil), ("output", either(string, list(any)), nil),
        ("type", literal("custom_tool_call_output"), nil), ("id", optional(string), .null),
    ], keepsExtras: true)
    static let localShellCallOutput = Model(fields: [
        ("id", string, nil), ("output", string, nil), ("type", literal("local_shell_call_output"), nil),
        ("status", status, .null),
    ], keepsExtras: true)
    static let mcpApprovalResponse = Model(fields: [
        ("approval_request_id", string, nil), ("approve", { $0.bool != nil ? $0 : JSONValue?.none }, nil),
        ("type", literal("mcp_approval_response"), nil), ("id", optional(string), .null), ("reason", optional(string), .null),
    ], keepsExtras: true)

    /// The members of `NeMoGymResponseInputItem` modelled here, in the union's order. Not modelled (kept
    /// as they are): `mcp_list_tools`, `file_search_call`, `web_search_call`, `computer_call`,
    /// `code_interpreter_call`, `local_shell_call`, `computer_call_output`.
    static let inputItemMembers: [Model] = [
        easyInputMessage, message, outputMessage, functionToolCall, functionCallOutput, reasoningItem,
        mcpCall, mcpApprovalRequest, imageGenerationCall, customToolCall, customToolCallOutput,
        localShellCallOutput, mcpApprovalResponse,
        easyInputMessage.forTraining, message.forTraining, outputMessage.forTraining,
        functionToolCall.forTraining, reasoningItem.forTraining,
    ]

    /// `_validate_atomic_token_metadata`: an item with any token field needs all three required ones.
    static func tokenMetadataIsAtomic(_ item: JSONObject) -> Bool {
        let required = ["prompt_token_ids", "generation_token_ids", "generation_log_probs"]
        let present = (required + ["routed_experts"]).filter { item[$0] != nil }
        return present.isEmpty || required.allSatisfy { item[$0] != nil }
    }
}
