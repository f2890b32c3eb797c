import StrataCore
import Synchronization

/// A hash join that holds the memory limit: hybrid hash join with recursive repartitioning and a chunked fallback
/// for keys too frequent to split.
///
/// ```
///   build input ──▶ [sink: rows by hash into 16 partitions, spilling the largest under pressure]
///                        │ finalize: the partitions that fit the join's share of the pool → one hash table
///                        ▼           the others → spill runs
///   probe input ──▶ [probe: rows of resident partitions match now; rows of spilled partitions → spill runs]──▶
///                        │ tail 0: unmatched rows of the resident table (right/full joins), table freed
///                        ▼ tail p: partition p again: build its table and replay its probe rows, or split both
///                                  sides by the next 4 hash bits, or, when one key holds the partition, build it
///                                  in chunks and replay the probe rows for each chunk
/// ```
///
/// 1. Sink (build side, per worker): evaluate the key expressions, store the keys and the payload columns, and
///    route each row to one of 16 partitions by the top 4 bits of its key hash. A batch for a partition is kept in memory when
///    the pool grants its bytes; when refused, the worker's largest partition goes to disk and the partition is
///    marked spilled (its later rows go straight to its run). Rows with a NULL key are dropped unless the join
///    returns unmatched build rows.
/// 2. Combine (per worker): close the worker's spill writers.
/// 3. Finalize: gather each partition's chunks; pick, smallest first, the partitions whose table fits the join's
///    share of the pool; write the others' in-memory chunks to disk; concatenate the resident partitions (freeing
///    each chunk as it is appended) and build one ``JoinHashTable``.
/// 4. Probe (streaming, per worker, 16 Ki rows at a time): encode the keys, send rows of spilled partitions to the
///    worker's probe runs, match the others against the table in chunks of pairs, evaluate the residual condition
///    on the candidate pairs, and emit pairs, unmatched rows, semi/anti rows or marks.
/// 5. Tails, after all probe input: tail 0 emits the resident table's unmatched build rows and frees it; tail
///    `1 + p` joins spilled partition p: its build rows and probe rows are read back; if its table fits, it is
///    built and the probe rows replayed; if not, both sides split into 16 sub-partitions by the next hash bits and
///    each is joined alone (recursively); a split that leaves every build row in one sub-partition means one key
///    (or colliding keys) holds the partition: its build rows are then loaded a memory-sized chunk at a time and
///    the probe rows replayed for each chunk, with a bitmap of matched probe rows for the outer, semi, anti and
///    mark results. Every answer is the same at every budget; only the time changes.
package final class HashJoin: SinkOperator, StreamingOperator, @unchecked Sendable {
    // Safety: configuration is immutable; per-worker state is touched only by tasks on that worker (or, in combine
    // and tails, after every task feeding it); shared state sits behind atomics and mutexes.

    /// The memory consumer name of join tables and build partitions.
    package static let consumer = "hash join"
    /// Pairs gathered per output batch.
    static let chunkPairs = 32_768
    /// Probe rows encoded per step.
    static let sliceRows = 16_384
    /// Hash bits a level of partitioning uses, and the partitions they make: 16, so that each holds a sizeable
    /// share of a batch (many tiny chunks would cost the allocator more than they hold).
    static let partitionBits = 4
    static let partitions = 1 << partitionBits
    /// The least memory a chunk of a skewed partition gets, even over the pool's limit.
    static let minimumChunkBytes = 1 << 20

    // MARK: Configuration

    /// The streaming input.
    package let probeChild: any PhysicalOperator
    /// The hashed input.
    package let buildChild: any PhysicalOperator
    /// What comes out.
    package let semantics: JoinSemantics
    /// The logical join, for EXPLAIN (e.g. `LEFT ON (a = b)`, with the build side).
    private let description: String
    private let probeKeys: [BoundExpr]
    private let buildKeys: [BoundExpr]
    private let encoder: KeyEncoder
    /// Build input columns stored after the keys.
    private let payload: [Int]
    private let storedSchema: Schema
    /// The residual condition, over the probe columns followed by the payload columns.
    private let residual: BoundExpr?
    private let candidateSchema: Schema
    private let outputColumns: [JoinOutputColumn]
    package let schema: Schema
    package let metrics: OperatorMetrics
    private let context: ExecutionContext
    /// The share of the pool the resident table may take: `PipelineBuilder` divides the pool among the joins of a
    /// pipeline and the memory-intensive sink it feeds. Set before the query runs.
    package var memoryShare: Double = 1

    // MARK: State

    private let builders: [BuildWorker]
    private let probers: [ProbeWorker]
    /// Partitions with build rows on disk (bit p).
    private let spilledMask = Atomic<UInt64>(0)
    private let buildRowCount = Atomic<Int>(0)
    private let buildHasNullKey = Atomic<Bool>(false)
    private let built = Mutex<Built?>(nil)

    /// What finalize produced.
    private final class Built: @unchecked Sendable {
        // Safety: written in finalize; the table is read concurrently (match bits are atomic); the spilled chunks
        // are taken under `HashJoin.built`'s lock.
        var table: JoinHashTable?
        /// Bit p set: partition p's build rows are in `table` (or it has none).
        let resident: UInt64
        var spilled: [[SpillChunk]]
        let reservation: MemoryReservation

        init(table: JoinHashTable?, resident: UInt64, spilled: [[SpillChunk]], reservation: MemoryReservation) {
            self.table = table
            self.resident = resident
            self.spilled = spilled
            self.reservation = reservation
        }
    }

    /// One worker's build state.
    private final class BuildWorker {
        let partitions: PartitionedSpill
        let scratch = EncodedKeys()

        init(partitions: PartitionedSpill) { self.partitions = partitions }
    }

    /// One worker's probe state: its spilled probe rows and reused buffers.
    private final class ProbeWorker {
        let partitions: PartitionedSpill
        let scratch = EncodedKeys()
        var probeRows = [UInt32](repeating: 0, count: HashJoin.chunkPairs)
        var buildRows = [UInt32](repeating: 0, count: HashJoin.chunkPairs)

        init(partitions: PartitionedSpill) { self.partitions = partitions }
    }

    /// A join of `probe` and `build`.
    ///
    /// - Parameters:
    ///   - probeKeys, buildKeys: the equi-join keys over each input, cast to common types.
    ///   - payload: the build input's columns the output or the residual needs.
    ///   - residual: a condition over the probe columns followed by the payload columns, checked on every pair
    ///     whose keys are equal.
    ///   - output: where each output column comes from; `names` names them.
    package init(probe: any PhysicalOperator, build: any PhysicalOperator, semantics: JoinSemantics,
                 probeKeys: [Expr], buildKeys: [Expr], payload: [Int], residual: Expr?,
                 output: [JoinOutputColumn], names: [String], description: String, context: ExecutionContext,
                 estimatedRows: Int?) throws(StrataError) {
        probeChild = probe
        buildChild = build
        self.semantics = semantics
        self.description = description
        var boundProbe: [BoundExpr] = []
        var boundBuild: [BoundExpr] = []
        for (p, b) in zip(probeKeys, buildKeys) {
            let left = try p.bind(to: probe.schema), right = try b.bind(to: build.schema)
            guard left.type == right.type else {
                throw StrataError(.internal, "join keys \(p) and \(b) have types \(left.type) and \(right.type)")
            }
            boundProbe.append(left)
            boundBuild.append(right)
        }
        self.probeKeys = boundProbe
        self.buildKeys = boundBuild
        encoder = KeyEncoder(types: boundProbe.map(\.type))
        self.payload = payload
        var stored = boundBuild.enumerated().map { Field("__key\($0.offset)", $0.element.type) }
        let payloadFields = payload.map { build.schema.fields[$0] }
        stored += payloadFields
        storedSchema = Schema(unchecked: stored)
        candidateSchema = Schema(unchecked: probe.schema.fields + payloadFields)
        if let residual {
            let bound = try residual.bind(to: candidateSchema)
            guard bound.type == .bool else {
                throw StrataError(.invalidArgument, "join condition \(residual) is \(bound.type), not a boolean")
            }
            self.residual = bound
        } else {
            self.residual = nil
        }
        outputColumns = output
        var fields: [Field] = []
        for (column, name) in zip(output, names) {
            switch column {
            case let .probe(i): fields.append(Field(name, probe.schema.fields[i].type))
            case let .build(i): fields.append(Field(name, storedSchema.fields[i].type))
            case .mark: fields.append(Field(name, .bool))
            }
        }
        schema = try Schema(fields)
        let metrics = OperatorMetrics(estimatedRows: estimatedRows)
        self.metrics = metrics
        self.context = context
        builders = (0..<context.threads).map { _ in
            BuildWorker(partitions: PartitionedSpill(level: 0, spill: context.spill, label: "hash join build",
                                                     metrics: metrics, partitions: HashJoin.partitions))
        }
        probers = (0..<context.threads).map { _ in
            ProbeWorker(partitions: PartitionedSpill(level: 0, spill: context.spill, label: "hash join probe",
                                                     metrics: metrics, partitions: HashJoin.partitions))
        }
        metrics.usedPartitions(HashJoin.partitions)
    }

    package var label: String { "HashJoin \(description)" }
    package var children: [any PhysicalOperator] { [probeChild, buildChild] }
    package var sinkChild: any PhysicalOperator { buildChild }

    // MARK: - Sink: the build side

    package func sink(_ batch: Batch, _ context: TaskContext) throws(StrataError) {
        let worker = builders[context.worker]
        var keys: [Column] = []
        for key in buildKeys { keys.append(try key.evaluate(batch)) }
        let stored = try Batch(schema: storedSchema, columns: keys + payload.map { batch.columns[$0] })
        buildRowCount.add(batch.count, ordering: .relaxed)
        let nulls = JoinHashTable.nullKeyFlags(keys, rows: 0..<batch.count)
        if let nulls, nulls.contains(true) { buildHasNullKey.store(true, ordering: .relaxed) }
        let keepNulls = semantics.keepsUnmatchedBuild
        let hashes = HashJoin.hashes(of: keys, rows: batch.count, encoder: encoder, scratch: worker.scratch)
        let groups = HashPartitioner.group(batch.count, partitions: HashJoin.partitions) { row in
            if !keepNulls, let nulls, nulls[row] { return -1 }
            return KeyHasher.partition(hashes[row], level: 0, bits: HashJoin.partitionBits)
        }
        for p in 0..<HashJoin.partitions where groups.starts[p] < groups.starts[p + 1] {
            let part = try groups.rows[groups.starts[p]..<groups.starts[p + 1]].withUnsafeBufferPointer {
                (rows) throws(StrataError) in try stored.gather(rows: rows)
            }
            try add(part, to: p, worker)
        }
    }

    /// Keeps `part` of partition `p` in memory, or writes it to disk when the partition is spilled or memory is
    /// refused (after spilling the worker's largest partition).
    private func add(_ part: Batch, to p: Int, _ worker: BuildWorker) throws(StrataError) {
        let bit: UInt64 = 1 << UInt64(p)
        if spilledMask.load(ordering: .relaxed) & bit == 0 {
            let reservation = context.pool.reservation(for: HashJoin.consumer, metrics: metrics)
            if reservation.tryGrow(by: part.byteCount) {
                worker.partitions.keep(part, in: p, reservation: reservation)
                return
            }
            let largest = (0..<HashJoin.partitions).max {
                worker.partitions.memoryBytes(of: $0) < worker.partitions.memoryBytes(of: $1)
            } ?? p
            spilledMask.bitwiseOr(1 << UInt64(largest), ordering: .relaxed)
            try worker.partitions.spillMemory(of: largest)
            if largest != p, reservation.tryGrow(by: part.byteCount) {
                worker.partitions.keep(part, in: p, reservation: reservation)
                return
            }
            spilledMask.bitwiseOr(bit, ordering: .relaxed)
        }
        try worker.partitions.write(part, to: p)
    }

    // MARK: - Combine

    package var combinesPerWorker: Bool { true }

    package func combine(worker: Int) throws(StrataError) {
        try builders[worker].partitions.finishWriters()
    }

    // MARK: - Finalize

    package func finalize() throws(StrataError) {
        let count = HashJoin.partitions
        var chunks = (0..<count).map { p in builders.flatMap { $0.partitions.take(p) } }
        let rows = chunks.map { $0.reduce(0) { $0 + $1.rows } }
        let bytes = chunks.map { $0.reduce(0) { $0 + $1.dataBytes } }
        let tracks = semantics.keepsUnmatchedBuild
        func estimate(_ p: Int) -> Int {
            bytes[p] + JoinHashTable.indexBytes(rows: rows[p], keyBytes: rows[p] * encoder.fixedWidth,
                                                variableWidth: encoder.hasStrings, tracksMatches: tracks)
        }
        // Smallest first, as many as fit half the join's share of the pool (the other half is for the probe
        // pipeline: its scans, output batches and spill buffers; and building the table needs its partitions' chunks
        // and the concatenated rows at once).
        let budget = Int(Double(context.pool.limit) * memoryShare / 2)
        // The bits past the last partition are set, so "every partition resident" is all ones.
        var resident: UInt64 = ~((1 << UInt64(count)) - 1)
        var planned = 0
        for p in (0..<count).sorted(by: { bytes[$0] < bytes[$1] }) {
            if rows[p] == 0 || planned + estimate(p) <= budget {
                resident |= 1 << UInt64(p)
                planned += rows[p] == 0 ? 0 : estimate(p)
            }
        }
        // The others' memory goes to disk first, which frees room for the table.
        let disk = PartitionedSpill(level: 0, spill: context.spill, label: "hash join build", metrics: metrics,
                                    partitions: count)
        for p in 0..<count where resident & (1 << UInt64(p)) == 0 {
            for chunk in chunks[p] {
                guard case let .memory(batch, reservation) = chunk.storage else { continue }
                try disk.write(batch, to: p)
                reservation?.release()
            }
            chunks[p].removeAll { if case .memory = $0.storage { true } else { false } }
        }
        try disk.finishWriters()
        var spilled = [[SpillChunk]](repeating: [], count: count)
        for p in 0..<count where resident & (1 << UInt64(p)) == 0 {
            spilled[p] = chunks[p] + disk.take(p)
            metrics.spilledOnce()
        }
        // The resident partitions become one table.
        let reservation = context.pool.reservation(for: HashJoin.consumer, metrics: metrics)
        var table: JoinHashTable?
        let residentRows = (0..<count).filter { resident & (1 << UInt64($0)) != 0 }.reduce(0) { $0 + rows[$1] }
        if residentRows > 0 {
            reservation.forceGrow(by: planned)
            let residentChunks = (0..<count).filter { resident & (1 << UInt64($0)) != 0 }.flatMap { chunks[$0] }
            var appender = BatchAppender(schema: storedSchema, rows: residentRows,
                                         stringBytes: HashJoin.stringBytes(residentChunks, storedSchema))
            for p in 0..<count where resident & (1 << UInt64(p)) != 0 {
                for chunk in chunks[p] {
                    try chunk.consume { (batch) throws(StrataError) in try appender.append(batch) }
                }
            }
            let built = JoinHashTable(try appender.finish(), keyCount: buildKeys.count, encoder: encoder,
                                      tracksMatches: tracks)
            HashJoin.settle(reservation, at: built.byteCount)
            table = built
        }
        spilledMask.store(~resident, ordering: .relaxed)
        let result = Built(table: table, resident: resident, spilled: spilled, reservation: reservation)
        self.built.withLock { $0 = result }
        AllocatorTuning.trim()
    }

    // MARK: - Probe

    package func execute(_ batch: Batch, _ context: TaskContext, _ emit: BatchSink) throws(StrataError) {
        guard let result = built.withLock({ $0 }) else {
            throw StrataError(.internal, "a hash join was probed before its build side finished")
        }
        try probe(batch, result.table, resident: result.resident, probers[context.worker], mode: .complete, emit)
    }

    /// Probes `batch` 16 Ki rows at a time: encodes the keys, classifies the rows, spills those of partitions not in
    /// `resident` and matches the others against `table`.
    private func probe(_ batch: Batch, _ table: JoinHashTable?, resident: UInt64, _ worker: ProbeWorker,
                       mode: MatchMode, _ emit: BatchSink) throws(StrataError) {
        var keys: [Column] = []
        for key in probeKeys { keys.append(try key.evaluate(batch)) }
        var start = 0
        while start < batch.count {
            let rows = start..<min(batch.count, start + HashJoin.sliceRows)
            start = rows.upperBound
            encoder.encode(keys, rows: rows, into: worker.scratch)
            let nulls = JoinHashTable.nullKeyFlags(keys, rows: rows)
            // 0: matches normally, 1: NULL key (never matches), 2: spilled partition (joined in a tail).
            var classes = [UInt8](repeating: 0, count: rows.count)
            if let nulls { for i in 0..<rows.count where nulls[i] { classes[i] = 1 } }
            if resident != UInt64.max {
                let hashes = worker.scratch.hashes
                for i in 0..<rows.count where classes[i] == 0 {
                    if resident & (1 << UInt64(KeyHasher.partition(hashes[i], level: 0, bits: HashJoin.partitionBits))) == 0 { classes[i] = 2 }
                }
                try spillProbeRows(batch, rows: rows, classes: classes, worker)
            }
            try match(batch, rows: rows, classes: classes, table: table, worker: worker, mode: mode, emit)
        }
    }

    /// Writes the rows of `rows` whose class is 2 to the worker's probe runs, by partition.
    private func spillProbeRows(_ batch: Batch, rows: Range<Int>, classes: [UInt8],
                                _ worker: ProbeWorker) throws(StrataError) {
        let hashes = worker.scratch.hashes
        let groups = HashPartitioner.group(rows.count, partitions: HashJoin.partitions) { i in
            classes[i] == 2 ? KeyHasher.partition(hashes[i], level: 0, bits: HashJoin.partitionBits) : -1
        }
        for p in 0..<HashJoin.partitions where groups.starts[p] < groups.starts[p + 1] {
            let absolute = groups.rows[groups.starts[p]..<groups.starts[p + 1]].map {
                UInt32(truncatingIfNeeded: rows.lowerBound) &+ $0
            }
            let part = try absolute.withUnsafeBufferPointer { (r) throws(StrataError) in try batch.gather(rows: r) }
            try worker.partitions.write(part, to: p)
        }
    }

    /// How ``match(_:rows:classes:table:worker:mode:_:)`` reports.
    private enum MatchMode {
        /// Emit everything about these rows: pairs, and unmatched, semi, anti or mark rows.
        case complete
        /// One chunk of a skewed partition's build rows: emit pairs (and semi rows matched for the first time);
        /// record matches in `bits` at `base + row`.
        case chunk(bits: UnsafeMutablePointer<UInt64>, base: Int)
    }

    /// Matches `rows` of `batch`, whose keys are encoded in the worker's scratch, against `table`.
    private func match(_ batch: Batch, rows: Range<Int>, classes: [UInt8], table: JoinHashTable?,
                       worker: ProbeWorker, mode: MatchMode, _ emit: BatchSink) throws(StrataError) {
        let n = rows.count
        var matched = [Bool](repeating: false, count: semantics.usesProbeFlags ? n : 0)
        var newlyMatched: [UInt32] = []
        if let table {
            let firstOnly = semantics.needsFirstMatchOnly && residual == nil
            var eligible = classes.map { $0 == 0 }
            var cursor = JoinHashTable.Cursor()
            while cursor.row < n {
                let found = eligible.withUnsafeMutableBufferPointer { flags in
                    worker.probeRows.withUnsafeMutableBufferPointer { probeOut in
                        worker.buildRows.withUnsafeMutableBufferPointer { buildOut in
                            table.probe(worker.scratch, eligible: UnsafePointer(flags.baseAddress),
                                        firstMatchOnly: firstOnly, cursor: &cursor,
                                        probeOut: probeOut.baseAddress!, buildOut: buildOut.baseAddress!,
                                        capacity: HashJoin.chunkPairs)
                        }
                    }
                }
                guard found > 0 else { continue }
                var probe = worker.probeRows[0..<found].map { $0 &+ UInt32(truncatingIfNeeded: rows.lowerBound) }
                var build = Array(worker.buildRows[0..<found])
                var candidates: Batch?
                if let residual {
                    let candidate = try self.candidates(batch, probe, table, build)
                    let keep = try selection(of: residual, in: candidate)
                    if keep.count < found {
                        probe = keep.map { probe[$0] }
                        build = keep.map { build[$0] }
                        candidates = keep.isEmpty ? nil : try candidate.gather(keep)
                    } else {
                        candidates = candidate
                    }
                }
                guard !probe.isEmpty else { continue }
                if semantics.keepsUnmatchedBuild { build.withUnsafeBufferPointer { table.markMatched($0) } }
                if semantics.usesProbeFlags {
                    for row in probe {
                        let i = Int(row) - rows.lowerBound
                        if case let .chunk(bits, base) = mode {
                            let at = base + Int(row)
                            let bit: UInt64 = 1 << UInt64(at & 63)
                            if bits[at >> 6] & bit == 0 {
                                bits[at >> 6] |= bit
                                if semantics.output == .semi { newlyMatched.append(row) }
                            }
                        }
                        if !matched.isEmpty { matched[i] = true }
                        // Semi, anti and mark joins need one passing match per row.
                        if semantics.output != .pairs { eligible[i] = false }
                    }
                }
                if semantics.output == .pairs {
                    try emit(try pairs(batch, probe, table, build, candidates: candidates))
                }
            }
        }
        switch mode {
        case .chunk:
            if !newlyMatched.isEmpty { try emit(try probeOnly(batch, newlyMatched, mark: nil)) }
        case .complete:
            try emitUnmatched(batch, rows: rows, classes: classes, matched: matched, emit)
        }
    }

    /// After matching: the unmatched probe rows (outer), the matched (semi) or unmatched (anti) ones, or every row
    /// with its mark. Rows of spilled partitions are left out.
    private func emitUnmatched(_ batch: Batch, rows: Range<Int>, classes: [UInt8], matched: [Bool],
                               _ emit: BatchSink) throws(StrataError) {
        guard semantics.usesProbeFlags else { return }
        var selected: [UInt32] = []
        let base = UInt32(truncatingIfNeeded: rows.lowerBound)
        switch semantics.output {
        case .pairs, .anti:
            for i in 0..<rows.count where classes[i] != 2 && !matched[i] { selected.append(base &+ UInt32(i)) }
            guard !selected.isEmpty else { return }
            if semantics.output == .anti {
                try emit(try probeOnly(batch, selected, mark: nil))
            } else {
                try emit(try pairs(batch, selected, nil, nil, candidates: nil))
            }
        case .semi:
            for i in 0..<rows.count where matched[i] { selected.append(base &+ UInt32(i)) }
            if !selected.isEmpty { try emit(try probeOnly(batch, selected, mark: nil)) }
        case let .mark(nullAware):
            var marks = ColumnBuilder(type: .bool, capacity: rows.count)
            for i in 0..<rows.count where classes[i] != 2 {
                selected.append(base &+ UInt32(i))
                if matched[i] {
                    marks.append(true)
                } else if let unknown = markWithoutMatch(nullKey: classes[i] == 1, nullAware: nullAware) {
                    marks.append(unknown)
                } else {
                    marks.appendNull()
                }
            }
            if !selected.isEmpty { try emit(try probeOnly(batch, selected, mark: marks.finish())) }
        }
    }

    /// The mark of a probe row without a match: FALSE, or NULL (nil) under `IN`'s rules when its key is NULL and
    /// the build side has rows, or when a build key is NULL.
    private func markWithoutMatch(nullKey: Bool, nullAware: Bool) -> Bool? {
        guard nullAware else { return false }
        if nullKey { return buildRowCount.load(ordering: .relaxed) == 0 ? false : nil }
        return buildHasNullKey.load(ordering: .relaxed) ? nil : false
    }

    // MARK: Output batches

    /// The candidate pairs as one batch: every probe column, then the payload columns.
    private func candidates(_ batch: Batch, _ probe: [UInt32], _ table: JoinHashTable,
                            _ build: [UInt32]) throws(StrataError) -> Batch {
        var columns: [Column] = []
        try probe.withUnsafeBufferPointer { (rows) throws(StrataError) in
            for column in batch.columns { columns.append(try column.gather(rows: rows)) }
        }
        try build.withUnsafeBufferPointer { (rows) throws(StrataError) in
            for column in table.batch.columns.dropFirst(buildKeys.count) { columns.append(try column.gather(rows: rows)) }
        }
        return try Batch(schema: candidateSchema, columns: columns)
    }

    /// Output rows for pairs (`build` nil: build columns NULL; `batch` nil: probe columns NULL), taken from the
    /// candidate batch when the residual built one.
    private func pairs(_ batch: Batch?, _ probe: [UInt32], _ table: JoinHashTable?, _ build: [UInt32]?,
                       candidates: Batch?) throws(StrataError) -> Batch {
        let count = build?.count ?? probe.count
        var columns: [Column] = []
        let probeWidth = probeChild.schema.count
        for (column, field) in zip(outputColumns, schema.fields) {
            switch column {
            case let .probe(i):
                if let candidates {
                    columns.append(candidates.columns[i])
                } else if let batch {
                    columns.append(try probe.withUnsafeBufferPointer { (rows) throws(StrataError) in
                        try batch.columns[i].gather(rows: rows)
                    })
                } else {
                    columns.append(Column.nulls(field.type, count: count))
                }
            case let .build(i):
                if let candidates, i >= buildKeys.count {
                    columns.append(candidates.columns[probeWidth + i - buildKeys.count])
                } else if let table, let build {
                    columns.append(try build.withUnsafeBufferPointer { (rows) throws(StrataError) in
                        try table.batch.columns[i].gather(rows: rows)
                    })
                } else {
                    columns.append(Column.nulls(field.type, count: count))
                }
            case .mark:
                throw StrataError(.internal, "a mark column in a join that returns pairs")
            }
        }
        return try Batch(schema: schema, columns: columns)
    }

    /// Output rows made of probe rows alone (semi, anti, mark).
    private func probeOnly(_ batch: Batch, _ probe: [UInt32], mark: Column?) throws(StrataError) -> Batch {
        var columns: [Column] = []
        for column in outputColumns {
            switch column {
            case let .probe(i):
                columns.append(try probe.withUnsafeBufferPointer { (rows) throws(StrataError) in
                    try batch.columns[i].gather(rows: rows)
                })
            case .mark:
                guard let mark else { throw StrataError(.internal, "a mark join without marks") }
                columns.append(mark)
            case .build:
                throw StrataError(.internal, "build columns in a join that returns probe rows only")
            }
        }
        return try Batch(schema: schema, columns: columns)
    }

    /// The build rows of `table` that found no partner, with NULL probe columns, in batches.
    private func emitUnmatchedBuild(_ table: JoinHashTable, _ emit: BatchSink) throws(StrataError) {
        let rows = table.unmatchedRows()
        var start = 0
        while start < rows.count {
            let end = min(rows.count, start + HashJoin.chunkPairs)
            try emit(try pairs(nil, [], table, Array(rows[start..<end]), candidates: nil))
            start = end
        }
    }

    // MARK: - Tails: the spilled partitions

    package var tailMorselCount: Int { 1 + HashJoin.partitions }

    package func produceTail(morsel: Int, _ context: TaskContext, _ emit: BatchSink) throws(StrataError) {
        guard let result = built.withLock({ $0 }) else { return }
        if morsel == 0 {
            if semantics.keepsUnmatchedBuild, let table = result.table { try emitUnmatchedBuild(table, emit) }
            built.withLock { _ in
                result.table = nil
                result.reservation.release()
            }
            return
        }
        let p = morsel - 1
        guard result.resident & (1 << UInt64(p)) == 0 else { return }
        var probe: [SpillChunk] = []
        for worker in probers {
            try worker.partitions.finishWriters(partition: p)
            probe += worker.partitions.take(p)
        }
        let build = built.withLock { _ in
            let chunks = result.spilled[p]
            result.spilled[p] = []
            return chunks
        }
        try join(build: build, probe: probe, level: 0, emit)
    }

    /// Joins one spilled partition: in memory when its table fits, else split by the next hash bits, else in
    /// chunks (see step 5).
    private func join(build: [SpillChunk], probe: [SpillChunk], level: Int, _ emit: BatchSink) throws(StrataError) {
        metrics.reachedLevel(level)
        let buildRows = build.reduce(0) { $0 + $1.rows }
        let probeRows = probe.reduce(0) { $0 + $1.rows }
        guard buildRows > 0 else {
            defer { for chunk in probe { chunk.free() } }
            let worker = replayWorker()
            for chunk in probe {
                try chunk.forEachBatch { (batch) throws(StrataError) in try replay(batch, nil, worker, emit) }
            }
            return
        }
        guard probeRows > 0 || semantics.keepsUnmatchedBuild else {
            for chunk in build { chunk.free() }
            return
        }
        let bytes = build.reduce(0) { $0 + $1.dataBytes }
        let needed = bytes + JoinHashTable.indexBytes(rows: buildRows, keyBytes: buildRows * encoder.fixedWidth,
                                                      variableWidth: encoder.hasStrings,
                                                      tracksMatches: semantics.keepsUnmatchedBuild)
        let reservation = context.pool.reservation(for: HashJoin.consumer, metrics: metrics)
        if reservation.tryGrow(by: needed) {
            AllocatorTuning.trim()
            let table = try load(build, rows: buildRows)
            HashJoin.settle(reservation, at: table.byteCount)
            defer { for chunk in probe { chunk.free() } }
            let worker = replayWorker()
            for chunk in probe {
                try chunk.forEachBatch { (batch) throws(StrataError) in try replay(batch, table, worker, emit) }
            }
            if semantics.keepsUnmatchedBuild { try emitUnmatchedBuild(table, emit) }
            return
        }
        guard level < KeyHasher.maxLevel, !buildKeys.isEmpty else {
            try joinInChunks(build: build, probe: probe, emit)
            return
        }
        metrics.spilledOnce()
        let scratch = EncodedKeys()
        let buildParts = PartitionedSpill(level: level + 1, spill: context.spill, label: "hash join build",
                                          metrics: metrics, partitions: HashJoin.partitions)
        try PartitionedSpill.repartition(build, into: buildParts) { (batch) throws(StrataError) in
            HashJoin.hashes(of: Array(batch.columns.prefix(buildKeys.count)), rows: batch.count, encoder: encoder,
                            scratch: scratch)
        }
        let probeParts = PartitionedSpill(level: level + 1, spill: context.spill, label: "hash join probe",
                                          metrics: metrics, partitions: HashJoin.partitions)
        try PartitionedSpill.repartition(probe, into: probeParts) { (batch) throws(StrataError) in
            var keys: [Column] = []
            for key in probeKeys { keys.append(try key.evaluate(batch)) }
            return HashJoin.hashes(of: keys, rows: batch.count, encoder: encoder, scratch: scratch)
        }
        for part in 0..<buildParts.partitionCount {
            let subBuild = buildParts.take(part), subProbe = probeParts.take(part)
            if subBuild.reduce(0, { $0 + $1.rows }) == buildRows {
                // Nothing left this sub-partition: one key (or colliding keys) holds every row.
                try joinInChunks(build: subBuild, probe: subProbe, emit)
            } else {
                try join(build: subBuild, probe: subProbe, level: level + 1, emit)
            }
        }
    }

    /// Joins a partition whose build rows cannot be split, a memory-sized chunk of build rows at a time; the probe
    /// rows are replayed for each chunk, a bitmap remembering which ones matched.
    private func joinInChunks(build: [SpillChunk], probe: [SpillChunk], _ emit: BatchSink) throws(StrataError) {
        metrics.spilledOnce()
        defer {
            for chunk in build { chunk.free() }
            for chunk in probe { chunk.free() }
        }
        let probeRows = probe.reduce(0) { $0 + $1.rows }
        let words = (probeRows + 63) >> 6
        let bits = UnsafeMutablePointer<UInt64>.allocate(capacity: max(1, words))
        bits.initialize(repeating: 0, count: max(1, words))
        defer { bits.deallocate() }
        let reservation = context.pool.reservation(for: HashJoin.consumer, metrics: metrics)
        reservation.forceGrow(by: words * 8)
        let worker = replayWorker()
        let target = max(HashJoin.minimumChunkBytes, Int(Double(context.pool.limit) * memoryShare) / 2)
        var appender = BatchAppender(schema: storedSchema, rows: 0)
        var held = 0
        func runChunk() throws(StrataError) {
            guard appender.count > 0 else { return }
            let table = JoinHashTable(try appender.finish(), keyCount: buildKeys.count, encoder: encoder,
                                      tracksMatches: semantics.keepsUnmatchedBuild)
            appender = BatchAppender(schema: storedSchema, rows: 0)
            reservation.forceGrow(by: max(0, table.byteCount - held))
            var base = 0
            for chunk in probe {
                try chunk.forEachBatch { (batch) throws(StrataError) in
                    try replay(batch, table, worker, emit, mode: .chunk(bits: bits, base: base))
                    base += batch.count
                }
            }
            if semantics.keepsUnmatchedBuild { try emitUnmatchedBuild(table, emit) }
            reservation.shrink(to: words * 8)
            held = 0
        }
        for chunk in build {
            try chunk.forEachBatch { (batch) throws(StrataError) in
                if !reservation.tryGrow(by: batch.byteCount) { reservation.forceGrow(by: batch.byteCount) }
                held += batch.byteCount
                try appender.append(batch)
                if held >= target { try runChunk() }
            }
        }
        try runChunk()
        // The probe rows' fates, from the bitmap: unmatched rows of an outer join, anti rows, marks.
        switch semantics.output {
        case .pairs where !semantics.keepsUnmatchedProbe, .semi: return
        default: break
        }
        var base = 0
        for chunk in probe {
            try chunk.forEachBatch { (batch) throws(StrataError) in
                var matched = [Bool](repeating: false, count: batch.count)
                for i in 0..<batch.count {
                    let at = base + i
                    matched[i] = bits[at >> 6] & (1 << UInt64(at & 63)) != 0
                }
                var keys: [Column] = []
                for key in probeKeys { keys.append(try key.evaluate(batch)) }
                let nulls = JoinHashTable.nullKeyFlags(keys, rows: 0..<batch.count)
                let classes = (0..<batch.count).map { nulls?[$0] == true ? UInt8(1) : 0 }
                try emitUnmatched(batch, rows: 0..<batch.count, classes: classes, matched: matched, emit)
                base += batch.count
            }
        }
    }

    /// Scratch buffers for replaying probe rows in a tail.
    private func replayWorker() -> ProbeWorker {
        ProbeWorker(partitions: PartitionedSpill(level: 0, spill: context.spill, label: "hash join probe", metrics: nil,
                                                 partitions: HashJoin.partitions))
    }

    /// Matches one replayed probe batch of a spilled partition against `table` (nil: the partition has no build
    /// rows).
    private func replay(_ batch: Batch, _ table: JoinHashTable?, _ worker: ProbeWorker, _ emit: BatchSink,
                        mode: MatchMode = .complete) throws(StrataError) {
        try probe(batch, table, resident: UInt64.max, worker, mode: mode, emit)
    }

    /// Grows or shrinks `reservation` to `bytes` (growing even over the limit: the table exists already).
    private static func settle(_ reservation: MemoryReservation, at bytes: Int) {
        if bytes > reservation.bytes {
            reservation.forceGrow(by: bytes - reservation.bytes)
        } else {
            reservation.shrink(to: bytes)
        }
    }

    /// Per column of `schema`, the string bytes `chunks` hold: exact for batches in memory, extrapolated from their
    /// bytes per row for runs (0 when no batch is in memory: the column then grows by doubling).
    static func stringBytes(_ chunks: [SpillChunk], _ schema: Schema) -> [Int] {
        var bytes = [Int](repeating: 0, count: schema.count)
        var memoryRows = 0, runRows = 0
        for chunk in chunks {
            switch chunk.storage {
            case let .memory(batch, _):
                memoryRows += batch.count
                for (i, column) in batch.columns.enumerated() {
                    if case let .string(buffer) = column.data { bytes[i] += buffer.bytes.count }
                }
            case let .run(run):
                runRows += run.rowCount
            }
        }
        guard memoryRows > 0 else { return bytes }
        return bytes.map { $0 + Int(Double($0) / Double(memoryRows) * Double(runRows)) }
    }

    /// Reads a partition's build chunks into one table (freeing each chunk as it is appended).
    private func load(_ chunks: [SpillChunk], rows: Int) throws(StrataError) -> JoinHashTable {
        var appender = BatchAppender(schema: storedSchema, rows: rows,
                                     stringBytes: HashJoin.stringBytes(chunks, storedSchema))
        for chunk in chunks { try chunk.consume { (batch) throws(StrataError) in try appender.append(batch) } }
        return JoinHashTable(try appender.finish(), keyCount: buildKeys.count, encoder: encoder,
                             tracksMatches: semantics.keepsUnmatchedBuild)
    }

    /// The key hashes of the `count` rows of `keys` (all equal when there are no keys: a cross join).
    static func hashes(of keys: [Column], rows count: Int, encoder: KeyEncoder, scratch: EncodedKeys) -> [UInt64] {
        var hashes = [UInt64](repeating: 0, count: count)
        var start = 0
        while start < count {
            let end = min(count, start + HashJoin.sliceRows)
            encoder.encode(keys, rows: start..<end, into: scratch)
            for i in 0..<(end - start) { hashes[start + i] = scratch.hashes[i] }
            start = end
        }
        return hashes
    }
}
