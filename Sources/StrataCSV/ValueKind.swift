import StrataCore

/// The narrowest kind of value a CSV field's text is, under the strict (sniffing) rules of ``ValueParser``.
package enum ValueKind: UInt8, Sendable {
    /// An empty field or a null token.
    case null
    /// `true` / `false`.
    case bool
    /// An integer within ±2^53 (exact as a double too).
    case integer
    /// An integer within Int64 but beyond ±2^53 (a double could not hold it exactly).
    case largeInteger
    /// A decimal number that is not an integer.
    case double
    /// `YYYY-MM-DD`.
    case date
    /// An ISO 8601 date and time.
    case timestamp
    /// Anything else.
    case string
}

/// What is known about one column's type while sniffing or widening: the narrowest type holding every value seen,
/// along the lattice `int64 → double → string`, `date → timestamp → string`, `bool → string`.
package struct ColumnTypeState: Sendable, Hashable {
    /// The narrowest type so far; nil while only nulls were seen.
    package private(set) var type: DataType?
    /// Whether an integer beyond ±2^53 was seen (so the column can never become a double).
    package private(set) var sawLargeInteger = false

    /// No values seen.
    package init() {}

    /// The state of a column known to have `type`.
    package init(type: DataType) {
        self.type = type
    }

    /// Widens the state to hold a value of `kind`.
    @inline(__always)
    package mutating func absorb(_ kind: ValueKind) {
        switch kind {
        case .null:
            return
        case .string:
            type = .string
        case .bool:
            type = type == nil || type == .bool ? .bool : .string
        case .integer:
            switch type {
            case nil, .int64: type = .int64
            case .double: type = .double
            default: type = .string
            }
        case .largeInteger:
            sawLargeInteger = true
            switch type {
            case nil, .int64: type = .int64
            default: type = .string
            }
        case .double:
            switch type {
            case nil, .int64, .double: type = sawLargeInteger ? .string : .double
            default: type = .string
            }
        case .date:
            switch type {
            case nil, .date: type = .date
            case .timestamp: type = .timestamp
            default: type = .string
            }
        case .timestamp:
            switch type {
            case nil, .date, .timestamp: type = .timestamp
            default: type = .string
            }
        }
    }

    /// Widens the state to hold everything `other` holds.
    package mutating func merge(_ other: ColumnTypeState) {
        if other.sawLargeInteger { absorb(.largeInteger) }
        guard let otherType = other.type else { return }
        switch otherType {
        case .bool: absorb(.bool)
        case .int32, .int64: absorb(.integer)
        case .float, .double, .decimal: absorb(.double)
        case .date: absorb(.date)
        case .timestamp, .timestampNanos: absorb(.timestamp)
        case .string, .blob, .time: absorb(.string)
        }
    }

    /// The column type to store: string when nothing but nulls was seen.
    package var resolved: DataType { type ?? .string }
}
