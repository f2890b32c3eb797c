import StrataCore
import StrataStorage

/// Reads the rows of a table version, of Parquet files or of rows held in the plan.
///
/// 1. When the plan is built, every file is opened (its footer checked; only the scanned and pruned columns' chunk
///    metadata is loaded) and each row group whose min/max statistics rule out the pruning predicate is skipped;
///    each remaining row group is a morsel.
/// 2. A morsel decodes only the scanned columns of its row group, a slice of rows at a time (``sliceRows``, fewer
///    when two slices would take more than an eighth of the memory budget, down to ``minimumSliceRows``): it reads a
///    window of
///    each column chunk's compressed bytes (``ParquetFileReader/chunkWindowBytes``, read again from the next page
///    on as decoding passes its end), then hands out one batch per slice, so a large row group never sits decoded or
///    compressed in memory whole.
/// 3. A morsel's admission is what it holds at once: the compressed windows plus two slices' decoded size estimate
///    (the slice being decoded and the one handed on; 8 bytes per value plus the uncompressed chunk sizes, pro
///    rata), so scans start only while the memory pool has room for them.
package final class TableScan: SourceOperator {
    /// What is read.
    package let source: ScanSource
    /// The columns read, in table order.
    package let columns: [String]
    /// Their schema: the schema of the batches.
    package let schema: Schema
    /// The row-group pruning predicate.
    package let pruning: ScanPredicate?
    package let metrics: OperatorMetrics
    /// Row groups kept after pruning, and in all.
    package let rowGroups: (kept: Int, total: Int)
    /// What the scan has read so far, for progress reports.
    package let progress: ScanProgress
    private let units: [Unit]
    /// Per morsel, its compressed bytes (a held batch's size for rows held in the plan).
    private let unitBytes: [Int]

    /// Rows per batch a row group is decoded in (at most).
    package static let sliceRows = 131_072
    /// The fewest rows per batch a small memory budget brings the slices down to.
    package static let minimumSliceRows = 4_096


    /// One morsel.
    private enum Unit: Sendable {
        /// A row group, the indices of the scanned columns in the file, and its decoded size estimate.
        case rowGroup(ParquetFileReader, Int, columns: [Int], estimatedBytes: Int, sliceRows: Int)
        /// Rows held in memory, already narrowed to the scanned columns.
        case rows(Batch)
    }

    /// A scan of `columns` of `source`, pruned by `pruning`; opens the files now.
    /// Under a `memoryBudget` (the operators' share of the limit) slices shrink so two of them take at most an
    /// eighth of it: every batch above the scan (the operators' input, the result writer's) is sized from the limit.
    package init(_ source: ScanSource, columns: [String], pruning: ScanPredicate?,
                 memoryBudget: Int = Int.max) throws {
        self.source = source
        self.columns = columns
        self.pruning = pruning
        var fields: [Field] = []
        for name in columns {
            guard let field = source.schema.fields.first(where: { $0.name == name }) else {
                throw StrataError(.notFound, "column \"\(name)\" not found in \(source.name)", column: name)
            }
            fields.append(field)
        }
        schema = try Schema(fields)
        var units: [Unit] = []
        var unitBytes: [Int] = []
        var total = 0
        var rows = 0
        switch source.kind {
        case let .files(files):
            // Only the scanned and pruned columns' chunk metadata is loaded: a file thousands of columns wide then
            // costs the memory of the columns read.
            let loaded = Set(columns).union(pruning?.columns ?? [])
            var previous: ParquetFileReader?
            for file in files {
                let reader = try file.open(loaded, previous)
                previous = reader
                let indices = try columns.map { name in
                    guard let column = reader.schema.index(of: name) else {
                        throw StrataError(.corrupt, "file lacks column \"\(name)\"", path: reader.path, column: name)
                    }
                    return column
                }
                for rowGroup in 0..<reader.rowGroupCount {
                    total += 1
                    if let pruning, !pruning.mayMatch(reader, rowGroup: rowGroup) { continue }
                    let groupRows = max(1, Int(reader.rowCount(ofRowGroup: rowGroup)))
                    var decoded = groupRows * 8 * indices.count
                    var compressed = 0
                    for column in indices {
                        if let sizes = reader.chunkSizes(rowGroup: rowGroup, column: column) {
                            decoded += Int(sizes.uncompressed)
                            compressed += Int(sizes.compressed)
                        }
                    }
                    // A window of each column's compressed bytes, the slice being decoded and the one handed on.
                    let window = min(compressed, indices.count * ParquetFileReader.chunkWindowBytes)
                    let rowBytes = max(1, decoded / groupRows)
                    let slice = max(TableScan.minimumSliceRows,
                                    min(TableScan.sliceRows, memoryBudget / 16 / rowBytes))
                    let bytes = window + rowBytes * min(groupRows, 2 * slice)
                    rows += Int(reader.rowCount(ofRowGroup: rowGroup))
                    units.append(.rowGroup(reader, rowGroup, columns: indices, estimatedBytes: bytes,
                                           sliceRows: slice))
                    unitBytes.append(compressed)
                }
            }
        case let .rows(batch):
            var narrowed: [Column] = []
            for name in columns {
                guard let column = batch.column(named: name) else {
                    throw StrataError(.internal, "rows lack column \"\(name)\"", column: name)
                }
                narrowed.append(column)
            }
            let held = try Batch(schema: schema, columns: narrowed)
            units.append(.rows(held))
            unitBytes.append(held.byteCount)
            rows = batch.count
        }
        self.units = units
        self.unitBytes = unitBytes
        progress = ScanProgress(morsels: units.count, bytes: unitBytes.reduce(0, &+))
        rowGroups = (units.count, total)
        metrics = OperatorMetrics(estimatedRows: rows)
    }

    package var label: String {
        var text = "Scan \(source.name) columns [\(columns.joined(separator: ", "))]"
        if let pruning { text += " prune \(pruning)" }
        if case .files = source.kind { text += " row groups \(rowGroups.kept) of \(rowGroups.total)" }
        return text
    }

    package var children: [any PhysicalOperator] { [] }
    package var morselCount: Int { units.count }

    package var morselDetail: String {
        if case .rows = source.kind { return "rows held in the plan" }
        return "\(rowGroups.kept) of \(rowGroups.total) row groups"
    }

    package func admissionBytes(ofMorsel morsel: Int) -> Int {
        switch units[morsel] {
        case let .rowGroup(_, _, _, bytes, _): bytes
        case let .rows(batch): batch.byteCount
        }
    }

    package func produce(morsel: Int, _ context: TaskContext, _ emit: BatchSink) throws(StrataError) {
        defer { progress.finished(bytes: unitBytes[morsel]) }
        switch units[morsel] {
        case let .rowGroup(reader, rowGroup, columns, _, sliceRows):
            let schema = self.schema
            do {
                try reader.readRowGroup(rowGroup, columns: columns, sliceRows: sliceRows) { decoded in
                    try emit(try Batch(schema: schema, columns: decoded.columns))
                }
            } catch let error as StrataError {
                throw error
            } catch {
                throw StrataError(.io, "cannot read row group \(rowGroup): \(error)", path: reader.path)
            }
        case let .rows(batch):
            try emit(batch)
        }
    }
}
