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
    /// Nanoseconds since the Unix epoch, UTC.
    case timestampNanos(Int64)
    /// Raw bytes.
    case blob([UInt8])
    /// A time of day: microseconds since midnight.
    case time(Int64)
    /// An exact decimal: `units` of 10^-scale, of a column typed `decimal(precision, scale)`.
    case decimal(DecimalUnits, precision: UInt8, scale: UInt8)

    /// An exact decimal of `units` (its value × 10^scale).
    public static func decimal(_ units: Int128, precision: UInt8, scale: UInt8) -> Value {
        .decimal(DecimalUnits(units), precision: precision, scale: scale)
    }

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
        case let (.timestampNanos(a), .timestampNanos(b)): a == b
        case let (.blob(a), .blob(b)): a == b
        case let (.time(a), .time(b)): a == b
        case let (.decimal(a, _, s), .decimal(b, _, t)):
            s == t ? a == b : DecimalMath.rescale(a.value, from: Int(s), to: Int(t)) == b.value
                && DecimalMath.rescale(b.value, from: Int(t), to: Int(s)) == a.value
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
        case let .timestampNanos(v):
            hasher.combine(1 as UInt8)
            hasher.combine(v)
        case let .blob(v): hasher.combine(v)
        case let .time(v):
            hasher.combine(2 as UInt8)
            hasher.combine(v)
        case let .decimal(units, _, scale):
            // Equal values of different scales hash alike: strip trailing zero digits first.
            var (value, digits) = (units.value, Int(scale))
            while digits > 0, value % 10 == 0 {
                value /= 10
                digits -= 1
            }
            hasher.combine(value)
            hasher.combine(digits)
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
        case let .timestampNanos(v): CivilDate.format(nanos: v)
        case let .blob(v): BlobText.format(v)
        case let .time(v): TimeOfDay.format(micros: v)
        case let .decimal(units, precision, scale):
            DecimalMath.format(units.value, scale: Int(scale), precision: Int(precision))
        }
    }
}
