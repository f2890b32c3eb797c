/// The header of a dictionary page.
package struct DictionaryPageHeader: ThriftCodable, Hashable {
    /// Number of dictionary entries (may be 0) (field 1, required).
    package var numValues: Int32
    /// Encoding of the entries (PLAIN, or PLAIN_DICTIONARY in old files) (field 2, required).
    package var encoding: ParquetEncoding
    /// Whether the entries are sorted (field 3, optional).
    package var isSorted: Bool?

    /// Creates a value; optional fields default to absent.
    package init(numValues: Int32, encoding: ParquetEncoding, isSorted: Bool? = nil) {
        self.numValues = numValues
        self.encoding = encoding
        self.isSorted = isSorted
    }

    /// Decodes the struct; unknown fields and known fields of an unexpected wire type are skipped.
    package init(from reader: inout ThriftCompactReader) throws {
        let start = reader.position
        let mark = try reader.readStructBegin()
        var numValues: Int32?
        var encoding: ParquetEncoding?
        var isSorted: Bool?
        while let field = try reader.readFieldHeader() {
            switch field.id {
            case 1 where field.type == .i32: numValues = try reader.readI32()
            case 2 where field.type == .i32: encoding = ParquetEncoding(rawValue: try reader.readI32())
            case 3 where field.type.isBool: isSorted = field.boolValue
            default: try reader.skip(field.type)
            }
        }
        reader.readStructEnd(mark)
        self.numValues = try reader.required(numValues, "DictionaryPageHeader", 1, "num_values", structStart: start)
        self.encoding = try reader.required(encoding, "DictionaryPageHeader", 2, "encoding", structStart: start)
        self.isSorted = isSorted
    }

    /// Encodes the struct.
    package func write(to writer: inout ThriftCompactWriter) {
        writer.writeStructBegin()
        writer.writeI32Field(1, numValues)
        writer.writeI32Field(2, encoding.rawValue)
        if let isSorted { writer.writeBoolField(3, isSorted) }
        writer.writeStructEnd()
    }
}
