import StrataCore

/// `min(x)` / `max(x)` for every type: numbers, dates and timestamps by value, booleans false < true, strings by
/// their UTF-8 bytes. A group without non-null values yields NULL.
final class MinMaxAccumulator: Accumulator {
    private let type: DataType
    private let isMax: Bool
    private var seen: [Bool] = []
    private var ints: [Int64] = []       // bool, int32, int64, date, timestamp
    private var reals: [Double] = []     // float, double
    private var wides: [Int128] = []     // decimals of precision above 18
    private var strings: [[UInt8]] = []
    private var stringBytes = 0

    init(type: DataType, isMax: Bool) {
        self.type = type
        self.isMax = isMax
    }

    private var storesStrings: Bool { type.storage == .string }
    private var storesReals: Bool { type == .float || type == .double }
    private var storesWide: Bool { type.isWideDecimal }

    var resultType: DataType { type }
    var stateTypes: [DataType] { [type] }

    var byteCount: Int {
        StateArray.bytes(seen) + StateArray.bytes(ints) + StateArray.bytes(reals) + StateArray.bytes(strings)
            + StateArray.bytes(wides)
            + stringBytes
    }

    func projectedBytes(groups: Int, rows: Int) -> Int {
        var total = StateArray.projected(seen, count: groups)
        if storesStrings {
            total += StateArray.projected(strings, count: groups) + stringBytes + rows * 32
        } else if storesReals {
            total += StateArray.projected(reals, count: groups)
        } else if storesWide {
            total += StateArray.projected(wides, count: groups)
        } else {
            total += StateArray.projected(ints, count: groups)
        }
        return total
    }

    func resize(groups: Int) {
        StateArray.extend(&seen, to: groups, with: false)
        if storesStrings {
            StateArray.extend(&strings, to: groups, with: [])
        } else if storesReals {
            StateArray.extend(&reals, to: groups, with: 0)
        } else if storesWide {
            StateArray.extend(&wides, to: groups, with: 0)
        } else {
            StateArray.extend(&ints, to: groups, with: 0)
        }
    }

    func update(_ arguments: [Column], rows: Range<Int>, groupIds: UnsafePointer<UInt32>) throws(StrataError) {
        guard let column = arguments.first else { throw StrataError(.internal, "min/max without an argument") }
        try fold(column, rows: rows, groupIds: groupIds)
    }

    /// Folds rows `rows` of `column` (input values or state values alike) into the groups.
    private func fold(_ column: Column, rows: Range<Int>, groupIds: UnsafePointer<UInt32>) throws(StrataError) {
        let validity = column.validity
        let isMax = self.isMax
        /// Folds `values` into the state array `best` through `convert` (the state's element type); `above(a, b)`
        /// says whether `a` sorts after `b`.
        @inline(__always) func foldInto<T, S>(_ values: [T], _ best: inout [S], _ convert: (T) -> S,
                                              above: (S, S) -> Bool) {
            values.withUnsafeBufferPointer { v in
                seen.withUnsafeMutableBufferPointer { s in
                    best.withUnsafeMutableBufferPointer { best in
                        var i = 0
                        for r in rows {
                            defer { i += 1 }
                            if let validity, !validity.isValid(r) { continue }
                            let g = Int(groupIds[i]), x = convert(v[r])
                            if !s[g] || (isMax ? above(x, best[g]) : above(best[g], x)) {
                                best[g] = x
                                s[g] = true
                            }
                        }
                    }
                }
            }
        }
        @inline(__always) func foldInts<T: BinaryInteger>(_ values: [T]) {
            foldInto(values, &ints, { Int64($0) }, above: >)
        }
        /// Floating values in DuckDB's order: NaN above every number (so max is NaN as soon as one is seen, and
        /// min is NaN only when every value is).
        @inline(__always) func foldReals<T: BinaryFloatingPoint>(_ values: [T]) {
            foldInto(values, &reals, { Double($0) }) { a, b in a.isNaN ? !b.isNaN : !b.isNaN && a > b }
        }
        switch column.data {
        case let .bool(v): foldInts(v.map { $0 ? UInt8(1) : 0 })
        case let .int32(v): foldInts(v)
        case let .int64(v): foldInts(v)
        case let .int128(v): foldInto(v, &wides, { $0 }, above: >)
        case let .float(v): foldReals(v)
        case let .double(v): foldReals(v)
        case let .string(buffer):
            buffer.bytes.withUnsafeBytes { raw in
                var i = 0
                for r in rows {
                    defer { i += 1 }
                    if let validity, !validity.isValid(r) { continue }
                    let g = Int(groupIds[i])
                    let value = UnsafeRawBufferPointer(rebasing: raw[buffer.range(r)])
                    let better: Bool
                    if !seen[g] {
                        better = true
                    } else {
                        let order = ByteOrder.compare(value, strings[g])
                        better = isMax ? order > 0 : order < 0
                    }
                    if better {
                        stringBytes += value.count - strings[g].capacity
                        strings[g] = Array(value)
                        seen[g] = true
                    }
                }
            }
        }
    }

    func states(_ groups: [Int]?) throws(StrataError) -> [Column] {
        let indices = groups ?? Array(0..<seen.count)
        let valid = indices.map { seen[$0] }
        return [makeColumn(type, try data(for: indices), valid: valid)]
    }

    private func data(for indices: [Int]) throws(StrataError) -> ColumnData {
        switch type.storage {
        case .bool: return .bool(indices.map { ints[$0] != 0 })
        case .int32: return .int32(indices.map { Int32(truncatingIfNeeded: ints[$0]) })
        case .int64: return .int64(indices.map { ints[$0] })
        case .int128: return .int128(indices.map { wides[$0] })
        case .float: return .float(indices.map { Float(reals[$0]) })
        case .double: return .double(indices.map { reals[$0] })
        case .string:
            var buffer = StringBuffer()
            for g in indices {
                // More than 2 GiB of text in one column fails here rather than losing a value.
                let failure = strings[g].withUnsafeBytes { bytes -> StrataError? in
                    do throws(StrataError) { try buffer.append(bytes) } catch { return error }
                    return nil
                }
                if let failure { throw failure }
            }
            return .string(buffer)
        }
    }

    func merge(states: ArraySlice<Column>, rows: Range<Int>, groupIds: UnsafePointer<UInt32>) throws(StrataError) {
        guard let column = states.first, column.type == type else {
            throw StrataError(.corrupt, "min/max state has the wrong type")
        }
        try fold(column, rows: rows, groupIds: groupIds)
    }

    func finalize(groups: Int) throws(StrataError) -> Column {
        resize(groups: groups)
        let indices = Array(0..<groups)
        return makeColumn(type, try data(for: indices), valid: Array(seen.prefix(groups)))
    }

    func reset() {
        seen = []
        ints = []
        reals = []
        wides = []
        strings = []
        stringBytes = 0
    }
}

/// Byte-wise comparison of UTF-8 strings (the order of SQL string comparison).
enum ByteOrder {
    /// -1, 0 or 1 as `a` sorts before, equal to or after `b`.
    static func compare(_ a: UnsafeRawBufferPointer, _ b: [UInt8]) -> Int {
        b.withUnsafeBytes { compare(a, $0) }
    }

    /// -1, 0 or 1 as `a` sorts before, equal to or after `b`.
    static func compare(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Int {
        let n = min(a.count, b.count)
        for i in 0..<n where a[i] != b[i] { return a[i] < b[i] ? -1 : 1 }
        return a.count == b.count ? 0 : (a.count < b.count ? -1 : 1)
    }
}
