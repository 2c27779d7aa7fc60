// swift-tools-version: 6.1
// A package a user would write on top of NeMoGym: agents of their own (a SimpleAgent subclass with
// per-rollout state, a direct ResponsesAPIAgent), Swift Testing tests with the library's harness, and an
// executable that serves the subclass from a NeMo Gym config. CI builds and tests it.
import PackageDescription

let package = Package(
    name: "WeatherAgents",
    platforms: [.macOS(.v15)],
    dependencies: [.package(path: "../nemogym-swift")],  // CI links the repository there
    targets: [
        .target(name: "WeatherAgents", dependencies: [.product(name: "NeMoGym", package: "nemogym-swift")]),
        .executableTarget(name: "weather-agent", dependencies: ["WeatherAgents", .product(name: "NeMoGym", package: "nemogym-swift")]),
        .testTarget(name: "WeatherAgentsTests", dependencies: ["WeatherAgents", .product(name: "NeMoGym", package: "nemogym-swift")]),
    ],
    swiftLanguageModes: [.v6]
)
