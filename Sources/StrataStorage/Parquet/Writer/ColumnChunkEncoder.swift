import StrataCompression
import StrataCore

/// Encodes one column of a row group into Parquet pages.
///
/// Algorithm:
/// 1. Unless the type is bool or dictionaries are off, feed the valid values to a `DictionaryBuilder`; if the
///    dictionary page would exceed `dictionaryPageLimit` the builder stops early and the chunk falls back to PLAIN.
/// 2. Statistics (min, max, null count, NaN count) over the whole chunk: over the dictionary's entries when there
///    is one (strings and integers), else over the values.
/// 3. Split the rows into pages of about `pageBytes` encoded bytes (by value width, or by string bytes, or by
///    index bit width for dictionary pages) and at most `pageRows` rows.
/// 4. For each page: RLE definition levels with a 4-byte length (OPTIONAL columns only), then PLAIN values of the
///    valid rows or `[bit width][RLE hybrid indices]`; compress the body; CRC-32 the stored bytes; write a V1
///    page header. The dictionary page (PLAIN values) goes first.
/// 5. Return the bytes and the `ColumnMetaData` with offsets relative to the chunk's start.
struct ColumnChunkEncoder {
    let field: Field
    let options: ParquetWriteOptions

    /// The encoded chunk: pages back to back, plus its metadata (offsets relative to the first byte).
    struct Output {
        var bytes: [UInt8]
        var metaData: ColumnMetaData
        var uncompressedSize: Int64
    }

    /// Encodes rows `range` of `column` (all rows when nil) as one chunk.
    func encode(_ column: Column, rows range: Range<Int>? = nil) throws -> Output {
        let range = range ?? 0..<column.count
        let rows = range.upperBound
        let first = range.lowerBound
        var output: [UInt8] = []
        var uncompressed: Int64 = 0
        var encodings: [ParquetEncoding] = [.rle]
        var dictionaryPageOffset: Int64?
        var dataPageOffset: Int64 = 0
        var pageStats: [PageEncodingStats] = []
        var body: [UInt8] = []
        body.reserveCapacity(options.pageBytes + options.pageBytes / 4)

        var dictionary: DictionaryBuilder?
        if options.dictionary, column.type != .bool, !column.type.isWideDecimal, !range.isEmpty {
            var builder = try DictionaryBuilder(type: column.type, maxByteSize: options.dictionaryPageLimit)
            if try builder.append(column.data, validity: column.validity, range: range), builder.count > 0 {
                dictionary = builder
            }
        }

        // Statistics: strings and integers take their bounds from the dictionary (its distinct values: the same
        // min and max, far fewer comparisons); floating point needs every value for its NaN count.
        let entries = dictionary?.dictionary()
        let statistics: ColumnStatistics
        if let entries, column.type != .float, column.type != .double {
            var fromEntries = try StatisticsAccumulator.compute(type: column.type, data: entries, validity: nil,
                                                                range: 0..<entries.count)
            fromEntries.nullCount = range.count - validCount(column, rows: range)
            statistics = fromEntries
        } else {
            statistics = try StatisticsAccumulator.compute(type: column.type, data: column.data,
                                                           validity: column.validity, range: range)
        }

        if var dictionary, let entries {
            // Dictionary page: PLAIN values of the entries.
            dictionaryPageOffset = 0
            PlainEncoder.append(entries, validity: nil, range: 0..<entries.count, to: &body)
            let header = PageHeader(type: .dictionaryPage, uncompressedPageSize: 0, compressedPageSize: 0,
                                    dictionaryPageHeader: DictionaryPageHeader(numValues: Int32(entries.count),
                                                                               encoding: .plainDictionary))
            uncompressed += try appendPage(header: header, body: body, to: &output)
            pageStats.append(PageEncodingStats(pageType: .dictionaryPage, encoding: .plainDictionary, count: 1))
            dataPageOffset = Int64(output.count)
            encodings.append(.plainDictionary)
            encodings.append(.rleDictionary)

            // Data pages: definition levels + bit width + RLE hybrid indices of the valid rows.
            let indices = dictionary.takeIndices()
            let bitWidth = dictionary.indexBitWidth
            let rowsPerPage = max(1, min(options.pageRows, options.pageBytes * 8 / max(bitWidth, 1)))
            var pages = 0
            var start = first
            var nextIndex = 0
            try indices.withUnsafeBufferPointer { indices in
                while start < rows {
                    let end = min(rows, start + rowsPerPage)
                    body.removeAll(keepingCapacity: true)
                    appendLevels(column, rows: start..<end, to: &body)
                    let valid = validCount(column, rows: start..<end)
                    body.append(UInt8(bitWidth))
                    var encoder = RLEHybridEncoder(bitWidth: bitWidth)
                    for i in nextIndex ..< nextIndex + valid { encoder.append(indices[i]) }
                    nextIndex += valid
                    body.append(contentsOf: encoder.finish())
                    let header = PageHeader(type: .dataPage, uncompressedPageSize: 0, compressedPageSize: 0,
                                            dataPageHeader: DataPageHeader(numValues: Int32(end - start),
                                                                           encoding: .rleDictionary,
                                                                           definitionLevelEncoding: .rle,
                                                                           repetitionLevelEncoding: .rle))
                    uncompressed += try appendPage(header: header, body: body, to: &output)
                    pages += 1
                    start = end
                }
            }
            pageStats.append(PageEncodingStats(pageType: .dataPage, encoding: .rleDictionary, count: Int32(pages)))
        } else {
            encodings.append(.plain)
            var pages = 0
            var start = first
            repeat {
                let end = pageEnd(column, from: start, to: rows)
                body.removeAll(keepingCapacity: true)
                appendLevels(column, rows: start..<end, to: &body)
                PlainEncoder.append(column.data, validity: column.validity, range: start..<end, to: &body)
                let header = PageHeader(type: .dataPage, uncompressedPageSize: 0, compressedPageSize: 0,
                                        dataPageHeader: DataPageHeader(numValues: Int32(end - start),
                                                                       encoding: .plain,
                                                                       definitionLevelEncoding: .rle,
                                                                       repetitionLevelEncoding: .rle))
                uncompressed += try appendPage(header: header, body: body, to: &output)
                pages += 1
                start = end
            } while start < rows
            pageStats.append(PageEncodingStats(pageType: .dataPage, encoding: .plain, count: Int32(pages)))
        }

        let physical = ParquetSchemaMapping.physicalType(of: field.type)
        var metaData = ColumnMetaData(type: physical, encodings: encodings, pathInSchema: [field.name],
                                      codec: ParquetCompressionCodec(rawValue: options.codec.parquetCode),
                                      numValues: Int64(range.count), totalUncompressedSize: uncompressed,
                                      totalCompressedSize: Int64(output.count),
                                      dataPageOffset: dataPageOffset)
        metaData.dictionaryPageOffset = dictionaryPageOffset
        metaData.encodingStats = pageStats
        metaData.statistics = Statistics(nullCount: Int64(statistics.nullCount), maxValue: statistics.max,
                                         minValue: statistics.min, isMaxValueExact: statistics.max.map { _ in true },
                                         isMinValueExact: statistics.min.map { _ in true },
                                         nanCount: statistics.nanCount.map(Int64.init))
        return Output(bytes: output, metaData: metaData, uncompressedSize: uncompressed)
    }

    // MARK: - Pages

    /// Compresses `body`, prepends its header, appends both to `output`; returns the uncompressed page size
    /// (header included), as Parquet counts it.
    private func appendPage(header: PageHeader, body: [UInt8], to output: inout [UInt8]) throws -> Int64 {
        var header = header
        var compressed: [UInt8] = []
        let stored: [UInt8]
        if options.codec == .uncompressed {
            stored = body
        } else {
            compressed.reserveCapacity(Compression.maxCompressedSize(body.count, codec: options.codec))
            try body.withUnsafeBytes { try Compression.compress($0, codec: options.codec, into: &compressed) }
            stored = compressed
        }
        guard body.count <= Int(Int32.max), stored.count <= Int(Int32.max) else {
            throw StrataError(.internal, "a page exceeds 2 GiB", column: field.name)
        }
        header.uncompressedPageSize = Int32(body.count)
        header.compressedPageSize = Int32(stored.count)
        if options.pageChecksums {
            header.crc = Int32(bitPattern: stored.withUnsafeBytes { CRC32.checksum($0) })
        }
        var writer = ThriftCompactWriter(reservingCapacity: 64)
        header.write(to: &writer)
        output.append(contentsOf: writer.bytes)
        output.append(contentsOf: stored)
        return Int64(writer.bytes.count + body.count)
    }

    private func appendLevels(_ column: Column, rows: Range<Int>, to body: inout [UInt8]) {
        guard field.nullable else { return }
        var encoder = RLEHybridEncoder(bitWidth: 1)
        encoder.appendLevels(validity: column.validity, range: rows)
        let levels = encoder.finish()
        withUnsafeBytes(of: UInt32(levels.count).littleEndian) { body.append(contentsOf: $0) }
        body.append(contentsOf: levels)
    }

    private func validCount(_ column: Column, rows: Range<Int>) -> Int {
        guard let validity = column.validity else { return rows.count }
        return validity.validCount(in: rows)
    }

    /// The end of a PLAIN page starting at `start`: about `pageBytes` of values.
    private func pageEnd(_ column: Column, from start: Int, to rows: Int) -> Int {
        let rows = min(rows, start + max(1, options.pageRows))
        switch column.data {
        case let .string(buffer):
            var end = start
            var bytes = 0
            while end < rows && bytes < options.pageBytes {
                bytes += Int(buffer.offsets[end + 1] - buffer.offsets[end]) + 4
                end += 1
            }
            return end
        case .bool:
            return min(rows, start + max(1, options.pageBytes * 8))
        default:
            let width = column.type.fixedWidth ?? 8
            return min(rows, start + max(1, options.pageBytes / width))
        }
    }
}
