// Hash aggregation throughput on one worker: `GROUP BY k: sum(v), count(*)` over 1e7 rows of an int64 key and an
// int64 value, pre-generated in setup as batches of 65,536 rows, through the executor's HashAggregation operator
// (consume, finish, merge and finalise every partition) with an unlimited memory pool, so nothing spills. Reported
// in thousands of input rows per second; every iteration checks the number of groups and that the counts add up.
//
//   swift package benchmark --target HashAggregateBenchmarks
//
// HashAggregate.lowCardinality.1e7:  100 groups.
// HashAggregate.highCardinality.1e7: 1e6 groups (10% of the rows).
// HashAggregate.dictionaryCodes.1e7: 100 groups of string keys (`id001`…) held as dictionary codes, a dictionary
//                                    per 6 batches (a row group's slices), as a scan of a dictionary-encoded
//                                    Parquet column hands them on: grouped through the code → group map.
import Benchmark
import BenchMetrics
import BenchSupport
import Strata
import StrataDiagnostics

private let rows = 10_000_000
private let cases: [(name: String, groups: Int)] = [("lowCardinality", 100), ("highCardinality", 1_000_000)]

/// `rows` rows of `k` and `v` (int64, no nulls) in batches of 65,536: exactly `groups` distinct keys, spread over
/// the int64 range, each on `rows / groups` rows (± 1) in a shuffled order; `v` uniform in 1...100.
private func keyValueBatches(rows: Int, groups: Int) throws -> [Batch] {
    var rng = SplitMix64(seed: 0x4841_5348_4147_4752 ^ UInt64(groups))
    var group = (0..<rows).map { UInt64($0 % groups) }
    group.shuffle(using: &rng)
    // Multiplying by an odd constant is a bijection on 64-bit words: distinct groups keep distinct keys.
    let keys = group.map { Int64(bitPattern: $0 &* 0x9E37_79B9_7F4A_7C15) }
    let values = (0..<rows).map { _ in Int64(1 + rng.next() % 100) }
    let schema = try Schema([Field("k", .int64, nullable: false), Field("v", .int64, nullable: false)])
    return try batched(rows: rows, schema: schema) { range in
        [try Column(type: .int64, data: .int64(Array(keys[range]))),
         try Column(type: .int64, data: .int64(Array(values[range])))]
    }
}

/// Batches of 65,536 rows (the last one shorter), each made by `columns` from its row range.
private func batched(rows: Int, schema: Schema, _ columns: (Range<Int>) throws -> [Column]) throws -> [Batch] {
    var batches: [Batch] = []
    var start = 0
    while start < rows {
        let range = start..<min(rows, start + SyntheticTable.defaultBatchRows)
        batches.append(try Batch(schema: schema, columns: try columns(range)))
        start = range.upperBound
    }
    return batches
}

/// `rows` rows of a string key `k` (`id001`…, `groups` values, shuffled) and an int64 `v`, in batches of 65,536, the
/// key held as dictionary codes.
private func codedKeyBatches(rows: Int, groups: Int) throws -> [Batch] {
    var rng = SplitMix64(seed: 0x4449_4354_434F_4445 ^ UInt64(groups))
    var group = (0..<rows).map { $0 % groups }
    group.shuffle(using: &rng)
    let names = (0..<groups).map { "id" + String(repeating: "0", count: max(0, 3 - String($0 + 1).count)) + String($0 + 1) }
    let values = (0..<rows).map { _ in Int64(1 + rng.next() % 100) }
    let schema = try Schema([Field("k", .string, nullable: false), Field("v", .int64, nullable: false)])
    let batches = try batched(rows: rows, schema: schema) { range in
        [try Column(type: .string, data: .string(try StringBuffer(range.map { names[group[$0]] }))),
         try Column(type: .int64, data: .int64(Array(values[range])))]
    }
    return try Diagnostics.dictionaryEncoded(batches, column: "k", batchesPerDictionary: 6)
}

let benchmarks: @Sendable () -> Void = {
    Benchmark("HashAggregate.dictionaryCodes.1e7", configuration: .micro(.kilorowsPerSecond)) { benchmark, workload in
        benchmark.iteration {
            let found = try benchmark.measure(.kilorowsPerSecond, amount: Double(workload.rows), scale: 1e3) {
                try workload.aggregate()
            }
            try verify(found == 100, "\(found) groups, expected 100")
        }
    } setup: {
        try Diagnostics.HashAggregationWorkload(batches: codedKeyBatches(rows: rows, groups: 100), key: "k", value: "v")
    }
    for (name, groups) in cases {
        Benchmark("HashAggregate.\(name).1e7", configuration: .micro(.kilorowsPerSecond)) { benchmark, workload in
            benchmark.iteration {
                let found = try benchmark.measure(.kilorowsPerSecond, amount: Double(workload.rows), scale: 1e3) {
                    try workload.aggregate()
                }
                try verify(found == groups, "\(found) groups, expected \(groups)")
            }
        } setup: {
            try Diagnostics.HashAggregationWorkload(batches: keyValueBatches(rows: rows, groups: groups), key: "k",
                                                    value: "v")
        }
    }
}
