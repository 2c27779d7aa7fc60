/// The version of this package, as `swift-gym --version` prints it.
public enum NeMoGymVersion {
    /// The package version (semantic versioning).
    public static let current = "0.2.0"
}
