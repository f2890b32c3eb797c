// A tiny app that embeds Strata: it imports a CSV file into a store, runs a group-by in SQL and prints the
// result. Run it from the repository root:
//
//     swift run strata-example                          # the built-in sample trips
//     swift run strata-example my.csv "SELECT …"        # your own file (table name: data)
import Foundation
import Strata

let arguments = CommandLine.arguments
let csvPath = arguments.count > 1 ? arguments[1] : "Fixtures/sample/trips.csv.gz"
let sql = arguments.count > 2 ? arguments[2] : """
    SELECT vendor, count(*) AS trips, round(avg(fare), 2) AS avg_fare, round(sum(tip), 2) AS tips
    FROM data
    WHERE passengers >= 1
    GROUP BY vendor
    ORDER BY trips DESC
    """

do {
    // 1. Open (here: create) a store with a memory budget for queries.
    let storePath = NSTemporaryDirectory() + "strata-example-\(getpid())"
    defer { try? FileManager.default.removeItem(atPath: storePath) }
    let db = try Database(path: storePath, createIfMissing: true,
                          configuration: Configuration(memoryLimit: 256 << 20, threads: 2))

    // 2. Import the CSV: streaming, parallel, with sniffed types.
    let summary = try db.importCSV(from: csvPath, into: "data")
    print("imported \(summary.rowsImported) rows into table data (\(try db.schema(of: "data")))")

    // 3. Run the query through a prepared statement and read typed values from the rows.
    let statement = try db.prepare(sql)
    let cursor = try statement.execute()
    print(cursor.columnNames.joined(separator: " | "))
    while let batch = try cursor.next() {
        for i in 0..<batch.count {
            print(batch.row(i).map { $0.isNull ? "NULL" : $0.description }.joined(separator: " | "))
        }
    }
    if let statistics = cursor.statistics {
        print("\(statistics.rows) rows in \(String(format: "%.3f", statistics.seconds)) s, "
            + "peak reserved \(ByteCount.format(statistics.peakReservedBytes))")
    }

    // 4. Parameters and typed access.
    if sql.contains("FROM data"), let row = try db.fetchOne("SELECT count(*) AS n FROM data WHERE fare > ?", [.double(20)]) {
        let n: Int? = row["n"]
        print("trips with a fare above 20: \(n ?? 0)")
    }
} catch {
    FileHandle.standardError.write(Data("strata-example: \(error)\n".utf8))
    exit(1)
}
