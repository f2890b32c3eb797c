/// How the min/max statistics of one leaf column are ordered (Thrift union `ColumnOrder`).
package enum ColumnOrder: ThriftCodable, Hashable {
    /// TYPE_ORDER (1): the order defined by the column's logical or physical type.
    case typeDefinedOrder
    /// Any other member (IEEE_754_TOTAL_ORDER is 2, INT96_TIMESTAMP_ORDER 3); `id` is 0 for an empty union.
    case other(id: Int16)

    /// Decodes the union; unknown members become `.other(id:)`.
    package init(from reader: inout ThriftCompactReader) throws {
        let mark = try reader.readStructBegin()
        var result: ColumnOrder?
        var otherID: Int16 = 0
        while let field = try reader.readFieldHeader() {
            if field.type == .struct {
                if field.id == 1 { result = .typeDefinedOrder } else { otherID = field.id }
            }
            try reader.skip(field.type)
        }
        reader.readStructEnd(mark)
        self = result ?? .other(id: otherID)
    }

    /// Encodes the union.
    package func write(to writer: inout ThriftCompactWriter) {
        writer.writeStructBegin()
        switch self {
        case .typeDefinedOrder: writer.writeEmptyStructField(1)
        case .other(let id): if id != 0 { writer.writeEmptyStructField(id) }
        }
        writer.writeStructEnd()
    }
}
