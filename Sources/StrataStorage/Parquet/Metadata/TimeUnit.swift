import StrataCore

/// The unit of a TIME or TIMESTAMP logical type (a Thrift union of empty structs).
package enum TimeUnit: ThriftCodable, Hashable {
    /// Milliseconds (field 1).
    case millis
    /// Microseconds (field 2).
    case micros
    /// Nanoseconds (field 3).
    case nanos

    /// Decodes the union; throws `.unsupported` when it holds no member this code knows.
    package init(from reader: inout ThriftCompactReader) throws {
        let start = reader.position
        guard let unit = try Self.decodeIfKnown(from: &reader) else {
            throw StrataError(.unsupported, "unknown time unit", offset: reader.baseOffset + Int64(start))
        }
        self = unit
    }

    /// Decodes the union, returning nil when it holds no member this code knows (unknown members are skipped).
    package static func decodeIfKnown(from reader: inout ThriftCompactReader) throws -> TimeUnit? {
        let mark = try reader.readStructBegin()
        var unit: TimeUnit?
        while let field = try reader.readFieldHeader() {
            if field.type == .struct {
                switch field.id {
                case 1: unit = .millis
                case 2: unit = .micros
                case 3: unit = .nanos
                default: break
                }
            }
            try reader.skip(field.type)
        }
        reader.readStructEnd(mark)
        return unit
    }

    /// The union field id of this unit.
    package var fieldID: Int16 {
        switch self {
        case .millis: 1
        case .micros: 2
        case .nanos: 3
        }
    }

    /// Encodes the union.
    package func write(to writer: inout ThriftCompactWriter) {
        writer.writeStructBegin()
        writer.writeEmptyStructField(fieldID)
        writer.writeStructEnd()
    }
}
