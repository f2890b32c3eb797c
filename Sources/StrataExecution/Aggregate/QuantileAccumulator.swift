import StrataCore

/// `median(x)` and `quantile(x, q)`: exact continuous quantiles (DuckDB's `quantile_cont`).
///
/// 1. Every non-null value is kept, as a double, with its group id.
/// 2. At the end the values are bucketed by group (a counting sort on the group ids, scattering the values).
/// 3. In each group the values of ranks ⌊p⌋ and ⌈p⌉ are selected (``QuantileSelection``), where with n values the
///    quantile sits at position p = (n − 1) · q: lo = v[⌊p⌋], hi = v[⌈p⌉], d = p − ⌊p⌋, result =
///    lo · (1 − d) + hi · d, computed with one fused multiply-add as DuckDB does, so results agree to the bit.
final class QuantileAccumulator: Accumulator {
    private let quantile: Double
    private var groupIds: [UInt32] = []
    private var values: [Double] = []
    private var groupCount = 0

    init(quantile: Double) { self.quantile = quantile }

    var resultType: DataType { .double }
    var stateTypes: [DataType] { [] }
    var valueType: DataType? { .double }
    var byteCount: Int { StateArray.bytes(groupIds) + StateArray.bytes(values) }

    func projectedBytes(groups: Int, rows: Int) -> Int {
        StateArray.projected(groupIds, count: groupIds.count + rows)
            + StateArray.projected(values, count: values.count + rows)
    }

    func resize(groups: Int) { groupCount = max(groupCount, groups) }

    private func reserve(adding rows: Int) {
        let needed = values.count + rows
        let capacity = GroupHashTable.grownCapacity(values.capacity, toHold: needed)
        if capacity > values.capacity {
            values.reserveCapacity(capacity)
            groupIds.reserveCapacity(capacity)
        }
    }

    func update(_ arguments: [Column], rows: Range<Int>, groupIds ids: UnsafePointer<UInt32>) throws(StrataError) {
        guard let column = arguments.first else { throw StrataError(.internal, "quantile without an argument") }
        reserve(adding: rows.count)
        // Appended to locals: the class's own arrays inside the closure would be checked for exclusive access on
        // every row.
        var newIds = groupIds, newValues = values
        groupIds = []
        values = []
        defer {
            groupIds = newIds
            values = newValues
        }
        try NumericInput.forEachDouble(column, rows: rows, groupIds: ids) { g, x in
            newIds.append(UInt32(truncatingIfNeeded: g))
            newValues.append(x)
        }
    }

    func states(_ groups: [Int]?) -> [Column] { [] }

    func merge(states: ArraySlice<Column>, rows: Range<Int>, groupIds: UnsafePointer<UInt32>) throws(StrataError) {}

    func takeValues() -> (groupIds: [UInt32], values: Column)? {
        let taken = (groupIds, Column(unchecked: .double, data: .double(values), validity: nil))
        groupIds = []
        values = []
        return taken
    }

    func appendValues(_ column: Column, rows: Range<Int>, groupIds ids: UnsafePointer<UInt32>) throws(StrataError) {
        try update([column], rows: rows, groupIds: ids)
    }

    func finalize(groups: Int) throws(StrataError) -> Column {
        resize(groups: groups)
        // 2. Counting sort of the values by group.
        var starts = [Int](repeating: 0, count: groups + 1)
        for g in groupIds where Int(g) < groups { starts[Int(g) + 1] += 1 }
        for g in 0..<groups { starts[g + 1] += starts[g] }
        let total = starts[groups]
        var bucketed = [Double](unsafeUninitializedCapacity: total) { out, initialized in
            var cursor = starts
            groupIds.withUnsafeBufferPointer { ids in
                values.withUnsafeBufferPointer { v in
                    cursor.withUnsafeMutableBufferPointer { cursor in
                        for i in 0..<ids.count where Int(ids[i]) < groups {
                            let g = Int(ids[i])
                            out.initializeElement(at: cursor[g], to: v[i])
                            cursor[g] += 1
                        }
                    }
                }
            }
            initialized = total
        }
        groupIds = []
        values = []
        // 3. Select each group's quantile.
        var result = [Double](repeating: 0, count: groups)
        var valid = [Bool](repeating: true, count: groups)
        let quantile = self.quantile
        bucketed.withUnsafeMutableBufferPointer { all in
            for g in 0..<groups {
                guard starts[g + 1] > starts[g] else { valid[g] = false; continue }
                result[g] = QuantileSelection.quantile(UnsafeMutableBufferPointer(rebasing: all[starts[g]..<starts[g + 1]]),
                                                       quantile)
            }
        }
        return makeColumn(.double, .double(result), valid: valid)
    }

    func reset() {
        groupIds = []
        values = []
        groupCount = 0
    }

    /// Step 3's quantile of `sorted` (not empty), in ascending order.
    static func interpolate(_ sorted: UnsafeBufferPointer<Double>, _ quantile: Double) -> Double {
        let position = Double(sorted.count - 1) * quantile
        let lower = position.rounded(.down)
        let lo = sorted[Int(lower)], hi = sorted[Int(position.rounded(.up))]
        let d = position - lower
        return lower == position ? lo : (hi * d).addingProduct(lo, 1 - d)
    }
}
