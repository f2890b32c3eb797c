import Foundation
import StrataCSV
import StrataCompression
import StrataStorage

/// A handle on a Strata store: a directory of versioned tables whose partitions are Parquet files.
///
/// ```swift
/// let db = try Database(path: "my.store", createIfMissing: true)
/// try db.importParquet(from: "events.parquet", into: "events")
/// var cursor = try db.scan("events")
/// while let batch = try cursor.next() { print(batch.count) }
/// ```
/// A `Database` is immutable and `Sendable`; share it between threads freely. Appends to one table are serialised
/// by a file lock (also across processes); readers never block and always see a committed version.
public final class Database: Sendable {
    let store: Store

    /// The store directory.
    public var path: String { store.path }

    /// How queries run (memory limit, threads, spill directory).
    public let configuration: Configuration

    /// Opens the store at `path`.
    /// - Parameters:
    ///   - path: The store directory.
    ///   - createIfMissing: Create an empty store when nothing exists at `path`.
    ///   - configuration: How queries run.
    /// - Throws: `StrataError` with code `.notFound` when there is no store and `createIfMissing` is false.
    public init(path: String, createIfMissing: Bool = false, configuration: Configuration = Configuration()) throws {
        store = try Store.open(at: path, create: createIfMissing)
        self.configuration = configuration
    }

    /// The current version of table `name` (or the version a `name@version` reference names).
    func snapshot(of name: String) throws -> TableSnapshot {
        try store.snapshot(ofReference: name)
    }

    /// Names of the tables, sorted.
    public func tableNames() throws -> [String] {
        try store.tableNames()
    }

    /// Whether table `name` exists.
    public func tableExists(_ name: String) throws -> Bool {
        try store.tableNames().contains(name)
    }

    /// The schema of table `name`.
    public func schema(of name: String) throws -> Schema {
        try store.snapshot(of: name).schema
    }

    /// Creates an empty table.
    /// - Throws: `StrataError` `.alreadyExists` if the table exists, `.invalidArgument` for a bad name.
    public func createTable(_ name: String, schema: Schema) throws {
        try store.createTable(name, schema: schema)
    }

    /// Appends `batches` to table `name` as one new version: all of them or, on error, none.
    /// - Returns: The new version's description.
    @discardableResult
    public func append(to name: String, batches: some Sequence<Batch>, codec: Codec = .default) throws
        -> TableInfo
    {
        var options = ParquetWriteOptions()
        options.codec = codec.compressionCodec
        let appender = try store.appender(to: name, options: options)
        do {
            for batch in batches { try appender.write(batch) }
            return try Database.info(try appender.commit())
        } catch {
            appender.abort()
            throw error
        }
    }

    /// Copies the rows of a Parquet file (written by any engine) into table `name` as one new version; the file is
    /// streamed one row group at a time. A missing table is created with the file's schema; an existing one is
    /// appended to (its names and types must match), replaced, or refused, as `mode` says.
    @discardableResult
    public func importParquet(from file: String, into name: String, codec: Codec = .default,
                              mode: ImportMode = .append) throws -> TableInfo
    {
        let reader = try ParquetFileReader(path: file)
        return try importParquetFiles([file], schema: reader.schema, source: file, into: name, codec: codec,
                                      mode: mode)
    }

    /// Copies version `version` (the latest when nil) of the Delta Lake table in `folder` (written by Strata,
    /// delta-rs, Spark, …) into table `name` as one new version, one row group at a time; `mode` as for
    /// ``importParquet(from:into:codec:mode:)``.
    @discardableResult
    public func importDelta(from folder: String, version: Int? = nil, into name: String, codec: Codec = .default,
                            mode: ImportMode = .append) throws -> TableInfo
    {
        let root = folder.count > 1 && folder.hasSuffix("/") ? String(folder.dropLast()) : folder
        let log = DeltaLog(tableDirectory: root, table: root)
        guard log.exists else {
            throw StrataError(.notFound, "is not a Delta table (no \(DeltaLog.folderName) folder)", path: root)
        }
        let manifest = try log.manifest(version: version)
        return try importParquetFiles(manifest.partitions.map { root + "/" + $0.file },
                                      schema: Schema(unchecked: manifest.schema), source: root, into: name,
                                      codec: codec, mode: mode)
    }

    /// Whether `path` is a Delta table folder (it has a `_delta_log` folder).
    public static func isDeltaTable(_ path: String) -> Bool {
        DeltaLog(tableDirectory: path, table: path).exists
    }

    /// Copies Parquet `files` of `schema` into table `name` (see ``importParquet(from:into:codec:mode:)``).
    private func importParquetFiles(_ files: [String], schema: Schema, source: String, into name: String,
                                    codec: Codec, mode: ImportMode) throws -> TableInfo {
        let exists = try tableExists(name)
        if exists && mode == .append {
            let tableSchema = try self.schema(of: name)
            guard tableSchema.fields.map(\.type) == schema.fields.map(\.type),
                  tableSchema.fields.map(\.name) == schema.fields.map(\.name)
            else {
                throw StrataError(.schemaMismatch, "file schema (\(schema)) does not match table \(name) "
                    + "(\(tableSchema))", path: source)
            }
        }
        var options = ParquetWriteOptions()
        options.codec = codec.compressionCodec
        let writeMode: TableAppender.Mode = switch mode {
        case .create: .create(schema)
        case .append: exists ? .append : .create(schema)
        case .replace: .replace(schema)
        }
        let appender = try store.writer(for: name, mode: writeMode, options: options)
        do {
            for file in files {
                let reader = try ParquetFileReader(path: file)
                guard reader.schema.fields.map(\.name) == schema.fields.map(\.name),
                      reader.schema.fields.map(\.type) == schema.fields.map(\.type) else {
                    throw StrataError(.schemaMismatch, "file schema (\(reader.schema)) differs from \(schema)",
                                      path: file)
                }
                let all = Array(reader.schema.fields.indices)
                for group in 0..<reader.rowGroupCount {
                    let batch = try reader.readRowGroup(group, columns: all)
                    try appender.write(try Batch(schema: appender.schema, columns: batch.columns))
                }
            }
            return try Database.info(try appender.commit())
        } catch {
            appender.abort()
            throw error
        }
    }

    /// Imports a CSV file (`-` for standard input; gzip and zstd inputs are detected) into table `name` as one new
    /// version: streaming, parallel, type-sniffing and bounded by `options.memoryLimit` (by default the database's
    /// configured limit, else 512 MB). See `docs/csv-import.md`.
    ///
    /// - Parameters:
    ///   - path: The CSV file, or `-` for standard input.
    ///   - name: The table; created when missing.
    ///   - options: Dialect, types, error handling, memory and threads.
    ///   - progress: Called a few times per second on the calling thread.
    /// - Throws: `StrataError`: `.invalidData` with file, line and column for a bad row; `.alreadyExists` when
    ///   the table exists and `options.mode` is `.create`. Nothing is committed when it throws.
    @discardableResult
    public func importCSV(from path: String, into name: String, options: CSVImportOptions = CSVImportOptions(),
                          progress: ((ImportProgress) -> Void)? = nil) throws -> ImportSummary
    {
        let clock = ContinuousClock()
        let start = clock.now
        let importer = CSVImporter(store: store, table: name, path: path, configuration: try options.configuration(defaults: configuration))
        let result = try importer.run(progress: progress.map { report in
            { (p: CSVImportProgress) in
                report(ImportProgress(bytesRead: p.bytesRead, totalBytes: p.totalBytes, rows: p.rows, pass: p.pass))
            }
        })
        let elapsed = clock.now - start
        return ImportSummary(table: try Database.info(result.snapshot), rowsImported: result.rowsImported,
                             rowsRejected: result.rowsRejected, inputBytes: result.inputBytes,
                             widenedColumns: result.widenedColumns, passes: result.passes,
                             elapsedSeconds: Double(elapsed.components.seconds)
                                 + Double(elapsed.components.attoseconds) / 1e18)
    }

    /// Streams the rows of table `name` (its current version), reading only `columns` (all when nil).
    public func scan(_ name: String, columns: [String]? = nil) throws -> BatchCursor {
        BatchCursor(scan: try store.snapshot(of: name).scan(columns: columns))
    }

    /// Streams the rows of version `version` of table `name`, reading only `columns` (all when nil).
    public func scan(_ name: String, version: Int, columns: [String]? = nil) throws -> BatchCursor {
        BatchCursor(scan: try store.snapshot(of: name, version: version).scan(columns: columns))
    }

    /// Size, layout and compression of table `name` at `version` (the current version when nil).
    public func info(_ name: String, version: Int? = nil) throws -> TableInfo {
        let snapshot = try version.map { try store.snapshot(of: name, version: $0) } ?? store.snapshot(of: name)
        return try Database.info(snapshot)
    }

    /// Deletes the data files of table `name` that no version inside the retention period needs: files older
    /// versions used, removed longer ago than `retainHours` (nil: the table's `delta.deletedFileRetentionDuration`,
    /// or 7 days), and files no version uses, last modified before that. Below 7 days needs `allowShortRetention`
    /// (a reader or writer elsewhere may still need the files). The current version is never touched; versions
    /// whose files are gone stay listed but cannot be read. Waits up to 10 s for running queries on the table to
    /// finish, then fails with `.conflict` rather than delete a file one reads.
    @discardableResult
    public func vacuum(_ name: String, retainHours: Double? = nil, allowShortRetention: Bool = false,
                       dryRun: Bool = false) throws -> VacuumReport {
        let result = try TableVacuum.run(store: store, table: name, retentionHours: retainHours,
                                         allowShortRetention: allowShortRetention, dryRun: dryRun)
        return VacuumReport(files: result.files.map { VacuumReport.File(name: $0.name, bytes: $0.bytes) },
                            dryRun: result.dryRun, retentionHours: result.retentionHours)
    }

    /// The partition files of table `name` at `version` (the current version when nil), each with its columns' min,
    /// max and null count from the file's footer statistics.
    public func partitions(of name: String, version: Int? = nil) throws -> [PartitionSummary] {
        let snapshot = try version.map { try store.snapshot(of: name, version: $0) } ?? store.snapshot(of: name)
        return try snapshot.partitions.indices.map { index in
            let partition = snapshot.partitions[index]
            let reader = try snapshot.openPartition(index)
            let statistics = PartitionStatistics.columns(of: reader)
            return PartitionSummary(
                file: partition.file, rows: partition.rows, rowGroups: partition.rowGroups, bytes: partition.bytes,
                codec: partition.codec,
                columns: zip(snapshot.schema.fields, statistics).map { field, stats in
                    ColumnSummary(name: field.name, min: stats.min, max: stats.max, nullCount: stats.nullCount)
                })
        }
    }

    /// Every committed version of table `name`, oldest first: time, operation, files and rows.
    public func versions(of name: String) throws -> [TableVersion] {
        try store.history(of: name).map { summary in
            TableVersion(version: summary.version,
                         committedAt: summary.timestampMillis.flatMap(DeltaLog.isoTime(millis:)),
                         operation: summary.operation, engine: summary.engine, fileCount: summary.files,
                         rowCount: summary.rows, bytes: summary.bytes)
        }
    }

    static func info(_ snapshot: TableSnapshot) throws -> TableInfo {
        let partitions = snapshot.partitions
        var codecs: [String] = []
        for partition in partitions where !codecs.contains(partition.codec) { codecs.append(partition.codec) }
        let live = Manifest.saturatingSum(partitions.map(\.bytes))
        let directory = snapshot.store.tableDirectory(snapshot.name)
        let liveNames = Set(partitions.map(\.file))
        var folder: Int64 = 0
        var reclaimable: Int64 = 0
        for name in try FileSystem.list(directory) {
            let path = directory + "/" + name
            let size = try FileSystem.treeSize(path)
            folder = Manifest.saturatingSum([folder, size])
            if name.hasSuffix(".parquet"), !liveNames.contains(name) {
                reclaimable = Manifest.saturatingSum([reclaimable, size])
            }
        }
        return TableInfo(name: snapshot.name, version: snapshot.version, schema: snapshot.schema,
                         rowCount: snapshot.rowCount, partitionCount: partitions.count,
                         rowGroupCount: Int(Manifest.saturatingSum(partitions.map { Int64($0.rowGroups) })),
                         bytesOnDisk: live,
                         folderBytes: folder, reclaimableBytes: reclaimable,
                         uncompressedBytes: Manifest.saturatingSum(partitions.map(\.uncompressedBytes)),
                         codecs: codecs)
    }
}
