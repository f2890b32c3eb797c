import Foundation
import Strata
import StrataCore
import StrataExecution
import StrataStorage

/// The fuzzed entry points: each takes arbitrary bytes and must return (an error is fine) without crashing, hanging
/// or touching anything outside its scratch folder.
///
/// 1. `csv`: the bytes as a CSV file, imported into a scratch store (sniffer, chunk reader, tokenizer, typed
///    parsing, the Parquet writer, the commit), then read back.
/// 2. `parquet`: the bytes as a Parquet file: footer (Thrift), schema mapping, every row group's pages through every
///    decoder and codec, whole and in slices; then opened with structs flattened (as a Delta checkpoint is), and
///    again for every other column.
/// 3. `footer`: the bytes as a Thrift `FileMetaData` alone, decoded whole and for three column names.
/// 4. `sql`: the bytes as SQL text, parsed, bound and run over a three-row table (stopped after 200 ms).
/// 5. `manifest`: the bytes as a table version's manifest (JSON).
/// 6. `spill`: the first byte as the number of frames a run claims, the rest as its file (schema ``spillSchema``):
///    header, frames, CRCs, LZ4 and the batch codec, read through twice.
/// 7. `delta`: the bytes as commit 1 of a Delta table whose commit 0 creates it with one file, `data.parquet`
///    (three rows of `i int64, s string`): the log is replayed, listed as history, and the version scanned.
enum FuzzHarness: String, CaseIterable {
    case csv, parquet, footer, sql, manifest, spill, delta

    /// A scratch folder for the harnesses that need files, removed at exit.
    nonisolated(unsafe) static var scratch: String = {
        let path = NSTemporaryDirectory() + "/strata-fuzz-\(getpid())"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        atexit { try? FileManager.default.removeItem(atPath: NSTemporaryDirectory() + "/strata-fuzz-\(getpid())") }
        return path
    }()

    /// The store the `sql` harness queries: table `t (i int64, d double, s string)` with three rows.
    nonisolated(unsafe) static var sqlDatabase: Database? = {
        let path = scratch + "/sql-store"
        guard let db = try? Database(path: path, createIfMissing: true) else { return nil }
        if (try? db.tableExists("t")) != true {
            _ = try? db.fetchAll("SELECT 1")
            let csv = scratch + "/t.csv"
            try? Data("i,d,s\n1,0.5,a\n-7,,bb\n,nan,\n".utf8).write(to: URL(fileURLWithPath: csv))
            _ = try? db.importCSV(from: csv, into: "t")
        }
        return db
    }()

    /// Runs the harness on `bytes`.
    func run(_ bytes: [UInt8]) {
        switch self {
        case .csv: FuzzHarness.csv(bytes)
        case .parquet: FuzzHarness.parquet(bytes)
        case .footer:
            _ = try? bytes.withUnsafeBytes { try ParquetFooter.decode(metadata: $0, fileSize: 1 << 40, path: "fuzz") }
            _ = try? bytes.withUnsafeBytes {
                try ParquetFooter.decode(metadata: $0, fileSize: 1 << 40, path: "fuzz", columns: ["i", "d", "c1"])
            }
        case .sql: FuzzHarness.sql(bytes)
        case .manifest: _ = try? Manifest.decode(bytes, path: "fuzz")
        case .spill: FuzzHarness.spill(bytes)
        case .delta: FuzzHarness.delta(bytes)
        }
    }

    private static func write(_ bytes: [UInt8], to name: String) -> String {
        let path = scratch + "/" + name
        try? Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    private static func csv(_ bytes: [UInt8]) {
        let file = write(bytes, to: "input.csv")
        let store = scratch + "/csv-store"
        try? FileSystem.removeTree(store)
        guard let db = try? Database(path: store, createIfMissing: true) else { return }
        var options = CSVImportOptions()
        options.onError = .skip
        options.threads = 2
        guard (try? db.importCSV(from: file, into: "t", options: options)) != nil else { return }
        if let cursor = try? db.scan("t") {
            var cursor = cursor
            while let batch = try? cursor.next() { _ = batch.count }
        }
    }

    private static func parquet(_ bytes: [UInt8]) {
        let file = write(bytes, to: "input.parquet")
        guard let reader = try? ParquetFileReader(path: file) else { return }
        let columns = Array(0..<reader.schema.count)
        for group in 0..<reader.rowGroupCount {
            _ = try? reader.readRowGroup(group, columns: columns)
            try? reader.readRowGroup(group, columns: columns, sliceRows: 7) { _ = $0.count }
            for column in columns { _ = reader.statistics(rowGroup: group, column: column) }
        }
        // Opened as a Delta checkpoint is, structs flattened: every readable leaf read.
        if let nested = try? ParquetFileReader(path: file, structs: true) {
            let readable = (0..<nested.schema.count).filter { nested.isReadable(column: $0) }
            for group in 0..<nested.rowGroupCount { _ = try? nested.readRowGroup(group, columns: readable) }
        }
        // Opened for every other column: only their chunks are built, and the others must fail cleanly.
        let some = Set(reader.schema.fields.enumerated().filter { $0.offset % 2 == 0 }.map(\.element.name))
        guard let projected = try? ParquetFileReader(path: file, columns: some, sharing: reader) else { return }
        for group in 0..<projected.rowGroupCount {
            _ = try? projected.readRowGroup(group, columns: columns)
            _ = try? projected.readRowGroup(group, columns: columns.filter { $0 % 2 == 0 })
            for column in columns { _ = projected.statistics(rowGroup: group, column: column) }
        }
    }

    /// The schema of the runs the `spill` harness reads: one column of each physical form, nullable.
    static let spillSchema = Schema(unchecked: [
        Field("b", .bool), Field("i", .int32), Field("l", .int64), Field("f", .float), Field("d", .double),
        Field("s", .string), Field("w", .decimal(precision: 38, scale: 4)), Field("x", .blob),
    ])

    /// The spill manager of the `spill` harness, in the scratch folder.
    nonisolated(unsafe) static var spillManager = SpillManager(directory: scratch)

    private static func spill(_ bytes: [UInt8]) {
        guard let claimed = bytes.first else { return }
        let file = write(Array(bytes.dropFirst()), to: "input.spill")
        guard let run = try? SpillRun(existingFile: file, schema: spillSchema, batchCount: Int(claimed),
                                      manager: spillManager) else { return }
        for _ in 0..<2 {
            guard let reader = try? run.open() else { return }
            while let batch = try? reader.next() { _ = batch.count }
        }
    }

    private static func sql(_ bytes: [UInt8]) {
        guard let text = String(validating: bytes, as: UTF8.self), let db = sqlDatabase else { return }
        let cancellation = QueryCancellation()
        let timer = DispatchWorkItem { cancellation.cancel() }
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.2, execute: timer)
        defer { timer.cancel() }
        guard let statement = try? db.prepare(text),
              let cursor = try? statement.execute([], cancellation: cancellation) else { return }
        var rows = 0
        while rows < 10_000, let batch = try? cursor.next() { rows += batch.count }
        cursor.cancel()
    }

    /// The store of the `delta` harness: table `t`, commit 0 written as another Delta writer would (no Strata tags).
    nonisolated(unsafe) static var deltaStore: Store? = {
        let path = scratch + "/delta-store"
        guard let store = try? Store.open(at: path, create: true) else { return nil }
        let table = store.tableDirectory("t")
        let schema = Schema(unchecked: [Field("i", .int64), Field("s", .string)])
        try? FileManager.default.createDirectory(atPath: table + "/_delta_log", withIntermediateDirectories: true)
        guard let writer = try? ParquetFileWriter(path: table + "/data.parquet", schema: schema,
                                                  options: ParquetWriteOptions()),
              let batch = try? Batch(schema: schema, columns: [
                  Column(type: .int64, values: [.int64(1), .null, .int64(-3)]),
                  Column(type: .string, values: [.string("a"), .string("bb"), .null]),
              ]),
              (try? writer.write(batch)) != nil, let summary = try? writer.close(),
              let schemaString = try? DeltaSchema.schemaString(for: schema)
        else { return nil }
        let create: [DeltaAction] = [
            .protocol(.strata),
            .metaData(DeltaMetadata(id: "fuzz", format: .init(provider: "parquet", options: [:]),
                                    schemaString: schemaString, partitionColumns: [], createdTime: 0,
                                    configuration: [:])),
            .add(DeltaAdd(path: "data.parquet", partitionValues: [:], size: summary.fileBytes, modificationTime: 0,
                          dataChange: true, stats: nil, tags: nil, deletionVector: nil)),
        ]
        guard let bytes = try? DeltaAction.encodeCommit(create) else { return nil }
        try? Data(bytes).write(to: URL(fileURLWithPath: store.log(of: "t").commitPath(0)))
        return store
    }()

    private static func delta(_ bytes: [UInt8]) {
        guard let store = deltaStore else { return }
        let commit = store.log(of: "t").commitPath(1)
        try? Data(bytes).write(to: URL(fileURLWithPath: commit))
        defer { try? FileSystem.remove(commit) }
        _ = try? store.history(of: "t")
        guard let snapshot = try? store.snapshot(of: "t"), var scan = try? snapshot.scan() else { return }
        while let batch = try? scan.next() { _ = batch.count }
    }
}
