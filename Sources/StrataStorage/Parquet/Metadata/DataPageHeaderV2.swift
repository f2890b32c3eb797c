/// The header of a version 2 data page; levels come first, uncompressed and without length prefixes.
package struct DataPageHeaderV2: ThriftCodable, Hashable {
    /// Number of values including nulls (field 1, required).
    package var numValues: Int32
    /// Number of nulls (field 2, required).
    package var numNulls: Int32
    /// Number of rows (field 3, required).
    package var numRows: Int32
    /// Encoding of the values (field 4, required).
    package var encoding: ParquetEncoding
    /// Bytes of definition levels (field 5, required).
    package var definitionLevelsByteLength: Int32
    /// Bytes of repetition levels (field 6, required).
    package var repetitionLevelsByteLength: Int32
    /// Whether the values section is compressed; defaults to true (field 7, optional).
    package var isCompressed: Bool = true
    /// Page statistics (field 8, optional).
    package var statistics: Statistics?

    /// Creates a value; optional fields default to absent.
    package init(numValues: Int32, numNulls: Int32, numRows: Int32, encoding: ParquetEncoding,
        definitionLevelsByteLength: Int32, repetitionLevelsByteLength: Int32, isCompressed: Bool = true,
        statistics: Statistics? = nil) {
        self.numValues = numValues
        self.numNulls = numNulls
        self.numRows = numRows
        self.encoding = encoding
        self.definitionLevelsByteLength = definitionLevelsByteLength
        self.repetitionLevelsByteLength = repetitionLevelsByteLength
        self.isCompressed = isCompressed
        self.statistics = statistics
    }

    /// Decodes the struct; unknown fields and known fields of an unexpected wire type are skipped.
    package init(from reader: inout ThriftCompactReader) throws {
        let start = reader.position
        let mark = try reader.readStructBegin()
        var numValues: Int32?
        var numNulls: Int32?
        var numRows: Int32?
        var encoding: ParquetEncoding?
        var definitionLevelsByteLength: Int32?
        var repetitionLevelsByteLength: Int32?
        var isCompressed: Bool = true
        var statistics: Statistics?
        while let field = try reader.readFieldHeader() {
            switch field.id {
            case 1 where field.type == .i32: numValues = try reader.readI32()
            case 2 where field.type == .i32: numNulls = try reader.readI32()
            case 3 where field.type == .i32: numRows = try reader.readI32()
            case 4 where field.type == .i32: encoding = ParquetEncoding(rawValue: try reader.readI32())
            case 5 where field.type == .i32: definitionLevelsByteLength = try reader.readI32()
            case 6 where field.type == .i32: repetitionLevelsByteLength = try reader.readI32()
            case 7 where field.type.isBool: isCompressed = field.boolValue
            case 8 where field.type == .struct: statistics = try Statistics(from: &reader)
            default: try reader.skip(field.type)
            }
        }
        reader.readStructEnd(mark)
        self.numValues = try reader.required(numValues, "DataPageHeaderV2", 1, "num_values", structStart: start)
        self.numNulls = try reader.required(numNulls, "DataPageHeaderV2", 2, "num_nulls", structStart: start)
        self.numRows = try reader.required(numRows, "DataPageHeaderV2", 3, "num_rows", structStart: start)
        self.encoding = try reader.required(encoding, "DataPageHeaderV2", 4, "encoding", structStart: start)
        self.definitionLevelsByteLength = try reader.required(
            definitionLevelsByteLength, "DataPageHeaderV2", 5, "definition_levels_byte_length", structStart: start)
        self.repetitionLevelsByteLength = try reader.required(
            repetitionLevelsByteLength, "DataPageHeaderV2", 6, "repetition_levels_byte_length", structStart: start)
        self.isCompressed = isCompressed
        self.statistics = statistics
    }

    /// Encodes the struct.
    package func write(to writer: inout ThriftCompactWriter) {
        writer.writeStructBegin()
        writer.writeI32Field(1, numValues)
        writer.writeI32Field(2, numNulls)
        writer.writeI32Field(3, numRows)
        writer.writeI32Field(4, encoding.rawValue)
        writer.writeI32Field(5, definitionLevelsByteLength)
        writer.writeI32Field(6, repetitionLevelsByteLength)
        writer.writeBoolField(7, isCompressed)
        if let statistics { writer.writeStructField(8, statistics) }
        writer.writeStructEnd()
    }
}
