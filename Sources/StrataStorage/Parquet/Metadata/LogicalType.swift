/// The logical type annotation of a schema element (Thrift union `LogicalType`).
///
/// Union members this code does not know (VARIANT, GEOMETRY, future ids, or a TIME/TIMESTAMP with an unknown unit)
/// decode as `.other(id:)`, so the reader can fall back to the physical type.
package enum LogicalType: ThriftCodable, Hashable {
    /// UTF-8 string (1).
    case string
    /// Map group (2).
    case map
    /// List group (3).
    case list
    /// Enum stored as a string (4).
    case `enum`
    /// Decimal with `scale` digits after the point and `precision` digits in total (5).
    case decimal(scale: Int32, precision: Int32)
    /// Days since the Unix epoch (6).
    case date
    /// Time of day (7).
    case time(isAdjustedToUTC: Bool, unit: TimeUnit)
    /// Instant or local date-time (8).
    case timestamp(isAdjustedToUTC: Bool, unit: TimeUnit)
    /// Integer of `bitWidth` bits (8, 16, 32, 64), signed or unsigned (10).
    case integer(bitWidth: Int8, isSigned: Bool)
    /// Always null (11).
    case unknown
    /// JSON document (12).
    case json
    /// BSON document (13).
    case bson
    /// 16-byte UUID (14).
    case uuid
    /// Half-precision float in a 2-byte fixed-length array (15).
    case float16
    /// A union member this code does not interpret; `id` is its field id (0 for an empty union).
    case other(id: Int16)

    /// Decodes the union; unknown members are skipped.
    package init(from reader: inout ThriftCompactReader) throws {
        let mark = try reader.readStructBegin()
        var result: LogicalType?
        var otherID: Int16 = 0
        while let field = try reader.readFieldHeader() {
            guard field.type == .struct else {
                try reader.skip(field.type)
                continue
            }
            switch field.id {
            case 5: result = try Self.readDecimal(from: &reader)
            case 7, 8: result = try Self.readTime(from: &reader, id: field.id)
            case 10: result = try Self.readInteger(from: &reader)
            default:
                try reader.skip(.struct)
                if let member = Self.emptyMember(field.id) { result = member } else { otherID = field.id }
            }
        }
        reader.readStructEnd(mark)
        self = result ?? .other(id: otherID)
    }

    /// The members whose struct carries no data, by field id.
    private static func emptyMember(_ id: Int16) -> LogicalType? {
        switch id {
        case 1: .string
        case 2: .map
        case 3: .list
        case 4: .enum
        case 6: .date
        case 11: .unknown
        case 12: .json
        case 13: .bson
        case 14: .uuid
        case 15: .float16
        default: nil
        }
    }

    private static func readDecimal(from reader: inout ThriftCompactReader) throws -> LogicalType {
        let start = reader.position
        let mark = try reader.readStructBegin()
        var scale: Int32?
        var precision: Int32?
        while let field = try reader.readFieldHeader() {
            switch field.id {
            case 1 where field.type == .i32: scale = try reader.readI32()
            case 2 where field.type == .i32: precision = try reader.readI32()
            default: try reader.skip(field.type)
            }
        }
        reader.readStructEnd(mark)
        return .decimal(scale: try reader.required(scale, "DecimalType", 1, "scale", structStart: start),
                        precision: try reader.required(precision, "DecimalType", 2, "precision", structStart: start))
    }

    private static func readTime(from reader: inout ThriftCompactReader, id: Int16) throws -> LogicalType {
        let start = reader.position
        let name: StaticString = id == 7 ? "TimeType" : "TimestampType"
        let mark = try reader.readStructBegin()
        var isAdjustedToUTC: Bool?
        var unit: TimeUnit?
        var unitSeen = false
        while let field = try reader.readFieldHeader() {
            switch field.id {
            case 1 where field.type.isBool: isAdjustedToUTC = field.boolValue
            case 2 where field.type == .struct:
                unitSeen = true
                unit = try TimeUnit.decodeIfKnown(from: &reader)
            default: try reader.skip(field.type)
            }
        }
        reader.readStructEnd(mark)
        let utc = try reader.required(isAdjustedToUTC, name, 1, "isAdjustedToUTC", structStart: start)
        guard unitSeen else { throw reader.corrupt("\(name): missing required field unit (2)", at: start) }
        guard let unit else { return .other(id: id) }
        return id == 7 ? .time(isAdjustedToUTC: utc, unit: unit) : .timestamp(isAdjustedToUTC: utc, unit: unit)
    }

    private static func readInteger(from reader: inout ThriftCompactReader) throws -> LogicalType {
        let start = reader.position
        let mark = try reader.readStructBegin()
        var bitWidth: Int8?
        var isSigned: Bool?
        while let field = try reader.readFieldHeader() {
            switch field.id {
            case 1 where field.type == .i8: bitWidth = try reader.readI8()
            case 2 where field.type.isBool: isSigned = field.boolValue
            default: try reader.skip(field.type)
            }
        }
        reader.readStructEnd(mark)
        return .integer(bitWidth: try reader.required(bitWidth, "IntType", 1, "bitWidth", structStart: start),
                        isSigned: try reader.required(isSigned, "IntType", 2, "isSigned", structStart: start))
    }

    /// Encodes the union.
    package func write(to writer: inout ThriftCompactWriter) {
        writer.writeStructBegin()
        switch self {
        case .string: writer.writeEmptyStructField(1)
        case .map: writer.writeEmptyStructField(2)
        case .list: writer.writeEmptyStructField(3)
        case .enum: writer.writeEmptyStructField(4)
        case .decimal(let scale, let precision):
            writer.writeFieldHeader(5, .struct)
            writer.writeStructBegin()
            writer.writeI32Field(1, scale)
            writer.writeI32Field(2, precision)
            writer.writeStructEnd()
        case .date: writer.writeEmptyStructField(6)
        case .time(let utc, let unit), .timestamp(let utc, let unit):
            writer.writeFieldHeader(isTime ? 7 : 8, .struct)
            writer.writeStructBegin()
            writer.writeBoolField(1, utc)
            writer.writeStructField(2, unit)
            writer.writeStructEnd()
        case .integer(let bitWidth, let isSigned):
            writer.writeFieldHeader(10, .struct)
            writer.writeStructBegin()
            writer.writeI8Field(1, bitWidth)
            writer.writeBoolField(2, isSigned)
            writer.writeStructEnd()
        case .unknown: writer.writeEmptyStructField(11)
        case .json: writer.writeEmptyStructField(12)
        case .bson: writer.writeEmptyStructField(13)
        case .uuid: writer.writeEmptyStructField(14)
        case .float16: writer.writeEmptyStructField(15)
        case .other(let id): if id != 0 { writer.writeEmptyStructField(id) }
        }
        writer.writeStructEnd()
    }

    private var isTime: Bool {
        if case .time = self { return true }
        return false
    }
}
