import StrataCore

/// A window function.
public enum WindowFunction: String, Sendable, Hashable, CaseIterable {
    case rowNumber = "row_number", rank, denseRank = "dense_rank", percentRank = "percent_rank"
    case cumeDist = "cume_dist", ntile, lag, lead, firstValue = "first_value", lastValue = "last_value"
    case nthValue = "nth_value", countStar = "count_star", count, sum, avg, min, max

    /// Whether the function looks at the frame (the others look at the partition, its order and peers).
    public var usesFrame: Bool {
        switch self {
        case .firstValue, .lastValue, .nthValue, .countStar, .count, .sum, .avg, .min, .max: true
        default: false
        }
    }

    /// The function's result type for arguments of `types`, or an error naming it.
    public func resultType(_ types: [DataType]) throws(StrataError) -> DataType {
        func need(_ count: ClosedRange<Int>) throws(StrataError) {
            guard count.contains(types.count) else {
                throw StrataError(.invalidArgument, "\(rawValue) takes \(count.lowerBound == count.upperBound ? "\(count.lowerBound)" : "\(count.lowerBound) to \(count.upperBound)") argument(s), not \(types.count)")
            }
        }
        switch self {
        case .rowNumber, .rank, .denseRank, .countStar:
            try need(0...0)
            return .int64
        case .percentRank, .cumeDist:
            try need(0...0)
            return .double
        case .ntile:
            try need(1...1)
            return .int64
        case .lag, .lead:
            try need(1...3)
            return types[0]
        case .firstValue, .lastValue:
            try need(1...1)
            return types[0]
        case .nthValue:
            try need(2...2)
            return types[0]
        case .count:
            try need(1...1)
            return .int64
        case .sum, .avg:
            try need(1...1)
            if case let .decimal(precision, scale) = types[0] {
                // Prefix sums of 18-digit units stay exact in 128 bits; wider decimals are not summed here yet.
                guard precision <= DataType.maxInt64DecimalPrecision else {
                    throw StrataError(.invalidArgument, "\(rawValue)(…) OVER (…) of \(types[0]) is not supported yet "
                        + "(decimals of at most 18 digits are)")
                }
                return self == .avg ? .double : .decimal(precision: DataType.maxDecimalPrecision, scale: scale)
            }
            guard [.int32, .int64, .float, .double].contains(types[0]) else {
                throw StrataError(.invalidArgument, "\(rawValue) needs a numeric argument, not \(types[0])")
            }
            return self == .avg || types[0] == .float || types[0] == .double ? .double : .int64
        case .min, .max:
            try need(1...1)
            return types[0]
        }
    }
}

/// One end of a window frame.
public enum WindowFrameBound: Sendable, Hashable, CustomStringConvertible {
    case unboundedPreceding
    /// `n PRECEDING`: rows (ROWS) or an order-key distance (RANGE).
    case preceding(Value)
    case currentRow
    /// `n FOLLOWING`.
    case following(Value)
    case unboundedFollowing

    public var description: String {
        switch self {
        case .unboundedPreceding: "UNBOUNDED PRECEDING"
        case let .preceding(v): "\(v) PRECEDING"
        case .currentRow: "CURRENT ROW"
        case let .following(v): "\(v) FOLLOWING"
        case .unboundedFollowing: "UNBOUNDED FOLLOWING"
        }
    }
}

/// `ROWS | RANGE BETWEEN start AND end`.
public struct WindowFrame: Sendable, Hashable, CustomStringConvertible {
    /// Whether the bounds count rows (ROWS) or order-key distances and peers (RANGE).
    public var rows: Bool
    /// The first row of the frame.
    public var start: WindowFrameBound
    /// The last row of the frame.
    public var end: WindowFrameBound

    /// A frame.
    public init(rows: Bool, start: WindowFrameBound, end: WindowFrameBound) {
        self.rows = rows
        self.start = start
        self.end = end
    }

    /// DuckDB's default: with ORDER BY, `RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW`; without, the whole
    /// partition.
    public static func defaultFrame(ordered: Bool) -> WindowFrame {
        WindowFrame(rows: false, start: .unboundedPreceding, end: ordered ? .currentRow : .unboundedFollowing)
    }

    public var description: String { "\(rows ? "ROWS" : "RANGE") BETWEEN \(start) AND \(end)" }
}

/// One window function call: `function(arguments) OVER (PARTITION BY … ORDER BY … frame)`, whose result is the
/// column `name`.
public struct WindowCall: Sendable, Hashable, CustomStringConvertible {
    /// The function.
    public var function: WindowFunction
    /// Its arguments over the window's input (lag/lead: value, offset, default; ntile: bucket count; nth_value:
    /// value, n); offsets and counts must be constants.
    public var arguments: [Expr]
    /// PARTITION BY expressions.
    public var partitionBy: [Expr]
    /// ORDER BY keys.
    public var orderBy: [SortKey]
    /// The frame (ignored by functions that do not use one).
    public var frame: WindowFrame
    /// The output column.
    public var name: String

    /// A window call.
    public init(_ function: WindowFunction, _ arguments: [Expr], partitionBy: [Expr], orderBy: [SortKey],
                frame: WindowFrame? = nil, as name: String) {
        self.function = function
        self.arguments = arguments
        self.partitionBy = partitionBy
        self.orderBy = orderBy
        self.frame = frame ?? .defaultFrame(ordered: !orderBy.isEmpty)
        self.name = name
    }

    public var description: String {
        var over: [String] = []
        if !partitionBy.isEmpty { over.append("PARTITION BY " + partitionBy.map(\.description).joined(separator: ", ")) }
        if !orderBy.isEmpty { over.append("ORDER BY " + orderBy.map(\.description).joined(separator: ", ")) }
        if function.usesFrame { over.append(frame.description) }
        let name = function == .countStar ? "count(*)"
            : "\(function.rawValue)(\(arguments.map(\.description).joined(separator: ", ")))"
        return "\(name) OVER (\(over.joined(separator: " ")))"
    }
}
