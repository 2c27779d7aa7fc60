/// An HTTP request method such as `GET` or `POST`.
///
/// Methods are case-sensitive tokens; any token a client sends is representable.
public struct RequestMethod: RawRepresentable, Sendable, Hashable, ExpressibleByStringLiteral, CustomStringConvertible {
    /// The method token as sent on the wire, e.g. `"POST"`.
    public let rawValue: String

    /// Creates a method from its token.
    public init(rawValue: String) { self.rawValue = rawValue }

    /// Creates a method from a literal token.
    public init(stringLiteral value: String) { self.rawValue = value }

    /// The token.
    public var description: String { rawValue }

    /// `GET`.
    public static let get = RequestMethod(rawValue: "GET")
    /// `HEAD`.
    public static let head = RequestMethod(rawValue: "HEAD")
    /// `POST`.
    public static let post = RequestMethod(rawValue: "POST")
    /// `PUT`.
    public static let put = RequestMethod(rawValue: "PUT")
    /// `PATCH`.
    public static let patch = RequestMethod(rawValue: "PATCH")
    /// `DELETE`.
    public static let delete = RequestMethod(rawValue: "DELETE")
    /// `OPTIONS`.
    public static let options = RequestMethod(rawValue: "OPTIONS")
}
