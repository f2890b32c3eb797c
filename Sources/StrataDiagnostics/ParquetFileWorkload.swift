// Parquet encoding and decoding of one file, measured on the storage layer's writer and reader (no store: no
// manifest, no commit, no fsync).
//
// 1. init keeps the batches and writes them once to a scratch file, for `decode()`.
// 2. encode() writes the batches to a new scratch file with ParquetFileWriter (row groups, pages, statistics,
//    dictionaries and compression as a table append does, columns encoded in parallel) and closes it without
//    fsync; it returns the file's size.
// 3. removeEncodedFile() deletes that file, so that a caller can keep the deletion out of what it times.
// 4. decode() opens the file of step 1 with ParquetFileReader and reads every column of every row group (chunks
//    decoded in parallel, as a scan does); it returns the rows read.
// 5. Scratch files live in a private directory below `directory` that goes with the workload.
import Strata
import StrataExecution
import StrataStorage

extension Diagnostics {
    /// Writes batches into a Parquet file and reads them back with the storage layer's writer and reader.
    public final class ParquetFileWorkload {
        /// Rows in the batches.
        public let rows: Int
        /// Uncompressed in-memory bytes of the batches (value buffers, string offsets, validity words).
        public let uncompressedBytes: Int
        /// Size of the file `decode()` reads.
        public let fileBytes: Int64

        private let batches: [Batch]
        private let schema: Schema
        private let options: ParquetWriteOptions
        private let scratch: SpillManager
        private let decodePath: String
        private var encodedPath: String?

        /// Writes `batches` (all of one schema) once with `codec`, in a private directory below `directory`
        /// (default `$TMPDIR`, else `/tmp`).
        public init(batches: [Batch], codec: Codec, directory: String? = nil) throws {
            guard let first = batches.first else {
                throw StrataError(.invalidArgument, "the Parquet workload needs at least one batch")
            }
            self.batches = batches
            schema = first.schema
            rows = batches.reduce(0) { $0 + $1.count }
            uncompressedBytes = batches.reduce(0) { $0 + $1.byteCount }
            var options = ParquetWriteOptions()
            options.codec = codec.compressionCodec
            options.syncOnClose = false
            self.options = options
            scratch = SpillManager(directory: directory)
            decodePath = try scratch.scratchPath(label: "decode", suffix: "parquet")
            fileBytes = try Self.write(batches, schema: schema, to: decodePath, options: options)
        }

        /// Writes the batches to a new file (the measured operation); returns its size. A file left by the
        /// previous call is deleted first.
        public func encode() throws -> Int64 {
            removeEncodedFile()
            let path = try scratch.scratchPath(label: "encode", suffix: "parquet")
            encodedPath = path
            return try Self.write(batches, schema: schema, to: path, options: options)
        }

        /// Deletes the file written by `encode()`, if any.
        public func removeEncodedFile() {
            guard let path = encodedPath else { return }
            try? FileSystem.remove(path)
            encodedPath = nil
        }

        /// Reads every column of every row group of the file written in `init` (the measured operation); returns
        /// the rows read.
        public func decode() throws -> Int {
            let reader = try ParquetFileReader(path: decodePath)
            let columns = Array(reader.schema.fields.indices)
            var rows = 0
            for group in 0..<reader.rowGroupCount {
                rows += try reader.readRowGroup(group, columns: columns).count
            }
            return rows
        }

        private static func write(_ batches: [Batch], schema: Schema, to path: String,
                                  options: ParquetWriteOptions) throws -> Int64 {
            let writer = try ParquetFileWriter(path: path, schema: schema, options: options)
            for batch in batches { try writer.write(batch) }
            return try writer.close().fileBytes
        }
    }
}
