import StrataCompression
import StrataCore

/// Min/max/null count of one column chunk, as Strata values.
package struct ColumnChunkStatistics: Sendable, Equatable {
    /// A lower bound of the chunk's non-null values, if known.
    package var min: Value?
    /// An upper bound of the chunk's non-null values, if known.
    package var max: Value?
    /// Number of nulls, if known.
    package var nullCount: Int64?
    /// Number of NaN values of a floating-point column, if known (min and max never include NaN).
    package var nanCount: Int64?
}

/// Reads a Parquet file written by Strata or any other engine, one row group at a time.
///
/// Algorithm:
/// 1. Check the `PAR1` magic at both ends, read the footer length and the Thrift footer (optionally verifying its
///    CRC-32 and the file size against a manifest), and map the schema to Strata types.
/// 2. Validate every row group: one chunk per column, no external files, physical types as the schema says,
///    chunk byte ranges inside the file.
/// 3. `readRowGroup` reads only the requested columns' chunks with `pread` and decodes each with
///    `ColumnChunkDecoder`; nothing larger than one column chunk plus its decoded column is held per column.
package final class ParquetFileReader: @unchecked Sendable {
    // Safety: immutable after init; each read opens its own descriptor.
    /// The file.
    package let path: String
    /// The decoded footer.
    package let metadata: FileMetaData
    /// The file's columns as Strata fields.
    package let schema: Schema
    /// Per column: physical type and conversion.
    package let leaves: [ParquetSchemaMapping.Leaf]
    private let fileSize: Int64
    private let trustsStatistics: [Bool]
    /// Per column: the index of its chunk in each row group's `columns`, or nil when it was not loaded.
    private let chunkSlots: [Int?]

    /// Number of row groups.
    package var rowGroupCount: Int { metadata.rowGroups.count }
    /// Total rows.
    package var rowCount: Int64 { metadata.numRows }

    /// Opens `path`. When the expected values are given (from a table manifest), the file size and the CRC-32 of
    /// the footer (its last `footerBytes` bytes) are checked too. With `columns`, only those columns' chunk
    /// metadata is loaded (a file thousands of columns wide costs memory for the columns read, not for all of them)
    /// and only they can be read; statistics of the others are unknown. A reader of another file given as
    /// `sharing` lends its schema structures when this file's schema is the same, so the files of one table hold
    /// one copy of a schema thousands of columns wide, not one each.
    ///
    /// With `structs`, the schema may nest structs (as a Delta checkpoint's does): leaves are named by their dotted
    /// paths (``ParquetSchemaMapping/flattenedLeaves(of:path:)``) and those inside lists or maps cannot be read.
    package init(path: String, verifyFooterCRC expectedCRC: UInt32? = nil, footerBytes: Int64? = nil,
                 expectedSize: Int64? = nil, columns: Set<String>? = nil,
                 sharing previous: ParquetFileReader? = nil, structs: Bool = false) throws {
        self.path = path
        // The descriptor lives only while the footer is read (and again during each row group's read), so a scan of
        // thousands of files holds as many descriptors as it reads row groups at once, not one per file.
        let file = try FileIO(path: path, mode: .read)
        defer { try? file.close() }
        let fileSize = try file.size()
        self.fileSize = fileSize
        if let expectedSize, expectedSize != fileSize {
            throw StrataError(.corrupt, "file has \(fileSize) bytes but its manifest records \(expectedSize) "
                + "(truncated or overwritten)", path: path)
        }
        guard fileSize >= ParquetFooter.minimumFileSize else {
            throw StrataError(.corrupt, "file of \(fileSize) bytes is too small to be a Parquet file", path: path)
        }
        let head = try file.read(count: 4, at: 0)
        let trailer = try file.read(count: ParquetFooter.trailerSize, at: fileSize - 8)
        let length = try trailer.withUnsafeBytes {
            try ParquetFooter.metadataLength(trailer: $0, fileSize: fileSize, path: path)
        }
        guard head == ParquetFooter.magic else {
            throw StrataError(.corrupt, "not a Parquet file (no PAR1 magic at the start)", path: path, offset: 0)
        }
        let metadataOffset = fileSize - 8 - Int64(length)
        let footer = try file.read(count: length, at: metadataOffset)
        if let expectedCRC {
            var crc = footer.withUnsafeBytes { CRC32.checksum($0) }
            crc = trailer.withUnsafeBytes { CRC32.checksum($0, seed: crc) }
            guard footerBytes == Int64(length + 8), crc == expectedCRC else {
                throw StrataError(.corrupt, "footer checksum does not match the manifest", path: path,
                                  offset: metadataOffset)
            }
        }
        var metadata = try footer.withUnsafeBytes {
            try ParquetFooter.decode(metadata: $0, fileSize: fileSize, path: path, columns: columns)
        }
        let leaves: [ParquetSchemaMapping.Leaf]
        if let previous, previous.metadata.schema == metadata.schema {
            metadata.schema = previous.metadata.schema
            leaves = previous.leaves
            schema = previous.schema
        } else {
            leaves = structs ? try ParquetSchemaMapping.flattenedLeaves(of: metadata.schema, path: path)
                : try ParquetSchemaMapping.leaves(of: metadata.schema, path: path)
            schema = Schema(unchecked: leaves.map(\.field))
        }
        self.leaves = leaves
        // A footer decoded whole (no selection, or the schema came after the row groups) has every chunk.
        let whole = metadata.rowGroups.allSatisfy { $0.columns.count == $0.columnCount }
        var slot = 0
        let slots: [Int?] = leaves.map { leaf in
            guard whole || columns?.contains(leaf.field.name) ?? true else { return nil }
            defer { slot += 1 }
            return slot
        }
        let orders = metadata.columnOrders
        let trusts = leaves.indices.map { index in
            guard let orders, index < orders.count else { return false }
            return orders[index] == .typeDefinedOrder
        }
        // Equal arrays of the previous reader are kept instead of these, so the two share one storage.
        chunkSlots = Self.shared(slots, previous?.chunkSlots)
        trustsStatistics = Self.shared(trusts, previous?.trustsStatistics)
        metadata.columnOrders = Self.shared(orders, previous?.metadata.columnOrders)
        self.metadata = metadata
        try validate(dataEnd: metadataOffset)
    }

    /// `other` when it equals `mine` (then the two share one storage), else `mine`.
    private static func shared<T: Equatable>(_ mine: T, _ other: T?) -> T {
        if let other, other == mine { other } else { mine }
    }

    /// Uncompressed size of the row groups as their `total_byte_size` records it (saturating: file-controlled).
    package var uncompressedBytes: Int64 {
        metadata.rowGroups.reduce(0) { sum, group in
            let (total, overflow) = sum.addingReportingOverflow(max(0, group.totalByteSize))
            return overflow ? .max : total
        }
    }

    /// The compression codec of the file's first loaded column chunk, lowercased (`snappy`, `zstd`, …); `none` for
    /// uncompressed chunks or a file without any.
    package var codecName: String {
        let codec = metadata.rowGroups.lazy.compactMap { $0.columns.first?.metaData?.codec }.first
        guard let codec, codec != .uncompressed else { return "none" }
        return codec.description.lowercased()
    }

    /// Whether `column` can be read (leaves inside lists or maps of a ``init(path:verifyFooterCRC:footerBytes:expectedSize:columns:sharing:structs:)``
    /// reader cannot).
    package func isReadable(column: Int) -> Bool { leaves[column].unreadable == nil }

    /// Rows in row group `index`.
    package func rowCount(ofRowGroup index: Int) -> Int64 {
        metadata.rowGroups[index].numRows
    }

    /// Statistics of `column` in `rowGroup`, or nil when the file has none Strata can trust.
    package func statistics(rowGroup: Int, column: Int) -> ColumnChunkStatistics? {
        guard let slot = chunkSlots[column],
              let stats = metadata.rowGroups[rowGroup].columns[slot].metaData?.statistics else { return nil }
        let leaf = leaves[column]
        var result = ColumnChunkStatistics(nullCount: stats.nullCount, nanCount: stats.nanCount)
        if trustsStatistics[column], let min = stats.minValue, let max = stats.maxValue {
            result.min = StatisticsValue.decode(min, leaf: leaf)
            result.max = StatisticsValue.decode(max, leaf: leaf)
        }
        return result
    }

    /// Decodes `columns` (indices into `schema`) of row group `index` into a batch.
    package func readRowGroup(_ index: Int, columns: [Int]) throws -> Batch {
        guard index >= 0, index < rowGroupCount else {
            throw StrataError(.invalidArgument, "row group \(index) does not exist", path: path)
        }
        let group = metadata.rowGroups[index]
        for column in columns where column < 0 || column >= leaves.count {
            throw StrataError(.invalidArgument, "column \(column) does not exist", path: path)
        }
        for column in columns {
            if let reason = leaves[column].unreadable {
                throw StrataError(.unsupported, "column \(leaves[column].field.name) is \(reason)", path: path,
                                  column: leaves[column].field.name)
            }
        }
        let file = try reopen()
        defer { try? file.close() }
        // Column chunks are independent: read and decode them in parallel.
        let decoded = try parallelMap(columns.count) { i in
            try readChunk(try chunk(group, columns[i]), leaf: leaves[columns[i]], rows: Int(group.numRows),
                          file: file)
        }
        return try Batch(schema: Schema(unchecked: columns.map { leaves[$0].field }), columns: decoded)
    }

    /// The compressed bytes of a column chunk a sliced read holds at once (more when one page is larger).
    package static let chunkWindowBytes = 256 << 10

    /// Decodes `columns` of row group `index` at most `sliceRows` rows at a time, handing each slice to `body`
    /// before decoding the next. Only about one slice of decoded values (plus the rest of a page) and a window of
    /// about ``chunkWindowBytes`` of compressed bytes per column are held, whatever the row group's size: each
    /// column's window is read again from the next page on when its next page lies beyond it. A row group no
    /// larger than a slice is decoded whole, its columns in parallel.
    package func readRowGroup(_ index: Int, columns: [Int], sliceRows: Int,
                              _ body: (Batch) throws -> Void) throws {
        guard index >= 0, index < rowGroupCount else {
            throw StrataError(.invalidArgument, "row group \(index) does not exist", path: path)
        }
        let group = metadata.rowGroups[index]
        let rows = Int(group.numRows)
        guard rows > max(1, sliceRows) else { return try body(try readRowGroup(index, columns: columns)) }
        for column in columns where column < 0 || column >= leaves.count {
            throw StrataError(.invalidArgument, "column \(column) does not exist", path: path)
        }
        var windows: [ChunkWindow] = []
        var decoders: [ColumnChunkDecoder] = []
        for column in columns {
            let leaf = leaves[column]
            guard let meta = try chunk(group, column).metaData else {
                throw StrataError(.corrupt, "column chunk has no metadata", path: path, column: leaf.field.name)
            }
            guard let codec = CompressionCodec(parquetCode: meta.codec.rawValue) else {
                throw StrataError(.unsupported, "compression codec \(meta.codec) is not supported", path: path,
                                  column: leaf.field.name)
            }
            let (start, length) = chunkRange(meta)
            windows.append(ChunkWindow(fileOffset: start, length: length))
            decoders.append(ColumnChunkDecoder(leaf: leaf, codec: codec, rows: rows, path: path, baseOffset: start))
        }
        let schema = Schema(unchecked: columns.map { leaves[$0].field })
        let file = try reopen()
        defer { try? file.close() }
        var pending = [ChunkValues](repeating: ChunkValues(), count: columns.count)
        var emitted = 0
        while emitted < rows {
            let n = min(sliceRows, rows - emitted)
            var decoded: [Column] = []
            for i in columns.indices {
                let leaf = leaves[columns[i]]
                while let needed = try windows[i].bytes.withUnsafeBytes({ raw in
                    try decoders[i].decodePages(raw, windowStart: windows[i].start, chunkLength: windows[i].length,
                                                into: &pending[i], untilRows: emitted + n)
                }) {
                    try windows[i].refill(from: decoders[i].position,
                                          count: max(needed, ParquetFileReader.chunkWindowBytes), file: file)
                }
                let part = pending[i].take(n, physicalType: leaf.physicalType)
                guard part.count == n else {
                    throw StrataError(.corrupt, "column chunk ends after \(emitted + part.count) of \(rows) rows",
                                      path: path, column: leaf.field.name)
                }
                decoded.append(try part.finish(leaf, path: path, dictionary: decoders[i].codedDictionary))
            }
            emitted += n
            try body(try Batch(schema: schema, columns: decoded))
        }
    }

    /// The part of a column chunk's bytes a sliced read holds.
    private struct ChunkWindow {
        /// The chunk's first byte in the file, and its length.
        let fileOffset: Int64
        let length: Int
        /// The chunk's bytes from `start` on (empty before the first read).
        var bytes: [UInt8] = []
        var start = 0

        init(fileOffset: Int64, length: Int) {
            self.fileOffset = fileOffset
            self.length = length
        }

        /// Reads the chunk's bytes from `offset` on: `count`, or up to the chunk's end.
        mutating func refill(from offset: Int, count: Int, file: FileIO) throws {
            let count = min(count, length - offset)
            guard offset >= 0, count > 0, !(offset == start && count <= bytes.count) else {
                throw StrataError(.internal, "column chunk window cannot advance from \(offset)")
            }
            bytes = []
            bytes = try file.read(count: count, at: fileOffset + Int64(offset))
            start = offset
        }
    }

    // MARK: - Chunks

    /// Opens the file again for one row group's read, checking it is still the size it had when opened.
    private func reopen() throws -> FileIO {
        let file = try FileIO(path: path, mode: .read)
        let size = try file.size()
        guard size == fileSize else {
            try? file.close()
            throw StrataError(.corrupt, "file changed while being read (\(fileSize) bytes when opened, \(size) now)",
                              path: path)
        }
        return file
    }

    private func readChunk(_ chunk: ColumnChunk, leaf: ParquetSchemaMapping.Leaf, rows: Int,
                           file: FileIO) throws -> Column {
        guard let meta = chunk.metaData else {
            throw StrataError(.corrupt, "column chunk has no metadata", path: path, column: leaf.field.name)
        }
        guard let codec = CompressionCodec(parquetCode: meta.codec.rawValue) else {
            throw StrataError(.unsupported, "compression codec \(meta.codec) is not supported", path: path,
                              column: leaf.field.name)
        }
        let (start, length) = chunkRange(meta)
        let bytes = try file.read(count: length, at: start)
        var decoder = ColumnChunkDecoder(leaf: leaf, codec: codec, rows: rows, path: path, baseOffset: start)
        let estimate = Int(clamping: min(meta.totalUncompressedSize, 256 << 20))
        return try bytes.withUnsafeBytes { try decoder.decode($0, estimatedBytes: estimate) }
    }

    /// The chunk of `column` in `group`; an error when the column was left out at open.
    private func chunk(_ group: RowGroup, _ column: Int) throws -> ColumnChunk {
        guard let slot = chunkSlots[column] else {
            throw StrataError(.internal, "column \(leaves[column].field.name) was not loaded when the file was opened",
                              path: path, column: leaves[column].field.name)
        }
        return group.columns[slot]
    }

    /// The sizes of `column`'s chunk in row group `index` (nil when the file does not give them or the column was
    /// not loaded): what the scan's admission estimates from.
    package func chunkSizes(rowGroup index: Int, column: Int) -> (compressed: Int64, uncompressed: Int64)? {
        guard let slot = chunkSlots[column], let meta = metadata.rowGroups[index].columns[slot].metaData else {
            return nil
        }
        return (meta.totalCompressedSize, meta.totalUncompressedSize)
    }

    private func chunkRange(_ meta: ColumnMetaData) -> (start: Int64, length: Int) {
        var start = meta.dataPageOffset
        if let dictionary = meta.dictionaryPageOffset, dictionary > 0, dictionary < start { start = dictionary }
        return (start, Int(meta.totalCompressedSize))
    }

    private func validate(dataEnd: Int64) throws {
        let loaded = leaves.indices.filter { chunkSlots[$0] != nil }.map { leaves[$0] }
        for (groupIndex, group) in metadata.rowGroups.enumerated() {
            guard group.columnCount == leaves.count else {
                throw StrataError(.corrupt, "row group \(groupIndex) has \(group.columnCount) columns, the schema "
                    + "\(leaves.count)", path: path)
            }
            guard group.numRows >= 0, group.numRows <= Int64(Int32.max) * 64 else {
                throw StrataError(.corrupt, "row group \(groupIndex) has an invalid row count \(group.numRows)",
                                  path: path)
            }
            guard group.columns.count == loaded.count else {
                throw StrataError(.corrupt, "row group \(groupIndex)'s column chunks do not match the schema's leaves",
                                  path: path)
            }
            for (chunk, leaf) in zip(group.columns, loaded) {
                if chunk.filePath != nil {
                    throw StrataError(.unsupported, "column chunks in external files are not supported",
                                      path: path, column: leaf.field.name)
                }
                guard let meta = chunk.metaData else {
                    throw StrataError(.corrupt, "column chunk has no metadata", path: path, column: leaf.field.name)
                }
                guard meta.type == leaf.physicalType else {
                    throw StrataError(.corrupt, "column chunk is \(meta.type), the schema says \(leaf.physicalType)",
                                      path: path, column: leaf.field.name)
                }
                // A leaf inside a list or map holds a value per element, not per row (it is never read).
                guard meta.numValues == group.numRows || group.numRows == 0 || leaf.unreadable != nil else {
                    throw StrataError(.corrupt, "column chunk has \(meta.numValues) values for \(group.numRows) rows",
                                      path: path, column: leaf.field.name)
                }
                let (start, length) = chunkRange(meta)
                guard group.numRows == 0 || (start >= 4 && length >= 0 && start + Int64(length) <= dataEnd) else {
                    throw StrataError(.corrupt, "column chunk [\(start), +\(length)) lies outside the data region",
                                      path: path, offset: start, column: leaf.field.name)
                }
            }
        }
    }
}
