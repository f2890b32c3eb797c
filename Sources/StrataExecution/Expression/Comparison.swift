#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import StrataCore

// Comparison kernels.
//
// 1. At bind time the operand types pick a plan (see `ComparisonPlan.plan`); a string literal opposite a typed
//    operand has already been cast to that type by the binder.
// 2. An `Order` maps a pair of elements to -1, 0 or 1. The operator is a 3-bit mask (bit 0 less, bit 1 equal,
//    bit 2 greater), so one specialised loop per order serves all six operators without branching on the operator.
// 3. Doubles order like DuckDB: NaN equals NaN and is greater than every other value; -0.0 equals 0.0. Integers
//    against doubles compare exactly: via `Double` when the integer's magnitude is below 2^53, otherwise by
//    comparing the integer with the double's integral part and then its fraction.
// 4. A date against a timestamp compares the date's midnight (days × 86 400 000 000 µs, saturated to the Int64
//    range); strings compare by UTF-8 bytes (memcmp, then length); false < true.

/// A total order between two element types: -1, 0 or 1.
protocol Order {
    associatedtype Left
    associatedtype Right
    static func compare(_ a: Left, _ b: Right) -> Int
}

/// The natural order of integers.
enum IntegerOrder<T: FixedWidthInteger>: Order {
    @inline(__always) static func compare(_ a: T, _ b: T) -> Int { a < b ? -1 : (a == b ? 0 : 1) }
}

/// DuckDB's order of doubles: NaN is the largest value and equals itself.
enum RealOrder: Order {
    @inline(__always) static func compare(_ a: Double, _ b: Double) -> Int {
        if a < b { return -1 }
        if a > b { return 1 }
        if a == b { return 0 }
        return a.isNaN ? (b.isNaN ? 0 : 1) : -1
    }
}

/// An integer against a double, exactly.
enum IntegerRealOrder: Order {
    @inline(__always) static func compare(_ a: Int64, _ b: Double) -> Int {
        if a.magnitude < 1 << 53 { return RealOrder.compare(Double(a), b) }
        if b.isNaN { return -1 }
        if b >= 0x1p63 { return -1 }
        if b < -0x1p63 { return 1 }
        let whole = b.rounded(.down)
        let integral = Int64(whole)
        if a != integral { return a < integral ? -1 : 1 }
        return b > whole ? -1 : 0
    }
}

/// A double against an integer, exactly.
enum RealIntegerOrder: Order {
    @inline(__always) static func compare(_ a: Double, _ b: Int64) -> Int { -IntegerRealOrder.compare(b, a) }
}

/// false < true.
enum BoolOrder: Order {
    @inline(__always) static func compare(_ a: Bool, _ b: Bool) -> Int { a == b ? 0 : (a ? 1 : -1) }
}

/// Byte-wise order of UTF-8 strings (which is code point order).
enum BytesOrder: Order {
    @inline(__always) static func compare(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Int {
        let common = min(a.count, b.count)
        if common > 0, let pa = a.baseAddress, let pb = b.baseAddress {
            let c = memcmp(pa, pb, common)
            if c != 0 { return c < 0 ? -1 : 1 }
        }
        return a.count < b.count ? -1 : (a.count == b.count ? 0 : 1)
    }
}

/// A comparison under `O`: true when the ordering's bit is set in `mask`.
struct Comparison<O: Order>: PairOperation {
    let mask: Int
    @inline(__always) func apply(_ a: O.Left, _ b: O.Right) -> (Bool, RowStatus) {
        ((mask &>> (O.compare(a, b) &+ 1)) & 1 == 1, .ok)
    }
}

extension Expr.BinaryOperator {
    /// The ordering mask of a comparison operator (bit 0 less, bit 1 equal, bit 2 greater); `nil` for others.
    var comparisonMask: Int? {
        switch self {
        case .equal: 0b010
        case .notEqual: 0b101
        case .less: 0b001
        case .lessOrEqual: 0b011
        case .greater: 0b100
        case .greaterOrEqual: 0b110
        default: nil
        }
    }
}

/// How a bound comparison reads its operands.
enum ComparisonPlan: Sendable, Equatable {
    /// Both int32, or both date.
    case int32
    /// Integers of mixed or 64-bit width, timestamps, or a date against a timestamp (dates become midnights).
    case int64
    /// Both floating point.
    case double
    /// Integer on the left, floating point on the right (or the reverse).
    case integerReal, realInteger
    case bool, string
    /// Decimals of one type above 18 digits (narrower decimals of one type compare as `int64`).
    case int128

    /// The plan for comparing `left` with `right`, or `nil` when they are not comparable.
    static func plan(_ left: DataType, _ right: DataType) -> ComparisonPlan? {
        let integers: Set<DataType> = [.int32, .int64], reals: Set<DataType> = [.float, .double]
        switch (left, right) {
        case (.int32, .int32), (.date, .date): return .int32
        case (.timestamp, .timestamp), (.date, .timestamp), (.timestamp, .date), (.timestampNanos, .timestampNanos),
             (.time, .time):
            return .int64
        case (.bool, .bool): return .bool
        case (.string, .string), (.blob, .blob): return .string
        case (.decimal, .decimal) where left == right: return left.isWideDecimal ? .int128 : .int64
        default: break
        }
        if integers.contains(left) && integers.contains(right) { return .int64 }
        if reals.contains(left) && reals.contains(right) { return .double }
        if integers.contains(left) && reals.contains(right) { return .integerReal }
        if reals.contains(left) && integers.contains(right) { return .realInteger }
        return nil
    }
}

extension Vector {
    /// Integer or temporal values as `Int64`; a date becomes its midnight in microseconds (saturated).
    func instantOperand() throws(StrataError) -> Operand<Int64> {
        guard type == .date else { return try int64Operand() }
        func micros(_ days: Int32) -> Int64 {
            let (r, o) = Int64(days).multipliedReportingOverflow(by: 86_400_000_000)
            return o ? (days < 0 ? .min : .max) : r
        }
        switch try operand(Int32.self) {
        case let .scalar(v): return .scalar(micros(v))
        case let .array(v): return .array(v.map(micros))
        }
    }
}

/// Evaluates `left op right` (op given by its ordering `mask`) under `plan`.
func evaluateComparison(mask: Int, _ plan: ComparisonPlan, _ left: Vector, _ right: Vector,
                        count: Int) throws(StrataError) -> Vector {
    if left.isNullConstant || right.isNullConstant { return .null(.bool) }
    let constant = left.isConstant && right.isConstant
    let rows = constant ? 1 : count
    let words = Vector.combinedWords([left, right])
    let out: KernelOutput<Bool>
    switch plan {
    case .int32:
        out = mapPairs(Comparison<IntegerOrder<Int32>>(mask: mask), try left.operand(Int32.self),
                       try right.operand(Int32.self), count: rows, words: words)
    case .int64:
        out = mapPairs(Comparison<IntegerOrder<Int64>>(mask: mask), try left.instantOperand(),
                       try right.instantOperand(), count: rows, words: words)
    case .double:
        out = mapPairs(Comparison<RealOrder>(mask: mask), try left.doubleOperand(), try right.doubleOperand(),
                       count: rows, words: words)
    case .integerReal:
        out = mapPairs(Comparison<IntegerRealOrder>(mask: mask), try left.int64Operand(), try right.doubleOperand(),
                       count: rows, words: words)
    case .realInteger:
        out = mapPairs(Comparison<RealIntegerOrder>(mask: mask), try left.doubleOperand(), try right.int64Operand(),
                       count: rows, words: words)
    case .int128:
        out = mapPairs(Comparison<IntegerOrder<Int128>>(mask: mask), try left.operand(Int128.self),
                       try right.operand(Int128.self), count: rows, words: words)
    case .bool:
        out = mapPairs(Comparison<BoolOrder>(mask: mask), try left.operand(Bool.self), try right.operand(Bool.self),
                       count: rows, words: words)
    case .string:
        out = mapStringPairs(Comparison<BytesOrder>(mask: mask), try left.stringOperand(), try right.stringOperand(),
                             count: rows, words: words)
    }
    return out.vector(.bool, constant: constant)
}
