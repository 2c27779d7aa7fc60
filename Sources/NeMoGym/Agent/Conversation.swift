/// The growing model input of one episode, with its wire encoding built incrementally.
///
/// Every step sends the whole conversation (the Responses API is stateless). Instead of re-encoding the
/// history each step, each item is encoded once: the body is kept as one buffer, the encoded params
/// (without `input`), the encoded items, and the closing bytes; appending an item cuts the closing bytes,
/// writes the item and puts them back. Once the previous request is done with the buffer, that happens in
/// place, so a step costs only its new bytes.
struct Conversation {
    private(set) var params: ResponseCreateParams
    private var items: [JSONValue]
    private var body: [UInt8] = []
    private var tail: [UInt8] = []

    init(params: ResponseCreateParams, input: [ResponseItem]) {
        self.params = params
        self.items = input.map { .object($0.json) }
        let writer = JSONWriter()
        // Encode the keys around `input` once, keeping the client's key order.
        let object = params.json
        let inputIndex = object.index(forKey: "input") ?? object.count
        body.append(UInt8(ascii: "{"))
        for i in 0..<inputIndex {
            writer.write(.string(object[i].key), into: &body)
            body.append(UInt8(ascii: ":"))
            writer.write(object[i].value, into: &body)
            body.append(UInt8(ascii: ","))
        }
        body.append(contentsOf: Array(#""input":["#.utf8))
        tail.append(UInt8(ascii: "]"))
        for i in (inputIndex + 1)..<max(inputIndex + 1, object.count) {
            tail.append(UInt8(ascii: ","))
            writer.write(.string(object[i].key), into: &tail)
            tail.append(UInt8(ascii: ":"))
            writer.write(object[i].value, into: &tail)
        }
        tail.append(UInt8(ascii: "}"))
        for (i, item) in items.enumerated() {
            if i > 0 { body.append(UInt8(ascii: ",")) }
            writer.write(item, into: &body)
        }
        body.append(contentsOf: tail)
        self.params.json["input"] = .array(items)
    }

    /// Appends items to the conversation.
    mutating func append(_ newItems: [ResponseItem]) {
        guard !newItems.isEmpty else { return }
        let writer = JSONWriter()
        self.params.json["input"] = .null  // drop the shared reference so `items` appends in place
        body.removeLast(tail.count)
        for item in newItems {
            let value = JSONValue.object(item.json)
            if !items.isEmpty { body.append(UInt8(ascii: ",")) }
            writer.write(value, into: &body)
            items.append(value)
        }
        body.append(contentsOf: tail)
        self.params.json["input"] = .array(items)
    }

    /// The request body: the params with `input` holding every item, compactly encoded. The array shares
    /// the conversation's buffer (no copy).
    var encodedBody: [UInt8] { body }
}
