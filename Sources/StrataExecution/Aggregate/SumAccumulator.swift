import StrataCore

/// `sum(x)` and `avg(x)`.
///
/// Integers add into 128-bit totals, so no intermediate result can overflow; `sum` fails when the final total
/// does not fit int64 (it never wraps silently), and `avg` divides the exact total. Decimals add their units the
/// same way: `sum` is DECIMAL(38, scale) and fails beyond 38 digits (wide inputs check every addition), `avg` a
/// double. Floats add as doubles. A group without non-null values yields NULL.
final class SumAccumulator: Accumulator {
    private let integer: Bool
    private let average: Bool
    private var exact: [Int128] = []
    private var real: [Double] = []
    private var counts: [Int64] = []
    private let name: String
    /// The input's decimal scale, `nil` for other inputs.
    private let decimalScale: Int?
    /// Whether a wide decimal addition left 128 bits.
    private var overflowed = false

    init(inputType: DataType, average: Bool, name: String) {
        integer = NumericInput.isInteger(inputType)
        self.average = average
        self.name = name
        decimalScale = inputType.isDecimal ? inputType.decimalScale : nil
    }

    var resultType: DataType {
        if !average, let decimalScale { return .decimal(precision: DataType.maxDecimalPrecision, scale: UInt8(decimalScale)) }
        return average || !integer ? .double : .int64
    }
    var stateTypes: [DataType] { integer ? [.int64, .int64, .int64] : [.double, .int64] }

    var byteCount: Int { StateArray.bytes(exact) + StateArray.bytes(real) + StateArray.bytes(counts) }

    func projectedBytes(groups: Int, rows: Int) -> Int {
        (integer ? StateArray.projected(exact, count: groups) : StateArray.projected(real, count: groups))
            + StateArray.projected(counts, count: groups)
    }

    func resize(groups: Int) {
        if integer { StateArray.extend(&exact, to: groups, with: 0) } else { StateArray.extend(&real, to: groups, with: 0) }
        StateArray.extend(&counts, to: groups, with: 0)
    }

    func update(_ arguments: [Column], rows: Range<Int>, groupIds: UnsafePointer<UInt32>) throws(StrataError) {
        guard let column = arguments.first else { throw StrataError(.internal, "sum without an argument") }
        try counts.withUnsafeMutableBufferPointer { (c) throws(StrataError) in
            if case let .int128(values) = column.data {
                var overflow = false
                exact.withUnsafeMutableBufferPointer { s in
                    NumericInput.forEachWide(values, validity: column.validity, rows: rows, groupIds: groupIds) { g, v in
                        let (total, o) = s[g].addingReportingOverflow(v)
                        s[g] = total
                        overflow = overflow || o
                        c[g] &+= 1
                    }
                }
                overflowed = overflowed || overflow
            } else if integer {
                try exact.withUnsafeMutableBufferPointer { (s) throws(StrataError) in
                    try NumericInput.forEachInteger(column, rows: rows, groupIds: groupIds) { g, v in
                        s[g] &+= Int128(v)
                        c[g] &+= 1
                    }
                }
            } else {
                try real.withUnsafeMutableBufferPointer { (s) throws(StrataError) in
                    try NumericInput.forEachDouble(column, rows: rows, groupIds: groupIds) { g, v in
                        s[g] += v
                        c[g] &+= 1
                    }
                }
            }
        }
    }

    func states(_ groups: [Int]?) -> [Column] {
        let count = Column(unchecked: .int64, data: .int64(StateArray.gather(counts, groups)), validity: nil)
        if integer {
            let totals = StateArray.gather(exact, groups)
            let high = totals.map { Int64(truncatingIfNeeded: $0 >> 64) }
            let low = totals.map { Int64(bitPattern: UInt64(truncatingIfNeeded: $0)) }
            return [Column(unchecked: .int64, data: .int64(high), validity: nil),
                    Column(unchecked: .int64, data: .int64(low), validity: nil), count]
        }
        return [Column(unchecked: .double, data: .double(StateArray.gather(real, groups)), validity: nil), count]
    }

    func merge(states: ArraySlice<Column>, rows: Range<Int>, groupIds: UnsafePointer<UInt32>) throws(StrataError) {
        let columns = Array(states)
        guard columns.count == stateTypes.count else { throw StrataError(.corrupt, "sum state has wrong shape") }
        let incomingCounts = try int64Values(columns[columns.count - 1])
        if integer {
            let high = try int64Values(columns[0]), low = try int64Values(columns[1])
            var i = 0
            for r in rows {
                let g = Int(groupIds[i])
                let (total, o) = exact[g].addingReportingOverflow((Int128(high[r]) << 64) | Int128(UInt64(bitPattern: low[r])))
                exact[g] = total
                overflowed = overflowed || o
                counts[g] &+= incomingCounts[r]
                i += 1
            }
        } else {
            let sums = try doubleValues(columns[0])
            var i = 0
            for r in rows {
                let g = Int(groupIds[i])
                real[g] += sums[r]
                counts[g] &+= incomingCounts[r]
                i += 1
            }
        }
    }

    func finalize(groups: Int) throws(StrataError) -> Column {
        resize(groups: groups)
        let valid = counts.prefix(groups).map { $0 > 0 }
        if overflowed {
            throw StrataError(.invalidData, "Overflow in sum(\(name)): the total exceeds 128 bits")
        }
        if average {
            let divisor = decimalScale.map { DecimalMath.doublePowers[$0] } ?? 1
            let values: [Double] = (0..<groups).map { g in
                guard counts[g] > 0 else { return 0 }
                return integer ? Double(exact[g]) / Double(counts[g]) / divisor : real[g] / Double(counts[g])
            }
            return makeColumn(.double, .double(values), valid: valid)
        }
        if decimalScale != nil {
            let totals = Array(exact.prefix(groups))
            for g in 0..<groups where counts[g] > 0 && !DecimalMath.fits(totals[g], precision: 38) {
                throw StrataError(.invalidData, "Overflow in sum(\(name)): the total exceeds DECIMAL(38)")
            }
            return makeColumn(resultType, .int128(totals), valid: valid)
        }
        if !integer { return makeColumn(.double, .double(Array(real.prefix(groups))), valid: valid) }
        var values = [Int64](repeating: 0, count: groups)
        for g in 0..<groups where counts[g] > 0 {
            guard let value = Int64(exactly: exact[g]) else {
                throw StrataError(.invalidData, "sum(\(name)) = \(exact[g]) does not fit int64; cast the argument to double to sum it approximately")
            }
            values[g] = value
        }
        return makeColumn(.int64, .int64(values), valid: valid)
    }

    func reset() {
        overflowed = false
        exact = []
        real = []
        counts = []
    }
}
