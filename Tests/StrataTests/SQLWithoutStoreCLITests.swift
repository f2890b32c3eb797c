import Foundation
import Strata
import Testing

/// `strata sql` as DuckDB users type it: no store, files named in FROM, SQL from a file or standard input, a leading
/// `--` comment. Every answer is compared with DuckDB's over the same files.
@Suite struct SQLWithoutStoreCLITests {
    static let events = RepoPaths.root + "/Fixtures/sql/data/events/*.parquet"
    static let people = RepoPaths.root + "/Fixtures/sql/data/people.parquet"
    static let cities = RepoPaths.root + "/Fixtures/sql/data/cities.csv"

    /// Runs `strata sql` with `arguments` and TMPDIR set to `scratch`, expecting success.
    private func sql(_ arguments: [String], stdin: Data? = nil, scratch: TempDirectory) throws -> String {
        let result = try StrataCLI.run(["sql"] + arguments, stdin: stdin, environment: ["TMPDIR": scratch.path])
        try #require(result.status == 0, "\(result)")
        return result.stdout
    }

    /// What the temporary store left in `scratch` (nothing once the command has ended).
    private func leftovers(_ scratch: TempDirectory) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: scratch.path).filter { $0.hasPrefix("strata-") }
    }

    @Test func aParquetGlobIsQueriedWithoutAStore() throws {
        let scratch = try TempDirectory()
        let query = "SELECT kind, count(*) AS n, round(sum(value), 3) AS total FROM '\(Self.events)' "
            + "GROUP BY kind ORDER BY kind"
        let output = try sql([query, "--format", "csv"], scratch: scratch)
        #expect(output == (try DuckDBOracle.csv(query)))
        #expect(try leftovers(scratch).isEmpty)
    }

    @Test func readCSVAndAQuotedCSVPathWork() throws {
        let scratch = try TempDirectory()
        for query in ["SELECT city, country, population FROM read_csv('\(Self.cities)') ORDER BY city",
                      "SELECT country, sum(population) AS people FROM '\(Self.cities)' GROUP BY country "
                          + "ORDER BY country"] {
            #expect(try sql([query, "--format", "csv"], scratch: scratch) == (try DuckDBOracle.csv(query)))
        }
        #expect(try leftovers(scratch).isEmpty)
    }

    @Test func tablesCreatedWithoutAStoreLastForTheCommand() throws {
        let scratch = try TempDirectory()
        let create = "CREATE TABLE adults AS SELECT name, age FROM '\(Self.people)' WHERE age >= 40"
        let query = "SELECT count(*) AS n, max(age) AS oldest FROM adults"
        let output = try sql(["\(create); \(query)", "--format", "csv"], scratch: scratch)
        let count = try DuckDBOracle.csv("SELECT count(*) AS Count FROM '\(Self.people)' WHERE age >= 40")
        #expect(output == count + (try DuckDBOracle.csv(query, setup: [create])))
        #expect(try leftovers(scratch).isEmpty)
        // The next command starts empty again.
        let again = try StrataCLI.run(["sql", query], environment: ["TMPDIR": scratch.path])
        #expect(again.status == 1 && again.stderr.contains("table \"adults\" does not exist"), "\(again)")
    }

    @Test func theSQLComesFromAFileOrStandardInput() throws {
        let scratch = try TempDirectory()
        let query = "SELECT city, count(*) AS n FROM '\(Self.people)' GROUP BY city ORDER BY n DESC, city"
        let expected = try DuckDBOracle.csv(query)
        let file = scratch.path("query.sql")
        try "-- people per city\n\(query);\n".write(toFile: file, atomically: true, encoding: .utf8)
        #expect(try sql(["-f", file, "--format", "csv"], scratch: scratch) == expected)
        #expect(try sql(["--file", file, "--format", "csv"], scratch: scratch) == expected)
        #expect(try sql(["--format", "csv"], stdin: Data(query.utf8), scratch: scratch) == expected)
        #expect(try sql(["-", "--format", "csv"], stdin: Data(query.utf8), scratch: scratch) == expected)
        let both = try StrataCLI.run(["sql", query, "-f", file])
        #expect(both.status != 0 && both.stderr.contains("not both"), "\(both)")
    }

    @Test func aLeadingCommentIsSQLNotAnOption() throws {
        let scratch = try TempDirectory()
        let query = "SELECT count(*) AS n, min(age) AS youngest FROM '\(Self.people)'"
        let expected = try DuckDBOracle.csv(query)
        #expect(try sql(["-- how many\n\(query)", "--format", "csv"], scratch: scratch) == expected)
        #expect(try sql(["--format", "csv", "-- first\n-- second\n\(query)"], scratch: scratch) == expected)
        // With a store as the first argument, as before.
        let store = scratch.path("s.store")
        let database = try Database(path: store, createIfMissing: true)
        _ = try database.importParquet(from: Self.people, into: "people")
        let stored = "SELECT count(*) AS n, min(age) AS youngest FROM people"
        #expect(try sql([store, "-- from the store\n\(stored)", "--format", "csv"], scratch: scratch) == expected)
        #expect(try sql(["--store", store, "-- again\n\(stored)", "--format", "csv"], scratch: scratch) == expected)
        #expect(try sql([store, "--format", "csv"], stdin: Data(stored.utf8), scratch: scratch) == expected)
    }

    @Test func aLoneWordIsTheStore() throws {
        let missing = try StrataCLI.run(["sql", "no-such.store"], stdin: Data("SELECT 1".utf8))
        #expect(missing.status == 1 && missing.stderr.contains("no-such.store"), "\(missing)")
    }
}
