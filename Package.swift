// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "DockerSDK",
    platforms: [.macOS(.v13)],
    products: [
        .library(name: "DockerSDK", targets: ["DockerSDK"]),
        .library(name: "DockerRecipes", targets: ["DockerRecipes"]),
        .library(name: "DockerTesting", targets: ["DockerTesting"]),
        .executable(name: "dockertesting-reaper", targets: ["dockertesting-reaper"]),
        .executable(name: "dockersdk-demo", targets: ["dockersdk-demo"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-crypto", "3.0.0"..<"5.0.0"),
        // Test-only: SpecCoverageTests reads the Engine API spec (YAML).
        .package(url: "https://github.com/jpsim/Yams", "5.0.1"..<"7.0.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]
        ),
        .target(
            name: "DockerSDK",
            dependencies: [
                "CCurl",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .target(
            name: "DockerRecipes",
            dependencies: ["DockerSDK", .product(name: "Logging", package: "swift-log")]
        ),
        .executableTarget(
            name: "dockersdk-demo",
            dependencies: [
                "DockerSDK", "DockerRecipes",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(name: "dockersdk-bench", dependencies: ["DockerSDK"]),
        .target(name: "DockerTesting", dependencies: ["DockerSDK", "DockerRecipes"]),
        .executableTarget(name: "dockertesting-reaper", dependencies: ["DockerSDK"]),
        .executableTarget(name: "DockerTestingSigkillChild", dependencies: ["DockerTesting", "DockerSDK"],
                          path: "Tests/DockerTestingSigkillChild"),
        .testTarget(name: "DockerSDKTests", dependencies: ["DockerSDK", .product(name: "Yams", package: "Yams")]),
        .testTarget(name: "DockerRecipesTests", dependencies: ["DockerRecipes", "DockerSDK"]),
        .testTarget(name: "LiveTests", dependencies: ["DockerSDK", "DockerRecipes"]),
        .testTarget(name: "DockerTestingLiveTests",
                    dependencies: ["DockerTesting", "DockerSDK", "DockerRecipes", "dockertesting-reaper", "DockerTestingSigkillChild"]),
    ]
)
