import StrataCore
import StrataStorage
import Synchronization

/// The materialised result of a subquery: its batches written, as they arrive, to one Parquet file in the query's
/// spill directory (LZ4, small row groups so the writer's buffer stays small), then scanned like any table.
final class ScratchTable: Sendable {
    /// The file.
    let path: String
    private let writer: Mutex<ParquetFileWriter?>
    private let rowCount = Atomic<Int>(0)

    /// Rows written so far.
    var rows: Int { rowCount.load(ordering: .relaxed) }

    /// Creates the file for rows of `schema`; its row groups hold about `rowGroupBytes`.
    init(spill: SpillManager, schema: Schema, rowGroupBytes: Int) throws {
        path = try spill.scratchPath(label: "subquery", suffix: "parquet")
        var options = ParquetWriteOptions()
        options.codec = .lz4Raw
        options.rowGroupBytes = rowGroupBytes
        options.pageChecksums = false
        writer = Mutex(try ParquetFileWriter(path: path, schema: schema, options: options))
    }

    /// Appends a batch.
    func write(_ batch: Batch) throws(StrataError) {
        try writer.withLock { (writer) throws(StrataError) in
            guard let writer else { throw StrataError(.internal, "a finished scratch table was written to") }
            do {
                try writer.write(batch)
            } catch let error as StrataError {
                throw error
            } catch {
                throw StrataError(.io, "cannot write a subquery's result: \(error)")
            }
            rowCount.add(batch.count, ordering: .relaxed)
        }
    }

    /// Closes the file.
    func finish() throws {
        try writer.withLock { writer in
            guard let open = writer else { return }
            writer = nil
            _ = try open.close()
        }
    }

    /// Drops the partial file.
    func abort() {
        writer.withLock { writer in
            writer?.abort()
            writer = nil
        }
    }
}
