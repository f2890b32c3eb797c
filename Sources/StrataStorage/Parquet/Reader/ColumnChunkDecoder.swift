import StrataCompression
import StrataCore

/// Decodes the pages of one column chunk (already read into memory) into a Strata column.
///
/// Algorithm:
/// 1. Walk the pages back to back: Thrift `PageHeader`, then `compressed_page_size` bytes. Every size is checked
///    against the chunk and the row count before anything is allocated.
/// 2. Verify the page CRC when the header has one.
/// 3. Dictionary page: decompress, PLAIN-decode the entries (kept in `dictionary`).
/// 4. Data page V1: decompress the whole body; definition levels (length-prefixed RLE, OPTIONAL columns only)
///    give the validity; the rest are the values of the valid rows.
///    Data page V2: levels come first, uncompressed and unprefixed; only the values section is compressed.
/// 5. Values are decoded by encoding (PLAIN, dictionary indices, RLE booleans, DELTA_*, BYTE_STREAM_SPLIT) into
///    dense arrays, then spread over the page's rows around the nulls.
/// 6. After the last page, the chunk must hold exactly the row group's row count.
///
/// ``decode(_:estimatedBytes:)`` decodes a whole chunk at once; ``decodePages(_:windowStart:chunkLength:into:untilRows:)``
/// resumes where it stopped, whole pages at a time, from a window of the chunk's bytes, and says how many bytes it
/// needs when the next page lies beyond the window: a row group is read in slices holding only a window of each
/// column's compressed bytes (see ``ParquetFileReader/readRowGroup(_:columns:sliceRows:_:)``).
struct ColumnChunkDecoder {
    let leaf: ParquetSchemaMapping.Leaf
    let codec: CompressionCodec
    let rows: Int
    let path: String
    /// File offset of the chunk's first byte (for error messages).
    let baseOffset: Int64
    // Where decoding stands.
    /// The next page's offset in the chunk.
    private(set) var position = 0
    /// The dictionary page's entries, once read.
    private var dictionary: ChunkValues?
    /// The same entries as a column, when the chunk's dictionary-encoded pages are kept as codes (see
    /// ``canKeepCodes``); shared by every slice of the chunk.
    private(set) var codedDictionary: ColumnDictionary?
    /// Decompression scratch, reused page after page.
    private var scratch: [UInt8] = []
    /// Rows decoded so far (whatever the caller took out of the values since).
    private(set) var decodedRows = 0

    init(leaf: ParquetSchemaMapping.Leaf, codec: CompressionCodec, rows: Int, path: String, baseOffset: Int64) {
        self.leaf = leaf
        self.codec = codec
        self.rows = rows
        self.path = path
        self.baseOffset = baseOffset
    }

    /// Pages larger than this (uncompressed) are refused as corrupt rather than allocated.
    private static let maxPageBytes = 1 << 30

    private var name: String { leaf.field.name }

    /// Decodes the chunk; `estimatedBytes` (the chunk's uncompressed size) sizes the string buffer up front.
    mutating func decode(_ chunk: UnsafeRawBufferPointer, estimatedBytes: Int = 0) throws -> Column {
        var values = ChunkValues()
        values.reserve(rows: rows, physicalType: leaf.physicalType, bytes: estimatedBytes)
        try decodePages(chunk, into: &values, untilRows: rows)
        return try values.finish(leaf, path: path, dictionary: codedDictionary)
    }

    /// Whether dictionary-encoded pages of this column are kept as codes: values used as stored (no conversion),
    /// of a type a column of codes can stand for.
    private var canKeepCodes: Bool {
        guard leaf.conversion == .none else { return false }
        switch leaf.physicalType {
        case .int32, .int64, .float, .double, .byteArray: return true
        case .fixedLenByteArray: return leaf.field.type == .blob
        case .boolean, .int96: return false
        }
    }

    /// Decodes whole pages of `chunk` (the whole chunk), appending their rows to `values`, until at least `target`
    /// rows (at most the chunk's) have been decoded since the first call.
    mutating func decodePages(_ chunk: UnsafeRawBufferPointer, into values: inout ChunkValues,
                              untilRows target: Int) throws {
        _ = try decodePages(chunk, windowStart: 0, chunkLength: chunk.count, into: &values, untilRows: target)
    }

    /// Decodes whole pages from `window`, the chunk's bytes from offset `windowStart` on (of `chunkLength` in all),
    /// appending their rows to `values` until at least `target` rows (at most the chunk's) have been decoded since
    /// the first call; returns nil then. When the next page (header and body) does not lie wholly in the window,
    /// returns how many bytes from ``position`` on the next window must hold at least: the page's size, or twice
    /// what the window held when its header was cut off. A window that reaches the chunk's end gets no second
    /// chance: what does not fit it is corrupt.
    mutating func decodePages(_ window: UnsafeRawBufferPointer, windowStart: Int, chunkLength: Int,
                              into values: inout ChunkValues, untilRows target: Int) throws -> Int? {
        var dictionary = self.dictionary
        var scratch = self.scratch
        defer { self.scratch = scratch }
        let windowEnd = windowStart + window.count
        let complete = windowEnd >= chunkLength
        while decodedRows < min(target, rows) {
            guard position < chunkLength else {
                throw corrupt("column chunk ends after \(decodedRows) of \(rows) rows", at: position)
            }
            guard position >= windowStart, position < windowEnd else { return 1 }
            var reader = ThriftCompactReader(UnsafeRawBufferPointer(rebasing: window[(position - windowStart)...]),
                                             baseOffset: baseOffset + Int64(position))
            let header: PageHeader
            do {
                header = try PageHeader(from: &reader)
            } catch let error as StrataError {
                if !complete { return 2 * (windowEnd - position) }
                throw error.with(path: path).with(column: name)
            }
            let bodyStart = position + reader.position
            let stored = Int(header.compressedPageSize)
            let uncompressed = Int(header.uncompressedPageSize)
            guard stored >= 0, uncompressed >= 0, uncompressed <= ColumnChunkDecoder.maxPageBytes,
                  stored <= chunkLength - bodyStart
            else {
                throw corrupt("page sizes (\(stored) stored, \(uncompressed) uncompressed) do not fit the column "
                    + "chunk", at: position)
            }
            if bodyStart + stored > windowEnd { return bodyStart + stored - position }
            let body = UnsafeRawBufferPointer(rebasing: window[(bodyStart - windowStart) ..< (bodyStart - windowStart + stored)])
            if let crc = header.crc {
                let actual = Int32(bitPattern: CRC32.checksum(body))
                guard actual == crc else { throw corrupt("page CRC mismatch", at: position) }
            }
            switch header.type {
            case .dictionaryPage:
                guard dictionary == nil else { throw corrupt("second dictionary page in one chunk", at: position) }
                guard let dictionaryHeader = header.dictionaryPageHeader, dictionaryHeader.numValues >= 0 else {
                    throw corrupt("dictionary page without a valid header", at: position)
                }
                let entries = Int(dictionaryHeader.numValues)
                guard entries <= max(uncompressed, 1) * 8 else {
                    throw corrupt("dictionary of \(entries) entries cannot fit \(uncompressed) bytes", at: position)
                }
                var entryValues = ChunkValues()
                try withDecompressed(body, size: uncompressed, scratch: &scratch) { plain in
                    var decoder = PlainDecoder(plain)
                    try decodePlain(&decoder, count: entries, into: &entryValues)
                }
                dictionary = entryValues
                self.dictionary = entryValues
                if canKeepCodes {
                    var entries = entryValues
                    entries.appendValidity(nil, rows: Int(dictionaryHeader.numValues))
                    codedDictionary = ColumnDictionary(values: try entries.finish(leaf, path: path))
                }
                position = bodyStart + stored
                continue
            case .dataPage:
                guard let pageHeader = header.dataPageHeader else {
                    throw corrupt("data page without a data page header", at: position)
                }
                let count = try pageRows(pageHeader.numValues, decoded: decodedRows, at: position)
                decodedRows += count
                try withDecompressed(body, size: uncompressed, scratch: &scratch) { page in
                    var rest = page
                    var mask: ValidityMask?
                    var nulls = 0
                    if leaf.maxDefinitionLevel > 0 {
                        guard pageHeader.definitionLevelEncoding == .rle else {
                            throw StrataError(.unsupported, "definition levels encoded as "
                                + "\(pageHeader.definitionLevelEncoding) are not supported", path: path,
                                column: name)
                        }
                        let (section, consumed) = try RLEHybridDecoder.lengthPrefixedSection(page)
                        (mask, nulls) = try Self.validity(section, maxLevel: leaf.maxDefinitionLevel, count: count)
                        rest = UnsafeRawBufferPointer(rebasing: page[consumed...])
                    }
                    try decodeValues(rest, encoding: pageHeader.encoding, rows: count, mask: mask,
                                     valid: count - nulls, dictionary: dictionary, into: &values)
                }
            case .dataPageV2:
                guard let pageHeader = header.dataPageHeaderV2 else {
                    throw corrupt("data page without a V2 header", at: position)
                }
                let count = try pageRows(pageHeader.numValues, decoded: decodedRows, at: position)
                decodedRows += count
                let repeatBytes = Int(pageHeader.repetitionLevelsByteLength)
                let defineBytes = Int(pageHeader.definitionLevelsByteLength)
                guard repeatBytes >= 0, defineBytes >= 0, repeatBytes + defineBytes <= stored,
                      repeatBytes + defineBytes <= uncompressed
                else { throw corrupt("V2 page level lengths do not fit the page", at: position) }
                var mask: ValidityMask?
                var nulls = 0
                if leaf.maxDefinitionLevel > 0 {
                    let section = UnsafeRawBufferPointer(rebasing: body[repeatBytes ..< repeatBytes + defineBytes])
                    (mask, nulls) = try Self.validity(section, maxLevel: leaf.maxDefinitionLevel, count: count)
                }
                let valuesSection = UnsafeRawBufferPointer(rebasing: body[(repeatBytes + defineBytes)...])
                let valuesSize = uncompressed - repeatBytes - defineBytes
                if pageHeader.isCompressed && codec != .uncompressed && !valuesSection.isEmpty {
                    try withDecompressed(valuesSection, size: valuesSize, scratch: &scratch) { section in
                        try decodeValues(section, encoding: pageHeader.encoding, rows: count, mask: mask,
                                         valid: count - nulls, dictionary: dictionary, into: &values)
                    }
                } else {
                    try decodeValues(valuesSection, encoding: pageHeader.encoding, rows: count, mask: mask,
                                     valid: count - nulls, dictionary: dictionary, into: &values)
                }
            case .indexPage:
                break
            }
            position = bodyStart + stored
        }
        return nil
    }

    // MARK: - Pages

    /// The validity of `count` values from their definition levels (RLE/bit-packed hybrid): a value is there when
    /// its level is `maxLevel` (1 for a top-level OPTIONAL column; more inside optional structs).
    private static func validity(_ section: UnsafeRawBufferPointer, maxLevel: Int,
                                 count: Int) throws -> (mask: ValidityMask?, nullCount: Int) {
        guard maxLevel > 1 else {
            var levels = try RLEHybridDecoder(section, bitWidth: 1)
            return try levels.decodeValidity(count: count)
        }
        var levels = try RLEHybridDecoder(section, bitWidth: BitPacking.bitWidth(forMax: UInt64(maxLevel)))
        var decoded = [UInt32](repeating: 0, count: count)
        try decoded.withUnsafeMutableBufferPointer { buffer throws(StrataError) in
            guard let base = buffer.baseAddress else { return }
            try levels.decode(count: count, into: base)
        }
        let valid = decoded.map { $0 == UInt32(maxLevel) }
        let nulls = valid.reduce(0) { $0 + ($1 ? 0 : 1) }
        return (nulls == 0 ? nil : ValidityMask(valid), nulls)
    }

    private func pageRows(_ numValues: Int32, decoded: Int, at position: Int) throws -> Int {
        let count = Int(numValues)
        guard count >= 0, count <= rows - decoded else {
            throw corrupt("page holds \(count) values but only \(rows - decoded) rows remain", at: position)
        }
        return count
    }

    private func withDecompressed(_ body: UnsafeRawBufferPointer, size: Int, scratch: inout [UInt8],
                                  _ use: (UnsafeRawBufferPointer) throws -> Void) throws {
        if codec == .uncompressed {
            guard body.count == size else {
                throw StrataError(.corrupt, "uncompressed page holds \(body.count) bytes, header says \(size)",
                                  path: path, column: name)
            }
            return try use(body)
        }
        if scratch.count < size { scratch = [UInt8](repeating: 0, count: size) }
        try scratch.withUnsafeMutableBytes { raw in
            let output = UnsafeMutableRawBufferPointer(rebasing: raw[0..<size])
            do {
                try Compression.decompress(body, codec: codec, into: output)
            } catch let error as StrataError {
                throw error.with(path: path).with(column: name)
            }
            try use(UnsafeRawBufferPointer(output))
        }
    }

    // MARK: - Values

    private func decodeValues(_ section: UnsafeRawBufferPointer, encoding: ParquetEncoding, rows count: Int,
                              mask: ValidityMask?, valid: Int, dictionary: ChunkValues?,
                              into values: inout ChunkValues) throws {
        do {
            let dictionaryEncoded = encoding == .plainDictionary || encoding == .rleDictionary
            if dictionaryEncoded, let coded = codedDictionary, values.coded || values.count == 0 {
                // Kept as codes: the indices are the column.
                var decoder = try RLEHybridDecoder(dictionaryIndices: section)
                let dense = try [UInt32](unsafeUninitializedCapacity: valid) { buffer, initialized in
                    guard let base = buffer.baseAddress else { return }
                    try decoder.decodeIndices(count: valid, dictionarySize: coded.count, into: base)
                    initialized = valid
                }
                if let mask {
                    try NullScatter.scatter(dense, validity: mask, placeholder: nullRow, appendingTo: &values.codes)
                } else {
                    values.codes.append(contentsOf: dense)
                }
                values.coded = true
                values.appendValidity(mask, rows: count)
                return
            }
            if values.coded, let dictionary {
                try values.materializeCodes(dictionary: dictionary, physicalType: leaf.physicalType)
            }
            if mask == nil {
                // No nulls: decode straight into the chunk's arrays.
                try decodeDense(section, encoding: encoding, count: valid, dictionary: dictionary, into: &values)
                values.appendValidity(nil, rows: count)
                return
            }
            var dense = ChunkValues()
            try decodeDense(section, encoding: encoding, count: valid, dictionary: dictionary, into: &dense)
            try scatter(dense, mask: mask, into: &values)
            values.appendValidity(mask, rows: count)
        } catch let error as StrataError {
            throw error.with(path: path).with(column: name)
        }
    }

    private func scatter(_ dense: ChunkValues, mask: ValidityMask?, into values: inout ChunkValues) throws {
        guard let mask else { return }
        switch leaf.physicalType {
        case .boolean: try NullScatter.scatter(dense.bools, validity: mask, placeholder: false,
                                               appendingTo: &values.bools)
        case .int32: try NullScatter.scatter(dense.ints32, validity: mask, placeholder: 0,
                                             appendingTo: &values.ints32)
        case .int64, .int96: try NullScatter.scatter(dense.ints64, validity: mask, placeholder: 0,
                                                     appendingTo: &values.ints64)
        case .float: try NullScatter.scatter(dense.floats, validity: mask, placeholder: 0,
                                             appendingTo: &values.floats)
        case .double: try NullScatter.scatter(dense.doubles, validity: mask, placeholder: 0,
                                              appendingTo: &values.doubles)
        case .byteArray, .fixedLenByteArray:
            try NullScatter.scatter(dense.strings, validity: mask, appendingTo: &values.strings)
        }
    }

    private func decodeDense(_ section: UnsafeRawBufferPointer, encoding: ParquetEncoding, count: Int,
                             dictionary: ChunkValues?, into out: inout ChunkValues) throws {
        switch encoding {
        case .plain:
            var decoder = PlainDecoder(section)
            try decodePlain(&decoder, count: count, into: &out)
        case .plainDictionary, .rleDictionary:
            guard let dictionary else {
                throw StrataError(.corrupt, "dictionary-encoded page without a dictionary page", path: path,
                                  column: name)
            }
            try gather(section, count: count, dictionary: dictionary, into: &out)
        case .rle:
            guard leaf.physicalType == .boolean else { throw unsupported("RLE encoding of non-boolean values") }
            let (levels, _) = try RLEHybridDecoder.lengthPrefixedSection(section)
            var decoder = try RLEHybridDecoder(levels, bitWidth: 1)
            try decoder.decodeBooleans(count: count, into: &out.bools)
        case .deltaBinaryPacked:
            switch leaf.physicalType {
            case .int32: _ = try DeltaBinaryPackedDecoder.decodeInt32(section, maxCount: count, into: &out.ints32)
            case .int64: _ = try DeltaBinaryPackedDecoder.decodeInt64(section, maxCount: count, into: &out.ints64)
            default: throw unsupported("DELTA_BINARY_PACKED for \(leaf.physicalType)")
            }
        case .deltaLengthByteArray:
            guard leaf.physicalType == .byteArray else { throw unsupported("DELTA_LENGTH_BYTE_ARRAY") }
            _ = try DeltaLengthByteArrayDecoder.decode(section, count: count, into: &out.strings)
        case .deltaByteArray:
            guard leaf.physicalType == .byteArray else { throw unsupported("DELTA_BYTE_ARRAY") }
            _ = try DeltaByteArrayDecoder.decode(section, count: count, into: &out.strings)
        case .byteStreamSplit:
            switch leaf.physicalType {
            case .float: try ByteStreamSplitDecoder.decodeFloat(section, count: count, into: &out.floats)
            case .double: try ByteStreamSplitDecoder.decodeDouble(section, count: count, into: &out.doubles)
            case .int32: try ByteStreamSplitDecoder.decodeInt32(section, count: count, into: &out.ints32)
            case .int64: try ByteStreamSplitDecoder.decodeInt64(section, count: count, into: &out.ints64)
            default: throw unsupported("BYTE_STREAM_SPLIT for \(leaf.physicalType)")
            }
        default:
            throw unsupported("the \(encoding) encoding")
        }
        let decoded = denseCount(out)
        guard decoded >= count else {
            throw StrataError(.corrupt, "page decoded to \(decoded) values, expected \(count)", path: path,
                              column: name)
        }
    }

    private func denseCount(_ values: ChunkValues) -> Int {
        switch leaf.physicalType {
        case .boolean: values.bools.count
        case .int32: values.ints32.count
        case .int64, .int96: values.ints64.count
        case .float: values.floats.count
        case .double: values.doubles.count
        case .byteArray, .fixedLenByteArray: values.strings.count
        }
    }

    private func decodePlain(_ decoder: inout PlainDecoder, count: Int, into out: inout ChunkValues) throws {
        switch leaf.physicalType {
        case .boolean: try decoder.decodeBools(count: count, into: &out.bools)
        case .int32: try decoder.decodeInt32(count: count, into: &out.ints32)
        case .int64: try decoder.decodeInt64(count: count, into: &out.ints64)
        case .int96: try decoder.decodeInt96(count: count, into: &out.ints64)
        case .float: try decoder.decodeFloat(count: count, into: &out.floats)
        case .double: try decoder.decodeDouble(count: count, into: &out.doubles)
        case .byteArray: try decoder.decodeByteArrays(count: count, into: &out.strings)
        case .fixedLenByteArray:
            try decoder.decodeFixedLenByteArrays(count: count, typeLength: leaf.typeLength, into: &out.strings)
        }
    }

    /// Decodes dictionary indices and appends the entries they name.
    private func gather(_ section: UnsafeRawBufferPointer, count: Int, dictionary: ChunkValues,
                        into out: inout ChunkValues) throws {
        guard count > 0 else { return }
        let size = denseCount(dictionary)
        var decoder = try RLEHybridDecoder(dictionaryIndices: section)
        let indices = try [UInt32](unsafeUninitializedCapacity: count) { buffer, initialized in
            guard let base = buffer.baseAddress else { return }
            try decoder.decodeIndices(count: count, dictionarySize: size, into: base)
            initialized = count
        }
        func gatherFixed<T>(_ entries: [T], _ target: inout [T]) {
            target.reserveCapacity(target.count + count)
            entries.withUnsafeBufferPointer { entries in
                for index in indices { target.append(entries[Int(index)]) }
            }
        }
        switch leaf.physicalType {
        case .boolean: gatherFixed(dictionary.bools, &out.bools)
        case .int32: gatherFixed(dictionary.ints32, &out.ints32)
        case .int64, .int96: gatherFixed(dictionary.ints64, &out.ints64)
        case .float: gatherFixed(dictionary.floats, &out.floats)
        case .double: gatherFixed(dictionary.doubles, &out.doubles)
        case .byteArray, .fixedLenByteArray:
            // In bulk (the indices were checked against the dictionary's size): no per-value appends.
            let gathered = try indices.withUnsafeBufferPointer { try dictionary.strings.gather(rows: $0) }
            try out.strings.append(contentsOf: gathered)
        }
    }

    // MARK: - Errors

    private func corrupt(_ message: String, at position: Int) -> StrataError {
        StrataError(.corrupt, message, path: path, offset: baseOffset + Int64(position), column: name)
    }

    private func unsupported(_ what: String) -> StrataError {
        StrataError(.unsupported, "\(what) is not supported", path: path, column: name)
    }
}
