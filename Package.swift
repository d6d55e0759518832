// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "beekrun",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "beekrun", targets: ["beekrun"]),
        .library(name: "BeekrunKit", targets: ["BeekrunKit"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.0"),
    ],
    targets: [
        // Lua 5.4 and libpq come from the system (apt: liblua5.4-dev, libpq-dev).
        .systemLibrary(
            name: "CLua", pkgConfig: "lua5.4",
            providers: [.apt(["liblua5.4-dev"]), .brew(["lua"])]),
        .systemLibrary(
            name: "CLibPQ", pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"]), .brew(["libpq"])]),
        // glibc calls hidden behind _GNU_SOURCE (pipe2, spawn with chdir).
        .systemLibrary(name: "CPosix"),
        // The engine: Lua host, PostgreSQL, schema, data, git and the runbook primitives.
        .target(
            name: "BeekrunKit",
            dependencies: [
                "CLua", "CLibPQ", "CPosix",
                .product(name: "Crypto", package: "swift-crypto"),
            ]),
        // The command line only: parses arguments and hands over to BeekrunKit.
        .executableTarget(
            name: "beekrun",
            dependencies: [
                "BeekrunKit",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        // A throwaway PostgreSQL cluster and helpers shared by the test targets.
        .target(name: "TestSupport", dependencies: ["BeekrunKit"], path: "Tests/TestSupport"),
        .testTarget(name: "BeekrunKitTests", dependencies: ["BeekrunKit", "TestSupport"]),
        .testTarget(name: "EndToEndTests", dependencies: ["BeekrunKit", "TestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
