import StrataCompression
import StrataCore

/// Writes one Parquet file from a stream of batches, holding at most about one row group in memory.
///
/// Algorithm:
/// 1. `init` creates the file (it must not exist) and writes the `PAR1` magic.
/// 2. `write(_:)` buffers batches; when the buffered uncompressed bytes reach `rowGroupBytes`, the buffer becomes
///    a row group (a batch larger than the remaining room is split by rows so groups stay bounded).
/// 3. A row group is encoded column by column (`ColumnChunkEncoder`), 64 columns at a time in parallel, each window
///    appended to the file before the next is encoded.
/// 4. `close()` flushes the last row group, writes the footer (schema, row groups, statistics, column orders),
///    its length and `PAR1`, fsyncs (unless `syncOnClose` is off) and returns a summary with CRC-32s of the whole
///    file and of the footer.
/// 5. `abort()` (or deinit before close) deletes the partial file.
package final class ParquetFileWriter {
    // Configuration
    /// The schema every batch must have.
    package let schema: Schema
    private let options: ParquetWriteOptions
    private let path: String
    // State
    /// Buffered rows of the current row group: batches and the row range of each still to write.
    private var pending: [(batch: Batch, rows: Range<Int>)] = []
    private var pendingBytes = 0
    private var offset: Int64 = 0
    private var crc: UInt32 = 0
    /// The finished row groups' metadata, Thrift-encoded as the elements of the footer's row-group list: about 80
    /// bytes per column chunk rather than the several hundred its decoded form takes (a file of 20,000 columns).
    private var encodedRowGroups = ThriftCompactWriter()
    private var rowGroupCount = 0
    private var uncompressedTotal: Int64 = 0
    private var rows: Int64 = 0
    private var closed = false
    // Resources
    private let file: FileIO

    /// Uncompressed bytes written or buffered so far.
    package private(set) var uncompressedBytesWritten: Int = 0

    /// Bytes of footer metadata the finished row groups take so far (held in memory until `close`); a table writer
    /// starts a new file when this grows past its budget.
    package var metadataBytes: Int { encodedRowGroups.bytes.count }

    /// Row groups written so far.
    package var rowGroupsWritten: Int { rowGroupCount }

    /// Creates `path` (which must not exist) and starts the file.
    package init(path: String, schema: Schema, options: ParquetWriteOptions = ParquetWriteOptions()) throws {
        guard options.codec.canCompress else {
            throw StrataError(.invalidArgument, "codec \(options.codec.name) cannot be written; use zstd, lz4 or none")
        }
        self.schema = schema
        self.options = options
        self.path = path
        file = try FileIO(path: path, mode: .createNew)
        try emit(ParquetFooter.magic)
    }

    deinit {
        if !closed { abort() }
    }

    /// Appends a batch (its schema must equal the writer's).
    package func write(_ batch: Batch) throws {
        _ = try write(batch, from: 0, stoppingAtMetadataBytes: .max)
    }

    /// Appends the rows of `batch` from `first` on, but stops after a row group that brings ``metadataBytes`` to
    /// `limit` (a table writer then starts its next file); returns the index of the first row not taken
    /// (`batch.count` when all were).
    package func write(_ batch: Batch, from first: Int, stoppingAtMetadataBytes limit: Int) throws -> Int {
        guard !closed else { throw StrataError(.internal, "write after close", path: path) }
        guard batch.schema.fields.map(\.type) == schema.fields.map(\.type) else {
            throw StrataError(.schemaMismatch, "batch schema (\(batch.schema)) differs from the file's (\(schema))",
                              path: path)
        }
        guard first >= 0, first < batch.count else { return batch.count }
        // Row ranges, not copies: a batch larger than the room left is split across row groups.
        let bytesPerRow = Double(max(batch.byteCount, 1)) / Double(batch.count)
        var start = first
        while start < batch.count {
            let room = options.rowGroupBytes - pendingBytes
            let fit = Int(Double(max(room, 0)) / bytesPerRow)
            let take = min(batch.count - start, fit)
            if take >= 1 || (pending.isEmpty && take == 0) {
                let end = start + max(take, 1)
                buffer(batch, start..<end, bytes: Int(bytesPerRow * Double(end - start)))
                start = end
            }
            if start < batch.count || pendingBytes >= options.rowGroupBytes {
                try flushRowGroup()
                if metadataBytes >= limit { return start }
            }
        }
        return batch.count
    }

    /// Finishes the file and returns what it holds.
    package func close() throws -> ParquetFileSummary {
        guard !closed else { throw StrataError(.internal, "close after close", path: path) }
        do {
            try flushRowGroup()
            var metadata = FileMetaData(version: 2, schema: ParquetSchemaMapping.schemaElements(for: schema),
                                        numRows: rows, rowGroups: [])
            metadata.createdBy = options.createdBy
            metadata.columnOrders = Array(repeating: .typeDefinedOrder, count: schema.count)
            // The footer is the metadata with the row groups' encoding spliced in where they belong, then its
            // length and the magic; written in three parts so the row groups are never copied.
            var outline = ThriftCompactWriter(reservingCapacity: 1024)
            let splice = metadata.write(to: &outline, encodedRowGroupCount: rowGroupCount)
            let length = outline.bytes.count + encodedRowGroups.bytes.count
            guard let length32 = UInt32(exactly: length) else {
                throw StrataError(.unsupported, "Parquet footer of \(length) bytes exceeds 4 GiB", path: path)
            }
            var trailer = [UInt8]()
            withUnsafeBytes(of: length32.littleEndian) { trailer.append(contentsOf: $0) }
            trailer.append(contentsOf: ParquetFooter.magic)
            var footerCRC: UInt32 = 0
            for part in [Array(outline.bytes[..<splice]), encodedRowGroups.bytes, Array(outline.bytes[splice...]),
                         trailer] {
                footerCRC = part.withUnsafeBytes { CRC32.checksum($0, seed: footerCRC) }
                try emit(part)
            }
            encodedRowGroups = ThriftCompactWriter()
            if options.syncOnClose { try file.sync() }
            try file.close()
            closed = true
            return ParquetFileSummary(rows: rows, fileBytes: offset, uncompressedBytes: uncompressedTotal,
                                      rowGroups: rowGroupCount, crc32: crc, footerCRC32: footerCRC,
                                      footerBytes: Int64(length + trailer.count))
        } catch {
            abort()
            throw error
        }
    }

    /// Abandons the file and deletes it.
    package func abort() {
        guard !closed else { return }
        closed = true
        pending = []
        try? file.close()
        try? FileSystem.remove(path)
    }

    // MARK: - Row groups

    /// Columns of a row group encoded at once (in parallel) before they are written.
    static let encodeWindowColumns = 64

    private func flushRowGroup() throws {
        guard !pending.isEmpty else { return }
        let batches = pending
        pending = []
        pendingBytes = 0
        let groupRows = batches.reduce(0) { $0 + $1.rows.count }
        let groupStart = offset
        var totalUncompressed: Int64 = 0
        RowGroup.writeStart(to: &encodedRowGroups, columnCount: schema.count)
        // Columns are encoded in parallel a window at a time, then written in schema order: the encoded bytes held
        // at once are a window's, not the whole row group's (a file of 20,000 columns would hold them all).
        let fields = schema.fields
        let options = options
        var windowStart = 0
        while windowStart < fields.count {
            let window = windowStart..<min(fields.count, windowStart + ParquetFileWriter.encodeWindowColumns)
            windowStart = window.upperBound
            let encodedColumns = try parallelMap(window.count) { i in
                let index = window.lowerBound + i
                let encoder = ColumnChunkEncoder(field: fields[index], options: options)
                if batches.count == 1, let only = batches.first {
                    return try encoder.encode(only.batch.columns[index], rows: only.rows)
                }
                let parts = batches.map { part in
                    let column = part.batch.columns[index]
                    return part.rows.count == column.count ? column : column.slice(part.rows)
                }
                return try encoder.encode(try Column.concatenate(parts, type: fields[index].type))
            }
            for encoded in encodedColumns {
                var metaData = encoded.metaData
                let chunkStart = offset
                metaData.dataPageOffset += chunkStart
                if let dictionary = metaData.dictionaryPageOffset {
                    metaData.dictionaryPageOffset = dictionary + chunkStart
                }
                try emit(encoded.bytes)
                totalUncompressed += encoded.uncompressedSize
                ColumnChunk(fileOffset: 0, metaData: metaData).write(to: &encodedRowGroups)
            }
        }
        RowGroup(columns: [], totalByteSize: totalUncompressed, numRows: Int64(groupRows), fileOffset: groupStart,
                 totalCompressedSize: offset - groupStart, ordinal: Int16(truncatingIfNeeded: rowGroupCount))
            .writeEnd(to: &encodedRowGroups)
        rowGroupCount += 1
        uncompressedTotal += totalUncompressed
        rows += Int64(groupRows)
    }

    private func buffer(_ batch: Batch, _ rows: Range<Int>, bytes: Int) {
        pending.append((batch, rows))
        pendingBytes += bytes
        uncompressedBytesWritten += bytes
    }

    private func emit(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { raw in
            if options.fileChecksum { crc = CRC32.checksum(raw, seed: crc) }
            try file.write(raw)
        }
        offset += Int64(bytes.count)
    }
}
