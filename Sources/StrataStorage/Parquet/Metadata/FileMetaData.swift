/// The Parquet footer: schema, row groups and file-level metadata.
package struct FileMetaData: ThriftCodable, Hashable {
    /// Format version (1 or 2) (field 1, required).
    package var version: Int32
    /// The schema, depth-first, root first (field 2, required).
    package var schema: [SchemaElement]
    /// Total number of rows (field 3, required).
    package var numRows: Int64
    /// The row groups (field 4, required).
    package var rowGroups: [RowGroup]
    /// File metadata (field 5, optional).
    package var keyValueMetadata: [KeyValue]?
    /// The writing application, `<app> version <ver> (build <hash>)` (field 6, optional).
    package var createdBy: String?
    /// One order per leaf; statistics bounds are meaningful only with it (field 7, optional).
    package var columnOrders: [ColumnOrder]?
    /// Whether encryption_algorithm (8) or footer_signing_key_metadata (9) was present; the reader must reject it.
    package var isEncrypted = false

    /// Creates a value; optional fields default to absent.
    package init(version: Int32, schema: [SchemaElement], numRows: Int64, rowGroups: [RowGroup],
        keyValueMetadata: [KeyValue]? = nil, createdBy: String? = nil, columnOrders: [ColumnOrder]? = nil) {
        self.version = version
        self.schema = schema
        self.numRows = numRows
        self.rowGroups = rowGroups
        self.keyValueMetadata = keyValueMetadata
        self.createdBy = createdBy
        self.columnOrders = columnOrders
    }

    /// Decodes the struct; unknown fields and known fields of an unexpected wire type are skipped.
    package init(from reader: inout ThriftCompactReader) throws {
        let start = reader.position
        let mark = try reader.readStructBegin()
        var version: Int32?
        var schema: [SchemaElement]?
        var numRows: Int64?
        var rowGroups: [RowGroup]?
        var keyValueMetadata: [KeyValue]?
        var createdBy: String?
        var columnOrders: [ColumnOrder]?
        var isEncrypted = false
        while let field = try reader.readFieldHeader() {
            switch field.id {
            case 1 where field.type == .i32: version = try reader.readI32()
            case 2 where field.type == .list: schema = try reader.readStructList(SchemaElement.self)
            case 3 where field.type == .i64: numRows = try reader.readI64()
            case 4 where field.type == .list: rowGroups = try reader.readStructList(RowGroup.self)
            case 5 where field.type == .list: keyValueMetadata = try reader.readStructList(KeyValue.self)
            case 6 where field.type == .binary: createdBy = try reader.readString()
            case 7 where field.type == .list: columnOrders = try reader.readStructList(ColumnOrder.self)
            case 8, 9:
                isEncrypted = true
                try reader.skip(field.type)
            default: try reader.skip(field.type)
            }
        }
        reader.readStructEnd(mark)
        self.version = try reader.required(version, "FileMetaData", 1, "version", structStart: start)
        self.schema = try reader.required(schema, "FileMetaData", 2, "schema", structStart: start)
        self.numRows = try reader.required(numRows, "FileMetaData", 3, "num_rows", structStart: start)
        self.rowGroups = try reader.required(rowGroups, "FileMetaData", 4, "row_groups", structStart: start)
        self.keyValueMetadata = keyValueMetadata
        self.createdBy = createdBy
        self.columnOrders = columnOrders
        self.isEncrypted = isEncrypted
    }

    /// Encodes the struct (encryption fields are never written).
    package func write(to writer: inout ThriftCompactWriter) {
        writer.writeStructBegin()
        writer.writeI32Field(1, version)
        writer.writeStructListField(2, schema)
        writer.writeI64Field(3, numRows)
        writer.writeStructListField(4, rowGroups)
        if let keyValueMetadata { writer.writeStructListField(5, keyValueMetadata) }
        if let createdBy { writer.writeStringField(6, createdBy) }
        if let columnOrders { writer.writeStructListField(7, columnOrders) }
        writer.writeStructEnd()
    }
}
