import StrataCore
import StrataExecution
import StrataStorage

/// Writes results to a Parquet file through ``ParquetFileWriter``, with ZSTD-compressed pages by default (like the
/// store's partition files).
///
/// The file is written under a temporary name next to `path` and renamed over `path` by ``finish()``, so `path`
/// only ever holds a complete file (an existing one is replaced at that moment). A failed `write`, ``abort()`` or
/// dropping the writer before `finish()` deletes the partial file.
package final class ParquetResultWriter: ResultWriter {
    /// The file to write.
    package let path: String
    private let options: ParquetWriteOptions
    private let temporaryPath: String
    private var phase = ResultWriterPhase()
    private var writer: ParquetFileWriter?
    /// The temporary file's ``ScratchRegistry`` token (an interrupted process deletes it on its way out).
    private let scratchToken: Int

    /// A writer of `path` compressing pages with `codec`; under a `memoryLimit` a row group (which is buffered,
    /// then encoded) holds at most a sixteenth of it, and at least 1 MiB.
    package init(path: String, codec: Codec = .default, memoryLimit: Int? = nil) {
        self.path = path
        var options = ParquetWriteOptions()
        options.codec = codec.compressionCodec
        options.fileChecksum = false
        if let memoryLimit { options.rowGroupBytes = max(1 << 20, min(options.rowGroupBytes, memoryLimit / 16)) }
        self.options = options
        temporaryPath = path + ".tmp-" + FileSystem.randomHex(12)
        scratchToken = ScratchRegistry.shared.add(temporaryPath)
    }

    deinit {
        abort()
        ScratchRegistry.shared.remove(scratchToken)
    }

    /// Creates the temporary file for batches of `schema` (which needs at least one column).
    package func begin(schema: Schema) throws {
        try phase.begin(schema)
        guard schema.count > 0 else {
            throw StrataError(.invalidArgument, "parquet output needs at least one column", path: path)
        }
        writer = try failing { try ParquetFileWriter(path: temporaryPath, schema: schema, options: options) }
    }

    /// Appends `batch` to the file; on failure the partial file is deleted.
    package func write(_ batch: Batch) throws {
        try failing {
            try phase.check(batch)
            let writer = try activeWriter()
            let groups = writer.rowGroupsWritten
            try writer.write(batch)
            // Encoding a row group frees its pages and dictionaries from several threads' arenas; give them back
            // so the result's memory does not pile up on top of what the query holds.
            if writer.rowGroupsWritten != groups { AllocatorTuning.trim() }
        }
    }

    /// Completes the file and moves it to `path`; on failure the partial file is deleted.
    package func finish() throws {
        try failing {
            _ = try phase.finish()
            _ = try activeWriter().close()
            writer = nil
            try FileSystem.rename(temporaryPath, to: path)
        }
    }

    /// Abandons the output and deletes the partial file; does nothing once ``finish()`` succeeded.
    package func abort() {
        guard let writer else { return }
        writer.abort()
        self.writer = nil
    }

    /// The file writer, unless the output was abandoned.
    private func activeWriter() throws -> ParquetFileWriter {
        guard let writer else { throw StrataError(.invalidArgument, "parquet output was abandoned", path: path) }
        return writer
    }

    /// Runs `body`; when it throws, abandons the file and rethrows, naming `path` instead of the temporary file.
    private func failing<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch {
            abort()
            try? FileSystem.remove(temporaryPath)
            guard var error = error as? StrataError else { throw error }
            if error.path == nil || error.path == temporaryPath { error.path = path }
            throw error
        }
    }
}
