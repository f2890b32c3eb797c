/// The value buffer of a column: one contiguous typed array per column, never one object per value.
///
/// `date` columns use `.int32` (days), `timestamp` columns use `.int64` (microseconds). Rows that are null hold a
/// zero (or empty string) placeholder so buffers are always fully initialised.
public enum ColumnData: Sendable, Hashable {
    case bool([Bool])
    case int32([Int32])
    case int64([Int64])
    /// Decimals of precision above 18.
    case int128([Int128])
    case float([Float])
    case double([Double])
    case string(StringBuffer)

    /// Number of values.
    public var count: Int {
        switch self {
        case let .bool(v): v.count
        case let .int32(v): v.count
        case let .int64(v): v.count
        case let .int128(v): v.count
        case let .float(v): v.count
        case let .double(v): v.count
        case let .string(v): v.count
        }
    }

    /// Whether this buffer kind can back a column of `type`.
    public func matches(_ type: DataType) -> Bool {
        switch (self, type) {
        case (.bool, .bool), (.int32, .int32), (.int32, .date), (.int64, .int64), (.int64, .timestamp),
             (.int64, .timestampNanos), (.int64, .time), (.string, .blob),
             (.float, .float), (.double, .double), (.string, .string):
            true
        case (.int64, .decimal): !type.isWideDecimal
        case (.int128, .decimal): type.isWideDecimal
        default:
            false
        }
    }

    /// Approximate bytes held by the buffers.
    public var byteCount: Int {
        switch self {
        case let .bool(v): v.count
        case let .int32(v): v.count * 4
        case let .int64(v): v.count * 8
        case let .int128(v): v.count * 16
        case let .float(v): v.count * 4
        case let .double(v): v.count * 8
        case let .string(v): v.bytes.count + v.offsets.count * 4
        }
    }
}
