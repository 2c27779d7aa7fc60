import Foundation

/// Where tests find the repository's `Fixtures/` and, when present, the project's `../shared` data.
enum TestPaths {
    /// The package root (the folder holding `Package.swift`).
    static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // Support
        .deletingLastPathComponent()  // NeMoGymTests
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()

    /// `Fixtures/` in the package root.
    static let fixtures: URL = packageRoot.appendingPathComponent("Fixtures")

    /// A file or folder under `Fixtures/`.
    static func fixture(_ relative: String) -> URL { fixtures.appendingPathComponent(relative) }

    /// `../shared/conformance` (or `$NEMOGYM_SHARED/conformance`), or `nil` when absent (a user's checkout).
    static let sharedConformance: URL? = {
        let shared = ProcessInfo.processInfo.environment["NEMOGYM_SHARED"].map { URL(fileURLWithPath: $0) }
            ?? packageRoot.deletingLastPathComponent().appendingPathComponent("shared")
        let conformance = shared.appendingPathComponent("conformance")
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: conformance.path, isDirectory: &isDirectory) && isDirectory.boolValue
            ? conformance : nil
    }()

    /// Whether the shared conformance data is available (tests that need it are skipped otherwise).
    static var hasSharedConformance: Bool { sharedConformance != nil }
}
