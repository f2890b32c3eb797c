import StrataCore

// The fast path of `x IN (literal, …)`.
//
// 1. At bind time every literal is cast to x's type (the binder rejects literals that do not convert) and put into
//    a hash set of that type's keys: Int64 for integers, dates and timestamps; normalised bit patterns for
//    doubles (-0.0 as 0.0, one NaN); UTF-8 byte strings bucketed by an FNV-1a hash; bools. NULL literals only set
//    `hasNull`.
// 2. Per row: a member is TRUE; a non-member is NULL when the list holds a NULL, else FALSE. NOT IN negates the
//    non-NULL results. A NULL x is NULL (its validity bit is already clear).

/// A set of UTF-8 byte strings that answers membership for a borrowed buffer without allocating.
struct ByteStringSet: Sendable {
    private var buckets: [UInt64: [[UInt8]]] = [:]

    /// FNV-1a over the bytes.
    @inline(__always) static func hash(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in bytes { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01B3 }
        return h
    }

    /// Adds `bytes`.
    mutating func insert(_ bytes: [UInt8]) {
        let h = bytes.withUnsafeBytes { ByteStringSet.hash($0) }
        if buckets[h]?.contains(bytes) == true { return }
        buckets[h, default: []].append(bytes)
    }

    /// Whether `bytes` is a member.
    @inline(__always) func contains(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard let bucket = buckets[ByteStringSet.hash(bytes)] else { return false }
        for candidate in bucket where candidate.count == bytes.count {
            if candidate.withUnsafeBytes({ BytesOrder.compare($0, bytes) == 0 }) { return true }
        }
        return false
    }
}

/// The literal list of an `IN` predicate as a hash set of x's type.
struct InListSet: Sendable {
    /// The member keys.
    enum Keys: Sendable {
        case integers(Set<Int64>)
        case reals(Set<UInt64>)
        case strings(ByteStringSet)
        case bools(Set<Bool>)
        case wides(Set<Int128>)
    }

    let keys: Keys
    /// Whether the list holds a NULL.
    let hasNull: Bool

    /// The set of `values` (already of x's type `type`); `nil` when a value does not fit that type.
    init?(_ values: [Value], type: DataType) {
        var hasNull = false
        var integers = Set<Int64>(), reals = Set<UInt64>(), bools = Set<Bool>(), strings = ByteStringSet()
        var wides = Set<Int128>()
        for value in values {
            switch value {
            case .null: hasNull = true
            case let .int32(v), let .date(v): integers.insert(Int64(v))
            case let .int64(v), let .timestamp(v), let .timestampNanos(v), let .time(v): integers.insert(v)
            case let .float(v): reals.insert(InListSet.realKey(Double(v)))
            case let .double(v): reals.insert(InListSet.realKey(v))
            case let .string(v): strings.insert(Array(v.utf8))
            case let .blob(v): strings.insert(v)
            case let .bool(v): bools.insert(v)
            case let .decimal(units, _, scale):
                // Units at the column's scale (the binder casts list values to x's type).
                guard Int(scale) == type.decimalScale else { return nil }
                if type.isWideDecimal {
                    wides.insert(units.value)
                } else {
                    guard let narrow = Int64(exactly: units.value) else { return nil }
                    integers.insert(narrow)
                }
            }
        }
        switch type {
        case .decimal where type.isWideDecimal: keys = .wides(wides)
        case .int32, .int64, .date, .timestamp, .timestampNanos, .time, .decimal: keys = .integers(integers)
        case .float, .double: keys = .reals(reals)
        case .string, .blob: keys = .strings(strings)
        case .bool: keys = .bools(bools)
        }
        self.hasNull = hasNull
    }

    /// The key of a double: one NaN, and -0.0 as 0.0.
    @inline(__always) static func realKey(_ x: Double) -> UInt64 {
        x.isNaN ? Double.nan.bitPattern : (x == 0 ? 0 : x.bitPattern)
    }

    /// Evaluates `x IN set` (or `NOT IN` when `negated`).
    func evaluate(_ x: Vector, negated: Bool, count: Int) throws(StrataError) -> Vector {
        if x.isNullConstant { return .null(.bool) }
        let rows = x.column.count, words = x.words
        let out: KernelOutput<Bool>
        switch keys {
        case let .integers(set):
            out = mapValues(Membership(test: IntegerKey(set: set), negated: negated, hasNull: hasNull),
                            try x.int64Operand(), count: rows, words: words)
        case let .reals(set):
            out = mapValues(Membership(test: RealKey(set: set), negated: negated, hasNull: hasNull),
                            try x.doubleOperand(), count: rows, words: words)
        case let .bools(set):
            out = mapValues(Membership(test: BoolKey(set: set), negated: negated, hasNull: hasNull),
                            try x.operand(Bool.self), count: rows, words: words)
        case let .wides(set):
            out = mapValues(Membership(test: WideKey(set: set), negated: negated, hasNull: hasNull),
                            try x.operand(Int128.self), count: rows, words: words)
        case let .strings(set):
            out = mapStrings(Membership(test: set, negated: negated, hasNull: hasNull),
                             try x.stringOperand(), count: rows, words: words)
        }
        return out.vector(.bool, constant: x.isConstant)
    }
}

/// A membership test for one element type.
protocol KeyTest {
    associatedtype Element
    func contains(_ value: Element) -> Bool
}

extension ByteStringSet: KeyTest {}

private struct IntegerKey: KeyTest {
    let set: Set<Int64>
    @inline(__always) func contains(_ value: Int64) -> Bool { set.contains(value) }
}

private struct RealKey: KeyTest {
    let set: Set<UInt64>
    @inline(__always) func contains(_ value: Double) -> Bool { set.contains(InListSet.realKey(value)) }
}

private struct WideKey: KeyTest {
    let set: Set<Int128>
    @inline(__always) func contains(_ value: Int128) -> Bool { set.contains(value) }
}

private struct BoolKey: KeyTest {
    let set: Set<Bool>
    @inline(__always) func contains(_ value: Bool) -> Bool { set.contains(value) }
}

/// `x IN set` with SQL's NULL rules.
private struct Membership<Test: KeyTest>: UnaryOperation {
    let test: Test
    let negated: Bool
    let hasNull: Bool
    @inline(__always) func apply(_ value: Test.Element) -> (Bool, RowStatus) {
        if test.contains(value) { return (!negated, .ok) }
        return hasNull ? (false, .null) : (negated, .ok)
    }
}
