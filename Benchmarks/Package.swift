// swift-tools-version:6.1
import PackageDescription

// Performance measurements of Strata, kept out of the main package so that building or testing Strata never
// resolves or compiles the benchmark framework.
//
//   parquet-throughput   one process: generate rows, time Database.append and a full scan, print one JSON line
//                        (driven by compare/parquet_throughput.py, which runs pyarrow on the same data)
//   groupby-questions    one db-benchmark group-by question on a store, timed, with answer checksums
//                        (driven by compare/groupby.py, which runs DuckDB and Polars on the same data)
//   scheduler-overhead   the scheduler's cost per task on graphs of empty tasks, one JSON line per configuration
//   BenchSupport         the deterministic data generators (SyntheticTable, GroupbyTable) and the Parquet workloads
//   BenchMetrics         the throughput metrics and timing shared by the ordo-one/benchmark suites
//
// ordo-one/benchmark suites (`swift package benchmark`), one executable target per area, each reporting wall clock,
// peak resident memory and its throughput (MB/s, krows/s or ns/task) measured on Strata's own code paths through
// the `Diagnostics` hooks (the StrataDiagnostics library):
//   ParquetBenchmarks         Parquet.{write,scan,encode,decode}.{zstd,lz4}.1e6
//   CompressionBenchmarks     {LZ4,ZSTD}.{compress,decompress}.16MiB
//   CSVBenchmarks             CSV.parse.{groupby,quoted}.1e6
//   HashAggregateBenchmarks   HashAggregate.{lowCardinality,highCardinality}.1e7
//   SchedulerBenchmarks       Scheduler.{independent,chains10,fanIn}.1e5
//   SpillBenchmarks           Spill.{write,read}.1e6

/// The ordo-one/benchmark executables, each in `Benchmarks/<name>/`.
let benchmarkSuites = [
    "ParquetBenchmarks", "CompressionBenchmarks", "CSVBenchmarks", "HashAggregateBenchmarks", "SchedulerBenchmarks",
    "SpillBenchmarks",
]

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
            dependencies: [.product(name: "Strata", package: "Strata"),
                           .product(name: "StrataDiagnostics", package: "Strata")]
        ),
        .target(
            name: "BenchMetrics",
            dependencies: [.product(name: "Benchmark", package: "benchmark")]
        ),
    ] + benchmarkSuites.map { suite in
        Target.executableTarget(
            name: suite,
            dependencies: [
                "BenchSupport",
                "BenchMetrics",
                .product(name: "Strata", package: "Strata"),
                .product(name: "StrataDiagnostics", package: "Strata"),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/" + suite,
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        )
    },
    swiftLanguageModes: [.v6]
)

