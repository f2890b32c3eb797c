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
        try self.init(from: &reader, keepingColumns: nil)
    }

    /// Decodes the struct building only the column chunks of the leaves named in `names` (all when nil); see
    /// ``RowGroup/init(from:keeping:)``. The selection needs the schema before the row groups, the order every
    /// writer uses; a footer in another order is decoded whole.
    package init(from reader: inout ThriftCompactReader, keepingColumns names: Set<String>?) throws {
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
            case 4 where field.type == .list:
                let keep = names.flatMap { names in
                    schema.map { FileMetaData.leaves(of: $0).map { names.contains($0.name) } }
                }
                rowGroups = try reader.readList(of: .struct) { try RowGroup(from: &$0, keeping: keep) }
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

    /// The leaf elements of a schema (those without children, after the root), in column order.
    static func leaves(of schema: [SchemaElement]) -> [SchemaElement] {
        schema.dropFirst().filter { ($0.numChildren ?? 0) == 0 }
    }

    /// Encodes the struct (encryption fields are never written).
    package func write(to writer: inout ThriftCompactWriter) {
        _ = write(to: &writer, rowGroupCount: rowGroups.count) { writer in
            for group in rowGroups { group.write(to: &writer) }
        }
    }

    /// Encodes the struct except the elements of its row-group list, `count` row groups encoded elsewhere (a
    /// writer streams them instead of holding them as values); returns the offset in `writer.bytes` where they
    /// belong. `rowGroups` is ignored.
    package func write(to writer: inout ThriftCompactWriter, encodedRowGroupCount count: Int) -> Int {
        write(to: &writer, rowGroupCount: count) { _ in }
    }

    private func write(to writer: inout ThriftCompactWriter, rowGroupCount: Int,
                       rowGroupElements: (inout ThriftCompactWriter) -> Void) -> Int {
        writer.writeStructBegin()
        writer.writeI32Field(1, version)
        writer.writeStructListField(2, schema)
        writer.writeI64Field(3, numRows)
        writer.writeFieldHeader(4, .list)
        writer.writeListHeader(elementType: .struct, count: rowGroupCount)
        let elements = writer.bytes.count
        rowGroupElements(&writer)
        if let keyValueMetadata { writer.writeStructListField(5, keyValueMetadata) }
        if let createdBy { writer.writeStringField(6, createdBy) }
        if let columnOrders { writer.writeStructListField(7, columnOrders) }
        writer.writeStructEnd()
        return elements
    }
}
