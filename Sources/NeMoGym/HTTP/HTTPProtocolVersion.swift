/// An HTTP protocol version, `HTTP/1.1` or `HTTP/1.0`.
public struct HTTPProtocolVersion: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The major version.
    public var major: Int
    /// The minor version.
    public var minor: Int

    /// Creates a version.
    public init(major: Int, minor: Int) {
        self.major = major
        self.minor = minor
    }

    /// `HTTP/1.1`.
    public static let http1_1 = HTTPProtocolVersion(major: 1, minor: 1)
    /// `HTTP/1.0`.
    public static let http1_0 = HTTPProtocolVersion(major: 1, minor: 0)

    /// `HTTP/1.1`.
    public var description: String { "HTTP/\(major).\(minor)" }

    /// Orders by major, then minor version.
    public static func < (lhs: HTTPProtocolVersion, rhs: HTTPProtocolVersion) -> Bool {
        (lhs.major, lhs.minor) < (rhs.major, rhs.minor)
    }
}
