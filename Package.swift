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
        .package(url: "https://github.com/apple/swift-log", from: "1.16.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-distributed-tracing", from: "1.7.0"),
        // The demo's progress bars and spinners (ConsoleKitTerminal builds swift-nio's NIOConcurrencyHelpers only).
        .package(url: "https://github.com/vapor/console-kit", from: "4.16.2"),
        // `swift package generate-documentation` (scripts/docs.sh); a plugin, nothing links it.
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
        // Test-only: SpecCoverageTests reads the Engine API spec (YAML).
        .package(url: "https://github.com/jpsim/Yams", "5.0.1"..<"7.0.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]
        ),
        // OpenSSL's libcrypto (libcurl's OpenSSL flavour links it already): SHA-256 of context names.
        .systemLibrary(
            name: "CCrypto",
            pkgConfig: "libcrypto",
            providers: [.apt(["libssl-dev"])]
        ),
        .target(
            name: "DockerSDK",
            dependencies: [
                "CCurl", "CCrypto",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
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
                .product(name: "ConsoleKitTerminal", package: "console-kit"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(name: "dockersdk-bench", dependencies: ["DockerSDK"]),
        // Leak, load and soak checks against the live daemon (scripts/soak.sh, LoadLiveTests).
        .systemLibrary(name: "CMalloc", path: "Sources/CMalloc"),   // glibc's mallinfo2/malloc_trim, for the soak tool
        .executableTarget(name: "dockersdk-soak", dependencies: ["DockerSDK", "CMalloc"]),
        .target(name: "DockerTesting", dependencies: ["DockerSDK", "DockerRecipes"]),
        .executableTarget(name: "dockertesting-reaper", dependencies: ["DockerSDK"]),
        .executableTarget(name: "DockerTestingSigkillChild", dependencies: ["DockerTesting", "DockerSDK"],
                          path: "Tests/DockerTestingSigkillChild"),
        .testTarget(
            name: "DockerSDKTests",
            dependencies: [
                "DockerSDK",
                .product(name: "Yams", package: "Yams"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "InMemoryLogging", package: "swift-log"),
                .product(name: "MetricsTestKit", package: "swift-metrics"),
                .product(name: "InMemoryTracing", package: "swift-distributed-tracing"),
            ]
        ),
        // The secrets checks DockerRecipesTests and LiveTests share (test-only; no product exposes it).
        .target(name: "SecretScanSupport", dependencies: [.product(name: "Logging", package: "swift-log")],
                path: "Tests/SecretScanSupport"),
        .testTarget(
            name: "DockerRecipesTests",
            dependencies: ["DockerRecipes", "DockerSDK", "SecretScanSupport", .product(name: "Logging", package: "swift-log"),
                           .product(name: "InMemoryLogging", package: "swift-log")]
        ),
        .testTarget(name: "LiveTests", dependencies: [
            "DockerSDK", "DockerRecipes", "SecretScanSupport", .product(name: "Logging", package: "swift-log"),
        ]),
        .testTarget(name: "DockerTestingLiveTests",
                    dependencies: ["DockerTesting", "DockerSDK", "DockerRecipes", "dockertesting-reaper", "DockerTestingSigkillChild"]),
        // The demo's output pieces (progress rendering and aggregation), without a daemon.
        .testTarget(
            name: "DemoTests",
            dependencies: ["dockersdk-demo", "DockerSDK", .product(name: "ConsoleKitTerminal", package: "console-kit")]
        ),
    ]
)
