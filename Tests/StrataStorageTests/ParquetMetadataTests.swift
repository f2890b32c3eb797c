import Testing
import StrataCore
@testable import StrataStorage

/// Sample metadata values with every optional field set, or none.
enum MetadataSamples {
    static let fullStatistics = Statistics(
        max: [9, 0, 0, 0], min: [1, 0, 0, 0], nullCount: 4, distinctCount: 7, maxValue: [9, 0, 0, 0],
        minValue: [1, 0, 0, 0], isMaxValueExact: true, isMinValueExact: false, nanCount: 0)

    static let logicalTypes: [LogicalType] = [
        .string, .map, .list, .enum, .decimal(scale: 2, precision: 18), .date,
        .time(isAdjustedToUTC: true, unit: .millis), .time(isAdjustedToUTC: false, unit: .nanos),
        .timestamp(isAdjustedToUTC: true, unit: .micros), .timestamp(isAdjustedToUTC: false, unit: .nanos),
        .integer(bitWidth: 8, isSigned: false), .integer(bitWidth: 64, isSigned: true), .unknown, .json, .bson,
        .uuid, .float16, .other(id: 16),
    ]

    static let fullSchemaElement = SchemaElement(
        type: .fixedLenByteArray, typeLength: 16, repetitionType: .optional, name: "naïve:col", numChildren: 0,
        convertedType: .decimal, scale: 3, precision: 30, fieldId: 42, logicalType: .decimal(scale: 3, precision: 30))

    static let fullColumnMetaData = ColumnMetaData(
        type: .byteArray, encodings: [.plain, .rle, .rleDictionary, ParquetEncoding(rawValue: 99)],
        pathInSchema: ["a", "b"], codec: ParquetCompressionCodec(rawValue: 42), numValues: 1 << 33,
        totalUncompressedSize: 123_456, totalCompressedSize: 65_432,
        keyValueMetadata: [KeyValue(key: "k", value: "v"), KeyValue(key: "novalue")], dataPageOffset: 1_000,
        indexPageOffset: 900, dictionaryPageOffset: 4, statistics: fullStatistics,
        encodingStats: [PageEncodingStats(pageType: .dictionaryPage, encoding: .plain, count: 1),
                        PageEncodingStats(pageType: .dataPage, encoding: .rleDictionary, count: 70_000)],
        bloomFilterOffset: 5_000, bloomFilterLength: 256)

    static let minimalColumnMetaData = ColumnMetaData(
        type: .int64, encodings: [], pathInSchema: ["x"], codec: .uncompressed, numValues: 0,
        totalUncompressedSize: 0, totalCompressedSize: 0, dataPageOffset: 0)

    static let fullColumnChunk = ColumnChunk(
        filePath: "other.parquet", fileOffset: 0, metaData: fullColumnMetaData, offsetIndexOffset: 10,
        offsetIndexLength: 20, columnIndexOffset: 30, columnIndexLength: 40)

    static let fullRowGroup = RowGroup(
        columns: [fullColumnChunk, ColumnChunk(fileOffset: 7)], totalByteSize: 1 << 40, numRows: 3,
        sortingColumns: [SortingColumn(columnIdx: 1, descending: true, nullsFirst: false)], fileOffset: 4,
        totalCompressedSize: 61, ordinal: 300)

    static var fullFileMetaData: FileMetaData {
        let childCount = Int32(logicalTypes.count + 1)
        var schema = [SchemaElement(repetitionType: .required, name: "schema", numChildren: childCount)]
        schema.append(fullSchemaElement)
        for (i, logicalType) in logicalTypes.enumerated() {
            schema.append(SchemaElement(type: .int64, repetitionType: .optional, name: "c\(i)",
                                        logicalType: logicalType))
        }
        return FileMetaData(
            version: 2, schema: schema, numRows: Int64.max, rowGroups: [fullRowGroup, fullRowGroup],
            keyValueMetadata: [KeyValue(key: "ARROW:schema", value: String(repeating: "x", count: 300))],
            createdBy: "strata version 0.1", columnOrders: [.typeDefinedOrder, .other(id: 2)])
    }

    static let minimalFileMetaData = FileMetaData(
        version: 1, schema: [SchemaElement(name: "root")], numRows: 0, rowGroups: [])

    static let pageHeaders: [PageHeader] = [
        PageHeader(type: .dataPage, uncompressedPageSize: 1, compressedPageSize: 2),
        PageHeader(type: .dataPage, uncompressedPageSize: 100, compressedPageSize: 50, crc: -123_456,
                   dataPageHeader: DataPageHeader(numValues: 10, encoding: .plain, definitionLevelEncoding: .rle,
                                                  repetitionLevelEncoding: .bitPacked, statistics: fullStatistics)),
        PageHeader(type: .dataPage, uncompressedPageSize: 100, compressedPageSize: 50,
                   dataPageHeader: DataPageHeader(numValues: 10, encoding: .plain, definitionLevelEncoding: .rle,
                                                  repetitionLevelEncoding: .rle)),
        PageHeader(type: .dictionaryPage, uncompressedPageSize: 8, compressedPageSize: 8, crc: 7,
                   dictionaryPageHeader: DictionaryPageHeader(numValues: 2, encoding: .plainDictionary,
                                                              isSorted: true)),
        PageHeader(type: .dictionaryPage, uncompressedPageSize: 0, compressedPageSize: 0,
                   dictionaryPageHeader: DictionaryPageHeader(numValues: 0, encoding: .plain)),
        PageHeader(type: .dataPageV2, uncompressedPageSize: Int32.max, compressedPageSize: 0,
                   dataPageHeaderV2: DataPageHeaderV2(numValues: 5, numNulls: 1, numRows: 5,
                                                      encoding: .deltaBinaryPacked, definitionLevelsByteLength: 2,
                                                      repetitionLevelsByteLength: 0,
                                                      isCompressed: false, statistics: fullStatistics)),
        PageHeader(type: .dataPageV2, uncompressedPageSize: 3, compressedPageSize: 3,
                   dataPageHeaderV2: DataPageHeaderV2(numValues: 5, numNulls: 0, numRows: 5, encoding: .plain,
                                                      definitionLevelsByteLength: 0, repetitionLevelsByteLength: 0)),
        PageHeader(type: .indexPage, uncompressedPageSize: 0, compressedPageSize: 0),
    ]
}

@Suite struct ParquetMetadataTests {
    static let workedExample = hexBytes(
        "15 00 15 1c 15 1c 2c 15 06 15 00 15 06 15 06 1c 18 04 03 00 00 00 18 04 01 00 00 00 16 02 28 04 03 00 00 00"
            + " 18 04 01 00 00 00 11 11 00 00 00")

    @Test func workedExamplePageHeader() throws {
        let bytes = Self.workedExample
        #expect(bytes.count == 47)
        let (header, consumed) = try decodeCounting(PageHeader.self, bytes)
        #expect(consumed == bytes.count)
        #expect(header.type == .dataPage)
        #expect(header.uncompressedPageSize == 14)
        #expect(header.compressedPageSize == 14)
        #expect(header.crc == nil)
        #expect(header.dictionaryPageHeader == nil)
        #expect(header.dataPageHeaderV2 == nil)
        let data = try #require(header.dataPageHeader)
        #expect(data.numValues == 3)
        #expect(data.encoding == .plain)
        #expect(data.definitionLevelEncoding == .rle)
        #expect(data.repetitionLevelEncoding == .rle)
        let stats = try #require(data.statistics)
        #expect(stats.max == [3, 0, 0, 0])
        #expect(stats.min == [1, 0, 0, 0])
        #expect(stats.nullCount == 1)
        #expect(stats.distinctCount == nil)
        #expect(stats.maxValue == [3, 0, 0, 0])
        #expect(stats.minValue == [1, 0, 0, 0])
        #expect(stats.isMaxValueExact == true)
        #expect(stats.isMinValueExact == true)
        #expect(stats.nanCount == nil)

        let reencoded = encode(header)
        #expect(reencoded == bytes)
        #expect(try decode(PageHeader.self, reencoded) == header)
    }

    private func expectRoundTrip<T: ThriftCodable>(_ value: T,
                                                   sourceLocation: SourceLocation = #_sourceLocation) throws {
        let bytes = encode(value)
        let (decoded, consumed) = try decodeCounting(T.self, bytes)
        #expect(decoded == value, sourceLocation: sourceLocation)
        #expect(consumed == bytes.count, sourceLocation: sourceLocation)
        #expect(encode(decoded) == bytes, sourceLocation: sourceLocation)
    }

    @Test func roundTripsWithAllOptionalFieldsSet() throws {
        try expectRoundTrip(MetadataSamples.fullStatistics)
        try expectRoundTrip(MetadataSamples.fullSchemaElement)
        try expectRoundTrip(MetadataSamples.fullColumnMetaData)
        try expectRoundTrip(MetadataSamples.fullColumnChunk)
        try expectRoundTrip(MetadataSamples.fullRowGroup)
        try expectRoundTrip(MetadataSamples.fullFileMetaData)
        try expectRoundTrip(KeyValue(key: "", value: ""))
        try expectRoundTrip(PageEncodingStats(pageType: .dataPageV2, encoding: ParquetEncoding(rawValue: -5), count: 0))
        try expectRoundTrip(SortingColumn(columnIdx: 0, descending: false, nullsFirst: true))
        for unit in [TimeUnit.millis, .micros, .nanos] { try expectRoundTrip(unit) }
        for order in [ColumnOrder.typeDefinedOrder, .other(id: 3)] { try expectRoundTrip(order) }
        for logicalType in MetadataSamples.logicalTypes { try expectRoundTrip(logicalType) }
        for header in MetadataSamples.pageHeaders { try expectRoundTrip(header) }
    }

    @Test func roundTripsWithNoOptionalFieldsSet() throws {
        try expectRoundTrip(Statistics())
        try expectRoundTrip(SchemaElement(name: ""))
        try expectRoundTrip(MetadataSamples.minimalColumnMetaData)
        try expectRoundTrip(ColumnChunk(fileOffset: 0))
        try expectRoundTrip(RowGroup(columns: [], totalByteSize: 0, numRows: 0))
        try expectRoundTrip(MetadataSamples.minimalFileMetaData)
        try expectRoundTrip(KeyValue(key: "k"))
        try expectRoundTrip(DataPageHeader(numValues: 0, encoding: .plain, definitionLevelEncoding: .rle,
                                           repetitionLevelEncoding: .rle))
        try expectRoundTrip(DataPageHeaderV2(numValues: 0, numNulls: 0, numRows: 0, encoding: .plain,
                                             definitionLevelsByteLength: 0, repetitionLevelsByteLength: 0))
        try expectRoundTrip(DictionaryPageHeader(numValues: 0, encoding: .plain))
        try expectRoundTrip(ColumnOrder.other(id: 0))
        try expectRoundTrip(LogicalType.other(id: 0))
    }

    @Test func dataPageHeaderV2IsCompressedDefaultsToTrue() throws {
        var w = ThriftCompactWriter()
        w.writeStructBegin()
        for id: Int16 in 1 ... 6 { w.writeI32Field(id, 0) }
        w.writeStructEnd()
        #expect(try decode(DataPageHeaderV2.self, w.bytes).isCompressed == true)
    }

    @Test func unknownLogicalTypeMembersAreSkipped() throws {
        var w = ThriftCompactWriter()
        w.writeStructBegin()
        w.writeFieldHeader(2555, .struct)
        w.writeStructBegin()
        w.writeI32Field(1, 5)
        w.writeStringField(2, "crs")
        w.writeStructEnd()
        w.writeStructEnd()
        #expect(try decode(LogicalType.self, w.bytes) == .other(id: 2555))

        // A timestamp with an unknown unit falls back to `.other`.
        var t = ThriftCompactWriter()
        t.writeStructBegin()
        t.writeFieldHeader(8, .struct)
        t.writeStructBegin()
        t.writeBoolField(1, true)
        t.writeFieldHeader(2, .struct)
        t.writeStructBegin()
        t.writeEmptyStructField(9)
        t.writeStructEnd()
        t.writeStructEnd()
        t.writeStructEnd()
        #expect(try decode(LogicalType.self, t.bytes) == .other(id: 8))
        #expect(strataError { _ = try decode(TimeUnit.self, [0x9C, 0x00, 0x00]) }?.code == .unsupported)

        // A schema element carrying it still decodes.
        var s = ThriftCompactWriter()
        s.writeStructBegin()
        s.writeI32Field(1, PhysicalType.byteArray.rawValue)
        s.writeStringField(4, "geo")
        s.writeFieldHeader(10, .struct)
        s.writeStructBegin()
        s.writeFieldHeader(17, .struct)
        s.writeStructBegin()
        s.writeStringField(1, "OGC:CRS84")
        s.writeStructEnd()
        s.writeStructEnd()
        s.writeStructEnd()
        let element = try decode(SchemaElement.self, s.bytes)
        #expect(element == SchemaElement(type: .byteArray, name: "geo", logicalType: .other(id: 17)))
    }

    @Test func invalidClosedEnumValuesThrow() {
        var w = ThriftCompactWriter()
        w.writeStructBegin()
        w.writeI32Field(1, -7)
        w.writeStringField(4, "x")
        w.writeStructEnd()
        let error = strataError { _ = try decode(SchemaElement.self, w.bytes, baseOffset: 500) }
        #expect(error?.code == .corrupt)
        #expect(error?.message.contains("invalid physical type -7") == true)
        #expect(error?.offset == 501)

        let page: [UInt8] = [0x15, 0x08, 0x15, 0x00, 0x15, 0x00, 0x00] // type = 4
        #expect(strataError { _ = try decode(PageHeader.self, page) }?.message.contains("invalid page type 4") == true)
        let repetition: [UInt8] = [0x35, 0x06, 0x18, 0x01, 0x61, 0x00] // repetition 3
        #expect(strataError { _ = try decode(SchemaElement.self, repetition) }?.code == .corrupt)
    }

    @Test func openEnumsKeepUnknownValues() throws {
        let chunk = ColumnMetaData(type: .int32, encodings: [ParquetEncoding(rawValue: 1000)], pathInSchema: ["x"],
                                   codec: ParquetCompressionCodec(rawValue: -3), numValues: 1, totalUncompressedSize: 1,
                                   totalCompressedSize: 1, dataPageOffset: 4)
        let decoded = try decode(ColumnMetaData.self, encode(chunk))
        #expect(decoded.codec.rawValue == -3)
        #expect(decoded.encodings == [ParquetEncoding(rawValue: 1000)])
        #expect(decoded.codec.description == "CODEC(-3)")
        #expect(ParquetCompressionCodec.zstd.description == "ZSTD")
        #expect(ParquetEncoding.rleDictionary.description == "RLE_DICTIONARY")
    }

    @Test func missingRequiredFieldsThrow() {
        let cases: [(String, () throws -> Void)] = [
            ("KeyValue", { _ = try decode(KeyValue.self, [0x00]) }),
            ("SchemaElement", { _ = try decode(SchemaElement.self, [0x15, 0x02, 0x00]) }),
            ("PageHeader", { _ = try decode(PageHeader.self, [0x15, 0x00, 0x15, 0x02, 0x00]) }),
            ("FileMetaData", { _ = try decode(FileMetaData.self, [0x15, 0x02, 0x00]) }),
            ("DataPageHeader", { _ = try decode(DataPageHeader.self, [0x15, 0x02, 0x00]) }),
            ("IntType", { _ = try decode(LogicalType.self, [0xAC, 0x13, 0x10, 0x00, 0x00]) }),
            ("TimestampType", { _ = try decode(LogicalType.self, [0x8C, 0x11, 0x00, 0x00]) }),
            ("DecimalType", { _ = try decode(LogicalType.self, [0x5C, 0x15, 0x02, 0x00, 0x00]) }),
        ]
        for (name, body) in cases {
            let error = strataError(body)
            #expect(error?.code == .corrupt, "\(name)")
            #expect(error?.message.contains("missing required field") == true, "\(name)")
            #expect(error?.message.hasPrefix(name) == true, "\(name): \(error?.message ?? "")")
        }
    }

    @Test func encryptionFieldsAreDetected() throws {
        var bytes = encode(MetadataSamples.minimalFileMetaData)
        bytes.removeLast()
        bytes += [0x08, 0x10, 0x02, 0x61, 0x62, 0x00] // field 8 as binary (long form), then stop
        #expect(try decode(FileMetaData.self, bytes).isEncrypted)

        var chunk = encode(ColumnChunk(fileOffset: 0))
        chunk.removeLast()
        chunk += [0x6C, 0x00, 0x00] // field 8 (crypto_metadata, delta 6 after field 2) as an empty struct
        let decoded = try decode(ColumnChunk.self, chunk)
        #expect(decoded.isEncrypted)
        #expect(decoded.fileOffset == 0)
    }
}
