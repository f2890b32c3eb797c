/// The logical type of a column.
///
/// Every column is nullable. Dates are days since 1970-01-01 stored as `Int32`; timestamps are microseconds since
/// the Unix epoch, UTC, stored as `Int64` (`timestampNanos` likewise in nanoseconds); strings are UTF-8 bytes, blobs
/// any bytes (both in a ``StringBuffer``); a `time` of day is microseconds since midnight as `Int64`. A `decimal(precision, scale)` value is an integer
/// count of 10^-scale units: `Int64` when the precision is at most 18, `Int128` up to 38 (as DuckDB stores them).
public enum DataType: Sendable, Hashable, CustomStringConvertible, Codable {
    case bool
    case int32
    case int64
    case float
    case double
    case string
    case date
    case timestamp
    /// Nanoseconds since the Unix epoch, UTC, as `Int64` (DuckDB's TIMESTAMP_NS: 1677-09-21 to 2262-04-11).
    case timestampNanos
    /// Raw bytes (DuckDB's BLOB), compared byte by byte.
    case blob
    /// A time of day: microseconds since midnight (0 to 24:00:00), as `Int64`.
    case time
    /// An exact decimal of `precision` digits (1...38), `scale` of them after the point (0...precision).
    case decimal(precision: UInt8, scale: UInt8)

    /// The largest decimal precision.
    public static let maxDecimalPrecision: UInt8 = 38
    /// The largest decimal precision stored in 64 bits.
    public static let maxInt64DecimalPrecision: UInt8 = 18

    /// Every non-decimal type, and the decimal form, for listing in messages.
    public static let typeNames = ["bool", "int32", "int64", "float", "double", "string", "date", "timestamp",
                                   "timestamp_ns", "blob", "time", "decimal(p,s)"]

    /// A decimal type, or `nil` when `precision` is not in 1...38 or `scale` not in 0...precision.
    public static func checkedDecimal(precision: Int, scale: Int) -> DataType? {
        guard (1...Int(maxDecimalPrecision)).contains(precision), (0...precision).contains(scale) else { return nil }
        return .decimal(precision: UInt8(precision), scale: UInt8(scale))
    }

    /// The name used in schemas, manifests and the CLI (`int64`, `string`, `decimal(15,2)`, …).
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
        case .timestampNanos: "timestamp_ns"
        case .blob: "blob"
        case .time: "time"
        case let .decimal(precision, scale): "decimal(\(precision),\(scale))"
        }
    }

    public var description: String { name }

    /// Whether this is a decimal type.
    public var isDecimal: Bool {
        if case .decimal = self { return true }
        return false
    }

    /// The scale of a decimal type (0 for every other type).
    public var decimalScale: Int {
        if case let .decimal(_, scale) = self { return Int(scale) }
        return 0
    }

    /// The precision of a decimal type (0 for every other type).
    public var decimalPrecision: Int {
        if case let .decimal(precision, _) = self { return Int(precision) }
        return 0
    }

    /// Whether values are stored as `Int128` (decimals of precision above 18).
    public var isWideDecimal: Bool {
        if case let .decimal(precision, _) = self { return precision > DataType.maxInt64DecimalPrecision }
        return false
    }

    /// Parses a type name as written in a schema string; accepts common aliases (`int`, `bigint`, `varchar`, …)
    /// and `decimal(p,s)` / `numeric(p,s)` (`decimal` alone is DuckDB's default `decimal(18,3)`).
    public init?(name: String) {
        let lower = name.lowercased().filter { $0 != " " }
        switch lower {
        case "bool", "boolean": self = .bool
        case "int32", "int", "integer": self = .int32
        case "int64", "bigint", "long": self = .int64
        case "float", "float32", "real": self = .float
        case "double", "float64": self = .double
        case "string", "utf8", "varchar", "text": self = .string
        case "date": self = .date
        case "timestamp", "datetime": self = .timestamp
        case "timestamp_ns": self = .timestampNanos
        case "blob", "bytea", "binary", "varbinary": self = .blob
        case "time": self = .time
        case "decimal", "numeric": self = .decimal(precision: 18, scale: 3)
        default:
            guard let open = lower.firstIndex(of: "("), lower.hasSuffix(")"),
                  ["decimal", "numeric"].contains(String(lower[..<open])) else { return nil }
            let inner = lower[lower.index(after: open) ..< lower.index(before: lower.endIndex)]
            let parts = inner.split(separator: ",", omittingEmptySubsequences: false)
            guard (1...2).contains(parts.count), let precision = Int(parts[0]) else { return nil }
            let scale = parts.count == 2 ? Int(parts[1]) : 0
            guard let scale, let type = DataType.checkedDecimal(precision: precision, scale: scale) else { return nil }
            self = type
        }
    }

    /// The kind of buffer a column of this type holds.
    public var storage: StorageKind {
        switch self {
        case .bool: .bool
        case .int32, .date: .int32
        case .int64, .timestamp, .timestampNanos, .time: .int64
        case .decimal: isWideDecimal ? .int128 : .int64
        case .float: .float
        case .double: .double
        case .string, .blob: .string
        }
    }

    /// Width in bytes of one value in the column buffer, or `nil` for variable-width strings.
    public var fixedWidth: Int? {
        switch self {
        case .bool: 1
        case .int32, .float, .date: 4
        case .int64, .double, .timestamp, .timestampNanos, .time: 8
        case .decimal: isWideDecimal ? 16 : 8
        case .string, .blob: nil
        }
    }

    /// A one-byte code for binary formats (spill files); a decimal also writes its precision and scale.
    public var code: UInt8 {
        switch self {
        case .bool: 1
        case .int32: 2
        case .int64: 3
        case .float: 4
        case .double: 5
        case .string: 6
        case .date: 7
        case .timestamp: 8
        case .decimal: 9
        case .timestampNanos: 10
        case .blob: 11
        case .time: 12
        }
    }

    /// The type of `code` (with a decimal's precision and scale), or `nil` when they name none.
    public init?(code: UInt8, precision: UInt8 = 0, scale: UInt8 = 0) {
        switch code {
        case 1: self = .bool
        case 2: self = .int32
        case 3: self = .int64
        case 4: self = .float
        case 5: self = .double
        case 6: self = .string
        case 7: self = .date
        case 8: self = .timestamp
        case 9:
            guard let type = DataType.checkedDecimal(precision: Int(precision), scale: Int(scale)) else { return nil }
            self = type
        case 10: self = .timestampNanos
        case 11: self = .blob
        case 12: self = .time
        default: return nil
        }
    }

    /// Whether this is a date or a timestamp of either unit.
    public var isTemporal: Bool {
        self == .date || self == .timestamp || self == .timestampNanos
    }

    /// The type two of `date`, `timestamp` and `timestampNanos` meet in (the finer one, as DuckDB: a date is its
    /// midnight), or `nil` when either is not temporal.
    public static func commonTemporal(_ a: DataType, _ b: DataType) -> DataType? {
        guard a.isTemporal, b.isTemporal else { return nil }
        if a == .timestampNanos || b == .timestampNanos { return .timestampNanos }
        return a == .timestamp || b == .timestamp ? .timestamp : .date
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

/// The buffer kind behind a ``DataType`` (see ``ColumnData``).
public enum StorageKind: Sendable, Hashable {
    case bool, int32, int64, int128, float, double, string
}
