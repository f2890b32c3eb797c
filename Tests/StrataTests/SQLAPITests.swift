import Foundation
import Strata
import Testing

/// The Swift embedding API over SQL: prepared statements, parameters, cursors, typed rows, statistics, EXPLAIN,
/// and the errors users see.
@Suite struct SQLAPITests {
    /// A store holding the sample trips (20,000 rows) as table `trips`.
    static func tripsDatabase(_ directory: TempDirectory, memoryLimit: Int? = nil) throws -> Database {
        let db = try Database(path: directory.path("store"), createIfMissing: true,
                              configuration: Configuration(memoryLimit: memoryLimit, threads: 2,
                                                           spillDirectory: directory.path))
        try db.importParquet(from: RepoPaths.trips, into: "trips")
        return db
    }

    @Test func preparedStatementsBindParametersAndGiveTypedRows() throws {
        let directory = try TempDirectory()
        let db = try SQLAPITests.tripsDatabase(directory)
        let statement = try db.prepare("SELECT count(*) AS n, max(fare) AS top FROM trips WHERE passengers = $1 AND fare > $2")
        #expect(statement.parameterCount == 2)
        let all = try #require(try statement.fetchOne([.int32(1), .double(0)]))
        let some = try #require(try statement.fetchOne([.int32(1), .double(30)]))
        let n: Int? = all["n"], m: Int? = some["n"]
        #expect((n ?? 0) > (m ?? 0) && (m ?? 0) > 0)
        let top: Double? = some["top"]
        #expect((top ?? 0) > 30)
        // The same statement, counted independently.
        var expected = 0
        var cursor = try db.scan("trips", columns: ["passengers", "fare"])
        while let batch = try cursor.next() {
            for i in 0..<batch.count where batch.columns[0].value(at: i) == .int32(1) {
                if case let .double(fare) = batch.columns[1].value(at: i), fare > 30 { expected += 1 }
            }
        }
        #expect(m == expected)
        #expect(throws: StrataError.self) { try statement.fetchAll([.int32(1)]) }
    }

    @Test func aCursorStreamsBatchesAndReportsStatistics() throws {
        let directory = try TempDirectory()
        let db = try SQLAPITests.tripsDatabase(directory)
        let cursor = try db.query("SELECT trip_id, fare * 2 AS double_fare FROM trips WHERE fare > 10")
        #expect(cursor.columnNames == ["trip_id", "double_fare"])
        var rows = 0
        while let batch = try cursor.next() {
            #expect(batch.schema.fields.map(\.type) == [.int64, .double])
            rows += batch.count
        }
        let statistics = try #require(cursor.statistics)
        #expect(statistics.rows == rows && rows > 0)
        #expect(try cursor.next() == nil)
        let count: Int? = try db.fetchOne("SELECT count(*) AS n FROM trips WHERE fare > 10")?["n"]
        #expect(count == rows)
    }

    @Test func cancellingACursorStopsTheQuery() throws {
        let directory = try TempDirectory()
        let db = try SQLAPITests.tripsDatabase(directory)
        let cancellation = QueryCancellation()
        let cursor = try db.prepare("SELECT * FROM trips").execute(cancellation: cancellation)
        cancellation.cancel()
        do {
            while try cursor.next() != nil {}
            Issue.record("a cancelled query ran to the end")
        } catch let error as StrataError {
            #expect(error.code == .cancelled)
        }
        // Dropping a cursor part-way stops its query.
        let partial = try db.query("SELECT trip_id FROM trips")
        _ = try partial.next()
        partial.cancel()
    }

    @Test func explainShowsThePlansAndExplainAnalyzeTheFigures() throws {
        let directory = try TempDirectory()
        let db = try SQLAPITests.tripsDatabase(directory)
        let plan = try db.fetchAll("EXPLAIN SELECT vendor, sum(fare) FROM trips WHERE fare > 5 GROUP BY vendor")
            .compactMap { $0[0] == .null ? nil : "\($0[0])" }.joined(separator: "\n")
        #expect(plan.contains("Logical plan:") && plan.contains("Physical plan:") && plan.contains("Task graph"))
        #expect(plan.contains("HashAggregate") && plan.contains("Filter"))
        let analyzed = try db.fetchAll("EXPLAIN ANALYZE SELECT vendor, sum(fare) FROM trips GROUP BY vendor")
            .map { "\($0[0])" }.joined(separator: "\n")
        #expect(analyzed.contains("Scan trips v0 columns [vendor, fare] row groups 1 of 1  (rows 20000"), "\(analyzed)")
        #expect(analyzed.contains("HashAggregate") && analyzed.contains("peak reserved"))
    }

    /// A filter keeping the first rows of each partition puts a prefilter under the window (and only then); both
    /// plans give the same rows.
    @Test func aRowNumberLimitPrefiltersTheWindow() throws {
        let directory = try TempDirectory()
        let db = try SQLAPITests.tripsDatabase(directory)
        let limited = """
            SELECT passengers, trip_id FROM (SELECT passengers, trip_id, row_number() OVER (PARTITION BY passengers
            ORDER BY trip_id DESC) AS rn FROM trips) WHERE rn <= 3 ORDER BY passengers, trip_id
            """
        func plan(_ sql: String) throws -> String {
            try db.fetchAll("EXPLAIN " + sql).compactMap { $0[0] == .null ? nil : "\($0[0])" }.joined(separator: "\n")
        }
        #expect(try plan(limited).contains("TopKPrefilter 3 per [passengers] by trip_id DESC"))
        let unlimited = limited.replacingOccurrences(of: "WHERE rn <= 3", with: "WHERE rn + 0 <= 3")
        #expect(try !plan(unlimited).contains("TopKPrefilter"))
        let a = try db.fetchAll(limited).map { "\($0[0]) \($0[1])" }
        let b = try db.fetchAll(unlimited).map { "\($0[0]) \($0[1])" }
        #expect(!a.isEmpty && a == b)
    }

    @Test func subqueriesThatCannotPipelineAreMaterialisedAndCleanedUp() throws {
        let directory = try TempDirectory()
        let db = try SQLAPITests.tripsDatabase(directory)
        let rows = try db.fetchAll("""
            WITH per_vendor AS (SELECT vendor, count(*) AS n FROM trips GROUP BY vendor)
            SELECT count(*) AS vendors, sum(n) AS trips FROM per_vendor
            """)
        let trips: Int? = rows.first?["trips"]
        #expect(trips == 20_000)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasPrefix("strata-") }
        #expect(leftovers.isEmpty, "left behind: \(leftovers)")
    }

    @Test func filesAreQueriedWithoutImporting() throws {
        let directory = try TempDirectory()
        let db = try Database(path: directory.path("store"), createIfMissing: true,
                              configuration: Configuration(spillDirectory: directory.path))
        let parquet: Int? = try db.fetchOne("SELECT count(*) AS n FROM read_parquet('\(RepoPaths.trips)')")?["n"]
        #expect(parquet == 20_000)
        let csv = RepoPaths.root + "/Fixtures/sample/trips.csv.gz"
        let row = try #require(try db.fetchOne("SELECT count(*) AS n, count(DISTINCT vendor) AS v FROM read_csv('\(csv)')"))
        #expect(row["n"] == Optional(20_000))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasPrefix("strata-csv") }
        #expect(leftovers.isEmpty, "left behind: \(leftovers)")
    }

    @Test(arguments: [
        ("SELECT vendr FROM trips", "column \"vendr\" not found in table trips; did you mean \"vendor\"?", 1, 8),
        ("SELECT fare FROM trip", "table \"trip\" does not exist; did you mean \"trips\"?", 1, 18),
        ("SELECT sum(vendor) FROM trips", "sum", 1, 8),
        ("SELECT vendor + 1 FROM trips", "cannot apply + to string and int32", 1, 15),
        ("SELECT frob(fare) FROM trips", "unknown function frob", 1, 8),
        ("SELECT fare FROM trips WHERE", "expected an expression, found end of input", 1, 29),
        ("SELECT fare,\n  vendor\nFROM trips WHERE sum(fare) > 1", "aggregate function sum is not allowed in WHERE", 3, 18),
        ("SELECT vendor, fare FROM trips GROUP BY vendor", "must appear in the GROUP BY clause", 1, 16),
    ])
    func badSQLGetsAPreciseMessage(_ sql: String, _ message: String, _ line: Int, _ column: Int) throws {
        let directory = try TempDirectory()
        let db = try SQLAPITests.tripsDatabase(directory)
        do {
            _ = try db.fetchAll(sql)
            Issue.record("no error for \(sql)")
        } catch let error as StrataError {
            #expect(error.message.contains(message), "\(error.message)")
            #expect(error.message.contains("at line \(line), column \(column)"), "\(error.message)")
            #expect(error.line == line)
            let caret = String(repeating: " ", count: column - 1) + "^"
            #expect(error.message.hasSuffix("\n" + caret), "\(error.message)")
        }
    }

    @Test func anEmptyStatementIsAnError() throws {
        let directory = try TempDirectory()
        let db = try SQLAPITests.tripsDatabase(directory)
        for sql in ["", "  ;", "-- nothing"] {
            #expect(throws: StrataError.self) { try db.prepare(sql) }
        }
    }
}

/// `strata sql` and `strata shell` as a user runs them.
@Suite struct SQLCLITests {
    static func store(_ directory: TempDirectory) throws -> String {
        let path = directory.path("store")
        let result = try StrataCLI.run(["import", RepoPaths.trips, "--store", path, "--table", "trips"])
        #expect(result.status == 0, "\(result)")
        return path
    }

    @Test func sqlWritesCSVAndJSONAndParquet() throws {
        let directory = try TempDirectory()
        let store = try SQLCLITests.store(directory)
        let sql = "SELECT vendor, count(*) AS n FROM trips WHERE vendor IS NOT NULL GROUP BY vendor ORDER BY n DESC, vendor LIMIT 2"
        let csv = try StrataCLI.run(["sql", store, sql, "--format", "csv", "--memory-limit", "64MB", "--threads", "2"])
        #expect(csv.status == 0, "\(csv)")
        let lines = csv.stdout.split(separator: "\n")
        #expect(lines.count == 3 && lines[0] == "vendor,n", "\(csv)")
        let json = try StrataCLI.run(["sql", store, sql, "--format", "json"])
        #expect(json.stdout.split(separator: "\n").allSatisfy { $0.hasPrefix("{\"vendor\":\"") }, "\(json)")
        let output = directory.path("out.parquet")
        let parquet = try StrataCLI.run(["sql", store, "SELECT * FROM trips", "--format", "parquet", "--output", output])
        #expect(parquet.status == 0, "\(parquet)")
        let db = try Database(path: directory.path("check"), createIfMissing: true)
        #expect(try db.fetchOne("SELECT count(*) AS n FROM read_parquet('\(output)')")?["n"] == Optional(20_000))
    }

    @Test func sqlFailsWithExitCodeAndMessage() throws {
        let directory = try TempDirectory()
        let store = try SQLCLITests.store(directory)
        let result = try StrataCLI.run(["sql", store, "SELECT nope FROM trips"])
        #expect(result.status != 0)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.hasPrefix("strata: error: binder error at line 1, column 8: column \"nope\" not found"),
                "\(result)")
    }

    @Test func theShellReadsPipedStatementsAndCommands() throws {
        let directory = try TempDirectory()
        let store = try SQLCLITests.store(directory)
        let script = """
            .tables
            .schema trips
            .mode csv
            SELECT count(*) AS n
              FROM trips;  SELECT 1 + 1 AS two;
            .timer on
            SELECT nope FROM trips;
            .quit
            SELECT 'not reached';
            """
        let result = try StrataCLI.run(["shell", store], stdin: Data(script.utf8))
        #expect(result.status == 1, "\(result)")  // one statement failed
        #expect(result.stdout.contains("trips\n"))
        #expect(result.stdout.contains("CREATE TABLE trips(trip_id BIGINT"), "\(result)")
        #expect(result.stdout.contains("n\n20000\n"), "\(result)")
        #expect(result.stdout.contains("two\n2\n"), "\(result)")
        #expect(!result.stdout.contains("not reached"))
        #expect(result.stderr.contains("column \"nope\" not found"), "\(result)")
    }
}
