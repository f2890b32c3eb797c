/// A column the rows of a row group are sorted by.
package struct SortingColumn: ThriftCodable, Hashable {
    /// Leaf column index (field 1, required).
    package var columnIdx: Int32
    /// Whether the order is descending (field 2, required).
    package var descending: Bool
    /// Whether nulls sort first (field 3, required).
    package var nullsFirst: Bool

    /// Creates a value; optional fields default to absent.
    package init(columnIdx: Int32, descending: Bool, nullsFirst: Bool) {
        self.columnIdx = columnIdx
        self.descending = descending
        self.nullsFirst = nullsFirst
    }

    /// Decodes the struct; unknown fields and known fields of an unexpected wire type are skipped.
    package init(from reader: inout ThriftCompactReader) throws {
        let start = reader.position
        let mark = try reader.readStructBegin()
        var columnIdx: Int32?
        var descending: Bool?
        var nullsFirst: Bool?
        while let field = try reader.readFieldHeader() {
            switch field.id {
            case 1 where field.type == .i32: columnIdx = try reader.readI32()
            case 2 where field.type.isBool: descending = field.boolValue
            case 3 where field.type.isBool: nullsFirst = field.boolValue
            default: try reader.skip(field.type)
            }
        }
        reader.readStructEnd(mark)
        self.columnIdx = try reader.required(columnIdx, "SortingColumn", 1, "column_idx", structStart: start)
        self.descending = try reader.required(descending, "SortingColumn", 2, "descending", structStart: start)
        self.nullsFirst = try reader.required(nullsFirst, "SortingColumn", 3, "nulls_first", structStart: start)
    }

    /// Encodes the struct.
    package func write(to writer: inout ThriftCompactWriter) {
        writer.writeStructBegin()
        writer.writeI32Field(1, columnIdx)
        writer.writeBoolField(2, descending)
        writer.writeBoolField(3, nullsFirst)
        writer.writeStructEnd()
    }
}
