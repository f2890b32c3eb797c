import StrataCore

/// A window call bound to the columns of its window operator's sorted rows: where its arguments are, its constant
/// parameters, its frame with numeric offsets, and what it must see of the partition before a row's result is
/// known.
package struct BoundWindowCall {
    /// The logical call.
    let call: WindowCall
    /// The result type.
    let type: DataType
    /// The argument types.
    let argumentTypes: [DataType]
    /// The column of the value argument (lag, lead, *_value, aggregates), nil for the rank family and count(*).
    let argument: Int?
    /// The column of lag/lead's default value.
    let defaultValue: Int?
    /// lag/lead's offset, nth_value's n, ntile's bucket count.
    let parameter: Int
    /// ROWS or RANGE.
    let rowsFrame: Bool
    /// The frame start and end; offsets as numbers (rows for ROWS, order-key distances for RANGE).
    let start: Bound
    let end: Bound

    /// A frame bound with its offset.
    enum Bound: Equatable {
        case unboundedPreceding, preceding(Double), currentRow, following(Double), unboundedFollowing
    }

    var function: WindowFunction { call.function }

    /// Whether results need the partition's row count (or, for aggregates with an unbounded end, its totals)
    /// before its last row has been seen: they come from a first pass over the sorted rows.
    var needsSummary: Bool {
        switch function {
        case .percentRank, .cumeDist, .ntile: true
        case .countStar, .count, .sum, .avg: end == .unboundedFollowing
        default: takesPartitionValue
        }
    }

    /// Whether the result is one value per partition that the first pass finds: `last_value` up to UNBOUNDED
    /// FOLLOWING (the partition's last row), `min`/`max` over the whole partition.
    var takesPartitionValue: Bool {
        switch function {
        case .lastValue: end == .unboundedFollowing
        case .min, .max: start == .unboundedPreceding && end == .unboundedFollowing
        default: false
        }
    }

    /// Whether every row of the partition must be buffered before a row's result is known (a frame value or
    /// extreme that reaches to the partition's end and is not a partition value).
    var needsPartitionEnd: Bool {
        switch function {
        case .lastValue, .nthValue, .min, .max: end == .unboundedFollowing && !takesPartitionValue
        default: false
        }
    }

    /// Binds `call` over the sorted rows' schema `schema`, whose argument columns start at `firstArgument` in the
    /// order of `call.arguments`; `orderTypes` are the types of the window's ORDER BY keys.
    package init(_ call: WindowCall, schema: Schema, firstArgument: Int, orderTypes: [DataType]) throws(StrataError) {
        self.call = call
        let types = (0..<call.arguments.count).map { schema.fields[firstArgument + $0].type }
        type = try call.function.resultType(types)
        argumentTypes = types
        func constant(_ index: Int, _ what: String, minimum: Int) throws(StrataError) -> Int {
            let value: Int64
            switch call.arguments[index] {
            case let .literal(.int32(v)): value = Int64(v)
            case let .literal(.int64(v)): value = v
            default: throw StrataError(.invalidArgument, "\(call.function.rawValue) needs a constant integer \(what)")
            }
            guard value >= Int64(minimum), value <= Int64(Int32.max) else {
                throw StrataError(.invalidArgument, "\(call.function.rawValue)'s \(what) must be at least \(minimum)")
            }
            return Int(value)
        }
        switch call.function {
        case .lag, .lead:
            argument = firstArgument
            parameter = call.arguments.count > 1 ? try constant(1, "offset", minimum: 0) : 1
            defaultValue = call.arguments.count > 2 ? firstArgument + 2 : nil
            if let defaultValue, schema.fields[defaultValue].type != type {
                throw StrataError(.invalidArgument, "\(call.function.rawValue)'s default must have the value's "
                    + "type \(type), not \(schema.fields[defaultValue].type)")
            }
        case .ntile:
            argument = nil
            defaultValue = nil
            parameter = try constant(0, "bucket count", minimum: 1)
        case .nthValue:
            argument = firstArgument
            defaultValue = nil
            parameter = try constant(1, "position", minimum: 1)
        case .rowNumber, .rank, .denseRank, .percentRank, .cumeDist, .countStar:
            argument = nil
            defaultValue = nil
            parameter = 0
        default:
            argument = firstArgument
            defaultValue = nil
            parameter = 0
        }
        let frame = call.frame
        rowsFrame = frame.rows
        func bound(_ b: WindowFrameBound) throws(StrataError) -> Bound {
            func offset(_ v: Value) throws(StrataError) -> Double {
                let number: Double
                switch v {
                case let .int32(x): number = Double(x)
                case let .int64(x): number = Double(x)
                case let .float(x) where !frame.rows: number = Double(x)
                case let .double(x) where !frame.rows: number = x
                case let .decimal(units, _, scale) where !frame.rows: number = DecimalMath.toDouble(units.value, scale: Int(scale))
                default:
                    throw StrataError(.invalidArgument, "a \(frame.rows ? "ROWS" : "RANGE") frame offset must be a "
                        + "\(frame.rows ? "non-negative integer" : "non-negative number") constant, not \(v)")
                }
                guard number >= 0, number.isFinite else {
                    throw StrataError(.invalidArgument, "a frame offset must not be negative")
                }
                // No partition has 2^53 rows: a larger ROWS offset reaches as far, and row arithmetic cannot overflow.
                if frame.rows { return min(number, 9_007_199_254_740_992) }
                if !frame.rows {
                    guard orderTypes.count == 1, [.int32, .int64, .float, .double].contains(orderTypes[0]) else {
                        throw StrataError(.invalidArgument, "a RANGE frame with an offset needs exactly one numeric "
                            + "ORDER BY key")
                    }
                }
                return number
            }
            switch b {
            case .unboundedPreceding: return .unboundedPreceding
            case let .preceding(v): return .preceding(try offset(v))
            case .currentRow: return .currentRow
            case let .following(v): return .following(try offset(v))
            case .unboundedFollowing: return .unboundedFollowing
            }
        }
        start = try bound(frame.start)
        end = try bound(frame.end)
        if call.function.usesFrame {
            if start == .unboundedFollowing {
                throw StrataError(.invalidArgument, "a frame cannot start at UNBOUNDED FOLLOWING")
            }
            if end == .unboundedPreceding {
                throw StrataError(.invalidArgument, "a frame cannot end at UNBOUNDED PRECEDING")
            }
        }
    }

    /// Whether the frame counts order-key distances (RANGE with an offset).
    var usesRangeOffsets: Bool {
        guard !rowsFrame, function.usesFrame else { return false }
        switch (start, end) {
        case (.preceding, _), (.following, _), (_, .preceding), (_, .following): return true
        default: return false
        }
    }
}
