import StrataCore
import Synchronization

/// Drops, before a window's sort, rows that cannot be among the first `k` of their partition: the planner puts it
/// under a `row_number() OVER (PARTITION BY p ORDER BY o)` whose result a filter above keeps only up to `k`
/// (`WHERE rn <= k`, db-benchmark's q8), so most rows never reach the sort.
///
/// 1. Each worker keeps, per partition key seen, the `k` best order keys it has passed on (normalized keys, so
///    one comparison serves any key types and directions), in an open-addressing table from the encoded partition
///    key.
/// 2. A row passes when its partition has fewer than `k` keys kept or its order key is not worse than the worst
///    one kept (equal keys pass: their order among ties is decided later); passing replaces the worst key.
///    A row dropped has `k` rows of its partition strictly before it, so its row number is above `k`: the answer
///    is the same.
/// 3. The map's memory is reserved as it grows; when the pool refuses, the worker stops filtering and passes
///    every row on (the window sorts them all, as without this operator).
/// Partition and order keys of at most 16 encoded bytes only (the planner checks): each fits two integers.
package final class TopKPrefilter: StreamingOperator {
    package let child: any PhysicalOperator
    package let metrics: OperatorMetrics
    /// The rows kept per partition.
    package let k: Int
    private let partitionExprs: [BoundExpr]
    private let orderExprs: [BoundExpr]
    private let partitionEncoder: SortKeyEncoder
    private let orderEncoder: SortKeyEncoder
    private let description: String
    private let workers: [WorkerSlot]

    /// A key of up to 16 encoded bytes as two big-endian integers (compared as a tuple, they order as the bytes).
    struct Key16: Hashable {
        var high: UInt64
        var low: UInt64

        static func < (a: Key16, b: Key16) -> Bool { a.high != b.high ? a.high < b.high : a.low < b.low }
    }

    private final class WorkerSlot: Sendable {
        let state: Mutex<WorkerState>
        init(_ state: WorkerState) { self.state = Mutex(state) }
    }

    /// Open addressing from a partition key to its slot (linear probing, at most half full).
    struct SlotTable {
        private var keys: [Key16] = []
        private var slots: [Int32] = []
        private var mask = -1
        private(set) var count = 0

        /// The slot of `key`, adding it as slot `count` when new.
        mutating func slot(for key: Key16) -> (slot: Int, added: Bool) {
            if 2 * (count + 1) > slots.count { grow() }
            var i = SlotTable.hash(key) & mask
            while true {
                let slot = slots[i]
                if slot < 0 {
                    slots[i] = Int32(count)
                    keys[i] = key
                    count += 1
                    return (count - 1, true)
                }
                if keys[i] == key { return (Int(slot), false) }
                i = (i + 1) & mask
            }
        }

        /// MurmurHash3's finalizer over both halves (the low half rotated, so its top bytes, where a short key's
        /// last bytes sit, reach every bit).
        @inline(__always)
        static func hash(_ key: Key16) -> Int {
            var k = key.high ^ (key.low >> 33 | key.low << 31)
            k ^= k >> 33
            k &*= 0xFF51_AFD7_ED55_8CCD
            k ^= k >> 33
            k &*= 0xC4CE_B9FE_1A85_EC53
            k ^= k >> 33
            return Int(truncatingIfNeeded: k)
        }

        private mutating func grow() {
            let old = (keys, slots)
            let size = max(1024, slots.count * 2)
            keys = [Key16](repeating: Key16(high: 0, low: 0), count: size)
            slots = [Int32](repeating: -1, count: size)
            mask = size - 1
            for (key, slot) in zip(old.0, old.1) where slot >= 0 {
                var i = SlotTable.hash(key) & mask
                while slots[i] >= 0 { i = (i + 1) & mask }
                slots[i] = slot
                keys[i] = key
            }
        }
    }

    private struct WorkerState: @unchecked Sendable {
        var slots = SlotTable()
        /// Per slot, its kept keys, best first (`k` entries a slot; `counts` of them in use).
        var kept: [Key16] = []
        var counts: [Int32] = []
        /// Slots the reservation pays for.
        var reservedSlots = 0
        var reservation: MemoryReservation
        var filtering = true
    }

    /// Whether keys of these types (partition keys ascending, order keys as given) fit the operator.
    package static func fits(partitionTypes: [DataType], orderKeys: [SortKeyEncoder.Key]) -> Bool {
        guard let p = SortKeyEncoder(partitionTypes.map { .init(type: $0, ascending: true, nullsFirst: false) })
                .fixedWidth, let o = SortKeyEncoder(orderKeys).fixedWidth else { return false }
        return p <= 16 && o <= 16
    }

    /// A prefilter of `child`'s rows keeping the first `k` of each partition of `partitionBy` by `orderBy`.
    package init(k: Int, partitionBy: [Expr], orderBy: [SortKey], over child: any PhysicalOperator,
                 context: ExecutionContext) throws(StrataError) {
        self.child = child
        self.k = max(1, k)
        var partitionExprs: [BoundExpr] = []
        for expr in partitionBy { partitionExprs.append(try expr.bind(to: child.schema)) }
        var orderExprs: [BoundExpr] = []
        var orderKeys: [SortKeyEncoder.Key] = []
        for key in orderBy {
            let bound = try key.expr.bind(to: child.schema)
            orderExprs.append(bound)
            orderKeys.append(.init(type: bound.type, ascending: key.ascending, nullsFirst: key.nullsFirst))
        }
        self.partitionExprs = partitionExprs
        self.orderExprs = orderExprs
        partitionEncoder = SortKeyEncoder(partitionExprs.map { .init(type: $0.type, ascending: true, nullsFirst: false) })
        orderEncoder = SortKeyEncoder(orderKeys)
        description = "TopKPrefilter \(self.k) per [\(partitionBy.map(\.description).joined(separator: ", "))] by "
            + orderBy.map(\.description).joined(separator: ", ")
        metrics = OperatorMetrics(estimatedRows: child.metrics.estimatedRows)
        workers = (0..<max(1, context.threads)).map { _ in
            WorkerSlot(WorkerState(reservation: context.pool.reservation(for: "window prefilter", metrics: nil)))
        }
    }

    package var label: String { description }
    package var schema: Schema { child.schema }
    package var children: [any PhysicalOperator] { [child] }

    /// Bytes a new partition slot takes: its key and index in the map (with the map's slack), its kept keys.
    private var slotBytes: Int { 64 + k * MemoryLayout<Key16>.stride + 4 }

    package func execute(_ batch: Batch, _ context: TaskContext, _ emit: BatchSink) throws(StrataError) {
        guard batch.count > 0, workers.indices.contains(context.worker) else { return try emit(batch) }
        var partitionColumns: [Column] = []
        for expr in partitionExprs { partitionColumns.append(try expr.evaluate(batch)) }
        var orderColumns: [Column] = []
        for expr in orderExprs { orderColumns.append(try expr.evaluate(batch)) }
        let partitionKeys = try partitionEncoder.encode(partitionColumns, rows: batch.count)
        let orderKeys = try orderEncoder.encode(orderColumns, rows: batch.count)
        let k = self.k
        let slotBytes = self.slotBytes
        let keptRows: [UInt32]? = workers[context.worker].state.withLock { state in
            guard state.filtering else { return nil }
            var rows: [UInt32] = []
            rows.reserveCapacity(batch.count)
            partitionKeys.bytes.withUnsafeBytes { praw in
                orderKeys.bytes.withUnsafeBytes { oraw in
                    for row in 0..<batch.count {
                        let pr = partitionKeys.range(row), or = orderKeys.range(row)
                        let partition = Key16(high: KeySorter.load8(praw, from: pr.lowerBound, end: pr.upperBound),
                                              low: KeySorter.load8(praw, from: pr.lowerBound + 8, end: pr.upperBound))
                        let key = Key16(high: KeySorter.load8(oraw, from: or.lowerBound, end: or.upperBound),
                                        low: KeySorter.load8(oraw, from: or.lowerBound + 8, end: or.upperBound))
                        if state.slots.count >= state.reservedSlots {
                            guard state.reservation.tryGrow(by: 1024 * slotBytes) else {
                                state.filtering = false
                                return
                            }
                            state.reservedSlots += 1024
                        }
                        let (slot, added) = state.slots.slot(for: partition)
                        if added {
                            state.counts.append(0)
                            state.kept.append(contentsOf: repeatElement(Key16(high: 0, low: 0), count: k))
                        }
                        let base = slot * k
                        let count = Int(state.counts[slot])
                        if count == k {
                            // Full: a row strictly worse than the worst kept one cannot be among the first k.
                            if state.kept[base + k - 1] < key { continue }
                        }
                        // Insert the key in order (dropping the worst when full) and pass the row on.
                        var at = min(count, k - 1)
                        while at > 0 && key < state.kept[base + at - 1] {
                            state.kept[base + at] = state.kept[base + at - 1]
                            at -= 1
                        }
                        state.kept[base + at] = key
                        if count < k { state.counts[slot] = Int32(count + 1) }
                        rows.append(UInt32(row))
                    }
                }
            }
            if !state.filtering {
                // The pool refused: stop filtering, and free the map.
                state.slots = SlotTable()
                state.kept = []
                state.counts = []
                state.reservation.release()
                return nil
            }
            return rows
        }
        guard let keptRows else { return try emit(batch) }
        if keptRows.count == batch.count { return try emit(batch) }
        if keptRows.isEmpty { return }
        try emit(try keptRows.withUnsafeBufferPointer { (rows) throws(StrataError) -> Batch in
            try batch.gather(rows: rows)
        })
    }
}
