import Foundation
import StrataCompression
import StrataCore
import Testing
@testable import StrataStorage
import StrataTestSupport

/// Stores, tables and versions: opening, creating, appending, snapshots, aborts, crash leftovers and corruption.
@Suite struct StoreTests {
    static let schema = RandomData.schema()

    /// A new store with table `t` and `appends` committed appends of `rows` rows each (seeds 1, 2, ...).
    static func makeTable(_ dir: TempDirectory, appends: Int = 0, rows: Int = 1_000,
                          options: ParquetWriteOptions = ParquetWriteOptions()) throws -> (Store, [Batch])
    {
        let store = try Store.open(at: dir.path("store"), create: true)
        try store.createTable("t", schema: schema)
        var batches: [Batch] = []
        for i in 0..<appends {
            let batch = try RandomData.batch(rows: rows, seed: UInt64(i + 1))
            let appender = try store.appender(to: "t", options: options)
            try appender.write(batch)
            try appender.commit()
            batches.append(batch)
        }
        return (store, batches)
    }

    static func expectError(_ code: StrataError.Code, _ comment: String, _ body: () throws -> Void,
                            sourceLocation: SourceLocation = #_sourceLocation) -> StrataError?
    {
        do {
            try body()
            Issue.record("\(comment): no error, expected \(code)", sourceLocation: sourceLocation)
        } catch let error as StrataError {
            #expect(error.code == code, "\(comment): \(error)", sourceLocation: sourceLocation)
            return error
        } catch {
            Issue.record("\(comment): unexpected \(error)", sourceLocation: sourceLocation)
        }
        return nil
    }

    // MARK: - Opening

    @Test func openErrors() throws {
        let dir = try TempDirectory()
        let missing = dir.path("missing")
        let e1 = Self.expectError(.notFound, "missing directory without create") {
            _ = try Store.open(at: missing, create: false)
        }
        #expect(e1?.description.contains(missing) == true)
        #expect(!FileManager.default.fileExists(atPath: missing), "opening without create created the directory")

        let file = dir.path("plain-file")
        try Files.write(Array("hello".utf8), to: file)
        for create in [false, true] {
            let e = Self.expectError(.invalidArgument, "a file instead of a directory (create: \(create))") {
                _ = try Store.open(at: file, create: create)
            }
            #expect(e?.description.contains("plain-file") == true)
        }

        let busy = dir.path("busy")
        try FileManager.default.createDirectory(atPath: busy, withIntermediateDirectories: true)
        try Files.write(Array("data".utf8), to: busy + "/notes.txt")
        _ = Self.expectError(.alreadyExists, "non-empty non-store directory with create") {
            _ = try Store.open(at: busy, create: true)
        }
        _ = Self.expectError(.notFound, "non-empty non-store directory without create") {
            _ = try Store.open(at: busy, create: false)
        }
        #expect(Files.list(busy) == ["notes.txt"], "a failed open changed the directory")
    }

    @Test func createAndReopen() throws {
        let dir = try TempDirectory()
        // An existing empty directory may become a store.
        let empty = dir.path("empty")
        try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: true)
        let store = try Store.open(at: empty, create: true)
        #expect(try store.tableNames() == [])
        #expect(FileManager.default.fileExists(atPath: empty + "/" + Store.markerFile))
        // Reopening works with and without create, and with a trailing slash.
        _ = try Store.open(at: empty, create: false)
        _ = try Store.open(at: empty, create: true)
        let again = try Store.open(at: empty + "/")
        #expect(again.path == empty)
        // A nested path is created with its parents.
        _ = try Store.open(at: dir.path("a/b/c"), create: true)
        _ = try Store.open(at: dir.path("a/b/c"))
    }

    @Test func corruptMarkerIsRejected() throws {
        let dir = try TempDirectory()
        let store = try Store.open(at: dir.path("s"), create: true)
        try Files.write(Array("garbage".utf8), to: store.path + "/" + Store.markerFile)
        _ = Self.expectError(.corrupt, "garbage marker") { _ = try Store.open(at: dir.path("s")) }
    }

    /// `open(create:)` writes `tables/` and then the marker; a crash between the two must not leave a directory
    /// that can never be opened again.
    @Test func interruptedCreationCanBeResumed() throws {
        let dir = try TempDirectory()
        let path = dir.path("s")
        try FileManager.default.createDirectory(atPath: path + "/tables", withIntermediateDirectories: true)
        let store = try Store.open(at: path, create: true)
        #expect(try store.tableNames() == [])
    }

    // MARK: - Tables and versions

    @Test func createAppendVersions() throws {
        let dir = try TempDirectory()
        let store = try Store.open(at: dir.path("s"), create: true)
        let created = try store.createTable("events", schema: Self.schema)
        #expect(created.version == 0)
        #expect(created.rowCount == 0)
        #expect(created.partitions.isEmpty)
        #expect(try store.tableNames() == ["events"])
        #expect(try store.latestVersion(of: "events") == 0)
        #expect(try scanAll(created).batch.count == 0)

        let first = try RandomData.batch(rows: 1_500, seed: 11)
        let second = try RandomData.batch(rows: 2_500, seed: 12)
        let a1 = try store.appender(to: "events")
        try a1.write(first)
        let v1 = try a1.commit()
        #expect(v1.version == 1)
        #expect(v1.rowCount == 1_500)

        let a2 = try store.appender(to: "events")
        try a2.write(second.columns.isEmpty ? second : try Batches.slice(second, 0..<1_000))
        try a2.write(try Batches.slice(second, 1_000..<2_500))
        let v2 = try a2.commit()
        #expect(v2.version == 2)
        #expect(v2.rowCount == 4_000)
        #expect(try store.latestVersion(of: "events") == 2)

        let latest = try store.snapshot(of: "events")
        #expect(latest.version == 2)
        #expect(latest.rowCount == 4_000)
        #expect(latest.schema == Self.schema)
        #expect(latest.partitions.map(\.rows).reduce(0, +) == 4_000)
        let all = try scanAll(latest).batch
        let expected = try Batches.concatenate([first, second], schema: Self.schema)
        if let d = Compare.difference(expected, all) { Issue.record("version 2: \(d)") }

        // Every version stays readable.
        #expect(try store.snapshot(of: "events", version: 0).rowCount == 0)
        #expect(try store.snapshot(of: "events", version: 1).rowCount == 1_500)

        // Creating it again fails; another table is independent.
        _ = Self.expectError(.alreadyExists, "create twice") { try store.createTable("events", schema: Self.schema) }
        try store.createTable("other", schema: try Schema([Field("x", .int32)]))
        #expect(try store.tableNames() == ["events", "other"])
        #expect(try Store.open(at: dir.path("s")).tableNames() == ["events", "other"])
    }

    @Test func projectionScan() throws {
        let dir = try TempDirectory()
        let (store, batches) = try Self.makeTable(dir, appends: 2, rows: 700)
        let snapshot = try store.snapshot(of: "t")
        let (batch, _) = try scanAll(snapshot, columns: ["ts", "s", "i32"])
        #expect(batch.schema.fields.map(\.name) == ["ts", "s", "i32"])
        let expected = try Batches.concatenate(batches, schema: Self.schema)
        for (i, name) in ["ts", "s", "i32"].enumerated() {
            let want = try #require(expected.column(named: name))
            if let d = Compare.difference(want, batch.columns[i], name: name) { Issue.record("\(d)") }
        }
        _ = Self.expectError(.notFound, "unknown column") { _ = try snapshot.scan(columns: ["nope"]) }
        _ = Self.expectError(.notFound, "predicate on an unknown column") {
            _ = try snapshot.scan(predicate: .isNull(column: "nope"))
        }
    }

    @Test func oldSnapshotKeepsItsRows() throws {
        let dir = try TempDirectory()
        let (store, batches) = try Self.makeTable(dir, appends: 1, rows: 2_000)
        let old = try store.snapshot(of: "t")
        #expect(old.version == 1)
        // A scan opened before the append and one started after it both see version 1 only.
        var early = try old.scan()
        let appender = try store.appender(to: "t")
        try appender.write(try RandomData.batch(rows: 3_000, seed: 99))
        let new = try appender.commit()
        #expect(new.version == 2)
        #expect(new.rowCount == 5_000)
        var rows = 0
        while let batch = try early.next() { rows += batch.count }
        #expect(rows == 2_000)
        let (again, _) = try scanAll(old)
        if let d = Compare.difference(batches[0], again) { Issue.record("old snapshot after append: \(d)") }
        #expect(try scanAll(new).batch.count == 5_000)
    }

    @Test func emptyAppendCommitsAVersionWithoutFiles() throws {
        let dir = try TempDirectory()
        let (store, _) = try Self.makeTable(dir, appends: 1, rows: 10)
        let appender = try store.appender(to: "t")
        try appender.write(try RandomData.batch(rows: 0, seed: 5))
        let snapshot = try appender.commit()
        #expect(snapshot.version == 2)
        #expect(snapshot.rowCount == 10)
        #expect(snapshot.partitions.count == 1)
    }

    @Test func abortLeavesVersionAndRemovesStagedFiles() throws {
        let dir = try TempDirectory()
        let (store, _) = try Self.makeTable(dir, appends: 1, rows: 500)
        let table = store.tableDirectory("t")
        let before = Files.list(table)
        var options = ParquetWriteOptions()
        options.partitionBytes = 64 << 10  // several staged files
        options.rowGroupBytes = 32 << 10
        let appender = try store.appender(to: "t", options: options)
        for seed in 0..<4 { try appender.write(try RandomData.batch(rows: 2_000, seed: UInt64(50 + seed))) }
        let staged = Files.list(table + "/_strata/staging")
        #expect(staged.count >= 2, "expected several staged files, found \(staged)")
        appender.abort()
        #expect(try store.latestVersion(of: "t") == 1)
        #expect(try store.snapshot(of: "t").rowCount == 500)
        #expect(Files.list(table + "/_strata/staging").isEmpty, "staging after abort: \(Files.list(table + "/_strata/staging"))")
        #expect(Files.list(table) == before)
        // The table is writable again.
        let next = try store.appender(to: "t")
        try next.write(try RandomData.batch(rows: 10, seed: 60))
        #expect(try next.commit().version == 2)
    }

    @Test func appenderDroppedWithoutCommitAborts() throws {
        let dir = try TempDirectory()
        let (store, _) = try Self.makeTable(dir, appends: 1, rows: 100)
        do {
            let appender = try store.appender(to: "t")
            try appender.write(try RandomData.batch(rows: 100, seed: 70))
        }
        #expect(try store.latestVersion(of: "t") == 1)
        #expect(Files.list(store.tableDirectory("t") + "/_strata/staging").isEmpty)
        let next = try store.appender(to: "t")
        #expect(try next.commit().version == 2)
    }

    @Test func leftoversAreRemovedByTheNextAppender() throws {
        let dir = try TempDirectory()
        let (store, batches) = try Self.makeTable(dir, appends: 1, rows: 800)
        let table = store.tableDirectory("t")
        let committed = try store.snapshot(of: "t").partitions.map(\.file)
        let orphan = table + "/part-3-0-deadbeef.parquet"
        let staged = table + "/_strata/staging/part-3-0-cafebabe.parquet"
        let pending = table + "/_delta_log/_commit_strata-0123456789ab.json.tmp"
        try Files.write(Array("PAR1 not really".utf8), to: orphan)
        try FileManager.default.createDirectory(atPath: table + "/_strata/staging", withIntermediateDirectories: true)
        try Files.write(Array("staged".utf8), to: staged)
        try Files.write(Array("{".utf8), to: pending)
        let unrelated = table + "/README.txt"
        try Files.write(Array("keep me".utf8), to: unrelated)

        // Readers are not disturbed by leftovers.
        #expect(try scanAll(try store.snapshot(of: "t")).batch.count == 800)

        let appender = try store.appender(to: "t")
        #expect(!FileManager.default.fileExists(atPath: orphan), "orphan partition not removed")
        #expect(!FileManager.default.fileExists(atPath: staged), "staged leftover not removed")
        #expect(!FileManager.default.fileExists(atPath: pending), "pending commit not removed")
        #expect(FileManager.default.fileExists(atPath: unrelated), "a non-partition file was removed")
        for file in committed {
            #expect(FileManager.default.fileExists(atPath: table + "/" + file), "committed \(file) removed")
        }
        appender.abort()
        let (all, _) = try scanAll(try store.snapshot(of: "t"))
        if let d = Compare.difference(batches[0], all) { Issue.record("\(d)") }
    }

    @Test func schemaMismatchOnAppend() throws {
        let dir = try TempDirectory()
        let (store, _) = try Self.makeTable(dir)
        let appender = try store.appender(to: "t")
        defer { appender.abort() }
        let wrongType = try Schema(Self.schema.fields.map { $0.name == "i32" ? Field("i32", .int64) : $0 })
        let batch = try RandomData.batch(rows: 3, seed: 1)
        let retyped = try Batch(schema: wrongType, columns: batch.columns.enumerated().map { i, c in
            i == 1 ? try Column(type: .int64, values: [.int64(1), .int64(2), .int64(3)]) : c
        })
        _ = Self.expectError(.schemaMismatch, "wrong column type") { try appender.write(retyped) }
        let renamed = try Batch(schema: try Schema(Self.schema.fields.map { Field($0.name + "_x", $0.type) }),
                                columns: batch.columns)
        _ = Self.expectError(.schemaMismatch, "wrong column names") { try appender.write(renamed) }
        let fewer = try Batch(schema: try Schema(Array(Self.schema.fields.dropLast())),
                              columns: Array(batch.columns.dropLast()))
        _ = Self.expectError(.schemaMismatch, "missing column") { try appender.write(fewer) }
    }

    @Test func tableNameValidation() throws {
        let dir = try TempDirectory()
        let store = try Store.open(at: dir.path("s"), create: true)
        let schema = try Schema([Field("x", .int32)])
        let invalid = ["", "1abc", "a-b", "a b", "../escape", "a/b", ".hidden", "é", "tab\t", String(repeating: "a", count: 129)]
        for name in invalid {
            _ = Self.expectError(.invalidArgument, "create \"\(name)\"") { try store.createTable(name, schema: schema) }
            _ = Self.expectError(.invalidArgument, "snapshot of \"\(name)\"") { _ = try store.snapshot(of: name) }
            _ = Self.expectError(.invalidArgument, "append to \"\(name)\"") { _ = try store.appender(to: name) }
        }
        #expect(Files.list(store.path + "/tables").isEmpty, "invalid names created \(Files.list(store.path + "/tables"))")
        #expect(!FileManager.default.fileExists(atPath: dir.path("escape")))
        for name in ["_", "a", "_x1", "Trips_2024", String(repeating: "z", count: 128)] {
            try store.createTable(name, schema: schema)
        }
        #expect(try store.tableNames().count == 5)
        _ = Self.expectError(.notFound, "unknown table") { _ = try store.snapshot(of: "nope") }
        _ = Self.expectError(.notFound, "append to unknown table") { _ = try store.appender(to: "nope") }
    }

    // MARK: - Corruption

    /// A one-column table with one big uncompressed page per partition, so the middle of the file is page data.
    static func singlePartition(_ dir: TempDirectory) throws -> (Store, String) {
        let store = try Store.open(at: dir.path("s"), create: true)
        let schema = try Schema([Field("x", .int64)])
        try store.createTable("t", schema: schema)
        var options = ParquetWriteOptions()
        options.codec = .uncompressed
        options.dictionary = false
        options.pageBytes = 16 << 20
        options.pageRows = 1 << 20
        var g = SplitMix64(seed: 3)
        let values = (0..<100_000).map { _ in Value.int64(Int64(bitPattern: g.next())) }
        let appender = try store.appender(to: "t", options: options)
        try appender.write(try Batch(schema: schema, columns: [try Column(type: .int64, values: values)]))
        let snapshot = try appender.commit()
        let partition = try #require(snapshot.partitions.first)
        return (store, snapshot.path(of: partition))
    }

    static func expectCorruptScan(_ store: Store, file: String, _ comment: String,
                                  sourceLocation: SourceLocation = #_sourceLocation) {
        let error = expectError(.corrupt, comment, { _ = try scanAll(try store.snapshot(of: "t")) },
                                sourceLocation: sourceLocation)
        let name = URL(fileURLWithPath: file).lastPathComponent
        if let error {
            #expect(error.description.contains(name), "\(comment): \"\(error)\" does not name \(name)",
                    sourceLocation: sourceLocation)
        }
    }

    @Test func flippedPageByteIsCorrupt() throws {
        let dir = try TempDirectory()
        let (store, file) = try Self.singlePartition(dir)
        #expect(try scanAll(try store.snapshot(of: "t")).batch.count == 100_000)
        let size = try Files.size(file)
        try Files.flipByte(in: file, at: size / 2)
        Self.expectCorruptScan(store, file: file, "byte flipped in the middle (page CRC)")
        // The reader alone (without the manifest's footer check) also notices, through the page CRC.
        let error = Self.expectError(.corrupt, "reader on the flipped file") {
            _ = try ParquetFileReader(path: file).readAllRowGroups()
        }
        #expect(error?.description.lowercased().contains("crc") == true || error?.description.lowercased().contains("checksum") == true,
                "page CRC mismatch not reported as such: \(String(describing: error))")
    }

    @Test func truncatedPartitionIsCorrupt() throws {
        let dir = try TempDirectory()
        let (store, file) = try Self.singlePartition(dir)
        let size = try Files.size(file)
        try Files.truncate(file, to: size - 100)
        Self.expectCorruptScan(store, file: file, "truncated by 100 bytes")
        try Files.truncate(file, to: size / 2)
        Self.expectCorruptScan(store, file: file, "truncated to half")
        try Files.truncate(file, to: 0)
        Self.expectCorruptScan(store, file: file, "truncated to nothing")
    }

    @Test func flippedFooterByteIsCorrupt() throws {
        let dir = try TempDirectory()
        let (store, file) = try Self.singlePartition(dir)
        let partition = try #require(try store.snapshot(of: "t").partitions.first)
        let size = try Files.size(file)
        let footerBytes = try #require(partition.footerBytes)
        #expect(footerBytes > 8 && footerBytes < Int64(size))
        // Inside the Thrift metadata, before the length and magic.
        try Files.flipByte(in: file, at: size - Int(footerBytes) / 2 - 4)
        Self.expectCorruptScan(store, file: file, "byte flipped in the footer (footer CRC)")
    }

    @Test func missingPartitionIsReported() throws {
        let dir = try TempDirectory()
        let (store, file) = try Self.singlePartition(dir)
        try FileManager.default.removeItem(atPath: file)
        do {
            _ = try scanAll(try store.snapshot(of: "t"))
            Issue.record("scan of a table whose partition was deleted succeeded")
        } catch let error as StrataError {
            #expect(error.code == .notFound || error.code == .corrupt || error.code == .io, "\(error)")
            #expect(error.description.contains(URL(fileURLWithPath: file).lastPathComponent), "\(error)")
        }
    }

    @Test func corruptManifestIsReported() throws {
        let dir = try TempDirectory()
        let (store, _) = try Self.makeTable(dir, appends: 1, rows: 10)
        let commit = store.tableDirectory("t") + "/_delta_log/" + DeltaLog.fileName(1)
        try Files.write(Array("{ not json".utf8), to: commit)
        let error = Self.expectError(.corrupt, "garbage commit") { _ = try store.snapshot(of: "t") }
        #expect(error?.description.contains(DeltaLog.fileName(1)) == true)
    }
}
