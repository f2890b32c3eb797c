import StrataCore

// Column statistics for the writer (Parquet TYPE_ORDER semantics).
//
// Algorithm:
// 1. Null rows (per the validity mask) only increment the null count.
// 2. Integers (INT32, DATE, INT64, TIMESTAMP) compare signed; booleans false < true.
// 3. FLOAT/DOUBLE: NaN is counted and otherwise ignored; if every non-null value is NaN there is no min/max. On
//    output a zero min becomes -0.0 and a zero max becomes +0.0.
// 4. Strings compare as unsigned bytes, then length. Each update finds the min/max row of its range in place and
//    copies at most two values into the accumulator.
// 5. Bounds are returned PLAIN encoded without a length prefix (INT32/FLOAT 4 bytes LE, INT64/DOUBLE 8 bytes LE,
//    BOOLEAN 1 byte, strings raw bytes). Accumulators of page ranges merge into chunk statistics.

/// Statistics of a page or column chunk: PLAIN-encoded bounds (no length prefix), null and NaN counts.
package struct ColumnStatistics: Sendable, Hashable {
    /// PLAIN-encoded minimum, `nil` when there is no non-null (non-NaN) value.
    package var min: [UInt8]?
    /// PLAIN-encoded maximum, `nil` when there is no non-null (non-NaN) value.
    package var max: [UInt8]?
    /// Number of null rows.
    package var nullCount: Int
    /// Number of NaN values (FLOAT/DOUBLE only; `nil` for other types).
    package var nanCount: Int?
}

/// Accumulates min/max, null count and NaN count over column ranges with Parquet semantics.
package struct StatisticsAccumulator: Sendable {
    /// The column type.
    package let type: DataType
    /// Null rows seen.
    package private(set) var nullCount = 0
    /// NaN values seen (floating-point columns).
    package private(set) var nanCount = 0
    private var intMin: Int64 = .max
    private var intMax: Int64 = .min
    private var realMin: Double = .infinity
    private var realMax: Double = -.infinity
    private var stringMin: [UInt8] = []
    private var stringMax: [UInt8] = []
    private var hasBounds = false

    /// Creates an empty accumulator for a column of `type`.
    package init(type: DataType) {
        self.type = type
    }

    /// Statistics of rows `range` of one buffer.
    package static func compute(type: DataType, data: ColumnData, validity: ValidityMask?,
                                range: Range<Int>) throws(StrataError) -> ColumnStatistics {
        var accumulator = StatisticsAccumulator(type: type)
        try accumulator.update(data, validity: validity, range: range)
        return accumulator.statistics
    }

    /// Adds rows `range` of `data`; throws `.internal` when the buffer does not fit the type or range.
    package mutating func update(_ data: ColumnData, validity: ValidityMask?, range: Range<Int>)
        throws(StrataError) {
        guard data.matches(type), range.lowerBound >= 0, range.upperBound <= data.count,
              validity.map({ $0.count == data.count }) ?? true else {
            throw StrataError(.internal, "statistics input does not match a \(type) column of \(data.count) rows")
        }
        switch data {
        case let .bool(v):
            for i in range {
                guard validity?.isValid(i) ?? true else { nullCount += 1; continue }
                let x: Int64 = v[i] ? 1 : 0
                intMin = Swift.min(intMin, x)
                intMax = Swift.max(intMax, x)
                hasBounds = true
            }
        case let .int32(v):
            v.withUnsafeBufferPointer { v in updateIntegers(range, validity) { Int64(v[$0]) } }
        case let .int64(v):
            v.withUnsafeBufferPointer { v in updateIntegers(range, validity) { v[$0] } }
        case let .float(v):
            v.withUnsafeBufferPointer { v in updateReals(range, validity) { Double(v[$0]) } }
        case let .double(v):
            v.withUnsafeBufferPointer { v in updateReals(range, validity) { v[$0] } }
        case let .string(v):
            updateStrings(v, range, validity)
        case let .int128(v):
            // Wide decimals carry no bounds (optional in Parquet); only the null count.
            for i in range where !(validity?.isValid(i) ?? true) { nullCount += 1 }
            _ = v
        }
    }

    /// Folds another accumulator of the same type into this one.
    package mutating func merge(_ other: StatisticsAccumulator) {
        nullCount += other.nullCount
        nanCount += other.nanCount
        guard other.hasBounds else { return }
        intMin = Swift.min(intMin, other.intMin)
        intMax = Swift.max(intMax, other.intMax)
        realMin = Swift.min(realMin, other.realMin)
        realMax = Swift.max(realMax, other.realMax)
        if type.storage == .string {
            let minLess = stringMin.withUnsafeBytes { a in
                other.stringMin.withUnsafeBytes { b in ByteComparison.compare(b, a) < 0 }
            }
            if !hasBounds || minLess { stringMin = other.stringMin }
            let maxMore = stringMax.withUnsafeBytes { a in
                other.stringMax.withUnsafeBytes { b in ByteComparison.compare(b, a) > 0 }
            }
            if !hasBounds || maxMore { stringMax = other.stringMax }
        }
        hasBounds = true
    }

    /// The statistics so far, with PLAIN-encoded bounds.
    package var statistics: ColumnStatistics {
        var result = ColumnStatistics(min: nil, max: nil, nullCount: nullCount,
                                      nanCount: type == .float || type == .double ? nanCount : nil)
        guard hasBounds else { return result }
        switch type {
        case .bool:
            result.min = [UInt8(truncatingIfNeeded: intMin)]
            result.max = [UInt8(truncatingIfNeeded: intMax)]
        case .int32, .date:
            result.min = Self.littleEndianBytes(Int32(truncatingIfNeeded: intMin))
            result.max = Self.littleEndianBytes(Int32(truncatingIfNeeded: intMax))
        case .int64, .timestamp, .timestampNanos, .time:
            result.min = Self.littleEndianBytes(intMin)
            result.max = Self.littleEndianBytes(intMax)
        case .decimal:
            guard !type.isWideDecimal else { break }
            result.min = Self.littleEndianBytes(intMin)
            result.max = Self.littleEndianBytes(intMax)
        case .float:
            result.min = Self.littleEndianBytes(Float(realMin == 0 ? -0.0 : realMin).bitPattern)
            result.max = Self.littleEndianBytes(Float(realMax == 0 ? 0.0 : realMax).bitPattern)
        case .double:
            result.min = Self.littleEndianBytes((realMin == 0 ? -0.0 : realMin).bitPattern)
            result.max = Self.littleEndianBytes((realMax == 0 ? 0.0 : realMax).bitPattern)
        case .string, .blob:
            result.min = stringMin
            result.max = stringMax
        }
        return result
    }

    private static func littleEndianBytes<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
        withUnsafeBytes(of: value.littleEndian) { Array($0) }
    }

    @inline(__always)
    private mutating func updateIntegers(_ range: Range<Int>, _ validity: ValidityMask?, _ value: (Int) -> Int64) {
        var lo = intMin, hi = intMax, nulls = 0
        if let validity {
            for i in range {
                guard validity.isValid(i) else { nulls += 1; continue }
                let x = value(i)
                lo = Swift.min(lo, x)
                hi = Swift.max(hi, x)
            }
        } else {
            // No nulls: a branch-free loop the compiler vectorizes.
            for i in range {
                let x = value(i)
                lo = Swift.min(lo, x)
                hi = Swift.max(hi, x)
            }
        }
        if range.count > nulls { hasBounds = true }
        intMin = lo
        intMax = hi
        nullCount += nulls
    }

    @inline(__always)
    private mutating func updateReals(_ range: Range<Int>, _ validity: ValidityMask?, _ value: (Int) -> Double) {
        var lo = realMin, hi = realMax, nulls = 0, nans = 0
        if let validity {
            for i in range {
                guard validity.isValid(i) else { nulls += 1; continue }
                let x = value(i)
                if x.isNaN { nans += 1; continue }
                lo = Swift.min(lo, x)
                hi = Swift.max(hi, x)
            }
        } else {
            for i in range {
                let x = value(i)
                if x.isNaN { nans += 1; continue }
                lo = Swift.min(lo, x)
                hi = Swift.max(hi, x)
            }
        }
        if range.count > nulls + nans { hasBounds = true }
        realMin = lo
        realMax = hi
        nullCount += nulls
        nanCount += nans
    }

    private mutating func updateStrings(_ values: StringBuffer, _ range: Range<Int>, _ validity: ValidityMask?) {
        var minRow = -1, maxRow = -1, nulls = 0
        values.bytes.withUnsafeBytes { bytes in
            func value(_ i: Int) -> UnsafeRawBufferPointer { UnsafeRawBufferPointer(rebasing: bytes[values.range(i)]) }
            for i in range {
                guard validity?.isValid(i) ?? true else { nulls += 1; continue }
                if minRow < 0 {
                    minRow = i
                    maxRow = i
                    continue
                }
                let v = value(i)
                if ByteComparison.compare(v, value(minRow)) < 0 { minRow = i }
                if ByteComparison.compare(v, value(maxRow)) > 0 { maxRow = i }
            }
            guard minRow >= 0 else { return }
            let candidateMin = value(minRow), candidateMax = value(maxRow)
            let lower = stringMin.withUnsafeBytes { ByteComparison.compare(candidateMin, $0) < 0 }
            if !hasBounds || lower { stringMin = Array(candidateMin) }
            let higher = stringMax.withUnsafeBytes { ByteComparison.compare(candidateMax, $0) > 0 }
            if !hasBounds || higher { stringMax = Array(candidateMax) }
            hasBounds = true
        }
        nullCount += nulls
    }
}
