// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "NeMoGym",
    products: [
        .library(name: "NeMoGym", targets: ["NeMoGym"]),
        .executable(name: "swift-gym", targets: ["swift-gym"]),
        .executable(name: "custom-agent", targets: ["custom-agent"]),
    ],
    dependencies: [],
    targets: [
        .target(name: "NeMoGym", path: "Sources/NeMoGym"),
        .executableTarget(name: "swift-gym", dependencies: ["NeMoGym"], path: "Sources/Examples/swift-gym"),
        .executableTarget(name: "custom-agent", dependencies: ["NeMoGym"], path: "Sources/Examples/custom-agent"),
        .executableTarget(name: "json-bench", dependencies: ["NeMoGym"], path: "Sources/Examples/json-bench"),
        .testTarget(name: "NeMoGymTests", dependencies: ["NeMoGym"], path: "Tests/NeMoGymTests"),
    ],
    swiftLanguageModes: [.v6]
)

for target in package.targets {
    target.swiftSettings = (target.swiftSettings ?? []) + [
        .enableUpcomingFeature("ExistentialAny"),
        .enableUpcomingFeature("MemberImportVisibility"),
    ]
}
