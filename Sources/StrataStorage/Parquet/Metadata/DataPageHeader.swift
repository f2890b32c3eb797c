/// The header of a version 1 data page.
package struct DataPageHeader: ThriftCodable, Hashable {
    /// Number of values including nulls (field 1, required).
    package var numValues: Int32
    /// Encoding of the values (field 2, required).
    package var encoding: ParquetEncoding
    /// Encoding of the definition levels (field 3, required).
    package var definitionLevelEncoding: ParquetEncoding
    /// Encoding of the repetition levels (field 4, required).
    package var repetitionLevelEncoding: ParquetEncoding
    /// Page statistics (field 5, optional).
    package var statistics: Statistics?

    /// Creates a value; optional fields default to absent.
    package init(numValues: Int32, encoding: ParquetEncoding, definitionLevelEncoding: ParquetEncoding,
        repetitionLevelEncoding: ParquetEncoding, statistics: Statistics? = nil) {
        self.numValues = numValues
        self.encoding = encoding
        self.definitionLevelEncoding = definitionLevelEncoding
        self.repetitionLevelEncoding = repetitionLevelEncoding
        self.statistics = statistics
    }

    /// Decodes the struct; unknown fields and known fields of an unexpected wire type are skipped.
    package init(from reader: inout ThriftCompactReader) throws {
        let start = reader.position
        let mark = try reader.readStructBegin()
        var numValues: Int32?
        var encoding: ParquetEncoding?
        var definitionLevelEncoding: ParquetEncoding?
        var repetitionLevelEncoding: ParquetEncoding?
        var statistics: Statistics?
        while let field = try reader.readFieldHeader() {
            switch field.id {
            case 1 where field.type == .i32: numValues = try reader.readI32()
            case 2 where field.type == .i32: encoding = ParquetEncoding(rawValue: try reader.readI32())
            case 3 where field.type == .i32: definitionLevelEncoding = ParquetEncoding(rawValue: try reader.readI32())
            case 4 where field.type == .i32: repetitionLevelEncoding = ParquetEncoding(rawValue: try reader.readI32())
            case 5 where field.type == .struct: statistics = try Statistics(from: &reader)
            default: try reader.skip(field.type)
            }
        }
        reader.readStructEnd(mark)
        self.numValues = try reader.required(numValues, "DataPageHeader", 1, "num_values", structStart: start)
        self.encoding = try reader.required(encoding, "DataPageHeader", 2, "encoding", structStart: start)
        self.definitionLevelEncoding = try reader.required(
            definitionLevelEncoding, "DataPageHeader", 3, "definition_level_encoding", structStart: start)
        self.repetitionLevelEncoding = try reader.required(
            repetitionLevelEncoding, "DataPageHeader", 4, "repetition_level_encoding", structStart: start)
        self.statistics = statistics
    }

    /// Encodes the struct.
    package func write(to writer: inout ThriftCompactWriter) {
        writer.writeStructBegin()
        writer.writeI32Field(1, numValues)
        writer.writeI32Field(2, encoding.rawValue)
        writer.writeI32Field(3, definitionLevelEncoding.rawValue)
        writer.writeI32Field(4, repetitionLevelEncoding.rawValue)
        if let statistics { writer.writeStructField(5, statistics) }
        writer.writeStructEnd()
    }
}
