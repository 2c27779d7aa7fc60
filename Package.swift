// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "NeMoGym",
    // Synchronization's Mutex and Atomic need macOS 15 / iOS 18; Linux needs nothing.
    platforms: [.macOS(.v15), .iOS(.v18), .tvOS(.v18), .watchOS(.v11), .visionOS(.v2)],
    products: [
        .library(name: "NeMoGym", targets: ["NeMoGym"]),
        .executable(name: "swift-gym", targets: ["swift-gym"]),
        .executable(name: "custom-agent", targets: ["custom-agent"]),
    ],
    dependencies: [],
    targets: [
        // Linux only: the module map of <sys/epoll.h> and <sys/eventfd.h> for the epoll event loop (D7).
        .systemLibrary(name: "CNeMoGymEpoll", path: "Sources/CNeMoGymEpoll"),
        // The library: what `import NeMoGym` shows.
        .target(
            name: "NeMoGym",
            dependencies: [.target(name: "CNeMoGymEpoll", condition: .when(platforms: [.linux]))],
            path: "Sources/NeMoGym"),
        // The command-line tool's code (commands, argument parsing, tables, progress, the benchmark driver).
        .target(name: "SwiftGymCLI", dependencies: ["NeMoGym"], path: "Sources/SwiftGymCLI"),
        .executableTarget(name: "swift-gym", dependencies: ["SwiftGymCLI"], path: "Sources/Examples/swift-gym"),
        .executableTarget(name: "custom-agent", dependencies: ["NeMoGym"], path: "Sources/Examples/custom-agent"),
        .executableTarget(name: "json-bench", dependencies: ["NeMoGym"], path: "Sources/Examples/json-bench"),
        .testTarget(name: "NeMoGymTests", dependencies: ["NeMoGym", "SwiftGymCLI"], path: "Tests/NeMoGymTests"),
    ],
    swiftLanguageModes: [.v6]
)

for target in package.targets where target.type != .system {
    target.swiftSettings = (target.swiftSettings ?? []) + [
        .enableUpcomingFeature("ExistentialAny"),
        .enableUpcomingFeature("MemberImportVisibility"),
    ]
}
