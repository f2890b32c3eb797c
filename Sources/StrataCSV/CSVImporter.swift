import Foundation
import StrataCore
import StrataStorage

/// Imports one CSV input into a store table as one new version.
///
/// Algorithm:
/// 1. Open the input (file, stdin, gzip, zstd) and peek at its first records; reject empty and binary inputs.
/// 2. Sniff dialect, header and types (``CSVSniffer``); fixed types come from `--schema` or, when appending, from the
///    table. Skip the header.
/// 3. Pass 1: run the ``ParsePipeline`` and write its batches, in input order, to a ``TableAppender`` (which stages
///    Parquet files). Rejected rows go to the rejects file or fail the import.
/// 4. If a chunk reports that a sniffed column does not fit its type, abort the appender, switch the pipeline to
///    inference only, and read the rest of the input merging every chunk's type facts. Then rewind the input and
///    run pass 2 with the final types (it cannot widen again: it sees the same values).
/// 5. Commit: one new table version, or nothing at all if anything failed.
package final class CSVImporter {
    private let store: Store
    private let table: String
    private let path: String
    private let configuration: CSVImportConfiguration

    /// The name prefix of the folders standard input is spooled to, in the store: `.import-spool-<pid>-<random>`.
    package static let spoolPrefix = ".import-spool"

    /// An import of `path` (`-` for stdin) into `table` of `store`.
    package init(store: Store, table: String, path: String, configuration: CSVImportConfiguration) {
        self.store = store
        self.table = table
        self.path = path
        self.configuration = configuration
    }

    /// Runs the import; `progress` is called from the calling thread a few times per second.
    package func run(progress: ((CSVImportProgress) -> Void)? = nil) throws -> CSVImportResult {
        let config = configuration
        try Store.validateTableName(table)
        try CSVDialect.validate(delimiter: config.delimiter, quote: config.quote)
        try WorkerThread.validate(config.threads)
        guard config.memoryLimit >= CSVImportConfiguration.minimumMemoryLimit else {
            throw StrataError(.invalidArgument, "memory limit \(ByteCount.format(config.memoryLimit)) is too small; "
                + "the minimum is \(ByteCount.format(CSVImportConfiguration.minimumMemoryLimit))")
        }
        // Step 2 (early): what the table imposes.
        let exists = (try? store.latestVersion(of: table)) != nil
        if exists && config.mode == .create {
            throw StrataError(.alreadyExists, "table \"\(table)\" already exists; use append or replace mode "
                + "(--append / --replace)", path: store.path)
        }
        let tableSchema = exists && config.mode == .append ? try store.snapshot(of: table).schema : nil

        // Step 1.
        // Standard input is copied to a spool for a second pass; its folder sits in the store, owned by this
        // process (spools of imports that died go first).
        var spoolFolder: ScratchDirectory?
        if path == "-" {
            ScratchDirectory.removeAbandoned(in: store.path, prefix: CSVImporter.spoolPrefix)
            spoolFolder = try ScratchDirectory.create(in: store.path, prefix: CSVImporter.spoolPrefix)
        }
        defer { spoolFolder?.remove() }
        let input = try CSVInput(path: path, spoolPath: spoolFolder.map { $0.path + "/stdin.csv" })
        let blockBytes = config.effectiveBlockBytes
        var reader = ChunkReader(input: input, quote: config.quote, blockBytes: blockBytes,
                                 maxRecordBytes: config.maxRecordBytes)
        let sampleBytes = max(blockBytes, min(8 << 20, config.dataBudget / 16))
        let sample = try reader.peekRecords(maxBytes: sampleBytes)
        if sample.isEmpty { throw StrataError(.invalidData, "file is empty", path: input.name) }
        if let nul = sample.firstIndex(of: 0) {
            // Where: the line and byte of the first NUL, so a stray one in a text file can be found and fixed.
            let line = 1 + sample[..<nul].reduce(0) { $0 + ($1 == 10 ? 1 : 0) }
            // Binary when more than 1% of the bytes are control characters other than tab, LF, VT, FF and CR.
            let text = sample.count(where: { $0 < 9 || ($0 > 13 && $0 < 32) }) * 100 <= sample.count
            throw StrataError(.invalidData, text
                ? "contains a NUL byte (0x00), which CSV text cannot hold; remove it (e.g. tr -d '\\000')"
                : "looks like a binary file (it contains NUL bytes), not CSV text",
                path: input.name, offset: Int64(nul), line: line)
        }
        if !sample.contains(10), sample.contains(13) {
            throw StrataError(.invalidData, "lines end with a carriage return only (CR, old Mac style); Strata reads "
                + "LF or CRLF line endings: convert them first, e.g. tr '\\r' '\\n' < in.csv > out.csv",
                path: input.name, line: 1)
        }
        let sniffed = CSVSniffer.sniff(sample, delimiter: config.delimiter, quote: config.quote,
                                       nullTokens: config.nullTokens, header: config.header,
                                       sampleRows: config.sampleRows)
        if sniffed.names.isEmpty { throw StrataError(.invalidData, "file is empty (no records)", path: input.name) }
        var plan = CSVParsePlan(dialect: sniffed.dialect, columns: [], fileName: input.name)
        plan.columns = try columnPlans(sniffed, tableSchema: tableSchema, fileName: input.name)
        let sniffedTypes = plan.columns.map(\.type)
        var states = sniffed.states
        for (c, column) in plan.columns.enumerated() where column.fixed { states[c] = ColumnTypeState(type: column.type) }

        var writeOptions = config.writeOptions
        writeOptions.rowGroupBytes = config.effectiveRowGroupBytes
        writeOptions.partitionMetadataBytes = config.effectivePartitionMetadataBytes
        var pass = 1
        while true {
            if pass > 1 {
                try input.rewind()
                reader = ChunkReader(input: input, quote: config.quote, blockBytes: blockBytes,
                                     maxRecordBytes: config.maxRecordBytes)
            }
            if sniffed.header {
                try reader.skip(count: sniffed.headerBytes, newlines: sniffed.headerNewlines)
            }
            let mode: TableAppender.Mode = switch config.mode {
            case .create: .create(plan.schema)
            case .append: exists ? .append : .create(plan.schema)
            case .replace: .replace(plan.schema)
            }
            let outcome = try runPass(pass: pass, plan: plan, reader: reader, input: input, mode: mode,
                                      options: writeOptions, states: &states, progress: progress)
            switch outcome {
            case let .committed(snapshot, rows, rejected):
                let widened = plan.columns.enumerated().compactMap { c, column in
                    column.type == sniffedTypes[c] ? nil : "\(column.name): \(column.type)"
                }
                return CSVImportResult(snapshot: snapshot, rowsImported: rows, rowsRejected: rejected,
                                       inputBytes: input.bytesRead, widenedColumns: widened, passes: pass)
            case .widen:
                guard pass == 1 else {
                    throw StrataError(.internal, "column types changed again in the second pass", path: input.name)
                }
                for c in plan.columns.indices where !plan.columns[c].fixed {
                    plan.columns[c].type = states[c].resolved
                }
                pass += 1
            }
        }
    }

    private enum PassOutcome {
        case committed(TableSnapshot, rows: Int64, rejected: Int64)
        case widen
    }

    private func runPass(pass: Int, plan: CSVParsePlan, reader: ChunkReader, input: CSVInput,
                         mode: TableAppender.Mode, options: ParquetWriteOptions, states: inout [ColumnTypeState],
                         progress: ((CSVImportProgress) -> Void)?) throws -> PassOutcome
    {
        let config = configuration
        let appender = try store.writer(for: table, mode: mode, options: options)
        var appenderOpen = true
        defer { if appenderOpen { appender.abort() } }
        let rejects = try config.rejectsPath.map { try RejectsWriter(path: $0) }
        let pipeline = ParsePipeline(reader: reader, input: input, plan: plan, threads: config.threads,
                                     maxInFlight: 2 * config.threads)
        defer { pipeline.finish() }
        try pipeline.start()

        var rows: Int64 = 0
        var rejected: Int64 = 0
        var records: Int64 = 0
        var widening = false
        let clock = ContinuousClock()
        var lastReport = clock.now
        loop: while true {
            switch pipeline.next() {
            case .end:
                break loop
            case let .failure(error):
                throw (error as? StrataError)?.with(path: input.name) ?? error
            case let .chunk(chunk):
                records += Int64(chunk.rows + chunk.errors.count)
                if let first = chunk.errors.first, !config.skipBadRows {
                    throw first.error(fileName: input.name)
                }
                rejected += Int64(chunk.errors.count)
                for (c, state) in chunk.states { states[c].merge(state) }
                if chunk.needsWidening && !widening {
                    // Step 4: the batches written so far have the old types; the pass only learns types now.
                    widening = true
                    pipeline.switchToInference()
                    appender.abort()
                    appenderOpen = false
                }
                if !widening {
                    if let rejects { for error in chunk.errors { try rejects.write(error) } }
                    if let batch = chunk.batch { try appender.write(batch) }
                }
                rows += Int64(chunk.rows)
            }
            if let progress, clock.now - lastReport > .milliseconds(100) {
                lastReport = clock.now
                progress(CSVImportProgress(bytesRead: pipeline.inputBytesRead, totalBytes: input.totalBytes,
                                           rows: rows, pass: pass))
            }
        }
        pipeline.finish()
        if records == 0 {
            throw StrataError(.invalidData, "no data rows (only a header)", path: input.name)
        }
        if widening { return .widen }
        try rejects?.close()
        let snapshot = try appender.commit()
        appenderOpen = false
        progress?(CSVImportProgress(bytesRead: input.bytesRead, totalBytes: input.totalBytes, rows: rows, pass: pass))
        return .committed(snapshot, rows: rows, rejected: rejected)
    }

    /// Names and types per column: sniffed, overridden by `--schema` (all columns in order, or a subset by header
    /// name) or, when appending, by the table's schema.
    private func columnPlans(_ sniffed: CSVSniffer.Result, tableSchema: Schema?, fileName: String) throws
        -> [CSVParsePlan.ColumnPlan]
    {
        var columns = zip(sniffed.names, sniffed.states).map { name, state in
            CSVParsePlan.ColumnPlan(name: name, type: state.resolved, fixed: false)
        }
        if let tableSchema {
            guard tableSchema.count == columns.count,
                  !sniffed.header || tableSchema.fields.map(\.name) == sniffed.names
            else {
                throw StrataError(.schemaMismatch, "the file's columns (\(sniffed.names.joined(separator: ", "))) "
                    + "do not match table \(table) (\(tableSchema))", path: fileName)
            }
            return tableSchema.fields.map { CSVParsePlan.ColumnPlan(name: $0.name, type: $0.type, fixed: true) }
        }
        guard let schema = configuration.schema else { return columns }
        let byName = sniffed.header && schema.fields.allSatisfy { sniffed.names.contains($0.name) }
        if byName {
            for field in schema.fields {
                if let c = sniffed.names.firstIndex(of: field.name) {
                    columns[c].type = field.type
                    columns[c].fixed = true
                }
            }
            return columns
        }
        guard schema.count == columns.count else {
            throw StrataError(.invalidArgument, "the schema lists \(schema.count) columns but the file has "
                + "\(columns.count)" + (sniffed.header ? " (and not all schema names are header names)" : ""),
                path: fileName)
        }
        return schema.fields.map { CSVParsePlan.ColumnPlan(name: $0.name, type: $0.type, fixed: true) }
    }
}
