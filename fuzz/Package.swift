// swift-tools-version:6.0
// libFuzzer targets for DockerSDK's parsers: a package of its own, so the main build and CI never
// compile them. Build and run with `scripts/fuzz.sh` (swift build -Xswiftc -sanitize=fuzzer,address).
import PackageDescription

let fuzzTargets = [
    "FuzzMultiplexed", "FuzzJSONLines", "FuzzTar", "FuzzHostDiscovery",
    "FuzzClusterNodes", "FuzzReplicaStatus", "FuzzNetworkValidation", "FuzzHTTPHead", "FuzzDockerConfig",
]

let package = Package(
    name: "DockerSDKFuzz",
    platforms: [.macOS(.v13)],
    dependencies: [
        .package(name: "DockerSDK", path: ".."),
        .package(url: "https://github.com/apple/swift-crypto", "3.0.0"..<"5.0.0"),
    ],
    targets: [
        .target(name: "FuzzHarness"),
    ] + fuzzTargets.map { name in
        .executableTarget(
            name: name,
            dependencies: [
                "FuzzHarness",
                .product(name: "DockerSDK", package: "DockerSDK"),
                .product(name: "DockerRecipes", package: "DockerSDK"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        )
    }
)
