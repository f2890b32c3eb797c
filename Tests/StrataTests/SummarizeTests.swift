import Foundation
import Strata
import Testing
import StrataTestSupport

/// SUMMARIZE's statistics that are estimates (approx_unique by HyperLogLog in both engines; q25/q50/q75 by t-digest
/// in DuckDB, from a bounded sample in Strata) or sums in floating point (avg, std), compared with DuckDB within
/// tolerances; the exact columns (min, max, count, null_percentage) are in Tests/sql/meta/describe_summarize.slt.
/// Then the two estimating aggregates on their own, over more values than their fixed memory holds.
@Suite struct SummarizeTests {
    static let sales = RepoPaths.root + "/Fixtures/sql/data/sales.parquet"
    static let statistics = ["column_name", "column_type", "min", "max", "approx_unique", "avg", "std", "q25", "q50",
                             "q75", "count", "null_percentage"]

    /// SUMMARIZE of the sales fixture through the Swift API, with the operators' memory pool at `pool` bytes (nil:
    /// the default), as rows of text (nil for NULL) by column name.
    private func summarize(pool: Int? = nil) throws -> [[String: String?]] {
        let directory = try TempDirectory()
        var configuration = Configuration(threads: 2)
        configuration.poolLimitOverride = pool
        let database = try Database(path: directory.path("s.store"), createIfMissing: true,
                                    configuration: configuration)
        _ = try database.importParquet(from: Self.sales, into: "sales")
        let rows = try database.fetchAll("SELECT " + Self.statistics.dropLast().joined(separator: ", ")
            + ", CAST(null_percentage AS VARCHAR) AS null_percentage FROM (SUMMARIZE sales)")
        return rows.map { row in
            Dictionary(uniqueKeysWithValues: Self.statistics.map { name in
                let value: String? = row[name]
                let number: Int64? = row[name]
                return (name, value ?? number.map(String.init))
            })
        }
    }

    /// Compares `actual` with `expected` within `tolerance` relative to `scale`.
    private func close(_ actual: String??, _ expected: Any?, tolerance: Double, scale: Double = 1,
                       _ what: String) {
        guard let text = actual ?? nil, let a = Double(text) else {
            Issue.record("\(what): no number in \(String(describing: actual))")
            return
        }
        let e = (expected as? Double) ?? (expected as? Int).map(Double.init) ?? (expected as? String).flatMap(Double.init)
        guard let e else {
            Issue.record("\(what): DuckDB gave \(String(describing: expected))")
            return
        }
        #expect(abs(a - e) <= tolerance * max(abs(scale), abs(e), 1e-300), "\(what): \(a) vs DuckDB \(e)")
    }

    @Test func estimatesAgreeWithDuckDB() throws {
        let rows = try summarize()
        let duck = try DuckDBOracle.rows("SELECT * FROM (SUMMARIZE '\(Self.sales)')")
        try #require(rows.count == duck.count)
        for (row, theirs) in zip(rows, duck) {
            let name = try #require(row["column_name"] ?? nil)
            #expect(name == theirs[0] as? String)
            let column = "\"\(name)\""
            // approx_unique: both are HyperLogLog estimates (Strata's with 4,096 registers), within a few percent of
            // the exact count.
            let exact = try DuckDBOracle.rows("SELECT count(DISTINCT \(column)) FROM '\(Self.sales)'")
            close(row["approx_unique"], exact.first?[0], tolerance: 0.05, "\(name) approx_unique against the count")
            close(row["approx_unique"], theirs[4], tolerance: 0.1, "\(name) approx_unique")
            let type = try #require(row["column_type"] ?? nil)
            guard ["INTEGER", "BIGINT", "DOUBLE"].contains(type) else {
                // Not numbers: no average or quantiles (DuckDB also averages and takes quantiles of dates).
                for statistic in ["std", "q25", "q50", "q75"] { #expect(row[statistic] ?? nil == nil, "\(name)") }
                continue
            }
            close(row["avg"], theirs[5], tolerance: 1e-9, "\(name) avg")
            close(row["std"], theirs[6], tolerance: 1e-9, "\(name) std")
            // Quantiles: from a sample of at most 8,192 values, so exact (quantile_cont, cast to the column's type)
            // for these 5,000 rows, and within 3% of the range of DuckDB's t-digest estimates (which are rounded to
            // integers for integer columns too).
            let range = try DuckDBOracle.rows("SELECT max(\(column)) - min(\(column)) FROM '\(Self.sales)'")
            let spread = (range.first?[0] as? Double) ?? (range.first?[0] as? Int).map(Double.init) ?? 1
            for (index, q) in [(7, 0.25), (8, 0.5), (9, 0.75)] {
                let statistic = Self.statistics[index]
                let cast = type == "DOUBLE" ? "DOUBLE" : "BIGINT"
                let exactQuantile = try DuckDBOracle.rows(
                    "SELECT CAST(quantile_cont(\(column), \(q)) AS \(cast)) FROM '\(Self.sales)'")
                close(row[statistic], exactQuantile.first?[0], tolerance: 1e-12, "\(name) \(statistic) exact")
                close(row[statistic], theirs[index], tolerance: 0.03, scale: spread, "\(name) \(statistic)")
            }
        }
    }

    @Test func theSameAnswerWhenTheAggregationSpills() throws {
        let unlimited = try summarize()
        let spilled = try summarize(pool: 256 << 10)
        try #require(spilled.count == unlimited.count)
        for (a, b) in zip(spilled, unlimited) {
            for statistic in Self.statistics {
                // Sums of doubles added in another order may differ in their last bits.
                if ["avg", "std"].contains(statistic), let x = (a[statistic] ?? nil).flatMap(Double.init) {
                    close(b[statistic], x, tolerance: 1e-12, "\(statistic)")
                } else {
                    #expect(a[statistic] ?? nil == b[statistic] ?? nil, "\(statistic)")
                }
            }
        }
    }

    /// approx_count_distinct and approx_quantile over 300,000 rows (more than a sample holds), at 1, 2 and 4 threads
    /// and with a 256 KiB pool that makes the aggregation spill (their states go through the spill files and merge):
    /// close to the exact answers every time. Their fixed memory is checked in ApproxAggregateTests.
    @Test func estimatesStayCloseInFixedMemory() throws {
        let directory = try TempDirectory()
        var text = "k,x,s\n"
        var random = SplitMix64(seed: 5)
        for i in 0..<300_000 {
            let x = Double(random.next() % 1_000_000) / 100
            text += "\(i % 3),\(x),v\(random.next() % 150_000)\n"
        }
        let csv = directory.path("values.csv")
        try TestFiles.write(text, to: csv)
        let setup = try Database(path: directory.path("s.store"), createIfMissing: true)
        _ = try setup.importCSV(from: csv, into: "t")
        let exactSQL = "SELECT k, count(DISTINCT s) AS d, quantile_cont(x, 0.1) AS q10, "
            + "quantile_cont(x, 0.5) AS q50, quantile_cont(x, 0.9) AS q90 FROM t GROUP BY k ORDER BY k"
        let exact = try setup.fetchAll(exactSQL)
        for (threads, pool) in [(1, nil), (2, 256 << 10), (4, nil), (4, 256 << 10)] as [(Int, Int?)] {
            var configuration = Configuration(threads: threads, spillDirectory: directory.path)
            configuration.poolLimitOverride = pool
            let db = try Database(path: directory.path("s.store"), configuration: configuration)
            let cursor = try db.query("SELECT k, approx_count_distinct(s) AS d, approx_quantile(x, 0.1) AS q10, "
                + "approx_quantile(x, 0.5) AS q50, approx_quantile(x, 0.9) AS q90 FROM t GROUP BY k ORDER BY k")
            var rows: [Row] = []
            while let batch = try cursor.next() {
                for i in 0..<batch.count { rows.append(Row(columnNames: cursor.columnNames, values: batch.row(i))) }
            }
            try #require(rows.count == 3 && exact.count == 3)
            for (row, truth) in zip(rows, exact) {
                let context = "k=\(row["k"] ?? .null), \(threads) threads, pool \(pool.map(String.init) ?? "default")"
                let d: Int = try #require(row["d"]), trueD: Int = try #require(truth["d"])
                #expect(abs(Double(d - trueD)) <= 0.05 * Double(trueD), "distinct \(d) vs \(trueD), \(context)")
                for q in ["q10", "q50", "q90"] {
                    let estimate: Double = try #require(row[q]), trueQ: Double = try #require(truth[q])
                    // Values span 0…10,000: a rank error of ~1 % is about 100 here.
                    #expect(abs(estimate - trueQ) <= 250, "\(q) \(estimate) vs \(trueQ), \(context)")
                }
            }
            if pool != nil { #expect((cursor.statistics?.spilledBytes ?? 0) > 0, "the aggregation spilled") }
        }
        let left = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        #expect(!left.contains { $0.hasPrefix("strata-spill-") }, "spill folders left: \(left)")
    }
}
