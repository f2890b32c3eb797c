import StrataCore
import Synchronization

/// ORDER BY … LIMIT n with a small n: keeps only the top rows as they arrive.
///
/// 1. Batches are kept as they arrive, each reserved from the memory pool (one batch is taken even when the pool
///    refuses it: it is bounded, and the cut that follows frees more).
/// 2. Whenever the kept rows pass twice `keep` (and 64 Ki), or the pool refused the last batch, they are sorted
///    and cut back to the first `keep` rows — a top-N that never holds much more than N rows. When the cut rows
///    alone take more than half the pool, the sort fails with an out-of-memory error.
/// 3. At the end the rows are concatenated, their sort keys evaluated, an index permutation sorted with a
///    comparator over the typed key columns (NULLs placed per key, last by default), and the rows gathered.
package final class SortBuffer: Sendable {
    /// The memory consumer name of sort buffers.
    package static let consumer = "ORDER BY … LIMIT"

    private let keys: [(BoundExpr, SortKey)]
    private let schema: Schema
    private let keep: Int
    private let state: Mutex<State>

    private struct State: @unchecked Sendable {
        var batches: [Batch] = []
        var rows = 0
        var reservation: MemoryReservation
    }

    /// Creates a buffer sorting rows of `schema` by `keys`, keeping only the first `keep` rows.
    package init(keys: [(BoundExpr, SortKey)], schema: Schema, keep: Int, pool: MemoryPool,
                 metrics: OperatorMetrics? = nil) {
        self.keys = keys
        self.schema = schema
        self.keep = keep
        state = Mutex(State(reservation: pool.reservation(for: SortBuffer.consumer, metrics: metrics)))
    }

    /// Adds a batch.
    package func add(_ batch: Batch) throws(StrataError) {
        guard batch.count > 0 else { return }
        try state.withLock { (state) throws(StrataError) in
            let refused = !state.reservation.tryGrow(by: batch.byteCount)
            if refused { state.reservation.forceGrow(by: batch.byteCount) }
            state.batches.append(batch)
            state.rows += batch.count
            if refused || state.rows > max(keep > Int.max / 2 ? Int.max : 2 * keep, 65_536) {
                let top = try sorted(state.batches, limit: keep)
                state.batches = [top]
                state.rows = top.count
                state.reservation.shrink(to: top.byteCount)
                let pool = state.reservation.pool
                if top.byteCount > pool.limit / 2 {
                    throw StrataError(.outOfMemory, "ORDER BY … LIMIT \(keep) keeps \(ByteCount.format(top.byteCount)) "
                        + "of rows, more than half the memory limit of \(ByteCount.format(pool.limit))")
                }
            }
        }
    }

    /// The rows in order, after skipping `offset` and keeping at most `count` (all when nil).
    package func finish(offset: Int, count: Int?) throws(StrataError) -> Batch {
        let batches = state.withLock { $0.batches }
        let keep = count.map { $0.addingReportingOverflow(offset).overflow ? Int.max : $0 + offset }
        let all = try sorted(batches, limit: keep)
        let end = keep.map { min(all.count, $0) } ?? all.count
        let start = min(offset, end)
        if start == 0 && end == all.count { return all }
        return try all.gather(Array(start..<end))
    }

    private func sorted(_ batches: [Batch], limit: Int?) throws(StrataError) -> Batch {
        var columns: [Column] = []
        for (i, field) in schema.fields.enumerated() {
            columns.append(try Column.concatenate(batches.map { $0.columns[i] }, type: field.type))
        }
        let all = try Batch(schema: schema, columns: columns)
        let keyColumns = try keys.map { (expr, key) throws(StrataError) in (try expr.evaluate(all), key) }
        var order = Array(0..<all.count)
        order.sort { a, b in SortBuffer.precedes(a, b, keyColumns) }
        if let limit, order.count > limit { order.removeSubrange(limit...) }
        return try all.gather(order)
    }

    /// Whether row `a` sorts before row `b`.
    private static func precedes(_ a: Int, _ b: Int, _ keys: [(Column, SortKey)]) -> Bool {
        for (column, key) in keys {
            let nullA = column.isNull(a), nullB = column.isNull(b)
            if nullA || nullB {
                if nullA && nullB { continue }
                return nullA == key.nullsFirst
            }
            let order = compare(column, a, b)
            if order != 0 { return key.ascending ? order < 0 : order > 0 }
        }
        return a < b
    }

    private static func compare(_ column: Column, _ a: Int, _ b: Int) -> Int {
        func sign<T: Comparable>(_ x: T, _ y: T) -> Int { x < y ? -1 : (x > y ? 1 : 0) }
        switch column.data {
        case let .bool(v): return sign(v[a] ? 1 : 0, v[b] ? 1 : 0)
        case let .int32(v): return sign(v[a], v[b])
        case let .int64(v): return sign(v[a], v[b])
        case let .int128(v): return sign(v[a], v[b])
        case let .float(v): return v[a].isNaN || v[b].isNaN ? sign(v[a].isNaN ? 1 : 0, v[b].isNaN ? 1 : 0) : sign(v[a], v[b])
        case let .double(v): return v[a].isNaN || v[b].isNaN ? sign(v[a].isNaN ? 1 : 0, v[b].isNaN ? 1 : 0) : sign(v[a], v[b])
        case let .string(s):
            return s.bytes.withUnsafeBytes { raw in
                ByteOrder.compare(UnsafeRawBufferPointer(rebasing: raw[s.range(a)]),
                                  UnsafeRawBufferPointer(rebasing: raw[s.range(b)]))
            }
        }
    }
}
