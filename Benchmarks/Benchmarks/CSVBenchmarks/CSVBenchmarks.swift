// CSV parsing throughput on one core: 1e6 rows of db-benchmark groupby CSV (see GroupbyTable in BenchSupport),
// generated in memory and cut into the importer's chunks in setup, then tokenized and converted into typed columns
// by the importer's chunk parser (id1-id3 string, id4-id6, v1, v2 int64, v3 double). No file I/O, no Parquet.
//
//   swift package benchmark --target CSVBenchmarks
//
// CSV.parse.groupby.1e6: plain fields, as db-benchmark writes them (about 50 MB).
// CSV.parse.quoted.1e6:  the same rows with the three string fields in double quotes.
import Benchmark
import BenchMetrics
import BenchSupport
import Strata
import StrataDiagnostics

private let rows = 1_000_000
private let cases: [(name: String, quoted: Bool)] = [("groupby", false), ("quoted", true)]

let benchmarks: @Sendable () -> Void = {
    for (name, quoted) in cases {
        Benchmark("CSV.parse.\(name).1e6", configuration: .micro(.megabytesPerSecond)) { benchmark, workload in
            benchmark.iteration {
                let parsed = try benchmark.measureBytes(workload.inputBytes) { try workload.parse() }
                try verify(parsed == rows, "parsed \(parsed) rows, expected \(rows)")
            }
        } setup: {
            try Diagnostics.CSVParseWorkload(csv: GroupbyTable(rows: rows).csv(quoteStrings: quoted),
                                             columns: GroupbyTable.fields)
        }
    }
}
