import Foundation
import StrataCore
import Testing
@testable import StrataStorage
import StrataTestSupport

/// Tables as Delta Lake tables: the log Strata writes, what it refuses to read, the upgrade of pre-Delta stores, and
/// commits racing another Delta writer.
@Suite struct DeltaLogTests {
    static let schema = RandomData.schema()

    /// The actions of commit `version` of table `t`.
    static func actions(_ store: Store, _ version: Int) throws -> [DeltaAction] {
        try store.log(of: "t").readCommit(version)
    }

    @Test func commitsFollowTheDeltaProtocol() throws {
        let dir = try TempDirectory()
        let (store, batches) = try StoreTests.makeTable(dir, appends: 2, rows: 300)
        #expect(try store.log(of: "t").versions() == [0, 1, 2])
        let create = try Self.actions(store, 0)
        #expect(create.compactMap(\.protocol) == [.strata])
        let metadata = try #require(create.compactMap(\.metaData).first)
        #expect(metadata.partitionColumns.isEmpty && metadata.format.provider == "parquet")
        #expect(try DeltaSchema.schema(from: metadata.schemaString, path: "-") == Self.schema)
        #expect(create.compactMap(\.commitInfo).first?.operation == "CREATE TABLE")

        let append = try Self.actions(store, 1)
        let info = try #require(append.compactMap(\.commitInfo).first)
        #expect(info.operation == "WRITE" && info.operationParameters?["mode"] == .text("Append"))
        #expect(info.engineInfo == "strata")
        let add = try #require(append.compactMap(\.add).first)
        #expect(add.dataChange && add.partitionValues.isEmpty)
        #expect(try Int64(Files.size(store.tableDirectory("t") + "/" + add.path)) == add.size)
        // Statistics: numRecords, nulls of every column, bounds of the types Delta's JSON holds exactly.
        let stats = try #require(add.stats)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(stats.utf8)) as? [String: Any])
        #expect(json["numRecords"] as? Int == 300)
        let nulls = try #require(json["nullCount"] as? [String: Int])
        #expect(Set(nulls.keys) == Set(Self.schema.fields.map(\.name)))
        let column = batches[0].columns[2]
        let values = (0..<column.count).compactMap { row -> Int64? in
            if case let .int64(v) = column.value(at: row) { return v }
            return nil
        }
        #expect(nulls["i64"] == 300 - values.count)
        let minimums = try #require(json["minValues"] as? [String: Any])
        let maximums = try #require(json["maxValues"] as? [String: Any])
        #expect((minimums["i64"] as? NSNumber)?.int64Value == values.min())
        #expect((maximums["i64"] as? NSNumber)?.int64Value == values.max())
        #expect(minimums["ts"] == nil && minimums["b"] == nil, "timestamps and booleans get no bounds")
        // Strata's integrity checks travel as tags and come back into the manifest.
        let partition = try #require(try store.snapshot(of: "t", version: 1).partitions.first)
        #expect(partition.footerCRC32 != nil && partition.crc32 != nil && partition.rows == 300)
        #expect(add.tags?["strata.footerCRC32"] == .some(partition.footerCRC32.map(String.init)))
    }

    @Test func replaceRemovesEveryLiveFileAndRestatesAChangedSchema() throws {
        let dir = try TempDirectory()
        let (store, _) = try StoreTests.makeTable(dir, appends: 2, rows: 100)
        let before = try store.snapshot(of: "t").partitions.map(\.file)
        let newSchema = try Schema([Field("x", .decimal(precision: 20, scale: 3)), Field("y", .blob)])
        let writer = try store.writer(for: "t", mode: .replace(newSchema))
        let x = try Column(type: .decimal(precision: 20, scale: 3), values: [.decimal(12_345, precision: 20, scale: 3),
                                                                             .decimal(-7, precision: 20, scale: 3)])
        let y = try Column(type: .blob, values: [.blob([1, 2]), .null])
        try writer.write(try Batch(schema: newSchema, columns: [x, y]))
        let replaced = try writer.commit()
        #expect(replaced.version == 3 && replaced.rowCount == 2 && replaced.schema == newSchema)
        let actions = try Self.actions(store, 3)
        #expect(Set(actions.compactMap(\.remove).map(\.path)) == Set(before))
        #expect(actions.compactMap(\.metaData).count == 1)
        #expect(actions.compactMap(\.commitInfo).first?.operationParameters?["mode"] == .text("Overwrite"))
        // Old versions keep their files and schema.
        #expect(try store.snapshot(of: "t", version: 2).schema == Self.schema)
        #expect(try store.snapshot(of: "t", version: 2).rowCount == 200)
        for file in before { #expect(FileManager.default.fileExists(atPath: store.tableDirectory("t") + "/" + file)) }
    }

    @Test func schemaMappingRoundTripsEveryStrataType() throws {
        let types: [DataType] = [.bool, .int32, .int64, .float, .double, .string, .date, .timestamp, .timestampNanos,
                                 .blob, .time, .decimal(precision: 38, scale: 10), .decimal(precision: 9, scale: 0)]
        let schema = try Schema(types.enumerated().map { Field("c \($0.offset), \"odd\" (name)", $0.element) }
            + [Field("required", .int64, nullable: false)])
        let text = try DeltaSchema.schemaString(for: schema)
        #expect(try DeltaSchema.schema(from: text, path: "-") == schema)
        #expect(text.contains("\"type\":\"decimal(38,10)\"") && text.contains("\"type\":\"binary\""))
        #expect(text.contains("\"nullable\":false"))
        // Another engine's names: byte, short → int32; timestamp_ntz → timestamp.
        let foreign = """
            {"type":"struct","fields":[{"name":"a","type":"byte","nullable":true,"metadata":{}},\
            {"name":"b","type":"timestamp_ntz","nullable":true,"metadata":{"comment":"x"}}]}
            """
        #expect(try DeltaSchema.schema(from: foreign, path: "-").fields.map(\.type) == [.int32, .timestamp])
        let nested = """
            {"type":"struct","fields":[{"name":"n","type":{"type":"array","elementType":"long","containsNull":true},\
            "nullable":true,"metadata":{}}]}
            """
        let error = StoreTests.expectError(.unsupported, "nested column") {
            _ = try DeltaSchema.schema(from: nested, path: "-")
        }
        #expect(error?.description.contains("\"n\"") == true)
    }

    /// Writes commit `version` of table `t` by hand, as another engine would.
    static func writeCommit(_ store: Store, _ version: Int, _ lines: [String]) throws {
        try Files.write(Array((lines.joined(separator: "\n") + "\n").utf8),
                        to: store.log(of: "t").commitPath(version))
    }

    @Test func featuresStrataDoesNotReadAreClearErrors() throws {
        let cases: [(String, String)] = [
            (#"{"protocol":{"minReaderVersion":3,"minWriterVersion":7,"readerFeatures":["deletionVectors"],"writerFeatures":["deletionVectors"]}}"#,
             "deletionVectors"),
            (#"{"protocol":{"minReaderVersion":4,"minWriterVersion":7}}"#, "reader version 4"),
            (#"{"metaData":{"id":"x","format":{"provider":"parquet","options":{}},"schemaString":"{\"type\":\"struct\",\"fields\":[]}","partitionColumns":["day"],"configuration":{}}}"#,
             "partitioned by day"),
            (#"{"metaData":{"id":"x","format":{"provider":"parquet","options":{}},"schemaString":"{\"type\":\"struct\",\"fields\":[]}","partitionColumns":[],"configuration":{"delta.columnMapping.mode":"name"}}}"#,
             "column mapping"),
            (#"{"add":{"path":"x.parquet","partitionValues":{},"size":1,"modificationTime":0,"dataChange":true,"deletionVector":{"storageType":"u"}}}"#,
             "deletion vector"),
        ]
        for (line, words) in cases {
            let dir = try TempDirectory()
            let (store, _) = try StoreTests.makeTable(dir, appends: 1, rows: 10)
            try Self.writeCommit(store, 2, [line])
            let error = StoreTests.expectError(.unsupported, words) { _ = try store.snapshot(of: "t") }
            #expect(error?.description.contains(words) == true, "\(error.map { "\($0)" } ?? "-")")
            // The version before the unsupported change still reads.
            #expect(try store.snapshot(of: "t", version: 1).rowCount == 10)
        }
        // A writer feature Strata does not write: reading works, writing is refused.
        let dir = try TempDirectory()
        let (store, _) = try StoreTests.makeTable(dir, appends: 1, rows: 10)
        try Self.writeCommit(store, 2, [#"{"protocol":{"minReaderVersion":1,"minWriterVersion":7,"writerFeatures":["invariants","appendOnly"]}}"#])
        #expect(try store.snapshot(of: "t").rowCount == 10)
        let error = StoreTests.expectError(.unsupported, "writer 7") { _ = try store.appender(to: "t") }
        #expect(error?.description.contains("writer version 7") == true)
        // A log whose early commits are gone, without a checkpoint to start from, names what is missing.
        try FileManager.default.removeItem(atPath: store.log(of: "t").commitPath(0))
        let cleaned = StoreTests.expectError(.corrupt, "no checkpoint") { _ = try store.snapshot(of: "t") }
        #expect(cleaned?.description.contains("checkpoint") == true)
    }

    @Test func anotherWritersCommitIsRetriedPastForAppendsAndAConflictForReplaces() throws {
        let dir = try TempDirectory()
        let (store, batches) = try StoreTests.makeTable(dir, appends: 1, rows: 50)
        // Another Delta writer's file, committed while Strata's append is open: an `add` without Strata's tags.
        let foreign = store.tableDirectory("t") + "/part-00000-foreign-c000.parquet"
        let writer = try ParquetFileWriter(path: foreign, schema: Self.schema, options: ParquetWriteOptions())
        try writer.write(try RandomData.batch(rows: 7, seed: 99))
        let summary = try writer.close()
        let add = #"{"add":{"path":"part-00000-foreign-c000.parquet","partitionValues":{},"size":\#(summary.fileBytes),"modificationTime":0,"dataChange":true}}"#
        let info = #"{"commitInfo":{"timestamp":1,"operation":"WRITE","operationParameters":{"mode":"Append"},"engineInfo":"delta-rs"}}"#

        let appender = try store.appender(to: "t")
        try appender.write(try RandomData.batch(rows: 20, seed: 5))
        try Self.writeCommit(store, 2, [info, add])
        let committed = try appender.commit()
        #expect(committed.version == 3 && committed.rowCount == 77)
        #expect(try store.snapshot(of: "t", version: 2).rowCount == 57)
        // The foreign file has no Strata checksum but reads, checked by size.
        let partition = try #require(try store.snapshot(of: "t").partitions.first { $0.file.contains("foreign") })
        #expect(partition.footerCRC32 == nil && partition.rows == 7 && partition.rowGroups == 1)
        #expect(try scanAll(try store.snapshot(of: "t")).batch.count == 77)
        _ = batches

        // A replace that loses the race commits nothing and leaves no files behind.
        let before = Files.list(store.tableDirectory("t"))
        let replace = try store.writer(for: "t", mode: .replace(Self.schema))
        try replace.write(try RandomData.batch(rows: 5, seed: 6))
        try Self.writeCommit(store, 4, [info])
        let error = StoreTests.expectError(.conflict, "replace after a concurrent commit") { _ = try replace.commit() }
        #expect(error?.description.contains("version 4") == true)
        #expect(try store.latestVersion(of: "t") == 4)
        #expect(Files.list(store.tableDirectory("t")) == before)
        // An append after a concurrent schema change is a conflict too.
        let late = try store.appender(to: "t")
        try late.write(try RandomData.batch(rows: 5, seed: 7))
        let metadata = try #require(try Self.actions(store, 0).first { $0.metaData != nil })
        var changed = try #require(metadata.metaData)
        changed.schemaString = try DeltaSchema.schemaString(for: try Schema([Field("other", .int64)]))
        try Files.write(try DeltaAction.encodeCommit([.metaData(changed)]), to: store.log(of: "t").commitPath(5))
        _ = StoreTests.expectError(.conflict, "append after a concurrent schema change") { _ = try late.commit() }
    }

    @Test func cleanupLeavesOtherWritersFilesAlone() throws {
        let dir = try TempDirectory()
        let (store, _) = try StoreTests.makeTable(dir, appends: 1, rows: 10)
        let table = store.tableDirectory("t")
        let theirs = ["part-00000-5e37bca3-aec6-4d10-ac40-b0b59d42da8c-c000.snappy.parquet", "data.parquet",
                      "part-1-2-3.parquet"]
        for name in theirs { try Files.write(Array("in flight".utf8), to: table + "/" + name) }
        try Files.write(Array("{".utf8), to: table + "/_delta_log/_commit_0a1b2c3d.json.tmp")
        let orphan = table + "/part-7-0-0123abcd.parquet"
        try Files.write(Array("crashed Strata writer".utf8), to: orphan)
        let appender = try store.appender(to: "t")
        appender.abort()
        for name in theirs { #expect(FileManager.default.fileExists(atPath: table + "/" + name), "\(name) removed") }
        #expect(FileManager.default.fileExists(atPath: table + "/_delta_log/_commit_0a1b2c3d.json.tmp"))
        #expect(!FileManager.default.fileExists(atPath: orphan))
    }

    /// A table in the layout of stores written before tables became Delta tables: manifests under
    /// `_strata/versions/` (1: create with 40 rows, 2: append 60, 3: replace with 5 rows of another schema).
    static func legacyTable(_ dir: TempDirectory) throws -> (Store, [Int: Batch]) {
        let store = try Store.open(at: dir.path("store"), create: true)
        let table = store.tableDirectory("t")
        try FileManager.default.createDirectory(atPath: table + "/_strata/versions", withIntermediateDirectories: true)
        let otherSchema = try Schema([Field("k", .string)])
        var partitions: [PartitionInfo] = []
        var expected: [Int: Batch] = [:]
        var written: [Batch] = []
        func write(_ batch: Batch, version: Int) throws -> PartitionInfo {
            let name = "part-\(version)-0-0000000\(version).parquet"
            let writer = try ParquetFileWriter(path: table + "/" + name, schema: batch.schema,
                                               options: ParquetWriteOptions())
            try writer.write(batch)
            let s = try writer.close()
            return PartitionInfo(file: name, rows: s.rows, bytes: s.fileBytes, uncompressedBytes: s.uncompressedBytes,
                                 rowGroups: s.rowGroups, crc32: s.crc32, footerCRC32: s.footerCRC32,
                                 footerBytes: s.footerBytes, codec: "zstd")
        }
        for (version, rows) in [(1, 40), (2, 60)] {
            let batch = try RandomData.batch(rows: rows, seed: UInt64(version))
            written.append(batch)
            partitions.append(try write(batch, version: version))
            expected[version] = try Batches.concatenate(written, schema: schema)
            let manifest = Manifest(formatVersion: 1, table: "t", version: version,
                                    operation: version == 1 ? "create" : "append",
                                    committedAt: "2026-11-0\(version)T10:00:00.000Z", schema: schema.fields,
                                    partitions: partitions)
            try Files.write(try manifest.encoded(), to: table + "/_strata/versions/" + Store.manifestName(version))
        }
        let other = try Batch(schema: otherSchema,
                              columns: [try Column(type: .string, values: (0..<5).map { .string("k\($0)") })])
        let replaced = try write(other, version: 3)
        expected[3] = other
        let manifest = Manifest(formatVersion: 1, table: "t", version: 3, operation: "replace",
                                committedAt: "2026-11-03T10:00:00Z", schema: otherSchema.fields,
                                partitions: [replaced])
        try Files.write(try manifest.encoded(), to: table + "/_strata/versions/" + Store.manifestName(3))
        return (store, expected)
    }

    @Test func preDeltaStoresAreReadAndUpgradedByTheirNextWrite() throws {
        let dir = try TempDirectory()
        let (store, expected) = try Self.legacyTable(dir)
        let table = store.tableDirectory("t")
        func check(_ context: String) throws {
            for (version, batch) in expected {
                let read = try scanAll(try store.snapshot(of: "t", version: version)).batch
                if let d = Compare.difference(batch, read) { Issue.record("\(context), version \(version): \(d)") }
            }
        }
        // Read as they are.
        #expect(try store.tableNames() == ["t"])
        #expect(try store.latestVersion(of: "t") == 3)
        #expect(try store.history(of: "t").map(\.operation) == ["create", "append", "replace"])
        try check("before the upgrade")
        #expect(!FileManager.default.fileExists(atPath: table + "/_delta_log"))

        // The next write upgrades: every old version keeps its number and rows; version 0 is the empty create.
        let appender = try store.appender(to: "t")
        let more = try Batch(schema: try Schema([Field("k", .string)]),
                             columns: [try Column(type: .string, values: [.string("new")])])
        try appender.write(more)
        #expect(try appender.commit().version == 4)
        #expect(try store.log(of: "t").versions() == [0, 1, 2, 3, 4])
        #expect(!FileManager.default.fileExists(atPath: table + "/_strata/versions"))
        #expect(try store.snapshot(of: "t", version: 0).rowCount == 0)
        try check("after the upgrade")
        #expect(try store.snapshot(of: "t").rowCount == 6)
        let history = try store.history(of: "t")
        #expect(history.map(\.operation) == ["create", "create", "append", "replace", "append"])
        #expect(history.map(\.rows) == [0, 40, 100, 5, 6])
        #expect(history[1].timestampMillis == 1_793_527_200_000)  // 2026-11-01T10:00:00Z
        // Upgraded files keep their checksums.
        #expect(try store.snapshot(of: "t", version: 2).partitions.allSatisfy { $0.footerCRC32 != nil })
    }

    @Test func aManifestNamedForTheLastVersionStopsTheUpgradeWithAnError() throws {
        let dir = try TempDirectory()
        let (store, _) = try Self.legacyTable(dir)
        let versions = store.tableDirectory("t") + "/_strata/versions/"
        try FileManager.default.copyItem(atPath: versions + Store.manifestName(1),
                                         toPath: versions + Store.manifestName(Int.max))
        _ = StoreTests.expectError(.corrupt, "upgrade with a gap up to Int.max") { _ = try store.appender(to: "t") }
        #expect(try store.snapshot(of: "t", version: 2).rowCount == 100, "the old manifests still read")
    }

    @Test func anUpgradeInterruptedBeforeItsRenameLeavesTheOldManifestsInCharge() throws {
        let dir = try TempDirectory()
        let (store, expected) = try Self.legacyTable(dir)
        let table = store.tableDirectory("t")
        // What a crash before the rename leaves: a half-written temp log.
        try FileManager.default.createDirectory(atPath: table + "/_strata/upgrade-0badc0de",
                                                withIntermediateDirectories: true)
        try Files.write(Array("{".utf8), to: table + "/_strata/upgrade-0badc0de/00000000000000000000.json")
        #expect(try store.snapshot(of: "t").rowCount == expected[3]?.count.int64)
        let appender = try store.appender(to: "t")
        appender.abort()
        #expect(!FileManager.default.fileExists(atPath: table + "/_strata/upgrade-0badc0de"))
        #expect(try store.log(of: "t").versions() == [0, 1, 2, 3])
    }
}

private extension Int {
    var int64: Int64 { Int64(self) }
}

/// VACUUM: what it deletes, what it keeps, and that it waits for readers.
@Suite struct TableVacuumTests {
    /// Table `t` at version 3: two appends of 100 rows, then a replace with 5 rows (the two files removed).
    static func replacedTable(_ dir: TempDirectory) throws -> (Store, removed: [String]) {
        let (store, _) = try StoreTests.makeTable(dir, appends: 2, rows: 100)
        let removed = try store.snapshot(of: "t").partitions.map(\.file)
        let writer = try store.writer(for: "t", mode: .replace(StoreTests.schema))
        try writer.write(try RandomData.batch(rows: 5, seed: 9))
        try writer.commit()
        return (store, removed)
    }

    /// Sets a file's modification time `hours` ago.
    static func age(_ path: String, hours: Double) throws {
        try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(-hours * 3600)],
                                              ofItemAtPath: path)
    }

    @Test func deletesOnlyWhatNoVersionInsideTheRetentionNeeds() throws {
        let dir = try TempDirectory()
        let (store, removed) = try Self.replacedTable(dir)
        let table = store.tableDirectory("t")
        let live = try store.snapshot(of: "t").partitions.map(\.file)
        // Not Strata's, not data, or fresh: kept. An untracked data file older than the retention: deleted.
        let fresh = table + "/part-00000-inflight-c000.parquet"
        let stale = table + "/part-00001-crashed-c000.parquet"
        for path in [fresh, stale, table + "/_hidden.parquet", table + "/notes.txt"] {
            try Files.write(Array("x".utf8), to: path)
        }
        try Self.age(stale, hours: 200)
        try Self.age(table + "/notes.txt", hours: 200)

        // The default retention (7 days) keeps the files the replace removed a moment ago.
        let first = try TableVacuum.run(store: store, table: "t", retentionHours: nil, allowShortRetention: false,
                                        dryRun: false)
        #expect(first.files.map(\.name) == ["part-00001-crashed-c000.parquet"] && first.retentionHours == 168)
        #expect(!FileManager.default.fileExists(atPath: stale))
        // Below 7 days needs an explicit yes.
        _ = StoreTests.expectError(.invalidArgument, "short retention") {
            _ = try TableVacuum.run(store: store, table: "t", retentionHours: 0, allowShortRetention: false,
                                    dryRun: false)
        }
        // A dry run lists, deletes nothing.
        let dry = try TableVacuum.run(store: store, table: "t", retentionHours: 0, allowShortRetention: true,
                                      dryRun: true)
        #expect(dry.files.map(\.name) == (removed + ["part-00000-inflight-c000.parquet"]).sorted())
        for file in removed { #expect(FileManager.default.fileExists(atPath: table + "/" + file)) }
        // Retention 0: the removed files and the untracked one go; the current version and the rest stay.
        let done = try TableVacuum.run(store: store, table: "t", retentionHours: 0, allowShortRetention: true,
                                       dryRun: false)
        #expect(done.files == dry.files && done.bytes > 0)
        for file in removed + [fresh] { #expect(!FileManager.default.fileExists(atPath: table + "/" + file)) }
        for file in live { #expect(FileManager.default.fileExists(atPath: table + "/" + file)) }
        #expect(FileManager.default.fileExists(atPath: table + "/_hidden.parquet"))
        #expect(FileManager.default.fileExists(atPath: table + "/notes.txt"))
        #expect(try scanAll(try store.snapshot(of: "t")).batch.count == 5)
        // The old versions stay listed; reading one names the missing file and VACUUM.
        #expect(try store.latestVersion(of: "t") == 3)
        let gone = StoreTests.expectError(.notFound, "vacuumed version") {
            _ = try scanAll(try store.snapshot(of: "t", version: 2))
        }
        #expect(gone?.description.contains("VACUUM") == true)
        // Nothing left to do.
        #expect(try TableVacuum.run(store: store, table: "t", retentionHours: 0, allowShortRetention: true,
                                    dryRun: false).files.isEmpty)
    }

    @Test func theTablesOwnRetentionIsHonoured() throws {
        let (configuration, hours): (String, Double) = ("interval 2 days", 48)
        var metadata = DeltaMetadata(id: "x", format: .init(provider: "parquet", options: [:]), schemaString: "",
                                     partitionColumns: [], configuration: [:])
        metadata.configuration["delta.deletedFileRetentionDuration"] = configuration
        var state = DeltaTableState(version: 0)
        state.metaData = metadata
        #expect(try TableVacuum.tableRetention(state) == hours)
        state.metaData?.configuration["delta.deletedFileRetentionDuration"] = "interval 36 hours"
        #expect(try TableVacuum.tableRetention(state) == 36)
        state.metaData?.configuration["delta.deletedFileRetentionDuration"] = "soon"
        #expect(try TableVacuum.tableRetention(state) == nil)
    }

    @Test func aRunningReaderKeepsItsFiles() throws {
        let dir = try TempDirectory()
        let (store, removed) = try Self.replacedTable(dir)
        do {
            let reader = try store.snapshot(of: "t", version: 2)
            var scan = try reader.scan()
            _ = try scan.next()
            let error = StoreTests.expectError(.conflict, "vacuum while a reader runs") {
                _ = try TableVacuum.run(store: store, table: "t", retentionHours: 0, allowShortRetention: true,
                                        dryRun: false, readerWait: 0.2)
            }
            #expect(error?.description.contains("reading") == true)
            for file in removed {
                #expect(FileManager.default.fileExists(atPath: store.tableDirectory("t") + "/" + file))
            }
            while try scan.next() != nil {}
        }
        // Once the reader is gone, VACUUM goes ahead.
        let done = try TableVacuum.run(store: store, table: "t", retentionHours: 0, allowShortRetention: true,
                                       dryRun: false, readerWait: 0.2)
        #expect(done.files.map(\.name) == removed.sorted())
    }
}

/// The replayed states stored every 16 versions: readers start from them, and a damaged one is passed over.
@Suite struct DeltaStateCacheTests {
    @Test func readersStartFromTheNearestStoredStateAndPassOverDamagedOnes() throws {
        let dir = try TempDirectory()
        let (store, _) = try StoreTests.makeTable(dir, appends: 40, rows: 3)
        let table = store.tableDirectory("t")
        #expect(Files.list(table + "/_strata/states") == [DeltaLog.fileName(16), DeltaLog.fileName(32)])
        // Without commit 5, the table still opens at any version from a stored state on.
        try FileManager.default.removeItem(atPath: store.log(of: "t").commitPath(5))
        #expect(try store.snapshot(of: "t").rowCount == 120)
        #expect(try store.snapshot(of: "t", version: 20).rowCount == 60)
        #expect(try store.snapshot(of: "t", version: 16).rowCount == 48)
        // Versions before the first stored state need every commit.
        _ = StoreTests.expectError(.corrupt, "missing commit 5") { _ = try store.snapshot(of: "t", version: 10) }
        // A damaged state is passed over for the one before it.
        try Files.write(Array("{ broken".utf8), to: table + "/_strata/states/" + DeltaLog.fileName(32))
        #expect(try store.snapshot(of: "t").rowCount == 120)
        try Files.write(Array("{}".utf8), to: table + "/_strata/states/" + DeltaLog.fileName(16))
        _ = StoreTests.expectError(.corrupt, "no usable state, commit 5 missing") { _ = try store.snapshot(of: "t") }
        // What a stored state says equals the replay from commit 0.
        let dir2 = try TempDirectory()
        let (other, _) = try StoreTests.makeTable(dir2, appends: 17, rows: 2)
        let cached = try other.snapshot(of: "t")
        try FileManager.default.removeItem(atPath: other.tableDirectory("t") + "/_strata/states")
        let replayed = try other.snapshot(of: "t")
        #expect(cached.manifest == replayed.manifest)
    }
}
