// swift-tools-version:6.1
import PackageDescription

// Modules by layer; dependencies point downward only:
// StrataCore → StrataCompression → StrataStorage → StrataCSV / StrataExecution → StrataSQL → Strata (façade)
// → strata (CLI); StrataDiagnostics (benchmark hooks) sits beside the CLI, on the façade.
let package = Package(
    name: "Strata",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "Strata", targets: ["Strata"]),
        // Measurements of the engine's internals for the benchmark package; not part of the embedding API.
        .library(name: "StrataDiagnostics", targets: ["StrataDiagnostics"]),
        .executable(name: "strata", targets: ["StrataCLI"]),
        .executable(name: "strata-example", targets: ["StrataExample"]),
        // Fuzz harnesses: replays inputs as built here; `scripts/fuzz.sh` builds it for libFuzzer.
        .executable(name: "strata-fuzz", targets: ["StrataFuzz"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        // `swift package generate-documentation --target Strata`: the API documentation (DocC), built in CI.
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
    ],
    targets: [
        .systemLibrary(name: "CLZ4", pkgConfig: "liblz4", providers: [.apt(["liblz4-dev"]), .brew(["lz4"])]),
        .systemLibrary(name: "CZstd", pkgConfig: "libzstd", providers: [.apt(["libzstd-dev"]), .brew(["zstd"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CBrotli", pkgConfig: "libbrotlidec", providers: [.apt(["libbrotli-dev"]), .brew(["brotli"])]),
        // Line editing and history for `strata shell` (libedit's readline interface).
        .systemLibrary(name: "CEditLine", pkgConfig: "libedit", providers: [.apt(["libedit-dev"]), .brew(["libedit"])]),
        .target(name: "StrataCore"),
        .target(name: "StrataCompression", dependencies: ["StrataCore", "CLZ4", "CZstd", "CZlib", "CBrotli"]),
        .target(name: "StrataStorage", dependencies: ["StrataCore", "StrataCompression"]),
        .target(name: "StrataCSV", dependencies: ["StrataCore", "StrataCompression", "StrataStorage"]),
        .target(name: "CAllocator"),
        .target(name: "CFrameAddress"),
        .target(
            name: "StrataExecution",
            dependencies: ["StrataCore", "StrataCompression", "StrataStorage", "CAllocator"]
        ),
        .target(name: "StrataSQL", dependencies: ["StrataCore", "StrataExecution", "CFrameAddress"]),
        .target(
            name: "Strata",
            dependencies: ["StrataCore", "StrataCompression", "StrataStorage", "StrataCSV", "StrataExecution",
                           "StrataSQL"]
        ),
        .target(
            name: "StrataDiagnostics",
            dependencies: ["Strata", "StrataCore", "StrataCompression", "StrataStorage", "StrataCSV", "StrataExecution"]
        ),
        .executableTarget(
            name: "StrataCLI",
            dependencies: ["Strata", "CEditLine", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        .executableTarget(name: "StrataFuzz", dependencies: ["Strata", "StrataCore", "StrataStorage", "StrataExecution"]),
        // A tiny app embedding the library (imports a CSV, runs a group-by, prints it); built in CI.
        .executableTarget(name: "StrataExample", dependencies: ["Strata"], path: "Examples/EmbedStrata"),
        // Helpers shared by the test targets (JSON, the canonical value form of the interop fixtures).
        .target(name: "StrataTestSupport", dependencies: ["StrataCore"], path: "Tests/StrataTestSupport"),
        .testTarget(name: "StrataCoreTests", dependencies: ["StrataCore"]),
        .testTarget(name: "StrataCompressionTests", dependencies: ["StrataCompression", "StrataTestSupport"]),
        .testTarget(name: "StrataStorageTests", dependencies: ["StrataStorage", "StrataTestSupport"]),
        .testTarget(name: "StrataCSVTests", dependencies: ["StrataCSV", "StrataTestSupport"]),
        .testTarget(name: "StrataExecutionTests", dependencies: ["StrataExecution", "StrataTestSupport"]),
        .testTarget(name: "StrataSQLTests", dependencies: ["StrataSQL", "StrataExecution"]),
        .testTarget(name: "StrataTests",
                    dependencies: ["Strata", "StrataDiagnostics", "StrataTestSupport", "StrataCompression"]),
    ],
    swiftLanguageModes: [.v6]
)
