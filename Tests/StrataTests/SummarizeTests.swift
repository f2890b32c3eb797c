import Foundation
import Strata
import Testing

/// SUMMARIZE's statistics that DuckDB estimates (approx_unique by HyperLogLog, q25/q50/q75 by t-digest) or sums in
/// floating point (avg, std), compared with DuckDB within tolerances; the exact columns (min, max, count,
/// null_percentage) are in Tests/sql/meta/describe_summarize.slt.
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
            // approx_unique: Strata counts exactly; DuckDB's HyperLogLog estimate is within a few percent.
            let exact = try DuckDBOracle.rows("SELECT count(DISTINCT \(column)) FROM '\(Self.sales)'")
            #expect(row["approx_unique"] ?? nil == (exact.first?[0] as? Int).map(String.init), "\(name)")
            close(row["approx_unique"], theirs[4], tolerance: 0.1, "\(name) approx_unique")
            let type = try #require(row["column_type"] ?? nil)
            guard ["INTEGER", "BIGINT", "DOUBLE"].contains(type) else {
                // Not numbers: no average or quantiles (DuckDB also averages and takes quantiles of dates).
                for statistic in ["std", "q25", "q50", "q75"] { #expect(row[statistic] ?? nil == nil, "\(name)") }
                continue
            }
            close(row["avg"], theirs[5], tolerance: 1e-9, "\(name) avg")
            close(row["std"], theirs[6], tolerance: 1e-9, "\(name) std")
            // Quantiles: exact (quantile_cont, cast to the column's type), within 3% of the range of DuckDB's
            // t-digest estimates (which are rounded to integers for integer columns too).
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
}
