// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "DockerSDK",
    platforms: [.macOS(.v13)],
    products: [
        .library(name: "DockerSDK", targets: ["DockerSDK"]),
        .library(name: "DockerRecipes", targets: ["DockerRecipes"]),
        .executable(name: "dockersdk-demo", targets: ["dockersdk-demo"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-crypto", "3.0.0"..<"5.0.0"),
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
        .testTarget(name: "DockerSDKTests", dependencies: ["DockerSDK"]),
        .testTarget(name: "DockerRecipesTests", dependencies: [
            "DockerRecipes", "DockerSDK", .product(name: "Logging", package: "swift-log"),
        ]),
        .testTarget(name: "LiveTests", dependencies: [
            "DockerSDK", "DockerRecipes", .product(name: "Logging", package: "swift-log"),
        ]),
    ]
)
