extension JSONValue {
    /// Parses a JSON document from UTF-8 bytes (`[UInt8]`, `Data`, an `ArraySlice`, ...).
    ///
    /// Leading and trailing whitespace is allowed; anything else after the document is an error.
    /// - Throws: ``JSONParseError`` naming what was expected, with the byte offset, line and column.
    public init<Bytes: Collection<UInt8>>(parsing bytes: Bytes, options: JSONParseOptions = .strict) throws {
        if let value = try bytes.withContiguousStorageIfAvailable({
            try JSONParser.parse($0, options: options)
        }) {
            self = value
        } else {
            self = try Array(bytes).withUnsafeBufferPointer { try JSONParser.parse($0, options: options) }
        }
    }

    /// Parses a JSON document from a string.
    /// - Throws: ``JSONParseError`` naming what was expected, with the byte offset, line and column.
    public init(parsing text: String, options: JSONParseOptions = .strict) throws {
        var text = text
        self = try text.withUTF8 { try JSONParser.parse($0, options: options) }
    }

    /// Parses a JSON document from a substring.
    /// - Throws: ``JSONParseError`` naming what was expected, with the byte offset, line and column.
    public init(parsing text: Substring, options: JSONParseOptions = .strict) throws {
        var text = text
        self = try text.withUTF8 { try JSONParser.parse($0, options: options) }
    }
}
