import StrataCore

// CAST to and from DECIMAL, as DuckDB does it.
//
// 1. Every conversion goes through the value's units as `Int128`: integers are scaled up by 10^scale, decimals
//    rescaled (rounding half away from zero when the scale shrinks), doubles scaled and rounded half away from
//    zero, text parsed exactly (rounding half away from zero past the scale).
// 2. The result must fit the target precision (or the integer type); a row that does not is the cast's error.
// 3. Decimal to double divides the units by 10^scale; to integers it rounds half away from zero; to text it
//    prints exactly `scale` digits after the point.

/// CAST kernels with a decimal on either side.
enum DecimalCast {
    /// Whether CAST between `from` and `to` exists, one of them a decimal.
    static func isSupported(from: DataType, to: DataType) -> Bool {
        let others: Set<DataType> = [.int32, .int64, .float, .double, .string, .bool]
        if from.isDecimal { return to.isDecimal || others.contains(to) }
        return to.isDecimal && others.contains(from) && from != .bool
    }

    /// Evaluates the cast of `input` to `to` (one of them a decimal); returns the first failing row.
    static func evaluate(_ input: Vector, to: DataType) throws(StrataError) -> (Vector, Int?) {
        let rows = input.column.count, words = input.words, constant = input.isConstant
        func finish<T: ColumnElement>(_ out: KernelOutput<T>) -> (Vector, Int?) {
            (out.vector(to, constant: constant), out.failedRow)
        }
        if case let .decimal(precision, scale) = to {
            let target = Target(precision: Int(precision), scale: Int(scale))
            func toUnits<Op: UnaryOperation>(_ op: Op, _ x: Operand<Op.Input>) -> (Vector, Int?)
                where Op.Output == Int128
            {
                narrowed(mapValues(op, x, count: rows, words: words))
            }
            func narrowed(_ out: KernelOutput<Int128>) -> (Vector, Int?) {
                if to.isWideDecimal { return finish(out) }
                // Units that fit 18 digits fit Int64.
                return finish(KernelOutput(values: out.values.map { Int64(truncatingIfNeeded: $0) }, words: out.words,
                                           failedRow: out.failedRow))
            }
            switch input.type {
            case .int32 where !to.isWideDecimal && target.precision - target.scale >= 10:
                // Every int32 fits: one 64-bit multiplication.
                let factor = Int64(truncatingIfNeeded: DecimalMath.power(target.scale))
                return finish(mapValues(WidenInt32(factor: factor), try input.operand(Int32.self), count: rows,
                                        words: words))
            case .int32: return toUnits(IntegerToDecimal<Int32>(target: target), try input.operand(Int32.self))
            case .int64: return toUnits(IntegerToDecimal<Int64>(target: target), try input.operand(Int64.self))
            case .float: return toUnits(RealToDecimal<Float>(target: target), try input.operand(Float.self))
            case .double: return toUnits(RealToDecimal<Double>(target: target), try input.operand(Double.self))
            case .string:
                return narrowed(mapStrings(ParseDecimal(target: target), try input.stringOperand(), count: rows,
                                           words: words))
            case let .decimal(_, from) where input.type.isWideDecimal:
                return toUnits(Rescale<Int128>(from: Int(from), target: target), try input.operand(Int128.self))
            case let .decimal(_, from) where !to.isWideDecimal && Int(from) <= target.scale:
                // Narrow to narrow, scale kept or grown: 64-bit arithmetic, no 128-bit pass.
                let factor = Int64(truncatingIfNeeded: DecimalMath.power(target.scale - Int(from)))
                let bound = Int64(truncatingIfNeeded: DecimalMath.power(target.precision))
                return finish(mapValues(NarrowRescale(factor: factor, bound: bound), try input.operand(Int64.self),
                                        count: rows, words: words))
            case let .decimal(_, from):
                return toUnits(Rescale<Int64>(from: Int(from), target: target), try input.operand(Int64.self))
            default:
                throw StrataError(.internal, "no cast from \(input.type) to \(to)")
            }
        }
        guard case let .decimal(_, scale) = input.type else {
            throw StrataError(.internal, "no cast from \(input.type) to \(to)")
        }
        let units: Operand<Int128>
        if input.type.isWideDecimal {
            units = try input.operand(Int128.self)
        } else {
            switch try input.operand(Int64.self) {
            case let .scalar(v): units = .scalar(Int128(v))
            case let .array(v): units = .array(v.map { Int128($0) })
            }
        }
        let s = Int(scale)
        switch to {
        case .double: return finish(mapValues(DecimalToReal<Double>(scale: s), units, count: rows, words: words))
        case .float: return finish(mapValues(DecimalToReal<Float>(scale: s), units, count: rows, words: words))
        case .int32: return finish(mapValues(DecimalToInteger<Int32>(scale: s), units, count: rows, words: words))
        case .int64: return finish(mapValues(DecimalToInteger<Int64>(scale: s), units, count: rows, words: words))
        case .bool: return finish(mapValues(DecimalToBool(), units, count: rows, words: words))
        default: throw StrataError(.internal, "no cast from \(input.type) to \(to)")
        }
    }
}

/// The precision and scale a value is cast to.
struct Target {
    let precision: Int
    let scale: Int
}

private struct IntegerToDecimal<From: FixedWidthInteger>: UnaryOperation {
    let target: Target
    @inline(__always) func apply(_ x: From) -> (Int128, RowStatus) {
        let (units, overflow) = Int128(x).multipliedReportingOverflow(by: DecimalMath.power(target.scale))
        guard !overflow, DecimalMath.fits(units, precision: target.precision) else { return (0, .error) }
        return (units, .ok)
    }
}

private struct RealToDecimal<From: BinaryFloatingPoint>: UnaryOperation {
    let target: Target
    @inline(__always) func apply(_ x: From) -> (Int128, RowStatus) {
        guard let units = DecimalMath.fromDouble(Double(x), precision: target.precision, scale: target.scale) else {
            return (0, .error)
        }
        return (units, .ok)
    }
}

private struct ParseDecimal: UnaryOperation {
    let target: Target
    func apply(_ text: UnsafeRawBufferPointer) -> (Int128, RowStatus) {
        guard let units = DecimalMath.parse(text, precision: target.precision, scale: target.scale) else {
            return (0, .error)
        }
        return (units, .ok)
    }
}

private struct Rescale<From: FixedWidthInteger>: UnaryOperation {
    let from: Int
    let target: Target
    @inline(__always) func apply(_ x: From) -> (Int128, RowStatus) {
        guard let units = DecimalMath.rescale(Int128(x), from: from, to: target.scale),
              DecimalMath.fits(units, precision: target.precision) else { return (0, .error) }
        return (units, .ok)
    }
}

/// Narrow units scaled up by `factor`, checked against `bound` (10^precision).
private struct NarrowRescale: UnaryOperation {
    let factor: Int64
    let bound: Int64
    @inline(__always) func apply(_ x: Int64) -> (Int64, RowStatus) {
        let (units, overflow) = x.multipliedReportingOverflow(by: factor)
        return overflow || units >= bound || units <= -bound ? (0, .error) : (units, .ok)
    }
}

/// An int32 as narrow units (the target has at least 10 integer digits, so it always fits).
private struct WidenInt32: UnaryOperation {
    let factor: Int64
    @inline(__always) func apply(_ x: Int32) -> (Int64, RowStatus) { (Int64(x) &* factor, .ok) }
}

private struct DecimalToReal<To: BinaryFloatingPoint>: UnaryOperation {
    let scale: Int
    @inline(__always) func apply(_ x: Int128) -> (To, RowStatus) { (To(DecimalMath.toDouble(x, scale: scale)), .ok) }
}

private struct DecimalToInteger<To: FixedWidthInteger>: UnaryOperation {
    let scale: Int
    @inline(__always) func apply(_ x: Int128) -> (To, RowStatus) {
        let rounded = scale == 0 ? x : DecimalMath.divideRounding(x, DecimalMath.power(scale))
        guard let value = To(exactly: rounded) else { return (0, .error) }
        return (value, .ok)
    }
}

private struct DecimalToBool: UnaryOperation {
    @inline(__always) func apply(_ x: Int128) -> (Bool, RowStatus) { (x != 0, .ok) }
}
