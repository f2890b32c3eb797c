/// A horizontal slice of the table: one column chunk per leaf, in schema order.
package struct RowGroup: ThriftCodable, Hashable {
    /// The column chunks in leaf order (field 1, required); only the kept leaves' when decoded with a selection.
    package var columns: [ColumnChunk]
    /// The number of chunks in the file's list (not written): `columns.count` unless decoded with a selection.
    package var columnCount: Int
    /// Uncompressed size of all chunks (field 2, required).
    package var totalByteSize: Int64
    /// Number of rows (field 3, required).
    package var numRows: Int64
    /// The sort order of the rows (field 4, optional).
    package var sortingColumns: [SortingColumn]?
    /// File offset of the first page (field 5, optional).
    package var fileOffset: Int64?
    /// Stored size of all chunks (field 6, optional).
    package var totalCompressedSize: Int64?
    /// Index of the row group in the file (field 7, optional).
    package var ordinal: Int16?

    /// Creates a value; optional fields default to absent.
    package init(columns: [ColumnChunk], totalByteSize: Int64, numRows: Int64, sortingColumns: [SortingColumn]? = nil,
        fileOffset: Int64? = nil, totalCompressedSize: Int64? = nil, ordinal: Int16? = nil) {
        self.columns = columns
        columnCount = columns.count
        self.totalByteSize = totalByteSize
        self.numRows = numRows
        self.sortingColumns = sortingColumns
        self.fileOffset = fileOffset
        self.totalCompressedSize = totalCompressedSize
        self.ordinal = ordinal
    }

    /// Decodes the struct; unknown fields and known fields of an unexpected wire type are skipped.
    package init(from reader: inout ThriftCompactReader) throws {
        try self.init(from: &reader, keeping: nil)
    }

    /// Decodes the struct keeping only the chunks whose index is true in `keep` (all when nil): the others are
    /// skipped without being built, so a file of thousands of columns costs memory only for the columns read.
    package init(from reader: inout ThriftCompactReader, keeping keep: [Bool]?) throws {
        let start = reader.position
        let mark = try reader.readStructBegin()
        var columns: [ColumnChunk]?
        var columnCount = 0
        var totalByteSize: Int64?
        var numRows: Int64?
        var sortingColumns: [SortingColumn]?
        var fileOffset: Int64?
        var totalCompressedSize: Int64?
        var ordinal: Int16?
        while let field = try reader.readFieldHeader() {
            switch field.id {
            case 1 where field.type == .list:
                if let list = try reader.readStructList(ColumnChunk.self, keeping: keep) {
                    columns = list.elements
                    columnCount = list.count
                }
            case 2 where field.type == .i64: totalByteSize = try reader.readI64()
            case 3 where field.type == .i64: numRows = try reader.readI64()
            case 4 where field.type == .list: sortingColumns = try reader.readStructList(SortingColumn.self)
            case 5 where field.type == .i64: fileOffset = try reader.readI64()
            case 6 where field.type == .i64: totalCompressedSize = try reader.readI64()
            case 7 where field.type == .i16: ordinal = try reader.readI16()
            default: try reader.skip(field.type)
            }
        }
        reader.readStructEnd(mark)
        self.columns = try reader.required(columns, "RowGroup", 1, "columns", structStart: start)
        self.columnCount = columnCount
        self.totalByteSize = try reader.required(totalByteSize, "RowGroup", 2, "total_byte_size", structStart: start)
        self.numRows = try reader.required(numRows, "RowGroup", 3, "num_rows", structStart: start)
        self.sortingColumns = sortingColumns
        self.fileOffset = fileOffset
        self.totalCompressedSize = totalCompressedSize
        self.ordinal = ordinal
    }

    /// Encodes the struct.
    package func write(to writer: inout ThriftCompactWriter) {
        RowGroup.writeStart(to: &writer, columnCount: columns.count)
        for column in columns { column.write(to: &writer) }
        writeEnd(to: &writer)
    }

    /// Starts a row group whose `columnCount` chunks the caller writes next, one at a time, before ``writeEnd(to:)``
    /// of a value holding the other fields: a file writer streams a row group's metadata without holding its chunks.
    package static func writeStart(to writer: inout ThriftCompactWriter, columnCount: Int) {
        writer.writeStructBegin()
        writer.writeFieldHeader(1, .list)
        writer.writeListHeader(elementType: .struct, count: columnCount)
    }

    /// Ends a row group started by ``writeStart(to:columnCount:)`` with this value's fields but `columns`.
    package func writeEnd(to writer: inout ThriftCompactWriter) {
        writer.writeI64Field(2, totalByteSize)
        writer.writeI64Field(3, numRows)
        if let sortingColumns { writer.writeStructListField(4, sortingColumns) }
        if let fileOffset { writer.writeI64Field(5, fileOffset) }
        if let totalCompressedSize { writer.writeI64Field(6, totalCompressedSize) }
        if let ordinal { writer.writeI16Field(7, ordinal) }
        writer.writeStructEnd()
    }
}
