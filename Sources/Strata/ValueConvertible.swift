import Foundation

/// A Swift type a result `Value` converts to, for typed access to rows (`let n: Int? = row["n"]`) and columns.
public protocol ValueConvertible {
    /// The value as this type, or nil when it is NULL or of a type that does not convert.
    init?(strataValue: Value)
}

extension Int: ValueConvertible {
    public init?(strataValue: Value) {
        switch strataValue {
        case let .int32(v): self = Int(v)
        case let .int64(v): self = Int(v)
        default: return nil
        }
    }
}

extension Int64: ValueConvertible {
    public init?(strataValue: Value) {
        switch strataValue {
        case let .int32(v): self = Int64(v)
        case let .int64(v): self = v
        default: return nil
        }
    }
}

extension Int32: ValueConvertible {
    public init?(strataValue: Value) {
        switch strataValue {
        case let .int32(v): self = v
        case let .int64(v): guard let small = Int32(exactly: v) else { return nil }; self = small
        default: return nil
        }
    }
}

extension Double: ValueConvertible {
    public init?(strataValue: Value) {
        switch strataValue {
        case let .double(v): self = v
        case let .float(v): self = Double(v)
        case let .int32(v): self = Double(v)
        case let .int64(v): self = Double(v)
        default: return nil
        }
    }
}

extension Float: ValueConvertible {
    public init?(strataValue: Value) {
        switch strataValue {
        case let .float(v): self = v
        case let .double(v): self = Float(v)
        default: return nil
        }
    }
}

extension String: ValueConvertible {
    public init?(strataValue: Value) {
        guard case let .string(v) = strataValue else { return nil }
        self = v
    }
}

extension Bool: ValueConvertible {
    public init?(strataValue: Value) {
        guard case let .bool(v) = strataValue else { return nil }
        self = v
    }
}

extension Date: ValueConvertible {
    /// Dates convert to midnight UTC; timestamps keep their microseconds (nanoseconds as far as a `Date` holds them).
    public init?(strataValue: Value) {
        switch strataValue {
        case let .date(days): self = Date(timeIntervalSince1970: Double(days) * 86_400)
        case let .timestamp(micros): self = Date(timeIntervalSince1970: Double(micros) / 1_000_000)
        case let .timestampNanos(nanos): self = Date(timeIntervalSince1970: Double(nanos) / 1_000_000_000)
        default: return nil
        }
    }
}

extension Column {
    /// Every value converted to `T` (nil for NULLs and values that do not convert). Convenient, not fast: kernels
    /// should read `Column.data` directly.
    public func values<T: ValueConvertible>(as type: T.Type) -> [T?] {
        (0..<count).map { T(strataValue: value(at: $0)) }
    }
}
