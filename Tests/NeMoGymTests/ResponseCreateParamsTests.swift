import Testing
@testable import NeMoGym

@Suite struct ResponseCreateParamsTests {
    func issues(_ text: String) throws -> [JSONValue] {
        do {
            _ = try ResponseCreateParams(validating: try JSONValue(parsing: text))
            return []
        } catch let error as RequestValidationError {
            return error.issues.map(\.json)
        }
    }

    @Test func missingInputIsReportedAsFastAPIDoes() throws {
        #expect(try issues("{}") == [["type": "missing", "loc": ["body", "input"], "msg": "Field required", "input": [:]]])
    }

    @Test func unknownTopLevelKeysAreForbidden() throws {
        #expect(try issues(#"{"input":"x","foo":1}"#) == [["type": "extra_forbidden", "loc": ["body", "foo"], "msg": "Extra inputs are not permitted", "input": 1]])
        #expect(try issues(#"{"input":"x","seed":1}"#).first?["loc"] == ["body", "seed"])
    }

    @Test(arguments: [
        (#"{"input":"x","stream":true}"#, "stream", "literal_error"),
        (#"{"input":"x","tools":null}"#, "tools", "list_type"),
        (#"{"input":"x","metadata":{"a":1}}"#, "metadata", "string_type"),
        (#"{"input":[{"type":"function_call","name":"f","call_id":"c","arguments":{"a":1}}]}"#, "input", "string_type"),
        (#"{"input":[{"role":"assistant","content":"x","prompt_token_ids":[1]}]}"#, "input", "value_error"),
    ])
    func rejectedFieldsAreNamed(text: String, field: String, type: String) throws {
        let found = try issues(text)
        #expect(found.count == 1)
        #expect(found.first?["type"]?.string == type)
        #expect(found.first?["loc"]?[1]?.string == field)
    }

    @Test func partialTokenMetadataNamesTheMissingFields() throws {
        let found = try issues(#"{"input":[{"role":"assistant","content":"x","prompt_token_ids":[1]}]}"#)
        #expect(found.first?["msg"]?.string == "Value error, Token metadata must include all required fields; missing: generation_token_ids, generation_log_probs")
    }

    @Test func validParamsKeepTheirKeysAndOrder() throws {
        let text = #"{"temperature":0.30,"input":[],"stream":false,"tools":[],"metadata":{"extra_body":"{\"seed\": 1}"}}"#
        let params = try ResponseCreateParams(validating: try JSONValue(parsing: text))
        #expect(JSONValue.object(params.json).jsonString() == text)
        #expect(try issues(#"{"input":""}"#).isEmpty)
    }

    @Test func runRequestLocationsArePrefixed() throws {
        do {
            _ = try RunRequest(validating: try JSONValue(parsing: #"{"responses_create_params":{"input":"x","bad":1}}"#))
            Issue.record("expected an error")
        } catch let error as RequestValidationError {
            #expect(error.issues.first?.location == ["body", "responses_create_params", "bad"])
        }
        do {
            _ = try RunRequest(validating: ["x": 1])
            Issue.record("expected an error")
        } catch let error as RequestValidationError {
            #expect(error.issues.first?.json == ["type": "missing", "loc": ["body", "responses_create_params"], "msg": "Field required", "input": ["x": 1]])
        }
    }
}
