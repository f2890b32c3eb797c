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
    /// - Throws: ``StrataError`` with code `.notFound` when there is no store and `createIfMissing` is false.
    public init(path: String, createIfMissing: Bool = false, configuration: Configuration = Configuration()) throws {
        store = try Store.open(at: path, create: createIfMissing)
        self.configuration = configuration
    }

    /// The current version of table `name`.
    func snapshot(of name: String) throws -> TableSnapshot {
        try store.snapshot(of: name)
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
    /// - Throws: ``StrataError`` `.alreadyExists` if the table exists, `.invalidArgument` for a bad name.
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
            return Database.info(try appender.commit())
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
        let exists = try tableExists(name)
        if exists && mode == .append {
            let tableSchema = try schema(of: name)
            guard tableSchema.fields.map(\.type) == reader.schema.fields.map(\.type),
                  tableSchema.fields.map(\.name) == reader.schema.fields.map(\.name)
            else {
                throw StrataError(.schemaMismatch, "file schema (\(reader.schema)) does not match table \(name) "
                    + "(\(tableSchema))", path: file)
            }
        }
        var options = ParquetWriteOptions()
        options.codec = codec.compressionCodec
        let writeMode: TableAppender.Mode = switch mode {
        case .create: .create(reader.schema)
        case .append: exists ? .append : .create(reader.schema)
        case .replace: .replace(reader.schema)
        }
        let appender = try store.writer(for: name, mode: writeMode, options: options)
        do {
            let all = Array(reader.schema.fields.indices)
            for group in 0..<reader.rowGroupCount {
                let batch = try reader.readRowGroup(group, columns: all)
                try appender.write(try Batch(schema: appender.schema, columns: batch.columns))
            }
            return Database.info(try appender.commit())
        } catch {
            appender.abort()
            throw error
        }
    }

    /// Imports a CSV file (`-` for standard input; gzip and zstd inputs are detected) into table `name` as one new
    /// version: streaming, parallel, type-sniffing and bounded by `options.memoryLimit`. See `docs/csv-import.md`.
    ///
    /// - Parameters:
    ///   - path: The CSV file, or `-` for standard input.
    ///   - name: The table; created when missing.
    ///   - options: Dialect, types, error handling, memory and threads.
    ///   - progress: Called a few times per second on the calling thread.
    /// - Throws: ``StrataError``: `.invalidData` with file, line and column for a bad row; `.alreadyExists` when
    ///   the table exists and `options.mode` is `.create`. Nothing is committed when it throws.
    @discardableResult
    public func importCSV(from path: String, into name: String, options: CSVImportOptions = CSVImportOptions(),
                          progress: ((ImportProgress) -> Void)? = nil) throws -> ImportSummary
    {
        let clock = ContinuousClock()
        let start = clock.now
        let importer = CSVImporter(store: store, table: name, path: path, configuration: try options.configuration())
        let result = try importer.run(progress: progress.map { report in
            { (p: CSVImportProgress) in
                report(ImportProgress(bytesRead: p.bytesRead, totalBytes: p.totalBytes, rows: p.rows, pass: p.pass))
            }
        })
        let elapsed = clock.now - start
        return ImportSummary(table: Database.info(result.snapshot), rowsImported: result.rowsImported,
                             rowsRejected: result.rowsRejected, inputBytes: result.inputBytes,
                             widenedColumns: result.widenedColumns, passes: result.passes,
                             elapsedSeconds: Double(elapsed.components.seconds)
                                 + Double(elapsed.components.attoseconds) / 1e18)
    }

    /// Streams the rows of table `name` (its current version), reading only `columns` (all when nil).
    public func scan(_ name: String, columns: [String]? = nil) throws -> BatchCursor {
        BatchCursor(scan: try store.snapshot(of: name).scan(columns: columns))
    }

    /// Size, layout and compression of the current version of table `name`.
    public func info(_ name: String) throws -> TableInfo {
        Database.info(try store.snapshot(of: name))
    }

    private static func info(_ snapshot: TableSnapshot) -> TableInfo {
        let partitions = snapshot.partitions
        var codecs: [String] = []
        for partition in partitions where !codecs.contains(partition.codec) { codecs.append(partition.codec) }
        return TableInfo(name: snapshot.name, version: snapshot.version, schema: snapshot.schema,
                         rowCount: snapshot.rowCount, partitionCount: partitions.count,
                         rowGroupCount: partitions.reduce(0) { $0 + $1.rowGroups },
                         bytesOnDisk: partitions.reduce(0) { $0 + $1.bytes },
                         uncompressedBytes: partitions.reduce(0) { $0 + $1.uncompressedBytes }, codecs: codecs)
    }
}
