import Foundation
import StrataCore
import StrataExecution
import StrataSQL
import StrataStorage
import Synchronization

// Running the statements that change tables; each commits one version of one table, or nothing.
//
// Algorithm:
// 1. CREATE TABLE (…) commits an empty version 0. CREATE TABLE … AS and INSERT run their query and stream its
//    batches into a table writer (``TableAppender``: staged Parquet files, one Delta commit); a failure at any
//    point aborts the writer, so the table keeps its previous version.
// 2. DELETE and UPDATE are copy-on-write. For each file of the current version, the bound plan (the table's
//    columns and a match flag) runs over that file alone: first counting the matching rows; a file with none
//    is left as it is. A file with matches is rewritten (DELETE keeps the rows that do not match, UPDATE keeps
//    every row with the new values) and removed; one commit adds the new files and removes the old ones.
// 3. DROP TABLE renames the table folder away, then removes it (``Store/dropTable(_:readerWait:)``).
// 4. COPY … TO writes the query's rows through the result writers (CSV, JSON lines or Parquet; the file appears
//    when complete); COPY … FROM imports a CSV or Parquet file into an existing table.
// Every count is returned as DuckDB returns it: one row, one column `Count`.

/// Runs CREATE TABLE, INSERT, DELETE, UPDATE, DROP TABLE and COPY for ``Statement``.
enum TableStatements {
    /// Runs `action` (one of the table actions) with the bound `plan`; the result cursor holds the count.
    static func run(_ action: BoundStatement.Action, plan: LogicalPlan, database: Database, catalog: StoreCatalog,
                    options: ExecutionOptions) throws -> ResultCursor {
        let store = database.store
        switch action {
        case let .createTable(table, schema, orReplace, ifNotExists):
            if try database.tableExists(table) {
                if ifNotExists { return try count(nil) }
                guard orReplace else {
                    throw StrataError(.alreadyExists, "table \"\(table)\" already exists")
                }
                try store.writer(for: table, mode: .replace(schema), options: writeOptions(options)).commit()
            } else {
                try store.createTable(table, schema: schema)
            }
            return try count(nil)
        case let .createTableAs(table, orReplace, ifNotExists):
            let exists = try database.tableExists(table)
            if exists && ifNotExists { return try count(nil) }
            if exists && !orReplace { throw StrataError(.alreadyExists, "table \"\(table)\" already exists") }
            let execution = try execution(plan, catalog: catalog, options: options)
            let schema = Schema(unchecked: execution.schema.fields.map { Field($0.name, $0.type) })
            let writer = try store.writer(for: table, mode: orReplace ? .replace(schema) : .create(schema),
                                          options: writeOptions(options))
            return try count(try stream(execution, into: writer))
        case let .insert(table):
            let execution = try execution(plan, catalog: catalog, options: options)
            let writer = try store.appender(to: table, options: writeOptions(options))
            return try count(try stream(execution, into: writer))
        case let .delete(table):
            return try count(try rewrite(table, plan: plan, operation: "DELETE", store: store, catalog: catalog,
                                         options: options))
        case let .update(table):
            return try count(try rewrite(table, plan: plan, operation: "UPDATE", store: store, catalog: catalog,
                                         options: options))
        case let .dropTable(table, ifExists):
            if ifExists, try !database.tableExists(table) { return try count(nil) }
            try store.dropTable(table)
            return try count(nil)
        case let .copyTo(path, copyOptions):
            let execution = try execution(plan, catalog: catalog, options: options)
            return try count(try copy(execution, to: path, options: copyOptions, memoryLimit: options.memoryLimit))
        case let .copyFrom(table, path, copyOptions):
            return try count(try copy(from: path, into: table, options: copyOptions, database: database))
        case .query, .explain, .explainAnalyze, .vacuum:
            throw StrataError(.internal, "not a table statement")
        }
    }

    /// A result of one `Count` row, or no rows at all for DDL (nil).
    private static func count(_ rows: Int64?) throws -> ResultCursor {
        guard let rows else {
            return ResultCursor(batches: [], columnNames: [], statistics: nil, explain: false)
        }
        let schema = Schema(unchecked: [Field("Count", .int64)])
        let batch = try Batch(schema: schema, columns: [try Column(type: .int64, values: [.int64(rows)])])
        return ResultCursor(batches: [batch], columnNames: ["Count"], statistics: nil, explain: false)
    }

    /// Parquet options for table files written by a statement: a row group holds at most a sixteenth of the
    /// memory limit (it is buffered, then encoded), as for Parquet results.
    private static func writeOptions(_ options: ExecutionOptions) -> ParquetWriteOptions {
        var write = ParquetWriteOptions()
        write.rowGroupBytes = max(1 << 20, min(write.rowGroupBytes, options.memoryLimit / 16))
        write.partitionMetadataBytes = max(1 << 20, options.memoryLimit / 32)
        return write
    }

    private static func execution(_ plan: LogicalPlan, catalog: StoreCatalog,
                                  options: ExecutionOptions) throws -> QueryExecution {
        try QueryExecution(plan: plan, options: options) { name in try catalog.snapshot(of: name) }
    }

    /// Runs `execution` into `writer` and commits; aborts the writer on any failure. Returns the rows written.
    private static func stream(_ execution: QueryExecution, into writer: TableAppender) throws -> Int64 {
        let box = LockedSink.table(writer)
        do {
            _ = try execution.run { batch throws(StrataError) in try box.write(batch) }
            try writer.commit()
            return writer.rowsWritten
        } catch {
            writer.abort()
            throw error
        }
    }

    /// DELETE or UPDATE (step 2): the rows deleted or updated.
    private static func rewrite(_ table: String, plan: LogicalPlan, operation: String, store: Store,
                                catalog: StoreCatalog, options: ExecutionOptions) throws -> Int64 {
        let writer = try store.writer(for: table, mode: .rewrite(operation: operation), options: writeOptions(options))
        do {
            // The version the writer builds on: its files are rewritten, whatever the statement's other scans read.
            let snapshot = try store.snapshot(of: table)
            let match = BoundStatement.matchColumn
            let columns = snapshot.schema.fields.map { NamedExpr(.column($0.name), as: $0.name) }
            let box = LockedSink.table(writer)
            var changed: Int64 = 0
            for partition in snapshot.partitions {
                let file = LogicalPlan.parquet(paths: [snapshot.path(of: partition)], label: table)
                let perFile = plan.replacingScans(of: BoundStatement.targetReference, with: file)
                let counting = LogicalPlan.aggregate(keys: [], aggregates: [AggregateCall(.countStar, [], as: "n")],
                                                     .filter(.column(match), perFile))
                let counted = Mutex<Int64>(0)
                _ = try execution(counting, catalog: catalog, options: options).run { batch throws(StrataError) in
                    if batch.count > 0, case let .int64(n) = batch.columns[0].value(at: 0) {
                        counted.withLock { $0 += n }
                    }
                }
                let matches = counted.withLock { $0 }
                guard matches > 0 else { continue }
                let kept: LogicalPlan = operation == "DELETE"
                    ? .project(columns, .filter(.unary(.not, .column(match)), perFile))
                    : .project(columns, perFile)
                _ = try execution(kept, catalog: catalog, options: options).run { batch throws(StrataError) in
                    try box.write(batch)
                }
                try writer.remove(partition.file)
                changed += matches
            }
            if changed > 0 { try writer.commit() } else { writer.abort() }
            return changed
        } catch {
            writer.abort()
            throw error
        }
    }

    /// The file format COPY uses: the `format` option, else the path's extension.
    private static func format(of path: String, options: [String: String]) throws -> ResultFormat {
        let name = options["format"]?.lowercased() ?? {
            let lower = path.lowercased()
            if lower.hasSuffix(".parquet") { return "parquet" }
            if lower.hasSuffix(".json") || lower.hasSuffix(".jsonl") || lower.hasSuffix(".ndjson") { return "json" }
            return "csv"
        }()
        switch name {
        case "csv": return .csv
        case "parquet": return .parquet
        case "json": return .json
        default: throw StrataError(.invalidArgument, "COPY: unknown format \(name) (csv, parquet or json)")
        }
    }

    /// COPY … TO (step 4): the rows written.
    private static func copy(_ execution: QueryExecution, to path: String, options: [String: String],
                             memoryLimit: Int) throws -> Int64 {
        let format = try format(of: path, options: options)
        for key in options.keys where key != "format" && !(key == "header" && format == .csv) {
            throw StrataError(.invalidArgument, "COPY … TO: option \(key) is not supported (format; header for CSV)")
        }
        if let header = options["header"], header.lowercased() != "true" {
            throw StrataError(.invalidArgument, "COPY … TO: CSV files are written with a header")
        }
        let writer = try makeResultWriter(format: format, output: .file(path), memoryLimit: memoryLimit)
        let box = LockedSink(writer.write)
        try writer.begin(schema: execution.schema)
        let statistics = try execution.run { batch throws(StrataError) in try box.write(batch) }
        try writer.finish()
        return Int64(statistics.rows)
    }

    /// COPY … FROM (step 4): the rows imported.
    private static func copy(from path: String, into table: String, options: [String: String],
                             database: Database) throws -> Int64 {
        let format = try format(of: path, options: options)
        switch format {
        case .parquet:
            guard options.keys.allSatisfy({ $0 == "format" }) else {
                throw StrataError(.invalidArgument, "COPY … FROM a Parquet file takes no option but format")
            }
            let before = try database.info(table).rowCount
            let after = try database.importParquet(from: path, into: table, mode: .append).rowCount
            return after - before
        case .csv:
            var csv = CSVImportOptions()
            csv.mode = .append
            if let limit = database.configuration.memoryLimit { csv.memoryLimit = max(64 << 20, limit) }
            csv.threads = database.configuration.threads
            for (key, value) in options {
                switch key {
                case "format": break
                case "header": csv.header = value.lowercased() == "true" || value == "1"
                case "delimiter", "delim", "sep":
                    guard value.unicodeScalars.count == 1, let scalar = value.unicodeScalars.first else {
                        throw StrataError(.invalidArgument, "COPY: the delimiter must be one character")
                    }
                    csv.delimiter = scalar
                case "quote":
                    guard value.unicodeScalars.count == 1, let scalar = value.unicodeScalars.first else {
                        throw StrataError(.invalidArgument, "COPY: the quote must be one character")
                    }
                    csv.quote = scalar
                case "null", "nullstr": csv.nullTokens = [value]
                default:
                    throw StrataError(.invalidArgument, "COPY … FROM: option \(key) is not supported (format, "
                        + "header, delimiter, quote, null)")
                }
            }
            csv.schema = try database.schema(of: table)
            return try database.importCSV(from: path, into: table, options: csv).rowsImported
        default:
            throw StrataError(.invalidArgument, "COPY … FROM reads CSV or Parquet files")
        }
    }
}

/// Hands a query's batches to a writer that is not thread-safe: the sink is called one batch at a time, from
/// worker threads.
private final class LockedSink: @unchecked Sendable {
    // Safety: `body` runs only under `lock`.
    private let lock = NSLock()
    private let body: (Batch) throws -> Void

    init(_ body: @escaping (Batch) throws -> Void) { self.body = body }

    /// A sink into a table writer.
    static func table(_ writer: TableAppender) -> LockedSink {
        // Nullable fields here: a NULL in a NOT NULL column is the writer's error, which names the table.
        let schema = Schema(unchecked: writer.schema.fields.map { Field($0.name, $0.type) })
        return LockedSink { batch in
            let groups = writer.rowGroupsWritten
            try writer.write(try Batch(schema: schema, columns: batch.columns))
            // Encoding a row group frees pages and dictionaries from several threads' arenas: give them back, so
            // the table's files do not pile up memory on top of what the query holds.
            if writer.rowGroupsWritten != groups { AllocatorTuning.trim() }
        }
    }

    func write(_ batch: Batch) throws(StrataError) {
        lock.lock()
        defer { lock.unlock() }
        do {
            try body(batch)
        } catch let error as StrataError {
            throw error
        } catch {
            throw StrataError(.internal, "\(error)")
        }
    }
}
