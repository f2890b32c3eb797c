/// One scalar value of any ``DataType``, or null. Used at API edges (tests, printing, literals), never in kernels.
public enum Value: Sendable, Hashable, CustomStringConvertible {
    case null
    case bool(Bool)
    case int32(Int32)
    case int64(Int64)
    case float(Float)
    case double(Double)
    case string(String)
    /// Days since 1970-01-01.
    case date(Int32)
    /// Microseconds since the Unix epoch, UTC.
    case timestamp(Int64)

    /// Whether this is `.null`.
    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    /// Equality that treats NaN as equal to NaN (what tests comparing column contents want).
    public static func == (lhs: Value, rhs: Value) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): true
        case let (.bool(a), .bool(b)): a == b
        case let (.int32(a), .int32(b)): a == b
        case let (.int64(a), .int64(b)): a == b
        case let (.float(a), .float(b)): a == b || (a.isNaN && b.isNaN)
        case let (.double(a), .double(b)): a == b || (a.isNaN && b.isNaN)
        case let (.string(a), .string(b)): a == b
        case let (.date(a), .date(b)): a == b
        case let (.timestamp(a), .timestamp(b)): a == b
        default: false
        }
    }

    public func hash(into hasher: inout Hasher) {
        switch self {
        case .null: hasher.combine(0)
        case let .bool(v): hasher.combine(v)
        case let .int32(v): hasher.combine(v)
        case let .int64(v): hasher.combine(v)
        case let .float(v): hasher.combine(v.isNaN ? Float.nan.bitPattern : v.bitPattern)
        case let .double(v): hasher.combine(v.isNaN ? Double.nan.bitPattern : v.bitPattern)
        case let .string(v): hasher.combine(v)
        case let .date(v): hasher.combine(v)
        case let .timestamp(v): hasher.combine(v)
        }
    }

    public var description: String {
        switch self {
        case .null: "NULL"
        case let .bool(v): v ? "true" : "false"
        case let .int32(v): String(v)
        case let .int64(v): String(v)
        case let .float(v): "\(v)"
        case let .double(v): "\(v)"
        case let .string(v): v
        case let .date(v): CivilDate.format(days: v)
        case let .timestamp(v): CivilDate.format(micros: v)
        }
    }
}
