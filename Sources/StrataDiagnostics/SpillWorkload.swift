// Spilling batches to disk and reading them back, measured on the executor's spill runs.
//
// 1. init keeps the batches and writes them once as a run, for `read()`.
// 2. write() writes the batches as a new run (SpillManager.createRun, SpillWriter: serialise, LZ4, CRC, one write
//    per frame), finishes it and returns the file's size.
// 3. removeWrittenRun() deletes that run, so that a caller can keep the deletion out of what it times.
// 4. read() reads the run of step 1 back with a SpillReader (read, CRC check, LZ4, decode) and returns the
//    in-memory bytes of the batches it produced.
// 5. The runs live in the manager's private directory below `directory`, which goes with the workload.
import Strata
import StrataExecution

extension Diagnostics {
    /// Writes batches as a spill run and reads them back with the executor's spill writer and reader.
    public final class SpillWorkload {
        /// Rows in the batches.
        public let rows: Int
        /// Uncompressed in-memory bytes of the batches (value buffers, string offsets, validity words).
        public let batchBytes: Int
        /// Size of the run file `read()` reads.
        public let runBytes: Int64

        private let batches: [Batch]
        private let manager: SpillManager
        private let stored: SpillRun
        private var written: SpillRun?

        /// Writes `batches` (all of one schema) once as a run in a private directory below `directory` (default
        /// `$TMPDIR`, else `/tmp`).
        public init(batches: [Batch], directory: String? = nil) throws {
            self.batches = batches
            rows = batches.reduce(0) { $0 + $1.count }
            batchBytes = batches.reduce(0) { $0 + $1.byteCount }
            manager = SpillManager(directory: directory)
            stored = try Self.write(batches, manager: manager, label: "read")
            runBytes = stored.bytes
        }

        /// Writes the batches as a new run (the measured operation); returns its size. A run left by the previous
        /// call is deleted first.
        public func write() throws -> Int64 {
            removeWrittenRun()
            let run = try Self.write(batches, manager: manager, label: "write")
            written = run
            return run.bytes
        }

        /// Deletes the run written by `write()`, if any.
        public func removeWrittenRun() {
            written?.delete()
            written = nil
        }

        /// Reads the run written in `init` back (the measured operation); returns the in-memory bytes of the
        /// batches read.
        public func read() throws -> Int {
            let reader = try stored.open()
            var bytes = 0
            while let batch = try reader.next() { bytes += batch.byteCount }
            return bytes
        }

        private static func write(_ batches: [Batch], manager: SpillManager, label: String) throws -> SpillRun {
            let writer = try manager.createRun(label: label)
            for batch in batches { try writer.write(batch) }
            return try writer.finish()
        }
    }
}
