import Foundation
import Strata
import StrataStorage
import Testing

/// The public embedding API end to end: create, append, scan, info, import.
@Suite struct DatabaseTests {
    static let schema = try! Schema([
        Field("id", .int64, nullable: false), Field("name", .string), Field("score", .double), Field("day", .date),
        Field("at", .timestamp), Field("ok", .bool), Field("n", .int32), Field("f", .float),
    ])

    /// `rows` rows starting at id `start`, with nulls in the nullable columns.
    static func batch(start: Int64, rows: Int) throws -> Batch {
        var builders = schema.fields.map { ColumnBuilder(type: $0.type, capacity: rows) }
        for i in 0..<rows {
            let id = start + Int64(i)
            builders[0].append(id)
            if id % 7 == 0 { builders[1].appendNull() } else { try builders[1].append("name-\(id)-é") }
            if id % 11 == 0 { builders[2].appendNull() } else { builders[2].append(Double(id) / 8) }
            builders[3].append(Int32(truncatingIfNeeded: id % 40_000 - 20_000))
            builders[4].append(id * 1_000_003 - 5_000_000_000)
            if id % 5 == 0 { builders[5].appendNull() } else { builders[5].append(id % 2 == 0) }
            builders[6].append(Int32(truncatingIfNeeded: id))
            builders[7].append(Float(id) * 0.5)
        }
        return try Batch(schema: schema, columns: builders.map { $0.finish() })
    }

    static func tableFiles(_ db: Database, _ table: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: db.path + "/tables/" + table)) ?? [])
            .filter { $0.hasSuffix(".parquet") }.sorted()
    }

    @Test func openingAMissingStoreFails() throws {
        let dir = try TempDirectory()
        do {
            _ = try Database(path: dir.path("none"))
            Issue.record("opened a store that does not exist")
        } catch let error as StrataError {
            #expect(error.code == .notFound, "\(error)")
        }
        let db = try Database(path: dir.path("new"), createIfMissing: true)
        #expect(try db.tableNames().isEmpty)
        #expect(db.path == dir.path("new"))
        #expect(try Database(path: dir.path("new")).tableNames().isEmpty)
    }

    @Test func createAppendScanInfo() throws {
        let dir = try TempDirectory()
        let db = try Database(path: dir.path("db"), createIfMissing: true)
        try db.createTable("events", schema: Self.schema)
        #expect(try db.tableNames() == ["events"])
        #expect(try db.tableExists("events"))
        #expect(try !db.tableExists("nope"))
        #expect(try db.schema(of: "events") == Self.schema)

        let empty = try db.info("events")
        #expect(empty.version == 0 && empty.rowCount == 0 && empty.partitionCount == 0 && empty.bytesOnDisk == 0)
        #expect(empty.compressionRatio == 0)
        #expect(try drain(try db.scan("events")).reduce(0) { $0 + $1.count } == 0)

        let b1 = try Self.batch(start: 0, rows: 3_000), b2 = try Self.batch(start: 3_000, rows: 2_000)
        let b3 = try Self.batch(start: 5_000, rows: 5_000)
        let info1 = try db.append(to: "events", batches: [b1, b2])
        #expect(info1.version == 1)
        #expect(info1.rowCount == 5_000)
        let info2 = try db.append(to: "events", batches: [b3], codec: .lz4)
        #expect(info2.version == 2)
        #expect(info2.rowCount == 10_000)

        let info = try db.info("events")
        #expect(info == info2)
        #expect(info.name == "events")
        #expect(info.schema == Self.schema)
        #expect(info.partitionCount == 2)
        #expect(info.rowGroupCount >= 2)
        #expect(info.codecs == ["zstd", "lz4_raw"], "\(info.codecs)")
        let files = Self.tableFiles(db, "events")
        #expect(files.count == 2, "\(files)")
        let onDisk = try files.reduce(Int64(0)) { total, file in
            let attributes = try FileManager.default.attributesOfItem(atPath: db.path + "/tables/events/" + file)
            return total + ((attributes[.size] as? NSNumber)?.int64Value ?? 0)
        }
        #expect(info.bytesOnDisk == onDisk)
        #expect(info.uncompressedBytes > 0)
        #expect(info.compressionRatio > 1, "ratio \(info.compressionRatio)")

        // Full scan: every row, in order.
        var cursor = try db.scan("events")
        #expect(cursor.schema == Self.schema)
        var batches: [Batch] = []
        while let batch = try cursor.next() { batches.append(batch) }
        let expected = try concatenate([b1, b2, b3], schema: Self.schema)
        if let d = firstDifference(expected, try concatenate(batches, schema: Self.schema)) { Issue.record("\(d)") }

        // Projection, in the requested order.
        let projected = try drain(try db.scan("events", columns: ["at", "id"]))
        let projectedSchema = try Schema([Field("at", .timestamp), Field("id", .int64, nullable: false)])
        let got = try concatenate(projected, schema: projectedSchema)
        #expect(got.count == 10_000)
        #expect(got.columns[1].values == expected.columns[0].values)
        #expect(got.columns[0].values == expected.columns[4].values)
    }

    @Test func failedAppendAddsNothing() throws {
        let dir = try TempDirectory()
        let db = try Database(path: dir.path("db"), createIfMissing: true)
        try db.createTable("t", schema: Self.schema)
        try db.append(to: "t", batches: [try Self.batch(start: 0, rows: 100)])
        let wrong = try Batch(schema: try Schema([Field("id", .int64)]),
                              columns: [try Column(type: .int64, values: [.int64(1)])])
        do {
            try db.append(to: "t", batches: [try Self.batch(start: 100, rows: 1_000), wrong])
            Issue.record("append with a mismatched batch succeeded")
        } catch let error as StrataError {
            #expect(error.code == .schemaMismatch, "\(error)")
        }
        let info = try db.info("t")
        #expect(info.version == 1 && info.rowCount == 100)
        #expect(Self.tableFiles(db, "t").count == 1, "\(Self.tableFiles(db, "t"))")
        let staging = (try? FileManager.default.contentsOfDirectory(atPath: db.path + "/tables/t/_strata/staging")) ?? []
        #expect(staging.isEmpty, "\(staging)")
    }

    @Test func errorsNameWhatIsWrong() throws {
        let dir = try TempDirectory()
        let db = try Database(path: dir.path("db"), createIfMissing: true)
        for (name, code) in [("missing", StrataError.Code.notFound), ("bad-name", .invalidArgument)] {
            do {
                _ = try db.scan(name)
                Issue.record("scan of \(name) succeeded")
            } catch let error as StrataError {
                #expect(error.code == code, "\(error)")
            }
        }
        try db.createTable("t", schema: Self.schema)
        do {
            try db.createTable("t", schema: Self.schema)
            Issue.record("created a table twice")
        } catch let error as StrataError {
            #expect(error.code == .alreadyExists, "\(error)")
        }
        do {
            _ = try db.scan("t", columns: ["id", "nope"])
            Issue.record("scan of an unknown column succeeded")
        } catch let error as StrataError {
            #expect(error.code == .notFound && error.description.contains("nope"), "\(error)")
        }
    }

    @Test func importTrips() throws {
        let dir = try TempDirectory()
        let db = try Database(path: dir.path("db"), createIfMissing: true)
        let info = try db.importParquet(from: RepoPaths.trips, into: "trips")
        #expect(info.rowCount == RepoPaths.tripsRows)
        // The table is created together with its rows: version 1.
        #expect(info.version == 0)
        #expect(info.codecs == ["zstd"])
        #expect(info.schema.fields.map(\.name) == ["trip_id", "vendor", "pickup", "pickup_date", "passengers",
                                                  "distance_km", "fare", "tip", "paid_by_card"])
        #expect(info.schema.fields.map(\.type) == [.int64, .string, .timestamp, .date, .int32, .double, .double,
                                                  .float, .bool])

        // The table holds exactly what the file holds.
        let reader = try ParquetFileReader(path: RepoPaths.trips)
        let all = Array(reader.schema.fields.indices)
        let fileRows = try concatenate(try (0..<reader.rowGroupCount).map { try reader.readRowGroup($0, columns: all) },
                                       schema: reader.schema)
        let tableRows = try concatenate(try drain(try db.scan("trips")), schema: info.schema)
        if let d = firstDifference(fileRows, tableRows) { Issue.record("imported rows differ: \(d)") }
        // trip_id is 1...20,000 in order.
        let ids = try drain(try db.scan("trips", columns: ["trip_id"])).flatMap { $0.columns[0].values }
        #expect(ids == (1...20_000).map { Value.int64(Int64($0)) })

        // Importing again appends a version; another codec is recorded.
        let again = try db.importParquet(from: RepoPaths.trips, into: "trips", codec: .uncompressed)
        #expect(again.version == 1 && again.rowCount == 2 * RepoPaths.tripsRows)
        #expect(again.codecs == ["zstd", "none"], "\(again.codecs)")
        #expect(again.compressionRatio > 0)
    }

    @Test func importRejectsBadFilesWithoutCreatingTables() throws {
        let dir = try TempDirectory()
        let db = try Database(path: dir.path("db"), createIfMissing: true)
        for (fixture, code) in [("err_truncated.parquet", StrataError.Code.corrupt), ("err_bad_magic.parquet", .corrupt),
                                ("err_nested_list.parquet", .unsupported)] {
            do {
                try db.importParquet(from: RepoPaths.parquetFixture(fixture), into: "x")
                Issue.record("imported \(fixture)")
            } catch let error as StrataError {
                #expect(error.code == code, "\(fixture): \(error)")
                #expect(error.description.contains(fixture), "\(fixture): \(error)")
            }
        }
        #expect(try db.tableNames().isEmpty)
        // A file whose schema differs from the existing table's is refused.
        try db.importParquet(from: RepoPaths.trips, into: "trips")
        do {
            try db.importParquet(from: RepoPaths.parquetFixture("pa_small_ints.parquet"), into: "trips")
            Issue.record("imported a file with another schema")
        } catch let error as StrataError {
            #expect(error.code == .schemaMismatch, "\(error)")
        }
        #expect(try db.info("trips").rowCount == RepoPaths.tripsRows)
    }

    @Test func codecParsing() throws {
        #expect(try Codec(parsing: "zstd") == .zstd(level: 1))
        #expect(try Codec(parsing: "zstd:9") == .zstd(level: 9))
        #expect(try Codec(parsing: "lz4") == .lz4)
        #expect(try Codec(parsing: "none") == .uncompressed)
        #expect(throws: StrataError.self) { try Codec(parsing: "brotli") }
        #expect(throws: StrataError.self) { try Codec(parsing: "snappy") }
    }
}
