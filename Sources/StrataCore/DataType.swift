/// The logical type of a column.
///
/// Every column is nullable. Dates are days since 1970-01-01 stored as `Int32`; timestamps are microseconds since
/// the Unix epoch, UTC, stored as `Int64`; strings are UTF-8 bytes.
public enum DataType: UInt8, Sendable, Hashable, CaseIterable, Codable, CustomStringConvertible {
    case bool = 1
    case int32 = 2
    case int64 = 3
    case float = 4
    case double = 5
    case string = 6
    case date = 7
    case timestamp = 8

    /// The name used in schemas, manifests and the CLI (`int64`, `string`, …).
    public var name: String {
        switch self {
        case .bool: "bool"
        case .int32: "int32"
        case .int64: "int64"
        case .float: "float"
        case .double: "double"
        case .string: "string"
        case .date: "date"
        case .timestamp: "timestamp"
        }
    }

    public var description: String { name }

    /// Parses a type name as written in a schema string; accepts common aliases (`int`, `bigint`, `varchar`, …).
    public init?(name: String) {
        switch name.lowercased() {
        case "bool", "boolean": self = .bool
        case "int32", "int", "integer": self = .int32
        case "int64", "bigint", "long": self = .int64
        case "float", "float32", "real": self = .float
        case "double", "float64": self = .double
        case "string", "utf8", "varchar", "text": self = .string
        case "date": self = .date
        case "timestamp", "datetime": self = .timestamp
        default: return nil
        }
    }

    /// Width in bytes of one value in the column buffer, or `nil` for variable-width strings.
    public var fixedWidth: Int? {
        switch self {
        case .bool: 1
        case .int32, .float, .date: 4
        case .int64, .double, .timestamp: 8
        case .string: nil
        }
    }

    // Codable as the type name, so manifests stay readable.
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let type = DataType(name: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                                                    debugDescription: "unknown data type \"\(text)\""))
        }
        self = type
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(name)
    }
}
