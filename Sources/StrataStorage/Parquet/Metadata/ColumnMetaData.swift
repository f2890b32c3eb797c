/// Where a column chunk's pages are and how they are encoded and compressed.
package struct ColumnMetaData: ThriftCodable, Hashable {
    /// The physical type (field 1, required).
    package var type: PhysicalType
    /// Every encoding used in the chunk, including level encodings (field 2, required).
    package var encodings: [ParquetEncoding]
    /// Names from the root to the leaf, root excluded (field 3, required).
    package var pathInSchema: [String]
    /// The compression codec (field 4, required).
    package var codec: ParquetCompressionCodec
    /// Number of values including nulls (field 5, required).
    package var numValues: Int64
    /// Uncompressed bytes including page headers (field 6, required).
    package var totalUncompressedSize: Int64
    /// Stored bytes including page headers (field 7, required).
    package var totalCompressedSize: Int64
    /// Column metadata (field 8, optional).
    package var keyValueMetadata: [KeyValue]?
    /// File offset of the first data page (field 9, required).
    package var dataPageOffset: Int64
    /// File offset of the index page (unused) (field 10, optional).
    package var indexPageOffset: Int64?
    /// File offset of the dictionary page; 0 may mean none (field 11, optional).
    package var dictionaryPageOffset: Int64?
    /// Chunk statistics (field 12, optional).
    package var statistics: Statistics?
    /// Page counts per page type and encoding (field 13, optional).
    package var encodingStats: [PageEncodingStats]?
    /// File offset of the bloom filter header (field 14, optional).
    package var bloomFilterOffset: Int64?
    /// Size of the bloom filter header and bitset (field 15, optional).
    package var bloomFilterLength: Int32?

    /// Creates a value; optional fields default to absent.
    package init(type: PhysicalType, encodings: [ParquetEncoding], pathInSchema: [String],
        codec: ParquetCompressionCodec, numValues: Int64, totalUncompressedSize: Int64, totalCompressedSize: Int64,
        keyValueMetadata: [KeyValue]? = nil, dataPageOffset: Int64, indexPageOffset: Int64? = nil,
        dictionaryPageOffset: Int64? = nil, statistics: Statistics? = nil, encodingStats: [PageEncodingStats]? = nil,
        bloomFilterOffset: Int64? = nil, bloomFilterLength: Int32? = nil) {
        self.type = type
        self.encodings = encodings
        self.pathInSchema = pathInSchema
        self.codec = codec
        self.numValues = numValues
        self.totalUncompressedSize = totalUncompressedSize
        self.totalCompressedSize = totalCompressedSize
        self.keyValueMetadata = keyValueMetadata
        self.dataPageOffset = dataPageOffset
        self.indexPageOffset = indexPageOffset
        self.dictionaryPageOffset = dictionaryPageOffset
        self.statistics = statistics
        self.encodingStats = encodingStats
        self.bloomFilterOffset = bloomFilterOffset
        self.bloomFilterLength = bloomFilterLength
    }

    /// Decodes the struct; unknown fields and known fields of an unexpected wire type are skipped.
    package init(from reader: inout ThriftCompactReader) throws {
        let start = reader.position
        let mark = try reader.readStructBegin()
        var type: PhysicalType?
        var encodings: [ParquetEncoding]?
        var pathInSchema: [String]?
        var codec: ParquetCompressionCodec?
        var numValues: Int64?
        var totalUncompressedSize: Int64?
        var totalCompressedSize: Int64?
        var keyValueMetadata: [KeyValue]?
        var dataPageOffset: Int64?
        var indexPageOffset: Int64?
        var dictionaryPageOffset: Int64?
        var statistics: Statistics?
        var encodingStats: [PageEncodingStats]?
        var bloomFilterOffset: Int64?
        var bloomFilterLength: Int32?
        while let field = try reader.readFieldHeader() {
            switch field.id {
            case 1 where field.type == .i32: type = try reader.readEnum(PhysicalType.self, "physical type")
            case 2 where field.type == .list:
                encodings = try reader.readList(of: .i32) { ParquetEncoding(rawValue: try $0.readI32()) }
            case 3 where field.type == .list: pathInSchema = try reader.readList(of: .binary) { try $0.readString() }
            case 4 where field.type == .i32: codec = ParquetCompressionCodec(rawValue: try reader.readI32())
            case 5 where field.type == .i64: numValues = try reader.readI64()
            case 6 where field.type == .i64: totalUncompressedSize = try reader.readI64()
            case 7 where field.type == .i64: totalCompressedSize = try reader.readI64()
            case 8 where field.type == .list: keyValueMetadata = try reader.readStructList(KeyValue.self)
            case 9 where field.type == .i64: dataPageOffset = try reader.readI64()
            case 10 where field.type == .i64: indexPageOffset = try reader.readI64()
            case 11 where field.type == .i64: dictionaryPageOffset = try reader.readI64()
            case 12 where field.type == .struct: statistics = try Statistics(from: &reader)
            case 13 where field.type == .list: encodingStats = try reader.readStructList(PageEncodingStats.self)
            case 14 where field.type == .i64: bloomFilterOffset = try reader.readI64()
            case 15 where field.type == .i32: bloomFilterLength = try reader.readI32()
            default: try reader.skip(field.type)
            }
        }
        reader.readStructEnd(mark)
        self.type = try reader.required(type, "ColumnMetaData", 1, "type", structStart: start)
        self.encodings = try reader.required(encodings, "ColumnMetaData", 2, "encodings", structStart: start)
        self.pathInSchema = try reader.required(pathInSchema, "ColumnMetaData", 3, "path_in_schema", structStart: start)
        self.codec = try reader.required(codec, "ColumnMetaData", 4, "codec", structStart: start)
        self.numValues = try reader.required(numValues, "ColumnMetaData", 5, "num_values", structStart: start)
        self.totalUncompressedSize = try reader.required(
            totalUncompressedSize, "ColumnMetaData", 6, "total_uncompressed_size", structStart: start)
        self.totalCompressedSize = try reader.required(
            totalCompressedSize, "ColumnMetaData", 7, "total_compressed_size", structStart: start)
        self.keyValueMetadata = keyValueMetadata
        self.dataPageOffset = try reader.required(
            dataPageOffset, "ColumnMetaData", 9, "data_page_offset", structStart: start)
        self.indexPageOffset = indexPageOffset
        self.dictionaryPageOffset = dictionaryPageOffset
        self.statistics = statistics
        self.encodingStats = encodingStats
        self.bloomFilterOffset = bloomFilterOffset
        self.bloomFilterLength = bloomFilterLength
    }

    /// Encodes the struct.
    package func write(to writer: inout ThriftCompactWriter) {
        writer.writeStructBegin()
        writer.writeI32Field(1, type.rawValue)
        writer.writeI32ListField(2, encodings.map(\.rawValue))
        writer.writeStringListField(3, pathInSchema)
        writer.writeI32Field(4, codec.rawValue)
        writer.writeI64Field(5, numValues)
        writer.writeI64Field(6, totalUncompressedSize)
        writer.writeI64Field(7, totalCompressedSize)
        if let keyValueMetadata { writer.writeStructListField(8, keyValueMetadata) }
        writer.writeI64Field(9, dataPageOffset)
        if let indexPageOffset { writer.writeI64Field(10, indexPageOffset) }
        if let dictionaryPageOffset { writer.writeI64Field(11, dictionaryPageOffset) }
        if let statistics { writer.writeStructField(12, statistics) }
        if let encodingStats { writer.writeStructListField(13, encodingStats) }
        if let bloomFilterOffset { writer.writeI64Field(14, bloomFilterOffset) }
        if let bloomFilterLength { writer.writeI32Field(15, bloomFilterLength) }
        writer.writeStructEnd()
    }
}
