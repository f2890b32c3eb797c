// swift-tools-version:6.1
import PackageDescription

// Performance measurements of Strata, kept out of the main package so that building or testing Strata never
// resolves or compiles the benchmark framework.
//
//   parquet-throughput   one process: generate rows, time Database.append and a full scan, print one JSON line
//                        (driven by compare/parquet_throughput.py, which runs pyarrow on the same data)
//   ParquetBenchmarks    the same workloads at 1e6 rows under ordo-one/benchmark (`swift package benchmark`)
//   groupby-questions    one db-benchmark group-by question on a store, timed, with answer checksums
//                        (driven by compare/groupby.py, which runs DuckDB and Polars on the same data)
//   BenchSupport         the deterministic data generator both share
//   scheduler-overhead   the scheduler's cost per task on graphs of empty tasks, one JSON line per configuration
let package = Package(
    name: "StrataBenchmarks",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "parquet-throughput", targets: ["ParquetThroughput"]),
        .executable(name: "groupby-questions", targets: ["GroupbyQuestions"]),
        .executable(name: "scheduler-overhead", targets: ["SchedulerOverhead"]),
    ],
    dependencies: [
        // Named, so the product reference does not depend on the name of the checkout directory.
        .package(name: "Strata", path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        .target(
            name: "BenchSupport",
            dependencies: [.product(name: "Strata", package: "Strata")]
        ),
        .executableTarget(
            name: "ParquetThroughput",
            dependencies: ["BenchSupport", .product(name: "Strata", package: "Strata")]
        ),
        .executableTarget(
            name: "GroupbyQuestions",
            dependencies: [.product(name: "Strata", package: "Strata")]
        ),
        .executableTarget(
            name: "SchedulerOverhead",
            dependencies: [.product(name: "Strata", package: "Strata")]
        ),
        .executableTarget(
            name: "ParquetBenchmarks",
            dependencies: [
                "BenchSupport",
                .product(name: "Strata", package: "Strata"),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/ParquetBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ],
    swiftLanguageModes: [.v6]
)

