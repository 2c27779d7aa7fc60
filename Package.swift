// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "NeMoGym",
    products: [
        .library(name: "NeMoGym", targets: ["NeMoGym"]),
        .executable(name: "gym", targets: ["gym"]),
        .executable(name: "custom-agent", targets: ["custom-agent"]),
    ],
    dependencies: [],
    targets: [
        // Linux only: the module map of <sys/epoll.h> and <sys/eventfd.h> for the epoll event loop (D7).
        .systemLibrary(name: "CNeMoGymEpoll", path: "Sources/CNeMoGymEpoll"),
        .target(
            name: "NeMoGym",
            dependencies: [.target(name: "CNeMoGymEpoll", condition: .when(platforms: [.linux]))],
            path: "Sources/NeMoGym"),
        .executableTarget(name: "gym", dependencies: ["NeMoGym"], path: "Sources/Examples/gym"),
        .executableTarget(name: "custom-agent", dependencies: ["NeMoGym"], path: "Sources/Examples/custom-agent"),
        .executableTarget(name: "json-bench", dependencies: ["NeMoGym"], path: "Sources/Examples/json-bench"),
        .testTarget(name: "NeMoGymTests", dependencies: ["NeMoGym"], path: "Tests/NeMoGymTests"),
    ],
    swiftLanguageModes: [.v6]
)

for target in package.targets where target.type != .system {
    target.swiftSettings = (target.swiftSettings ?? []) + [
        .enableUpcomingFeature("ExistentialAny"),
        .enableUpcomingFeature("MemberImportVisibility"),
    ]
}
