import StrataCore
import StrataStorage

/// A finished spill run: a file of batches that can be read back any number of times until it is deleted.
///
/// The run holds its manager, so the spill directory lives at least as long as the run.
package struct SpillRun: Sendable {
    /// The run's file.
    package let path: String
    /// The label given to ``SpillManager/createRun(label:)``.
    package let label: String
    /// The schema of every batch (empty when no batch was written).
    package let schema: Schema
    /// Number of frames, i.e. of batches a reader returns (a batch too large for one frame counts once per part).
    package let batchCount: Int
    /// Number of rows in all batches.
    package let rowCount: Int
    /// Size of the file.
    package let bytes: Int64
    /// Size of the batch bodies before compression.
    package let uncompressedBytes: Int64
    /// The manager that owns the file (and counts the bytes read back).
    let manager: SpillManager

    init(manager: SpillManager, path: String, label: String, schema: Schema, batchCount: Int, rowCount: Int,
         bytes: Int64, uncompressedBytes: Int64) {
        self.manager = manager
        self.path = path
        self.label = label
        self.schema = schema
        self.batchCount = batchCount
        self.rowCount = rowCount
        self.bytes = bytes
        self.uncompressedBytes = uncompressedBytes
    }

    /// A run over a file `manager` did not write, taken as it is: its size is the file's now, its schema and frame
    /// count are the caller's claim. The spill-run fuzz harness reads arbitrary bytes this way; ``delete()`` only
    /// forgets the file.
    package init(existingFile path: String, schema: Schema, batchCount: Int,
                 manager: SpillManager) throws(StrataError) {
        let size: Int64
        do {
            size = try FileIO(path: path, mode: .read).size()
        } catch {
            throw (error as? StrataError) ?? StrataError(.io, "cannot open \(path): \(error)", path: path)
        }
        self.init(manager: manager, path: path, label: "existing", schema: schema, batchCount: batchCount,
                  rowCount: 0, bytes: size, uncompressedBytes: 0)
    }

    /// Opens the run for reading from its first batch.
    package func open() throws(StrataError) -> SpillReader {
        try SpillReader(run: self)
    }

    /// Removes the file and returns its bytes to the manager's accounting. Idempotent.
    package func delete() {
        manager.release(path)
    }
}
