/// One column of one row group: its metadata and page index locations.
package struct ColumnChunk: ThriftCodable, Hashable {
    /// External file holding the data; Strata rejects it (field 1, optional).
    package var filePath: String?
    /// Deprecated; written as 0 and ignored (field 2, required).
    package var fileOffset: Int64
    /// The chunk metadata (field 3, optional).
    package var metaData: ColumnMetaData?
    /// File offset of the OffsetIndex (field 4, optional).
    package var offsetIndexOffset: Int64?
    /// Size of the OffsetIndex (field 5, optional).
    package var offsetIndexLength: Int32?
    /// File offset of the ColumnIndex (field 6, optional).
    package var columnIndexOffset: Int64?
    /// Size of the ColumnIndex (field 7, optional).
    package var columnIndexLength: Int32?
    /// Whether crypto_metadata (8) or encrypted_column_metadata (9) was present; the reader must reject it.
    package var isEncrypted = false

    /// Creates a value; optional fields default to absent.
    package init(filePath: String? = nil, fileOffset: Int64, metaData: ColumnMetaData? = nil,
        offsetIndexOffset: Int64? = nil, offsetIndexLength: Int32? = nil, columnIndexOffset: Int64? = nil,
        columnIndexLength: Int32? = nil) {
        self.filePath = filePath
        self.fileOffset = fileOffset
        self.metaData = metaData
        self.offsetIndexOffset = offsetIndexOffset
        self.offsetIndexLength = offsetIndexLength
        self.columnIndexOffset = columnIndexOffset
        self.columnIndexLength = columnIndexLength
    }

    /// Decodes the struct; unknown fields and known fields of an unexpected wire type are skipped.
    package init(from reader: inout ThriftCompactReader) throws {
        let start = reader.position
        let mark = try reader.readStructBegin()
        var filePath: String?
        var fileOffset: Int64?
        var metaData: ColumnMetaData?
        var offsetIndexOffset: Int64?
        var offsetIndexLength: Int32?
        var columnIndexOffset: Int64?
        var columnIndexLength: Int32?
        var isEncrypted = false
        while let field = try reader.readFieldHeader() {
            switch field.id {
            case 1 where field.type == .binary: filePath = try reader.readString()
            case 2 where field.type == .i64: fileOffset = try reader.readI64()
            case 3 where field.type == .struct: metaData = try ColumnMetaData(from: &reader)
            case 4 where field.type == .i64: offsetIndexOffset = try reader.readI64()
            case 5 where field.type == .i32: offsetIndexLength = try reader.readI32()
            case 6 where field.type == .i64: columnIndexOffset = try reader.readI64()
            case 7 where field.type == .i32: columnIndexLength = try reader.readI32()
            case 8, 9:
                isEncrypted = true
                try reader.skip(field.type)
            default: try reader.skip(field.type)
            }
        }
        reader.readStructEnd(mark)
        self.filePath = filePath
        self.fileOffset = try reader.required(fileOffset, "ColumnChunk", 2, "file_offset", structStart: start)
        self.metaData = metaData
        self.offsetIndexOffset = offsetIndexOffset
        self.offsetIndexLength = offsetIndexLength
        self.columnIndexOffset = columnIndexOffset
        self.columnIndexLength = columnIndexLength
        self.isEncrypted = isEncrypted
    }

    /// Encodes the struct (encryption fields are never written).
    package func write(to writer: inout ThriftCompactWriter) {
        writer.writeStructBegin()
        if let filePath { writer.writeStringField(1, filePath) }
        writer.writeI64Field(2, fileOffset)
        if let metaData { writer.writeStructField(3, metaData) }
        if let offsetIndexOffset { writer.writeI64Field(4, offsetIndexOffset) }
        if let offsetIndexLength { writer.writeI32Field(5, offsetIndexLength) }
        if let columnIndexOffset { writer.writeI64Field(6, columnIndexOffset) }
        if let columnIndexLength { writer.writeI32Field(7, columnIndexLength) }
        writer.writeStructEnd()
    }
}
