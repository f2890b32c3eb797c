import Foundation
import Testing

/// Answers from DuckDB (the `duckdb` Python module that scripts/setup.sh installs), the oracle the CLI tests compare
/// with: results as DuckDB's CSV writer spells them, the same conventions as `strata sql --format csv`.
enum DuckDBOracle {
    /// The result of `sql` (one query) as CSV with a header line; `setup` statements run first in the same
    /// in-memory database (one thread).
    static func csv(_ sql: String, setup: [String] = []) throws -> String {
        let script = """
            import duckdb, json, sys
            con = duckdb.connect()
            con.execute("SET threads = 1")
            for statement in json.loads(sys.argv[1]):
                con.execute(statement)
            con.execute("COPY (" + sys.argv[2] + ") TO '/dev/stdout' (HEADER)")
            """
        let setupJSON = String(decoding: try JSONSerialization.data(withJSONObject: setup), as: UTF8.self)
        let result = try StrataCLI.run(executable: "/usr/bin/env", ["python3", "-c", script, setupJSON, sql])
        try #require(result.status == 0, "DuckDB (python3 -m pip install duckdb) failed on \(sql): \(result.stderr)")
        return result.stdout
    }

    /// The rows of `sql` as values (strings, numbers, or nil for NULL), through JSON.
    static func rows(_ sql: String) throws -> [[Any?]] {
        let script = """
            import duckdb, json, sys, decimal, datetime
            rows = duckdb.sql(sys.argv[1]).fetchall()
            def plain(v):
                if isinstance(v, decimal.Decimal): return float(v)
                if isinstance(v, (datetime.date, datetime.datetime, datetime.time)): return str(v)
                return v
            print(json.dumps([[plain(v) for v in row] for row in rows]))
            """
        let result = try StrataCLI.run(executable: "/usr/bin/env", ["python3", "-c", script, sql])
        try #require(result.status == 0, "DuckDB failed on \(sql): \(result.stderr)")
        let parsed = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8))
        let rows = try #require(parsed as? [[Any]], "unexpected DuckDB output \(result.stdout)")
        return rows.map { $0.map { $0 is NSNull ? nil : $0 } }
    }
}
