// Runs one db-benchmark group-by question on a Strata store and prints one JSON line:
//   {"question": N, "seconds": …, "rows": …, "checksums": {"column": sum, …}, …}
// The checksums (the sum of every numeric output column) let compare/groupby.py check the answer against DuckDB's
// without materialising large results. Usage:
//   groupby-questions --store S --table x --question N [--memory-limit 1GB] [--threads T] [--spill-dir D]
//                     [--explain] [--dot]
import Foundation
import Strata
import Synchronization

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data((message + "\n").utf8))
    exit(1)
}

let arguments = Array(CommandLine.arguments.dropFirst())
func option(_ name: String) -> String? {
    guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count else { return nil }
    return arguments[index + 1]
}
func parseBytes(_ text: String) -> Int {
    do { return Int(try ByteCount.parse(text)) } catch { fail("bad size \(text): \(error)") }
}

guard let store = option("--store"), let table = option("--table"), let questionText = option("--question"),
      let question = Int(questionText)
else { fail("usage: groupby-questions --store S --table x --question N [--memory-limit 1GB] [--threads T]") }
let options = ExecutionOptions(memoryLimit: option("--memory-limit").map(parseBytes),
                               threads: option("--threads").flatMap { Int($0) },
                               spillDirectory: option("--spill-dir"))

func query(_ db: Database, _ question: Int) -> Query {
    let x = db.table(table)
    switch question {
    case 1: return x.groupBy("id1").aggregate(.sum(col("v1"), as: "v1"))
    case 2: return x.groupBy("id1", "id2").aggregate(.sum(col("v1"), as: "v1"))
    case 3: return x.groupBy("id3").aggregate(.sum(col("v1"), as: "v1"), .avg(col("v3"), as: "v3"))
    case 4:
        return x.groupBy("id4").aggregate(.avg(col("v1"), as: "v1"), .avg(col("v2"), as: "v2"),
                                          .avg(col("v3"), as: "v3"))
    case 5:
        return x.groupBy("id6").aggregate(.sum(col("v1"), as: "v1"), .sum(col("v2"), as: "v2"),
                                          .sum(col("v3"), as: "v3"))
    case 6:
        return x.groupBy("id4", "id5").aggregate(.median(col("v3"), as: "median_v3"),
                                                 .stddev(col("v3"), as: "sd_v3"))
    case 7:
        return x.groupBy("id3").aggregate(.max(col("v1"), as: "max_v1"), .min(col("v2"), as: "min_v2"))
            .select(.column("id3"), (col("max_v1") - col("min_v2")).named("range_v1_v2"))
    case 8:
        // The largest two v3 per id6: row_number over id6's rows by v3 descending, kept where it is at most 2.
        return x.filter(col("v3").isNotNull())
            .window(WindowCall(.rowNumber, [], partitionBy: [col("id6")], orderBy: [SortKey(col("v3"), ascending: false)],
                               as: "order_v3"))
            .filter(col("order_v3") <= 2)
            .select(.column("id6"), col("v3").named("largest2_v3"))
    case 9:
        return x.groupBy("id2", "id4").aggregate(.corr(col("v1"), col("v2"), as: "r"))
            .select(.column("id2"), .column("id4"), Expr.function("pow", [col("r"), 2]).named("r2"))
    case 10:
        return x.groupBy("id1", "id2", "id3", "id4", "id5", "id6")
            .aggregate(.sum(col("v3"), as: "v3"), .countStar(as: "count"))
    default: fail("question \(question) is not one of 1-10")
    }
}

/// Sums of the numeric columns of every batch.
final class Checksums: Sendable {
    private struct State { var integers: [String: Int64] = [:]; var reals: [String: Double] = [:]; var rows = 0 }
    private let state = Mutex(State())

    func add(_ batch: Batch) {
        state.withLock { state in
            state.rows += batch.count
            for (field, column) in zip(batch.schema.fields, batch.columns) {
                switch column.data {
                case let .int64(v) where field.type == .int64:
                    var total: Int64 = 0
                    for i in 0..<v.count where !column.isNull(i) { total &+= v[i] }
                    state.integers[field.name, default: 0] &+= total
                case let .int32(v) where field.type == .int32:
                    var total: Int64 = 0
                    for i in 0..<v.count where !column.isNull(i) { total &+= Int64(v[i]) }
                    state.integers[field.name, default: 0] &+= total
                case let .double(v):
                    var total = 0.0
                    for i in 0..<v.count where !column.isNull(i) { total += v[i] }
                    state.reals[field.name, default: 0] += total
                default: break
                }
            }
        }
    }

    var json: String {
        state.withLock { state in
            var parts = state.integers.sorted { $0.key < $1.key }.map { "\"\($0.key)\": \($0.value)" }
            parts += state.reals.sorted { $0.key < $1.key }.map { "\"\($0.key)\": \(Checksums.jsonNumber($0.value))" }
            return "{" + parts.joined(separator: ", ") + "}"
        }
    }

    var rows: Int { state.withLock { $0.rows } }

    /// `value` as JSON: a number when finite, otherwise the string Python's `repr` gives ("nan", "inf", "-inf"),
    /// which is how the comparison scripts write non-finite checksums.
    static func jsonNumber(_ value: Double) -> String {
        if value.isFinite { return "\(value)" }
        return value.isNaN ? "\"nan\"" : (value < 0 ? "\"-inf\"" : "\"inf\"")
    }
}

do {
    let db = try Database(path: store)
    let q = query(db, question)
    if arguments.contains("--explain") {
        print(try q.explain(options: options))
        exit(0)
    }
    if arguments.contains("--dot") {
        print(try q.dot(options: options))
        exit(0)
    }
    let checksums = Checksums()
    let statistics = try q.stream(options: options) { batch in checksums.add(batch) }
    print("""
        {"question": \(question), "seconds": \(statistics.seconds), "rows": \(checksums.rows), \
        "checksums": \(checksums.json), "spilled_bytes": \(statistics.spilledBytes), \
        "peak_reserved_bytes": \(statistics.peakReservedBytes), "groups": \(statistics.groups)}
        """)
    FileHandle.standardError.write(Data((statistics.description + "\n").utf8))
} catch {
    fail("error: \(error)")
}
