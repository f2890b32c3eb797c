import StrataCore

/// The per-group state of one aggregate, kept as parallel arrays indexed by group id.
///
/// Fixed-size accumulators (count, sum, min, …) move between workers and through spill files as *state columns*:
/// one row per group, merged with ``merge(states:rows:groupIds:)``. Holistic accumulators (median, quantile,
/// count distinct) keep every value; they move as *value rows* (one row per value) taken with ``takeValues()``
/// and re-added with ``appendValues(_:rows:groupIds:)``.
package protocol Accumulator: AnyObject {
    /// The type of the final value.
    var resultType: DataType { get }
    /// Types of the state columns (empty for holistic accumulators).
    var stateTypes: [DataType] { get }
    /// Type of the value column of a holistic accumulator's value rows (nil for fixed-size ones).
    var valueType: DataType? { get }
    /// Bytes held.
    var byteCount: Int { get }
    /// Bytes held after growing to `groups` groups and adding `rows` input rows, counting old and new buffers
    /// alive together during a doubling.
    func projectedBytes(groups: Int, rows: Int) -> Int
    /// Makes room for groups `0..<groups` (new groups start empty).
    func resize(groups: Int)
    /// Adds input rows `rows` of `arguments`; row `rows.lowerBound + i` belongs to group `groupIds[i]`.
    func update(_ arguments: [Column], rows: Range<Int>, groupIds: UnsafePointer<UInt32>) throws(StrataError)
    /// The state columns of `groups` (all when nil).
    func states(_ groups: [Int]?) throws(StrataError) -> [Column]
    /// Merges state rows `rows` of `states`; row `rows.lowerBound + i` belongs to group `groupIds[i]`.
    func merge(states: ArraySlice<Column>, rows: Range<Int>, groupIds: UnsafePointer<UInt32>) throws(StrataError)
    /// Removes and returns the held values and their groups (holistic accumulators only).
    func takeValues() -> (groupIds: [UInt32], values: Column)?
    /// Adds value rows `rows` of `values` (in ``valueType``) to groups `groupIds`.
    func appendValues(_ values: Column, rows: Range<Int>, groupIds: UnsafePointer<UInt32>) throws(StrataError)
    /// The final value of every group.
    func finalize(groups: Int) throws(StrataError) -> Column
    /// Forgets all groups and frees the state.
    func reset()
}

extension Accumulator {
    package var valueType: DataType? { nil }
    package func takeValues() -> (groupIds: [UInt32], values: Column)? { nil }
    package func appendValues(_ values: Column, rows: Range<Int>, groupIds: UnsafePointer<UInt32>)
        throws(StrataError) {
        throw StrataError(.internal, "value rows sent to a fixed-size aggregate")
    }
}

/// Growth helpers shared by the accumulators: every state array doubles explicitly so its future size is known.
enum StateArray {
    /// A stable counting sort of value rows by group: `order` lists the rows of group 0, then group 1, …, each in
    /// arrival order; group `g`'s rows are `order[starts[g] ..< starts[g + 1]]`.
    static func bucketsByGroup(_ groupIds: [UInt32], groups: Int) -> (starts: [Int], order: [Int]) {
        var starts = [Int](repeating: 0, count: groups + 1)
        for g in groupIds { starts[Int(g) + 1] += 1 }
        for g in 0..<groups { starts[g + 1] += starts[g] }
        var order = [Int](repeating: 0, count: groupIds.count)
        var cursor = starts
        for (index, g) in groupIds.enumerated() {
            order[cursor[Int(g)]] = index
            cursor[Int(g)] += 1
        }
        return (starts, order)
    }

    /// Extends `array` with `zero` up to `count` elements, doubling its capacity when needed.
    @inline(__always)
    static func extend<T>(_ array: inout [T], to count: Int, with zero: T) {
        guard array.count < count else { return }
        let capacity = GroupHashTable.grownCapacity(array.capacity, toHold: count)
        if capacity > array.capacity { array.reserveCapacity(capacity) }
        array.append(contentsOf: repeatElement(zero, count: count - array.count))
    }

    /// Bytes `array` holds.
    @inline(__always)
    static func bytes<T>(_ array: [T]) -> Int { array.capacity * MemoryLayout<T>.stride }

    /// Bytes `array` would hold (with its old buffer still alive) after growing to `count` elements.
    @inline(__always)
    static func projected<T>(_ array: [T], count: Int) -> Int {
        let capacity = GroupHashTable.grownCapacity(array.capacity, toHold: count)
        let old = array.capacity * MemoryLayout<T>.stride
        return capacity > array.capacity ? old + capacity * MemoryLayout<T>.stride : old
    }

    /// A blob state column, one row per group of `groups`: `append(group, &bytes)` adds that group's state bytes.
    /// Fails naming `aggregate` when the column would pass a column's 2 GiB of bytes.
    static func blobColumn(_ groups: [Int], aggregate: String, _ append: (Int, inout [UInt8]) -> Void)
        throws(StrataError) -> Column {
        var bytes: [UInt8] = []
        var offsets: [Int32] = [0]
        offsets.reserveCapacity(groups.count + 1)
        for group in groups {
            append(group, &bytes)
            guard let end = Int32(exactly: bytes.count) else {
                throw StrataError(.outOfMemory, "\(aggregate): too many groups in one state batch (\(groups.count))")
            }
            offsets.append(end)
        }
        return Column(unchecked: .blob, data: .string(try StringBuffer(offsets: offsets, bytes: bytes)),
                      validity: nil)
    }

    /// Walks the blob state column of `states` (made by ``blobColumn(_:aggregate:_:)``) over `rows`: `body` gets
    /// the group each row merges into and the row's state bytes. Fails naming `aggregate` when the column is no blob.
    static func forEachBlob(_ states: ArraySlice<Column>, rows: Range<Int>, groupIds ids: UnsafePointer<UInt32>,
                            aggregate: String,
                            _ body: (Int, UnsafeRawBufferPointer) throws(StrataError) -> Void) throws(StrataError) {
        guard let column = states.first, case let .string(buffer) = column.data else {
            throw StrataError(.corrupt, "\(aggregate) state is not a blob")
        }
        try buffer.bytes.withUnsafeBufferPointer { (bytes) throws(StrataError) in
            let raw = UnsafeRawBufferPointer(bytes)
            for (i, r) in rows.enumerated() {
                try body(Int(ids[i]), UnsafeRawBufferPointer(rebasing: raw[buffer.range(r)]))
            }
        }
    }

    /// `array[groups]` (all of it when nil) as a new array.
    @inline(__always)
    static func gather<T>(_ array: [T], _ groups: [Int]?) -> [T] {
        guard let groups else { return array }
        return array.withUnsafeBufferPointer { a in groups.map { a[$0] } }
    }
}

/// Reads the values of a numeric column as `Double` or `Int64` in kernels, without per-value dispatch.
enum NumericInput {
    /// Calls `body(group, value)` for each non-null row of `column` in `rows`, as a Double.
    @inline(__always)
    static func forEachDouble(_ column: Column, rows: Range<Int>, groupIds: UnsafePointer<UInt32>,
                              _ body: (Int, Double) -> Void) throws(StrataError) {
        let validity = column.validity
        @inline(__always) func run<T>(_ values: [T], _ convert: (T) -> Double) {
            values.withUnsafeBufferPointer { v in
                var i = 0
                for r in rows {
                    if validity?.isValid(r) ?? true { body(Int(groupIds[i]), convert(v[r])) }
                    i += 1
                }
            }
        }
        switch column.data {
        case let .double(v): run(v) { $0 }
        case let .float(v): run(v) { Double($0) }
        case let .int64(v) where column.type == .int64: run(v) { Double($0) }
        case let .int32(v) where column.type == .int32: run(v) { Double($0) }
        case let .int64(v) where column.type.isDecimal:
            let scale = column.type.decimalScale
            run(v) { DecimalMath.toDouble(Int128($0), scale: scale) }
        case let .int128(v):
            let scale = column.type.decimalScale
            run(v) { DecimalMath.toDouble($0, scale: scale) }
        default:
            throw StrataError(.invalidArgument, "a \(column.type) argument is not numeric")
        }
    }

    /// Calls `body(group, value)` for each non-null row of an integer column in `rows`.
    @inline(__always)
    static func forEachInteger(_ column: Column, rows: Range<Int>, groupIds: UnsafePointer<UInt32>,
                               _ body: (Int, Int64) -> Void) throws(StrataError) {
        let validity = column.validity
        @inline(__always) func run<T: BinaryInteger>(_ values: [T]) {
            values.withUnsafeBufferPointer { v in
                var i = 0
                if let validity {
                    for r in rows {
                        if validity.isValid(r) { body(Int(groupIds[i]), Int64(v[r])) }
                        i += 1
                    }
                } else {
                    for r in rows {
                        body(Int(groupIds[i]), Int64(v[r]))
                        i += 1
                    }
                }
            }
        }
        switch column.data {
        case let .int64(v): run(v)
        case let .int32(v): run(v)
        default: throw StrataError(.invalidArgument, "a \(column.type) argument is not an integer")
        }
    }

    /// Calls `body(group, value)` for each non-null row of a wide decimal column in `rows`.
    @inline(__always)
    static func forEachWide(_ values: [Int128], validity: ValidityMask?, rows: Range<Int>,
                            groupIds: UnsafePointer<UInt32>, _ body: (Int, Int128) -> Void) {
        values.withUnsafeBufferPointer { v in
            var i = 0
            for r in rows {
                if validity?.isValid(r) ?? true { body(Int(groupIds[i]), v[r]) }
                i += 1
            }
        }
    }

    /// Whether `type` is summed exactly as integers (decimals as their units).
    static func isInteger(_ type: DataType) -> Bool { type == .int32 || type == .int64 || type.isDecimal }

    /// Whether `type` is a number.
    static func isNumeric(_ type: DataType) -> Bool {
        [.int32, .int64, .float, .double].contains(type) || type.isDecimal
    }
}

/// A column of `values` with `valid[g] == false` rows as NULL.
func makeColumn(_ type: DataType, _ data: ColumnData, valid: [Bool]?) -> Column {
    guard let valid, valid.contains(false) else { return Column(unchecked: type, data: data, validity: nil) }
    return Column(unchecked: type, data: data, validity: ValidityMask(valid))
}

/// The Int64 values of an int64 state column.
func int64Values(_ column: Column) throws(StrataError) -> [Int64] {
    guard case let .int64(v) = column.data else { throw StrataError(.corrupt, "aggregate state is not int64") }
    return v
}

/// The Double values of a double state column.
func doubleValues(_ column: Column) throws(StrataError) -> [Double] {
    guard case let .double(v) = column.data else { throw StrataError(.corrupt, "aggregate state is not double") }
    return v
}
