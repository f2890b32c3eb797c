import StrataCore

// Arithmetic kernels.
//
// 1. At bind time the operand types pick a plan: int32 (both int32), int64 (any other integer mix), double (any
//    float/double operand, and `/` always), date shift (date ± int32 → date) or date difference (→ int64 days).
// 2. At evaluation the operands are read as the plan's element type (a constant stays a scalar; the narrower
//    integer column of a mixed pair is widened once), and one generic loop per operator runs over them.
// 3. Integer operations use the overflow-reporting primitives; an overflow on a valid row throws. As in DuckDB 2.0,
//    Decimals (`DecimalRules`) run the integer kernels on their units and check the result's precision.
//    `/` is real division with IEEE results (`1 / 0` is infinity, `0 / 0` NaN), while modulo and `//` (integer
//    division) by zero throw "Division by zero"; `x % -1` is 0 (no overflow for the minimum value).

/// An arithmetic operator with its integer and floating-point element functions.
protocol ArithmeticOperator {
    static func integer<T: FixedWidthInteger>(_ a: T, _ b: T) -> (T, RowStatus)
    static func real(_ a: Double, _ b: Double) -> (Double, RowStatus)
}

enum AddOperator: ArithmeticOperator {
    @inline(__always) static func integer<T: FixedWidthInteger>(_ a: T, _ b: T) -> (T, RowStatus) {
        let (r, o) = a.addingReportingOverflow(b)
        return (r, o ? .error : .ok)
    }
    @inline(__always) static func real(_ a: Double, _ b: Double) -> (Double, RowStatus) { (a + b, .ok) }
}

enum SubtractOperator: ArithmeticOperator {
    @inline(__always) static func integer<T: FixedWidthInteger>(_ a: T, _ b: T) -> (T, RowStatus) {
        let (r, o) = a.subtractingReportingOverflow(b)
        return (r, o ? .error : .ok)
    }
    @inline(__always) static func real(_ a: Double, _ b: Double) -> (Double, RowStatus) { (a - b, .ok) }
}

enum MultiplyOperator: ArithmeticOperator {
    @inline(__always) static func integer<T: FixedWidthInteger>(_ a: T, _ b: T) -> (T, RowStatus) {
        let (r, o) = a.multipliedReportingOverflow(by: b)
        return (r, o ? .error : .ok)
    }
    @inline(__always) static func real(_ a: Double, _ b: Double) -> (Double, RowStatus) { (a * b, .ok) }
}

enum ModuloOperator: ArithmeticOperator {
    @inline(__always) static func integer<T: FixedWidthInteger>(_ a: T, _ b: T) -> (T, RowStatus) {
        if b == 0 { return (0, .error) }
        if b == -1 { return (0, .ok) }
        return (a % b, .ok)
    }
    @inline(__always) static func real(_ a: Double, _ b: Double) -> (Double, RowStatus) {
        b == 0 ? (0, .error) : (a.truncatingRemainder(dividingBy: b), .ok)
    }
}

enum DivideOperator: ArithmeticOperator {
    // Never planned for integers (`/` is real division); kept total for the protocol.
    @inline(__always) static func integer<T: FixedWidthInteger>(_ a: T, _ b: T) -> (T, RowStatus) {
        b == 0 || b == -1 ? (0, .null) : (a / b, .ok)
    }
    @inline(__always) static func real(_ a: Double, _ b: Double) -> (Double, RowStatus) { (a / b, .ok) }
}

enum IntegerDivideOperator: ArithmeticOperator {
    @inline(__always) static func integer<T: FixedWidthInteger>(_ a: T, _ b: T) -> (T, RowStatus) {
        if b == 0 { return (0, .error) }
        let (r, o) = a.dividedReportingOverflow(by: b)
        return (r, o ? .error : .ok)
    }
    @inline(__always) static func real(_ a: Double, _ b: Double) -> (Double, RowStatus) {
        b == 0 ? (0, .error) : (a / b, .ok)
    }
}

/// `a op b` on integers of type `T`.
struct IntegerArithmetic<T: FixedWidthInteger, Op: ArithmeticOperator>: PairOperation {
    @inline(__always) func apply(_ a: T, _ b: T) -> (T, RowStatus) { Op.integer(a, b) }
}

/// `a op b` on doubles.
struct RealArithmetic<Op: ArithmeticOperator>: PairOperation {
    @inline(__always) func apply(_ a: Double, _ b: Double) -> (Double, RowStatus) { Op.real(a, b) }
}

/// How a bound arithmetic expression computes.
enum ArithmeticPlan: Sendable {
    case int32, int64, double
    /// date ± int32 (or int32 + date when `dateOnLeft` is false) → date.
    case dateShift(dateOnLeft: Bool)
    /// date - date → int64 days.
    case dateDifference
    /// Decimal units (operands already cast by the binder, see `DecimalRules`): integer arithmetic on `Int64`
    /// units (or `Int128` when `wide`), each result checked against `precision` digits.
    case decimal(wide: Bool, precision: Int)

    /// The plan and result type for `op` over `left` and `right`, or `nil` when the types do not fit.
    static func plan(_ op: Expr.BinaryOperator, _ left: DataType, _ right: DataType) -> (ArithmeticPlan, DataType)? {
        let integers: Set<DataType> = [.int32, .int64]
        let numbers: Set<DataType> = [.int32, .int64, .float, .double]
        switch (left, right) {
        case (.date, .int32) where op == .add || op == .subtract: return (.dateShift(dateOnLeft: true), .date)
        case (.int32, .date) where op == .add: return (.dateShift(dateOnLeft: false), .date)
        case (.date, .date) where op == .subtract: return (.dateDifference, .int64)
        default: break
        }
        guard numbers.contains(left), numbers.contains(right) else { return nil }
        if op == .divide || !integers.contains(left) || !integers.contains(right) { return (.double, .double) }
        return left == .int32 && right == .int32 ? (.int32, .int32) : (.int64, .int64)
    }
}

/// Evaluates `left op right` under `plan`; `text` names the expression in errors.
func evaluateArithmetic(_ op: Expr.BinaryOperator, _ plan: ArithmeticPlan, _ left: Vector, _ right: Vector,
                        count: Int, type: DataType, text: String) throws(StrataError) -> Vector {
    if left.isNullConstant || right.isNullConstant { return .null(type) }
    let constant = left.isConstant && right.isConstant
    let rows = constant ? 1 : count
    let words = Vector.combinedWords([left, right])
    switch plan {
    case .int32, .dateShift:
        let (a, b) = (try left.operand(Int32.self), try right.operand(Int32.self))
        let out = integerKernel(op, Int32.self, a, b, rows: rows, words: words)
        if let row = out.failedRow {
            if dividesByZero(op, b, row) { throw divisionByZero(text) }
            throw StrataError(.invalidData, type == .date ? "date out of range in \(text)" : "integer overflow in \(text)")
        }
        return out.vector(type, constant: constant)
    case .int64, .dateDifference:
        let (a, b) = (try left.int64Operand(), try right.int64Operand())
        let out = integerKernel(op, Int64.self, a, b, rows: rows, words: words)
        if let row = out.failedRow {
            if dividesByZero(op, b, row) { throw divisionByZero(text) }
            throw StrataError(.invalidData, "integer overflow in \(text)")
        }
        return out.vector(type, constant: constant)
    case let .decimal(wide, precision):
        func check<T: FixedWidthInteger & SignedInteger & ColumnElement>(_ out: KernelOutput<T>, _ b: Operand<T>) throws(StrataError) -> Vector {
            if let row = out.failedRow {
                if dividesByZero(op, b, row) { throw divisionByZero(text) }
                throw StrataError(.invalidData, "Overflow in \(operationName(op)) of \(type) in \(text)")
            }
            // The precision check on valid rows (an integer result within the storage may still exceed it): a
            // branch-free scan for a value at or beyond 10^precision, rows then looked at only when one is found.
            let bound = T(truncatingIfNeeded: DecimalMath.power(min(precision, T.bitWidth == 64 ? 18 : 38)))
            var beyond = false
            out.values.withUnsafeBufferPointer { v in
                for value in v { beyond = beyond || value >= bound || value <= -bound }
            }
            if beyond {
                for (row, value) in out.values.enumerated() where value >= bound || value <= -bound {
                    if let words = out.words, (words[row >> 6] >> UInt64(row & 63)) & 1 == 0 { continue }
                    throw StrataError(.invalidData, "Overflow in \(operationName(op)) of \(type) in \(text)")
                }
            }
            return out.vector(type, constant: constant)
        }
        if wide {
            let (a, b) = (try left.operand(Int128.self), try right.operand(Int128.self))
            return try check(integerKernel(op, Int128.self, a, b, rows: rows, words: words), b)
        }
        let (a, b) = (try left.operand(Int64.self), try right.operand(Int64.self))
        return try check(integerKernel(op, Int64.self, a, b, rows: rows, words: words), b)
    case .double:
        let (a, b) = (try left.doubleOperand(), try right.doubleOperand())
        let out: KernelOutput<Double>
        switch op {
        case .add: out = mapPairs(RealArithmetic<AddOperator>(), a, b, count: rows, words: words)
        case .subtract: out = mapPairs(RealArithmetic<SubtractOperator>(), a, b, count: rows, words: words)
        case .multiply: out = mapPairs(RealArithmetic<MultiplyOperator>(), a, b, count: rows, words: words)
        case .divide: out = mapPairs(RealArithmetic<DivideOperator>(), a, b, count: rows, words: words)
        case .integerDivide: out = mapPairs(RealArithmetic<IntegerDivideOperator>(), a, b, count: rows, words: words)
        default: out = mapPairs(RealArithmetic<ModuloOperator>(), a, b, count: rows, words: words)
        }
        if out.failedRow != nil { throw divisionByZero(text) }
        return out.vector(.double, constant: constant)
    }
}

/// The operation's name in overflow errors, as DuckDB words them.
private func operationName(_ op: Expr.BinaryOperator) -> String {
    switch op {
    case .add: "addition"
    case .subtract: "subtraction"
    case .multiply: "multiplication"
    default: "modulo"
    }
}

/// Whether row `row` of `op` failed for a zero divisor.
private func dividesByZero<T: FixedWidthInteger>(_ op: Expr.BinaryOperator, _ divisor: Operand<T>, _ row: Int) -> Bool {
    guard op == .modulo || op == .integerDivide else { return false }
    switch divisor {
    case let .scalar(value): return value == 0
    case let .array(values): return values.indices.contains(row) && values[row] == 0
    }
}

/// DuckDB's error for a modulo or integer division by zero.
private func divisionByZero(_ text: String) -> StrataError {
    StrataError(.invalidData, "Division by zero in expression \(text)")
}

private func integerKernel<T: FixedWidthInteger>(
    _ op: Expr.BinaryOperator, _: T.Type, _ a: Operand<T>, _ b: Operand<T>, rows: Int, words: [UInt64]?
) -> KernelOutput<T> {
    switch op {
    case .add: mapPairs(IntegerArithmetic<T, AddOperator>(), a, b, count: rows, words: words)
    case .subtract: mapPairs(IntegerArithmetic<T, SubtractOperator>(), a, b, count: rows, words: words)
    case .multiply: mapPairs(IntegerArithmetic<T, MultiplyOperator>(), a, b, count: rows, words: words)
    case .divide: mapPairs(IntegerArithmetic<T, DivideOperator>(), a, b, count: rows, words: words)
    case .integerDivide: mapPairs(IntegerArithmetic<T, IntegerDivideOperator>(), a, b, count: rows, words: words)
    default: mapPairs(IntegerArithmetic<T, ModuloOperator>(), a, b, count: rows, words: words)
    }
}

/// Arithmetic negation of one integer or floating-point value.
struct Negation<T: SignedNumeric & Comparable>: UnaryOperation {
    let minimum: T?
    @inline(__always) func apply(_ x: T) -> (T, RowStatus) {
        if let minimum, x == minimum { return (x, .error) }
        return (-x, .ok)
    }
}

/// Evaluates `-operand`.
func evaluateNegation(_ operand: Vector, text: String) throws(StrataError) -> Vector {
    if operand.isNullConstant { return operand }
    let rows = operand.column.count, words = operand.words, constant = operand.isConstant
    switch operand.type {
    case .int32:
        let out = mapValues(Negation<Int32>(minimum: .min), try operand.operand(Int32.self), count: rows, words: words)
        if out.failedRow != nil { throw StrataError(.invalidData, "integer overflow in \(text)") }
        return out.vector(.int32, constant: constant)
    case .int64:
        let out = mapValues(Negation<Int64>(minimum: .min), try operand.operand(Int64.self), count: rows, words: words)
        if out.failedRow != nil { throw StrataError(.invalidData, "integer overflow in \(text)") }
        return out.vector(.int64, constant: constant)
    case .float:
        return mapValues(Negation<Float>(minimum: nil), try operand.operand(Float.self), count: rows, words: words)
            .vector(.float, constant: constant)
    case .decimal where operand.type.isWideDecimal:
        return mapValues(Negation<Int128>(minimum: nil), try operand.operand(Int128.self), count: rows, words: words)
            .vector(operand.type, constant: constant)
    case .decimal:
        return mapValues(Negation<Int64>(minimum: nil), try operand.operand(Int64.self), count: rows, words: words)
            .vector(operand.type, constant: constant)
    default:
        return mapValues(Negation<Double>(minimum: nil), try operand.operand(Double.self), count: rows, words: words)
            .vector(.double, constant: constant)
    }
}
