import Foundation
import Strata
import StrataStorage
import StrataTestSupport
import Testing

/// Tables are Delta Lake tables: time travel in SQL and the API, version history and sizes in `info`,
/// `delta_scan`, and other engines (delta-rs, Polars, DuckDB's delta extension) reading and writing the same tables.
@Suite struct DeltaTableTests {
    /// Columns whose names and types exercise the Delta mapping: spaces and punctuation, decimal, float, blob.
    static let oddSchema = Schema(unchecked: [
        Field("unit price", .decimal(precision: 15, scale: 2)), Field("name, with \"quotes\"", .string),
        Field("when", .timestamp), Field("day", .date), Field("small", .int32), Field("ratio", .float),
        Field("bytes", .blob), Field("flag", .bool), Field("big", .decimal(precision: 30, scale: 4)),
    ])

    static func oddBatch(_ start: Int, _ rows: Int) throws -> Batch {
        let range = start..<(start + rows)
        func column(_ type: DataType, _ value: (Int) -> Value) throws -> Column {
            try Column(type: type, values: range.map { $0 % 9 == 4 ? .null : value($0) })
        }
        return try Batch(schema: oddSchema, columns: [
            try column(.decimal(precision: 15, scale: 2)) { .decimal(Int128($0 * 137 - 5_000), precision: 15, scale: 2) },
            try column(.string) { .string("n\($0) é \"x\", y") },
            try column(.timestamp) { .timestamp(1_700_000_000_000_000 + Int64($0) * 1_234_567) },
            try column(.date) { .date(Int32(19_000 + $0 % 500)) },
            try column(.int32) { .int32(Int32($0 % 1000) - 500) },
            try column(.float) { .float(Float($0) / 8) },
            try column(.blob) { .blob([UInt8($0 % 256), 0, 0xFF]) },
            try column(.bool) { .bool($0 % 3 == 0) },
            try column(.decimal(precision: 30, scale: 4)) {
                .decimal(Int128($0) * 1_000_000_000_000_000_007, precision: 30, scale: 4)
            },
        ])
    }

    /// A store with `trips` (0: import, 1: append, 2: replace with another schema, 3: append) and `odd` (0: create,
    /// 1 and 2: appends, 3: DELETE, 4: UPDATE, 5: INSERT).
    static func store(_ dir: TempDirectory) throws -> Database {
        let db = try Database(path: dir.path("store"), createIfMissing: true)
        try db.importParquet(from: RepoPaths.trips, into: "trips")
        _ = try db.importParquet(from: RepoPaths.trips, into: "trips", mode: .append)
        let small = dir.path("small.csv")
        try TestFiles.write("id,label\n1,a\n2,b\n3,c\n", to: small)
        var replace = CSVImportOptions()
        replace.mode = .replace
        _ = try db.importCSV(from: small, into: "trips", options: replace)
        var append = CSVImportOptions()
        append.mode = .append
        _ = try db.importCSV(from: small, into: "trips", options: append)
        try db.createTable("odd", schema: oddSchema)
        _ = try db.append(to: "odd", batches: [try oddBatch(0, 300)])
        _ = try db.append(to: "odd", batches: [try oddBatch(300, 200), try oddBatch(1000, 50)])
        // 3: DELETE, 4: UPDATE (copy-on-write: only the files with matching rows are rewritten), 5: INSERT.
        _ = try db.fetchAll("DELETE FROM odd WHERE small < -400")
        _ = try db.fetchAll(#"UPDATE odd SET flag = NOT flag, "unit price" = "unit price" + 1 WHERE small >= -10"#)
        _ = try db.fetchAll("INSERT INTO odd SELECT * FROM odd WHERE small = 0")
        return db
    }

    @Test func timeTravelInSQLAndTheAPI() throws {
        let dir = try TempDirectory("strata-delta")
        let db = try Self.store(dir)
        let counts = try (0...3).map { version in
            try db.fetchAll("SELECT count(*) FROM trips AT (VERSION => \(version))")[0][0]
        }
        #expect(counts == [.int64(20_000), .int64(40_000), .int64(3), .int64(6)])
        #expect(try db.fetchAll("SELECT count(*) FROM trips")[0][0] == .int64(6))
        // An old version with its old schema, joined to the current one.
        let joined = try db.fetchAll("""
            SELECT count(*), sum(t.fare) > 0 FROM trips AT (VERSION => 0) AS t JOIN trips AS now ON t.trip_id = now.id
            """)
        #expect(joined[0][0] == .int64(6) && joined[0][1] == .bool(true))
        #expect(try db.table("trips", version: 1).collect().rowCount == 40_000)
        #expect(try drain(try db.scan("trips", version: 2)).reduce(0) { $0 + $1.count } == 3)
        #expect(try db.info("trips", version: 1).rowCount == 40_000)
        do {
            _ = try db.fetchAll("SELECT * FROM trips AT (VERSION => 9)")
            Issue.record("version 9 does not exist")
        } catch let error as StrataError {
            #expect(error.code == .notFound && error.description.contains("no version 9"), "\(error)")
        }
        let versions = try db.versions(of: "trips")
        #expect(versions.map(\.version) == [0, 1, 2, 3])
        #expect(versions.map(\.operation) == ["create", "append", "replace", "append"])
        #expect(versions.map(\.rowCount) == [20_000, 40_000, 3, 6])
        #expect(versions.allSatisfy { $0.engine == "strata" && $0.committedAt?.hasSuffix("Z") == true })
    }

    @Test func updateAndDeleteRewriteOnlyTheFilesWithMatchingRows() throws {
        let dir = try TempDirectory("strata-delta")
        let db = try Self.store(dir)
        let log = DeltaLog(tableDirectory: db.path + "/tables/odd", table: "odd")
        let delete = try log.readCommit(3), update = try log.readCommit(4)
        // The DELETE matched rows in both files (their kept rows go to one new file); the UPDATE (small >= -10) only
        // in the second append's file.
        #expect(delete.compactMap(\.remove).count == 2 && delete.compactMap(\.add).count == 1)
        #expect(update.compactMap(\.remove).count == 1 && update.compactMap(\.add).count == 1)
        #expect(delete.compactMap(\.commitInfo).first?.operation == "DELETE")
        #expect(try db.versions(of: "odd").map(\.operation) == ["create", "append", "append", "delete", "update",
                                                                 "append"])
        // A statement that matches nothing commits nothing.
        let before = try db.info("odd").version
        #expect(try db.fetchAll("DELETE FROM odd WHERE small > 100000")[0][0] == .int64(0))
        #expect(try db.fetchAll("UPDATE odd SET flag = true WHERE small > 100000")[0][0] == .int64(0))
        #expect(try db.info("odd").version == before)
        // The counts are DuckDB's: one row, `Count`.
        let deleted = try db.fetchAll("DELETE FROM odd WHERE small = -500")
        #expect(deleted.first?.columnNames == ["Count"])
    }

    @Test func infoCountsEveryFileInTheFolder() throws {
        let dir = try TempDirectory("strata-delta")
        let db = try Self.store(dir)
        let info = try db.info("trips")
        let old = try db.info("trips", version: 1)
        #expect(info.reclaimableBytes == old.bytesOnDisk, "the two files of versions 0 and 1")
        #expect(info.folderBytes > info.bytesOnDisk + info.reclaimableBytes, "plus the log")
        let result = try StrataCLI.run(["info", db.path, "trips"])
        CSVImportCLITests.expectSuccess(result, "info STORE TABLE")
        for text in ["version 3", "reclaimable", "replace", "append", "create", "40,000"] {
            #expect(result.stdout.contains(text), "info lacks \(text): \(result.stdout)")
        }
    }

    /// `strata info STORE TABLE` lists the partition files and each column's min, max and nulls, taken from the
    /// files' footers; DuckDB reading the same files agrees.
    @Test func infoListsPartitionsAndTheirStatistics() throws {
        let dir = try TempDirectory("strata-delta")
        let db = try Self.store(dir)
        let partitions = try db.partitions(of: "odd")
        let rowCount = try db.info("odd").rowCount
        #expect(!partitions.isEmpty && partitions.map(\.rows).reduce(0, +) == rowCount)
        let files = partitions.map { "'\(db.path)/tables/odd/\($0.file)'" }.joined(separator: ", ")
        for (index, field) in try db.schema(of: "odd").fields.enumerated()
        where [.int32, .int64, .double, .string, .date].contains(field.type) {
            let quoted = "\"" + field.name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
            let duck = try DuckDBOracle.rows("SELECT min(\(quoted))::VARCHAR, max(\(quoted))::VARCHAR, "
                + "count(*) - count(\(quoted)) FROM read_parquet([\(files)])")
            let combined = try #require(ColumnSummary.combined(partitions.map { $0.columns[index] }))
            let row = try #require(duck.first)
            #expect(combined.min.map { "\($0)" } == row[0] as? String, "\(field.name) min")
            #expect(combined.max.map { "\($0)" } == row[1] as? String, "\(field.name) max")
            #expect(combined.nullCount.map(Int.init) == row[2] as? Int, "\(field.name) nulls")
        }
        let result = try StrataCLI.run(["info", db.path, "odd"])
        CSVImportCLITests.expectSuccess(result, "info STORE TABLE")
        let text = result.stdout
        #expect(text.contains("  partitions:") && text.contains("  column statistics (from the files' footers):"))
        for partition in partitions { #expect(text.contains(partition.file), "\(partition.file) not listed") }
        #expect(text.contains("added") && text.contains("+300") && text.contains("+250"), "rows added: \(text)")
    }

    @Test func deltaScanReadsAnyDeltaFolder() throws {
        let dir = try TempDirectory("strata-delta")
        let db = try Self.store(dir)
        let folder = db.path + "/tables/trips"
        #expect(try db.fetchAll("SELECT count(*) FROM delta_scan('\(folder)')")[0][0] == .int64(6))
        #expect(try db.fetchAll("SELECT count(*) FROM read_delta('\(folder)', version = 1)")[0][0] == .int64(40_000))
        do {
            _ = try db.fetchAll("SELECT count(*) FROM delta_scan('\(dir.path)')")
            Issue.record("a folder without a log is not a Delta table")
        } catch let error as StrataError {
            #expect(error.description.contains("not a Delta table"), "\(error)")
        }
    }

    @Test func vacuumInSQLTheAPIAndTheCLI() throws {
        let dir = try TempDirectory("strata-delta")
        let db = try Self.store(dir)
        let before = try db.info("trips")
        #expect(try db.fetchAll("VACUUM trips DRY RUN").isEmpty, "the default 7 days keep a moment-old replace's files")
        do {
            _ = try db.fetchAll("VACUUM trips RETAIN 0 HOURS")
            Issue.record("a retention below 7 days needs an explicit yes")
        } catch let error as StrataError {
            #expect(error.description.contains("allow-short-retention"), "\(error)")
        }
        let dry = try StrataCLI.run(["vacuum", db.path, "trips", "--retain-hours", "0", "--allow-short-retention",
                                     "--dry-run"])
        CSVImportCLITests.expectSuccess(dry, "vacuum --dry-run")
        #expect(dry.stdout.contains("would delete 2 files"), "\(dry.stdout)")
        let report = try db.vacuum("trips", retainHours: 0, allowShortRetention: true)
        #expect(report.files.count == 2 && report.bytes == before.reclaimableBytes && !report.dryRun)
        let after = try db.info("trips")
        #expect(after.reclaimableBytes == 0 && after.rowCount == 6 && after.version == 3)
        #expect(try db.fetchAll("SELECT count(*) FROM trips")[0][0] == .int64(6))
        #expect(try db.fetchAll("SELECT count(*) FROM trips AT (VERSION => 2)")[0][0] == .int64(3))
        do {
            _ = try db.fetchAll("SELECT count(*) FROM trips AT (VERSION => 1)")
            Issue.record("version 1's files were vacuumed")
        } catch let error as StrataError {
            #expect(error.description.contains("no longer exists"), "\(error)")
        }
        let quiet = try StrataCLI.run(["vacuum", db.path, "trips", "--quiet"])
        CSVImportCLITests.expectSuccess(quiet, "vacuum --quiet")
        #expect(quiet.stdout.isEmpty)
        if try Self.python(["-c", "import deltalake"]).status == 0 {
            let count = try Self.python(["-c", """
                import deltalake, os, sys
                print(deltalake.DeltaTable('\(db.path)/tables/trips').to_pyarrow_table().num_rows)
                sys.stdout.flush(); os._exit(0)  # deltalake 1.6.6 may abort at interpreter exit
                """])
            #expect(count.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "6", "\(count)")
        }
    }

    // MARK: - Other engines

    static func python(_ arguments: [String], environment: [String: String] = [:]) throws -> StrataCLI.Result {
        try StrataCLI.run(executable: "/usr/bin/env", ["python3"] + arguments, timeout: 600)
    }

    static var checker: String { RepoPaths.root + "/Tests/interop/check_delta.py" }

    /// Fails the test with setup instructions when deltalake and Polars are missing.
    static func requireDeltaReaders() throws {
        let probe = try python(["-c", "import deltalake, polars, pyarrow"])
        if probe.status != 0 {
            Issue.record("python3 with deltalake, polars and pyarrow is required; run scripts/setup.sh")
            throw StrataError(.notFound, "python oracles unavailable")
        }
    }

    /// Writes every version of `table` as Strata reads it into `folder` (`vN.jsonl`, `vN.schema.json`).
    static func expectations(_ db: Database, _ table: String, into folder: String) throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        for version in try db.versions(of: table).map(\.version) {
            let result = try db.table(table, version: version).collect()
            try TestFiles.write(Canonical.jsonLines(result.batches), to: folder + "/v\(version).jsonl")
            let schema = try db.info(table, version: version).schema
            try TestFiles.write(Canonical.schemaJSON(schema), to: folder + "/v\(version).schema.json")
        }
    }

    @Test func otherEnginesReadEveryVersion() throws {
        try Self.requireDeltaReaders()
        let dir = try TempDirectory("strata-delta")
        let db = try Self.store(dir)
        for table in ["trips", "odd"] {
            try Self.expectations(db, table, into: dir.path("expected-" + table))
            let result = try Self.python([Self.checker, "read", db.path + "/tables/" + table,
                                          dir.path("expected-" + table)])
            #expect(result.status == 0, "\(table): \(result)")
        }
    }

    @Test func tablesWrittenByDeltaRsReadInStrata() throws {
        try Self.requireDeltaReaders()
        let dir = try TempDirectory("strata-delta")
        let db = try Database(path: dir.path("store"), createIfMissing: true)
        let written = try Self.python([Self.checker, "write", db.path + "/tables/theirs", dir.path("expected")])
        try #require(written.status == 0, "\(written)")
        // delta-rs writes its checkpointed table next to it: move it into the store as a table of its own.
        try FileManager.default.moveItem(atPath: db.path + "/tables/theirs-cp", toPath: db.path + "/tables/theirs_cp")
        #expect(try db.tableNames() == ["theirs", "theirs_cp"])
        _ = dir.path("expected")
        for (table, expected) in [("theirs", "plain"), ("theirs_cp", "checkpointed")] {
            let versions = try db.versions(of: table)
            let files = try FileManager.default.contentsOfDirectory(atPath: dir.path("expected/" + expected))
            #expect(versions.count == files.count, "\(table): \(versions.count) versions, delta-rs has \(files.count)")
            for version in versions.map(\.version) {
                let want = try String(contentsOfFile: dir.path("expected/\(expected)/v\(version).jsonl"), encoding: .utf8)
                let got = Canonical.jsonLines(try db.table(table, version: version).collect().batches)
                let parse = { (text: String) in text.split(separator: "\n").map(String.init).sorted() }
                #expect(try Self.normalized(parse(got)) == Self.normalized(parse(want)),
                        "\(table) version \(version) differs")
            }
            #expect(versions.last?.engine?.hasPrefix("delta-rs") == true)
        }
        // A log whose commits before its checkpoint were cleaned up (as delta-rs and Spark do after the log
        // retention) is read from the checkpoint: the same rows at every version still there; writes are refused.
        try FileManager.default.copyItem(atPath: db.path + "/tables/theirs_cp", toPath: db.path + "/tables/trimmed")
        try FileManager.default.removeItem(atPath: db.path + "/tables/trimmed/_delta_log/" + DeltaLog.fileName(0))
        #expect(try db.versions(of: "trimmed").map(\.version) == [1, 2])
        for version in [1, 2] {
            let want = try String(contentsOfFile: dir.path("expected/checkpointed/v\(version).jsonl"), encoding: .utf8)
            let got = Canonical.jsonLines(try db.table("trimmed", version: version).collect().batches)
            let parse = { (text: String) in text.split(separator: "\n").map(String.init).sorted() }
            #expect(try Self.normalized(parse(got)) == Self.normalized(parse(want)), "trimmed version \(version)")
        }
        #expect(throws: StrataError.self) { _ = try db.table("trimmed", version: 0).collect() }
        do {
            _ = try db.fetchAll("INSERT INTO trimmed SELECT * FROM trimmed LIMIT 1")
            Issue.record("a table read from a checkpoint was written")
        } catch let error as StrataError {
            #expect(error.description.contains("checkpoint"), "\(error)")
        }
        // `strata import` of a Delta folder copies its current version.
        let imported = try StrataCLI.run(["import", db.path + "/tables/theirs_cp", "--store", db.path, "--table",
                                          "copied"])
        CSVImportCLITests.expectSuccess(imported, "import of a Delta table folder")
        let copied = Canonical.jsonLines(try db.table("copied").collect().batches).split(separator: "\n").sorted()
        let source = Canonical.jsonLines(try db.table("theirs_cp").collect().batches).split(separator: "\n").sorted()
        #expect(copied == source && copied.count == 300)
        // Strata appends to delta-rs's table; delta-rs reads it back.
        _ = try db.append(to: "theirs", batches: [try db.table("theirs", version: 0).collect().batches[0]])
        let count = try Self.python(["-c", """
            import deltalake, os, sys
            print(deltalake.DeltaTable('\(db.path)/tables/theirs').to_pyarrow_table().num_rows)
            sys.stdout.flush(); os._exit(0)  # deltalake 1.6.6 may abort at interpreter exit
            """])
        #expect(count.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "\(200 + 300 + 1000)", "\(count)")
    }

    /// Rows as canonical JSON re-serialised by Python's rules, so both sides print alike.
    static func normalized(_ lines: [String]) throws -> [String] {
        let input = lines.joined(separator: "\n")
        let file = NSTemporaryDirectory() + "strata-normalize-\(UUID().uuidString).jsonl"
        try TestFiles.write(input, to: file)
        defer { try? FileManager.default.removeItem(atPath: file) }
        let result = try python(["-c", """
            import json, sys
            sys.path.insert(0, '\(RepoPaths.root)/Tests/interop')
            import canonical
            for line in sorted(open('\(file)', encoding='utf-8').read().split('\\n')):
                if line: print(canonical.dumps_row(json.loads(line)))
            """])
        return result.stdout.split(separator: "\n").map(String.init)
    }

    @Test func strataAndDeltaRsAppendingAtOnceLoseNothing() throws {
        try Self.requireDeltaReaders()
        let dir = try TempDirectory("strata-delta")
        let db = try Database(path: dir.path("store"), createIfMissing: true)
        let schema = Schema(unchecked: [Field("writer", .string), Field("n", .int64)])
        try db.createTable("shared", schema: schema)
        let rounds = 15
        let script = """
            import deltalake, pyarrow as pa
            for i in range(\(rounds)):
                deltalake.write_deltalake('\(db.path)/tables/shared',
                    pa.table({'writer': pa.array(['delta-rs'] * 10), 'n': pa.array([i] * 10, pa.int64())}), mode='append')
            import os; os._exit(0)  # deltalake 1.6.6 may abort at interpreter exit
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script]
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        for i in 0..<rounds {
            let batch = try Batch(schema: schema, columns: [
                try Column(type: .string, values: Array(repeating: .string("strata"), count: 10)),
                try Column(type: .int64, values: Array(repeating: .int64(Int64(i)), count: 10)),
            ])
            _ = try db.append(to: "shared", batches: [batch])
        }
        process.waitUntilExit()
        let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(process.terminationStatus == 0, "delta-rs: \(stderr)")
        let rows = try db.fetchAll("SELECT writer, count(*), count(DISTINCT n) FROM shared GROUP BY writer ORDER BY 1")
        #expect(rows.map { $0.values } == [[.string("delta-rs"), .int64(Int64(rounds * 10)), .int64(Int64(rounds))],
                                            [.string("strata"), .int64(Int64(rounds * 10)), .int64(Int64(rounds))]])
        #expect(try db.versions(of: "shared").count == 2 * rounds + 1)
    }
}

/// Edge cases found in review: names, values and tables that once crashed, lost rows or wrote invalid logs.
@Suite struct DeltaEdgeCaseTests {
    static func database(_ dir: TempDirectory) throws -> Database {
        try Database(path: dir.path("store"), createIfMissing: true)
    }

    static func expectError(_ db: Database, _ sql: String, containing text: String,
                            sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            _ = try db.fetchAll(sql)
            Issue.record("\(sql): no error", sourceLocation: sourceLocation)
        } catch let error as StrataError {
            #expect(error.description.contains(text), "\(sql): \(error)", sourceLocation: sourceLocation)
        } catch {
            Issue.record("\(sql): \(error)", sourceLocation: sourceLocation)
        }
    }

    @Test func aColumnNamedLikeTheMatchFlagIsJustAColumn() throws {
        let dir = try TempDirectory("strata-delta")
        let db = try Self.database(dir)
        _ = try db.fetchAll("CREATE TABLE t (id INTEGER, __strata_match BOOLEAN)")
        _ = try db.fetchAll("INSERT INTO t VALUES (1, true), (2, false), (3, NULL)")
        #expect(try db.fetchAll("DELETE FROM t WHERE id = 2")[0][0] == .int64(1))
        #expect(try db.fetchAll("SELECT id FROM t ORDER BY id").map { $0[0] } == [.int32(1), .int32(3)])
        #expect(try db.fetchAll("UPDATE t SET __strata_match = NOT __strata_match WHERE id = 1")[0][0] == .int64(1))
        #expect(try db.fetchAll("SELECT __strata_match FROM t WHERE id = 1")[0][0] == .bool(false))
    }

    @Test func rowwiseStatementsRefuseWindowsAndAggregates() throws {
        let dir = try TempDirectory("strata-delta")
        let db = try Self.database(dir)
        _ = try db.fetchAll("CREATE TABLE t AS SELECT * FROM (VALUES (1), (2)) AS v(id)")
        Self.expectError(db, "DELETE FROM t WHERE row_number() OVER (ORDER BY id) > 1", containing: "window")
        Self.expectError(db, "UPDATE t SET id = sum(id)", containing: "aggregates")
        Self.expectError(db, "VACUUM t RETAIN 99999999999999999999 HOURS DRY RUN", containing: "retention")
        #expect(throws: StrataError.self) { try db.vacuum("t", retainHours: 1e300, dryRun: true) }
    }

    @Test func statisticsAreValidJSONForEveryDecimal() throws {
        let dir = try TempDirectory("strata-delta")
        let db = try Self.database(dir)
        _ = try db.fetchAll("CREATE TABLE t (d DECIMAL(2,2), e DECIMAL(38,38), day DATE)")
        _ = try db.fetchAll("INSERT INTO t VALUES (0.05, -0.5, DATE '2020-02-29'), (-0.99, 0.1, DATE '10000-01-01')")
        let log = DeltaLog(tableDirectory: db.path + "/tables/t", table: "t")
        let add = try #require(try log.readCommit(1).compactMap(\.add).first)
        let stats = try #require(add.stats)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(stats.utf8)) as? [String: Any])
        let minimums = try #require(json["minValues"] as? [String: Any])
        #expect((minimums["d"] as? NSNumber)?.doubleValue == -0.99 && minimums["day"] == nil, "\(stats)")
    }

    @Test func tablesStrataCannotWriteFaithfullyAreReadOnly() throws {
        let dir = try TempDirectory("strata-delta")
        let db = try Self.database(dir)
        _ = try db.fetchAll("CREATE TABLE t (id INTEGER)")
        _ = try db.fetchAll("INSERT INTO t VALUES (1)")
        let log = DeltaLog(tableDirectory: db.path + "/tables/t", table: "t")
        var metadata = try #require(try log.readCommit(0).compactMap(\.metaData).first)
        metadata.configuration["delta.appendOnly"] = "true"
        #expect(try log.commit([.metaData(metadata)], version: 2))
        _ = try db.fetchAll("INSERT INTO t VALUES (2)")
        Self.expectError(db, "DELETE FROM t WHERE id = 1", containing: "append-only")
        metadata.configuration = [:]
        metadata.schemaString = #"{"type":"struct","fields":[{"name":"id","type":"short","nullable":true,"metadata":{}}]}"#
        #expect(try log.commit([.metaData(metadata)], version: 4))
        #expect(try db.fetchAll("SELECT count(*) FROM t")[0][0] == .int64(2))
        Self.expectError(db, "INSERT INTO t VALUES (100000)", containing: "short")
    }

    @Test func removesRepeatTheAddsEncodedPath() throws {
        let dir = try TempDirectory("strata-delta")
        let db = try Self.database(dir)
        _ = try db.fetchAll("CREATE TABLE t (id INTEGER)")
        _ = try db.fetchAll("INSERT INTO t VALUES (1), (2)")
        let table = db.path + "/tables/t"
        let log = DeltaLog(tableDirectory: table, table: "t")
        let add = try #require(try log.readCommit(1).compactMap(\.add).first)
        // The same file, re-added under a name that needs percent-encoding, as another engine would log it.
        try FileManager.default.moveItem(atPath: table + "/" + add.path, toPath: table + "/a b%.parquet")
        var renamed = add
        renamed.path = "a%20b%25.parquet"
        renamed.tags = nil
        #expect(try log.commit([.remove(DeltaRemove(path: add.path, deletionTimestamp: 0, dataChange: true)),
                                .add(renamed)], version: 2))
        #expect(try db.fetchAll("DELETE FROM t WHERE id = 1")[0][0] == .int64(1))
        let removes = try log.readCommit(3).compactMap(\.remove).map(\.path)
        #expect(removes == ["a%20b%25.parquet"])
        #expect(try db.fetchAll("SELECT id FROM t").map { $0[0] } == [.int32(2)])
    }
}
