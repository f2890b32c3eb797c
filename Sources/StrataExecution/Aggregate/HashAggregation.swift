import StrataCore
import Synchronization

/// Out-of-core hash aggregation: partial aggregation per worker, then one merge per hash partition.
///
/// 1. Consume. Each worker aggregates the slices it is given into its own ``GroupHashTable`` and accumulators.
///    Before a slice it reserves the worst case the slice could add (every row a new group, buffers doubling).
///    When the pool refuses, the worker *flushes*: its groups, split by the top 6 bits of their key hash into the
///    64 partitions of its ``PartitionedSpill``, are appended to spill runs (key columns + state columns; holistic
///    aggregates as key + value rows, a stream each), and the table starts empty. Slices whose keys are all
///    dictionary codes find their groups through a ``DictionaryKeyMap``. A table that reaches 2¹⁸ groups while
///    at least 97% of its rows were new groups hands them on to its partitions (in memory while the pool is less
///    than a quarter reserved) and starts over, so nearly unique keys never build one huge table.
/// 2. Finish. Each worker flushes what it still holds into per-partition batches, kept in memory when the pool has
///    room and spilled otherwise. (With one worker and nothing spilled the table is finalised as it is.) While
///    nothing was spilled or handed on, a worker holding at most 2¹⁶ groups keeps them instead; when every worker
///    did, merge partition 0 folds the tables into the first worker's (a holistic aggregate's values re-pointed
///    at its groups, never copied out with their keys) and finalises it, else the kept groups are flushed then.
/// 3. Merge. Partition p's batches and runs are folded into a fresh table, merging states group by group. When
///    the pool refuses there too, the table is flushed into 64 sub-partitions by the next 6 hash bits, and each
///    sub-partition is merged alone afterwards (recursively), so any partition eventually fits.
/// 4. Finalise. A merged table turns its states into result columns and emits one batch: keys then aggregates.
///
/// Every spill run is deleted as soon as it has been merged; the caller's ``SpillManager`` removes anything left
/// after an error or a cancellation.
package final class HashAggregation: @unchecked Sendable {
    /// The memory consumer name of aggregate tables.
    package static let consumer = "hash aggregate"

    /// The spill stream of group rows: keys then every fixed-size aggregate's state columns. Stream `1 + a` holds
    /// the value rows of holistic aggregate `a`: keys then the value.
    static let groupStream = 0

    /// Per-worker partial aggregation state; touched only by the task running on that worker.
    final class Worker {
        let table: GroupHashTable
        let accumulators: [any Accumulator]
        let reservation: MemoryReservation
        /// Where the worker's flushes go, merged per partition afterwards.
        let partitions: PartitionedSpill
        let scratch = EncodedKeys()
        var groupIds: [UInt32] = []
        /// Group ids by dictionary codes, for keys read as codes.
        let keyMap = DictionaryKeyMap()
        /// The group ids of the keys a coded slice adds.
        var newIds: [UInt32] = []
        /// Rows aggregated into the table since it was last emptied.
        var rowsInTable = 0
        /// Whether ``finish(worker:)`` kept the groups in the table (see ``HashAggregation/mergeHeldWorkers(emit:)``).
        var held = false

        init(table: GroupHashTable, accumulators: [any Accumulator], reservation: MemoryReservation,
             partitions: PartitionedSpill) {
            self.table = table
            self.accumulators = accumulators
            self.reservation = reservation
            self.partitions = partitions
        }
    }

    /// The key columns.
    package let keyFields: [Field]
    /// The aggregates.
    package let specs: [AggregateSpec]
    /// Keys then one column per aggregate.
    package let outputSchema: Schema
    /// Rows processed per step (bounds scratch memory and reservation granularity).
    package static let sliceRows = 16_384

    private let encoder: KeyEncoder
    private let metrics: OperatorMetrics?
    private let pool: MemoryPool
    private let spill: SpillManager
    private let workers: [Worker]
    private let groupSchema: Schema
    private let valueSchemas: [Int: Schema]
    private let spilledAny = Atomic<Bool>(false)
    /// Whether some worker moved groups into its partitions before finishing (see ``handOnUniqueGroups(_:)``).
    private let flushedAny = Atomic<Bool>(false)
    /// How the workers that kept their groups at the end are merged, decided by the first merge task.
    private let heldMerge = Mutex(HeldMerge.undecided)

    private enum HeldMerge {
        case undecided
        /// Every worker kept its groups: merge partition 0 folds the tables into the first worker's.
        case combined
        /// The kept groups were moved into the workers' partitions, which merge as usual.
        case partitioned
    }

    /// The most groups a worker keeps in its table at the end instead of moving them into its partitions.
    static let heldGroupsCap = 1 << 16
    private let direct = Atomic<Bool>(false)
    private let stats = Mutex(Statistics())

    /// What the aggregation did, for explain output.
    package struct Statistics: Sendable {
        /// Groups in the final result.
        package var groups = 0
        /// Times a table was flushed to disk because the pool refused.
        package var spills = 0
        /// Deepest repartitioning level reached.
        package var maxLevel = 0
    }

    /// Creates the aggregation for `workers` workers; its memory and spill files count in `metrics`.
    package init(keys: [Field], aggregates: [AggregateSpec], pool: MemoryPool, spill: SpillManager,
                 workers: Int, metrics: OperatorMetrics? = nil) throws(StrataError) {
        self.metrics = metrics
        keyFields = keys.map { Field($0.name, $0.type) }
        specs = aggregates
        encoder = KeyEncoder(types: keys.map(\.type))
        self.pool = pool
        self.spill = spill
        var output = keyFields
        for spec in aggregates { output.append(Field(spec.name, spec.resultType)) }
        outputSchema = try Schema(output)
        var stateFields = keyFields.enumerated().map { Field("k\($0.offset)", $0.element.type) }
        var valueSchemas: [Int: Schema] = [:]
        for (a, spec) in aggregates.enumerated() {
            let accumulator = spec.makeAccumulator()
            for (j, type) in accumulator.stateTypes.enumerated() {
                stateFields.append(Field("a\(a)_\(j)", type))
            }
            if let valueType = accumulator.valueType {
                valueSchemas[a] = Schema(unchecked: Array(stateFields.prefix(keys.count))
                    + [Field("v", valueType)])
            }
        }
        groupSchema = Schema(unchecked: stateFields)
        self.valueSchemas = valueSchemas
        let encoder = self.encoder
        self.workers = (0..<max(1, workers)).map { _ in
            Worker(table: GroupHashTable(encoder: encoder), accumulators: aggregates.map { $0.makeAccumulator() },
                   reservation: pool.reservation(for: HashAggregation.consumer, metrics: metrics),
                   partitions: PartitionedSpill(level: 0, spill: spill, label: "hash aggregate", metrics: metrics))
        }
    }

    /// Number of merge partitions (tasks of the merge stage).
    package var partitionCount: Int { KeyHasher.partitionCount }

    /// What happened so far.
    package var statistics: Statistics { stats.withLock { $0 } }

    // MARK: - 1. Consume

    /// Aggregates `rows` rows: `keys` are the key columns, `arguments[a]` the argument columns of aggregate `a`.
    package func consume(keys: [Column], arguments: [[Column]], rows: Int, worker index: Int) throws(StrataError) {
        guard index >= 0, index < workers.count else { throw StrataError(.internal, "worker \(index) out of range") }
        let worker = workers[index]
        var start = 0
        while start < rows {
            let end = min(rows, start + HashAggregation.sliceRows)
            try consumeSlice(worker, keys: keys, arguments: arguments, rows: start..<end)
            worker.rowsInTable += end - start
            start = end
            try handOnUniqueGroups(worker)
        }
        // The scratch buffers are sized for the largest slice; between batches they are freed, so a worker whose
        // table is small (a global aggregate over another operator's output) holds next to nothing while other
        // operators of the query run.
        worker.scratch.release()
        worker.groupIds = []
        worker.newIds = []
        worker.keyMap.releaseScratch()
        worker.reservation.shrink(to: held(worker.table, worker.accumulators, worker.scratch)
            + worker.keyMap.byteCount)
    }

    /// Groups a worker's table holds before it hands them on when nearly every row was a new group.
    static let uniqueGroupsCap = 1 << 18

    /// When the worker's table has reached ``uniqueGroupsCap`` groups and at least 97% of the rows it took were
    /// new groups (keys that hardly ever repeat, such as db-benchmark's q10; with keys drawn at random this needs
    /// about 4.5 million distinct keys or more), its groups move into the worker's partitions now, as at the end, and the table starts over: a
    /// table that stays small is faster to probe and grow than one holding every key, and the partitions' merge
    /// finds the few repeats. The batches stay in memory only while the pool is less than a quarter reserved (the
    /// partitions' merge needs the rest, and what the allocator keeps of freed tables counts in the process's
    /// memory too), else they are spilled.
    private func handOnUniqueGroups(_ worker: Worker) throws(StrataError) {
        let table = worker.table
        guard table.count >= HashAggregation.uniqueGroupsCap, table.count * 100 >= worker.rowsInTable * 97 else {
            return
        }
        let pool = self.pool, metrics = self.metrics
        try flush(table, worker.accumulators, into: worker.partitions, memory: { batch in
            guard pool.reserved + batch.byteCount <= pool.limit / 4 else { return nil }
            let reservation = pool.reservation(for: HashAggregation.consumer, metrics: metrics)
            return reservation.tryGrow(by: batch.byteCount) ? reservation : nil
        })
        flushedAny.store(true, ordering: .relaxed)
        worker.rowsInTable = 0
    }

    private func projected(_ table: GroupHashTable, _ accumulators: [any Accumulator], _ scratch: EncodedKeys,
                           rows: Int) -> Int {
        let keyBytes = scratch.offsets[rows]
        var total = table.projectedBytes(adding: rows, keyBytes: keyBytes) + scratch.byteCount + rows * 4
        for accumulator in accumulators {
            total += accumulator.projectedBytes(groups: table.count + rows, rows: rows)
        }
        return total
    }

    private func held(_ table: GroupHashTable, _ accumulators: [any Accumulator], _ scratch: EncodedKeys) -> Int {
        accumulators.reduce(table.byteCount + scratch.byteCount) { $0 + $1.byteCount }
    }

    private func consumeSlice(_ worker: Worker, keys: [Column], arguments: [[Column]],
                              rows: Range<Int>) throws(StrataError) {
        if worker.keyMap.prepare(keys, generation: worker.table.generation),
           try consumeCodedSlice(worker, keys: keys, arguments: arguments, rows: rows) {
            return
        }
        if worker.keyMap.byteCount > 0 { worker.keyMap.release() }
        try aggregateSlice(keys: keys, rows: rows, worker.table, worker.accumulators, worker.scratch,
                           &worker.groupIds, worker.reservation, makeRoom: { () throws(StrataError) in
            guard worker.table.count > 0 else { return }
            try flush(worker.table, worker.accumulators, into: worker.partitions)
            worker.rowsInTable = 0
            stats.withLock { $0.spills += 1 }
            metrics?.spilledOnce()
        }, apply: { (ids) throws(StrataError) in
            for (a, accumulator) in worker.accumulators.enumerated() {
                try accumulator.update(arguments[a], rows: rows, groupIds: ids)
            }
        })
    }

    /// A slice whose keys are all dictionary codes (see ``DictionaryKeyMap``): only the key combinations the map
    /// does not know yet are encoded and looked up in the table. Returns false, having changed nothing, when the
    /// pool refuses what the slice needs: the caller then takes the general path, which makes room.
    private func consumeCodedSlice(_ worker: Worker, keys: [Column], arguments: [[Column]],
                                   rows: Range<Int>) throws(StrataError) -> Bool {
        let n = rows.count
        let table = worker.table, map = worker.keyMap, scratch = worker.scratch
        let missing = map.lookUp(keys, rows: rows)
        if worker.groupIds.count < n { worker.groupIds = [UInt32](repeating: 0, count: n) }
        if worker.newIds.count < missing.count { worker.newIds = [UInt32](repeating: 0, count: missing.count) }
        if !missing.isEmpty {
            encoder.encode(try map.keyColumns(missing, of: keys), rows: 0..<missing.count, into: scratch)
        } else {
            scratch.prepare(rows: 0)
        }
        let m = missing.count
        var needed = table.projectedBytes(adding: m, keyBytes: scratch.offsets[m]) + scratch.byteCount
            + (worker.groupIds.capacity + worker.newIds.capacity) * 4 + map.projectedBytes(rows: n)
        for accumulator in worker.accumulators {
            needed += accumulator.projectedBytes(groups: table.count + m, rows: n)
        }
        guard worker.reservation.resize(to: needed) else { return false }
        if m > 0 {
            worker.newIds.withUnsafeMutableBufferPointer { ids in
                guard let base = ids.baseAddress else { return }
                table.findOrInsert(scratch, groupIds: base)
                map.record(missing, groups: base)
            }
        }
        try worker.groupIds.withUnsafeMutableBufferPointer { (ids) throws(StrataError) in
            guard let base = ids.baseAddress else { return }
            map.fill(base, rows: n)
            for accumulator in worker.accumulators { accumulator.resize(groups: table.count) }
            for (a, accumulator) in worker.accumulators.enumerated() {
                try accumulator.update(arguments[a], rows: rows, groupIds: base)
            }
        }
        worker.reservation.shrink(to: held(table, worker.accumulators, scratch)
            + (worker.groupIds.capacity + worker.newIds.capacity) * 4 + map.byteCount)
        return true
    }

    /// One step of aggregation, shared by the consume and merge phases:
    /// 1. encode the keys of `rows`;
    /// 2. reserve the worst case the slice can add; when refused, call `makeRoom` (which may flush the table) and
    ///    try again, then force the bytes (a slice is bounded);
    /// 3. find or insert the groups, size the accumulators, and hand the group ids to `apply`;
    /// 4. shrink the reservation to what the table and accumulators hold.
    private func aggregateSlice(keys: [Column], rows: Range<Int>, _ table: GroupHashTable,
                                _ accumulators: [any Accumulator], _ scratch: EncodedKeys,
                                _ groupIds: inout [UInt32], _ reservation: MemoryReservation,
                                makeRoom: () throws(StrataError) -> Void,
                                apply: (UnsafeMutablePointer<UInt32>) throws(StrataError) -> Void) throws(StrataError) {
        let n = rows.count
        encoder.encode(keys, rows: rows, into: scratch)
        if groupIds.count < n { groupIds = [UInt32](repeating: 0, count: n) }
        let idBytes = groupIds.capacity * 4
        if !reservation.resize(to: projected(table, accumulators, scratch, rows: n) + idBytes) {
            try makeRoom()
            let needed = projected(table, accumulators, scratch, rows: n) + idBytes
            if !reservation.resize(to: needed) { reservation.forceGrow(by: needed - reservation.bytes) }
        }
        try groupIds.withUnsafeMutableBufferPointer { (ids) throws(StrataError) in
            guard let base = ids.baseAddress else { return }
            table.findOrInsert(scratch, groupIds: base)
            for accumulator in accumulators { accumulator.resize(groups: table.count) }
            try apply(base)
        }
        reservation.shrink(to: held(table, accumulators, scratch) + idBytes)
    }

    /// Rows per batch written by a flush.
    private static let flushChunkRows = 65_536

    /// Moves the groups of `table` (and the values of holistic aggregates) into `target`'s partitions, then
    /// empties the table and accumulators. A flush runs when memory is short, so it works in bounded steps: one
    /// byte per group for its partition, index lists for one band of 8 partitions at a time, batches of at most
    /// 64 Ki rows. Each batch is kept in memory when `memory` returns a reservation for it, else appended to the
    /// partition's spill run.
    private func flush(_ table: GroupHashTable, _ accumulators: [any Accumulator], into target: PartitionedSpill,
                       memory: ((Batch) -> MemoryReservation?)? = nil) throws(StrataError) {
        /// Emits `items` of partition `p` in chunks built by `makeBatch`.
        func emit(_ p: Int, _ stream: Int, _ items: [Int],
                  _ makeBatch: ([Int]) throws(StrataError) -> Batch) throws(StrataError) {
            var start = 0
            while start < items.count {
                let end = min(items.count, start + HashAggregation.flushChunkRows)
                let batch = try makeBatch(Array(items[start..<end]))
                start = end
                if let memory, let reservation = memory(batch) {
                    target.keep(batch, in: p, stream: stream, reservation: reservation)
                } else {
                    try target.write(batch, to: p, stream: stream)
                    spilledAny.store(true, ordering: .relaxed)
                }
            }
        }
        let fixed = accumulators.filter { !$0.stateTypes.isEmpty }
        let groupSchema = self.groupSchema
        var groupPartition = [UInt8](repeating: 0, count: table.count)
        for group in 0..<table.count {
            groupPartition[group] = UInt8(truncatingIfNeeded: target.partition(of: table.hash(ofGroup: group)))
        }
        try HashPartitioner.forEachPartition(table.count, partitions: target.partitionCount,
                                             partitionOf: { Int(groupPartition[$0]) }) { (p, groups) throws(StrataError) in
            try emit(p, HashAggregation.groupStream, groups) { (chunk) throws(StrataError) in
                var columns = try table.keyColumns(chunk)
                for accumulator in fixed { columns += try accumulator.states(chunk) }
                return try Batch(schema: groupSchema, columns: columns)
            }
        }
        for (a, accumulator) in accumulators.enumerated() {
            guard let schema = valueSchemas[a], let (ids, values) = accumulator.takeValues() else { continue }
            try HashPartitioner.forEachPartition(ids.count, partitions: target.partitionCount,
                                                 partitionOf: { Int(groupPartition[Int(ids[$0])]) }) {
                (p, rows) throws(StrataError) in
                try emit(p, 1 + a, rows) { (chunk) throws(StrataError) in
                    try Batch(schema: schema,
                              columns: try table.keyColumns(chunk.map { Int(ids[$0]) }) + [values.gather(chunk)])
                }
            }
        }
        table.reset()
        for accumulator in accumulators { accumulator.reset() }
    }

    // MARK: - 2. Finish

    /// Ends worker `index`'s consume phase: its groups move to the partitions' merge inputs.
    package func finish(worker index: Int) throws(StrataError) {
        guard index >= 0, index < workers.count else { throw StrataError(.internal, "worker \(index) out of range") }
        if workers.count == 1 && !spilledAny.load(ordering: .relaxed) && !flushedAny.load(ordering: .relaxed) {
            direct.store(true, ordering: .relaxed)
            return
        }
        let worker = workers[index]
        // Few groups and nothing moved out so far: the tables are folded into one at the merge, and no row of a
        // holistic aggregate's values is copied out with its keys.
        if !spilledAny.load(ordering: .relaxed), !flushedAny.load(ordering: .relaxed),
           worker.table.count <= HashAggregation.heldGroupsCap,
           worker.reservation.bytes.multipliedReportingOverflow(by: 2 * workers.count).partialValue <= pool.limit {
            worker.held = true
            worker.scratch.release()
            worker.groupIds = []
            worker.newIds = []
            worker.keyMap.release()
            return
        }
        try flushAtFinish(worker)
    }

    /// Moves `worker`'s groups into its partitions (kept in memory while the pool grants it), ends their writers
    /// and releases its table's reservation.
    private func flushAtFinish(_ worker: Worker) throws(StrataError) {
        let pool = self.pool, metrics = self.metrics
        try flush(worker.table, worker.accumulators, into: worker.partitions, memory: { batch in
            let reservation = pool.reservation(for: HashAggregation.consumer, metrics: metrics)
            return reservation.tryGrow(by: batch.byteCount) ? reservation : nil
        })
        try worker.partitions.finishWriters()
        worker.reservation.release()
    }

    // MARK: - 3. Merge and 4. finalise

    /// The one row a global aggregate (no keys) returns when no row reached it: counts 0, everything else NULL.
    package func emptyGlobalResult() throws(StrataError) -> Batch {
        var columns: [Column] = []
        for spec in specs {
            let accumulator = spec.makeAccumulator()
            columns.append(try accumulator.finalize(groups: 1))
        }
        return try Batch(schema: outputSchema, columns: columns)
    }

    /// Merges partition `partition` and emits its result batches through `emit`.
    package func merge(partition: Int, emit: (Batch) throws(StrataError) -> Void) throws(StrataError) {
        if direct.load(ordering: .relaxed) {
            guard partition == 0, let worker = workers.first else { return }
            try finalize(worker.table, worker.accumulators, reservation: worker.reservation, emit: emit)
            return
        }
        switch try resolveHeldMerge() {
        case .combined:
            if partition == 0 { try mergeHeldWorkers(emit: emit) }
            return
        case .undecided, .partitioned:
            break
        }
        let mine = workers.flatMap { $0.partitions.take(partition) }
        guard !mine.isEmpty else { return }
        try merge(mine, level: 0, emit: emit)
    }

    /// Decides, once, how held workers merge: combined when every worker held its groups, else their groups move
    /// into their partitions now (the merge tasks wait until they have).
    private func resolveHeldMerge() throws(StrataError) -> HeldMerge {
        try heldMerge.withLock { (state) throws(StrataError) -> HeldMerge in
            guard case .undecided = state else { return state }
            if workers.allSatisfy(\.held) {
                state = .combined
                return state
            }
            state = .partitioned
            for worker in workers where worker.held {
                worker.held = false
                try flushAtFinish(worker)
            }
            return state
        }
    }

    /// Folds every other worker's groups into the first worker's table, then finalises it: each worker's keys
    /// (at most ``heldGroupsCap``) are looked up in the first table in slices, their states merged, and a holistic
    /// aggregate's values appended under the groups they map to.
    private func mergeHeldWorkers(emit: (Batch) throws(StrataError) -> Void) throws(StrataError) {
        guard let target = workers.first else { return }
        for other in workers.dropFirst() {
            let groups = other.table.count
            var mapping = [UInt32](repeating: 0, count: groups)
            if groups > 0 {
                let keys = try other.table.keyColumns()
                var states: [[Column]] = []
                for accumulator in other.accumulators {
                    states.append(accumulator.stateTypes.isEmpty ? [] : try accumulator.states(nil))
                }
                var start = 0
                while start < groups {
                    let rows = start..<min(groups, start + HashAggregation.sliceRows)
                    start = rows.upperBound
                    try aggregateSlice(keys: keys, rows: rows, target.table, target.accumulators, target.scratch,
                                       &target.groupIds, target.reservation, makeRoom: {},
                                       apply: { (ids) throws(StrataError) in
                        for i in 0..<rows.count { mapping[rows.lowerBound + i] = ids[i] }
                        for (a, accumulator) in target.accumulators.enumerated() where !states[a].isEmpty {
                            try accumulator.merge(states: states[a][...], rows: rows, groupIds: ids)
                        }
                    })
                }
            }
            for (a, accumulator) in other.accumulators.enumerated() {
                guard let (ids, values) = accumulator.takeValues(), !ids.isEmpty else { continue }
                let remapped = ids.map { mapping[Int($0)] }
                if !target.reservation.tryGrow(by: values.byteCount + remapped.count * 4) {
                    target.reservation.forceGrow(by: values.byteCount + remapped.count * 4)
                }
                try remapped.withUnsafeBufferPointer { (pointer) throws(StrataError) in
                    guard let base = pointer.baseAddress else { return }
                    try target.accumulators[a].appendValues(values, rows: 0..<values.count, groupIds: base)
                }
            }
            other.table.reset()
            for accumulator in other.accumulators { accumulator.reset() }
            other.reservation.release()
        }
        target.scratch.release()
        target.groupIds = []
        try finalize(target.table, target.accumulators, reservation: target.reservation, emit: emit)
    }

    private func merge(_ sources: [SpillChunk], level: Int,
                       emit: (Batch) throws(StrataError) -> Void) throws(StrataError) {
        stats.withLock { $0.maxLevel = max($0.maxLevel, level) }
        metrics?.reachedLevel(level)
        let table = GroupHashTable(encoder: encoder)
        let accumulators = specs.map { $0.makeAccumulator() }
        let reservation = pool.reservation(for: HashAggregation.consumer, metrics: metrics)
        let scratch = EncodedKeys()
        var groupIds: [UInt32] = []
        var children: PartitionedSpill?
        let keyCount = keyFields.count
        var remaining = sources
        remaining.reverse()
        while let source = remaining.popLast() {
            let stream = source.stream
            try source.consume { (batch) throws(StrataError) in
                var start = 0
                while start < batch.count {
                    let rows = start..<min(batch.count, start + HashAggregation.sliceRows)
                    start = rows.upperBound
                    try aggregateSlice(keys: Array(batch.columns.prefix(keyCount)), rows: rows, table,
                                       accumulators, scratch, &groupIds, reservation, makeRoom: { () throws(StrataError) in
                        // A table of one group cannot be split by its hash; flushing it would only move it a level
                        // down (its holistic values are merged whole anyway).
                        guard level < KeyHasher.maxLevel && table.count > 1 else { return }
                        let parts = children ?? PartitionedSpill(level: level + 1, spill: spill,
                                                                 label: "hash aggregate", metrics: metrics)
                        try flush(table, accumulators, into: parts)
                        children = parts
                        stats.withLock { $0.spills += 1 }
                        metrics?.spilledOnce()
                    }, apply: { (ids) throws(StrataError) in
                        var column = keyCount
                        for (a, accumulator) in accumulators.enumerated() {
                            if stream == HashAggregation.groupStream {
                                let width = accumulator.stateTypes.count
                                guard width > 0 else { continue }
                                try accumulator.merge(states: batch.columns[column..<(column + width)], rows: rows,
                                                      groupIds: ids)
                                column += width
                            } else if stream == 1 + a, batch.columns.count > keyCount {
                                try accumulator.appendValues(batch.columns[keyCount], rows: rows, groupIds: ids)
                            }
                        }
                    })
                }
            }
        }
        guard let parts = children else {
            try finalize(table, accumulators, reservation: reservation, emit: emit)
            return
        }
        try flush(table, accumulators, into: parts)
        try parts.finishWriters()
        reservation.release()
        for p in 0..<parts.partitionCount {
            let part = parts.take(p)
            if !part.isEmpty { try merge(part, level: level + 1, emit: emit) }
        }
    }

    private func finalize(_ table: GroupHashTable, _ accumulators: [any Accumulator], reservation: MemoryReservation,
                          emit: (Batch) throws(StrataError) -> Void) throws(StrataError) {
        let groups = table.count
        // The result columns: about 16 bytes per group and aggregate on top of the keys.
        reservation.forceGrow(by: groups * (16 * max(1, accumulators.count) + encoder.fixedWidth))
        var results: [Column] = []
        for accumulator in accumulators { results.append(try accumulator.finalize(groups: groups)) }
        for accumulator in accumulators { accumulator.reset() }
        stats.withLock { $0.groups += groups }
        // Emitted in slices, so no batch holds more than 64 Ki groups' keys.
        var start = 0
        while start < groups {
            let end = min(groups, start + HashAggregation.flushChunkRows)
            let slice = Array(start..<end)
            let keys = try table.keyColumns(slice)
            let values = end - start == groups ? results : results.map { $0.slice(start..<end) }
            try emit(try Batch(schema: outputSchema, columns: keys + values))
            start = end
        }
        table.reset()
        reservation.release()
    }
}
