import StrataCore
import Synchronization

/// Sorts any number of rows within the memory pool: sorted runs in memory as far as the reservation allows,
/// spilled as LZ4 runs when it does not, then a k-way merge that streams the rows in order.
///
/// 1. Add (per worker, in parallel): each batch gets two hidden columns, its normalized sort keys
///    (``SortKeyEncoder``) and each row's sequence number (morsel << 32 | row in morsel, the tie-breaker that
///    makes the sort stable), and joins the worker's buffer; the buffer reserves the batch, its keys and the
///    sort's per-row working memory before it grows. When the pool refuses (or all workers' buffers would pass
///    half the pool, which leaves the operators feeding the sort room), the buffer is sorted
///    (``KeySorter``) and written as one spill run in batches of about `runBatchBytes`, and starts empty again.
/// 2. Finish (per worker, in parallel): when nothing was spilled, every worker sorts one key range of all the
///    rows held (split at keys sampled from them), so that the ranges one after another are the whole order.
/// 3. Prepare (once): when nothing was spilled, that order makes one run in memory. Otherwise each worker's rows
///    are sorted and spilled as one more run, and while there are more runs than the merge can read at once (each
///    open run holds about three of its batches: compressed frame, decompressed body and decoded batch), the
///    smallest runs are merged into one, just enough of them that one merge reads the rest and the merged run —
///    as many passes as needed.
/// 4. Merge: the run in memory is read in its order, a chunk of rows gathered at a time. Spilled runs go through
///    ``RunMerger``: a binary heap of run cursors ordered by key, then sequence, picks the rows in order; every
///    chunk of picks is gathered from the runs' batches into one output batch. An offset is skipped without
///    gathering; a count stops the merge early.
package final class ExternalSort: Sendable {
    /// The memory consumer name of sorts.
    package static let consumer = "ORDER BY"

    /// The schema of the rows sorted and returned.
    package let schema: Schema
    /// The schema of buffered and spilled batches: the rows' columns, then the keys and sequence numbers.
    let runSchema: Schema
    private let encoder: SortKeyEncoder
    private let pool: MemoryPool
    private let spill: SpillManager
    private let metrics: OperatorMetrics?
    /// The bytes a spilled batch aims at: small, so that a merge can read many runs at once (an open run holds
    /// about three of its batches).
    let runBatchBytes: Int
    /// The bytes an output batch aims at.
    let outputBatchBytes: Int
    private let workers: [WorkerSlot]
    private let state: Mutex<SharedState>
    /// Bytes the workers' buffers hold together.
    private let buffered = Atomic<Int>(0)

    /// One worker's buffer behind its lock.
    private final class WorkerSlot: Sendable {
        let buffer: Mutex<WorkerBuffer>
        init(_ buffer: WorkerBuffer) { self.buffer = Mutex(buffer) }
    }

    /// One worker's unsorted rows.
    private struct WorkerBuffer: @unchecked Sendable {
        var batches: [Batch] = []
        var rows = 0
        var bytes = 0
        var reservation: MemoryReservation
        var morsel = -1
        var nextRow = 0
    }

    private struct SharedState: @unchecked Sendable {
        /// The sorted key ranges of the rows held in memory, by worker (when nothing was spilled).
        var ranges: [Int: [UInt64]] = [:]
        var memoryRuns: [MemoryRun] = []
        var diskRuns: [DiskRun] = []
    }

    /// Sorted rows held in memory (all of the sort's rows, when none was spilled): batches of the run schema and
    /// the order to read them in.
    final class MemoryRun: @unchecked Sendable {
        let batches: [Batch]
        let order: [UInt64]
        let reservations: [MemoryReservation]

        init(batches: [Batch], order: [UInt64], reservations: [MemoryReservation]) {
            self.batches = batches
            self.order = order
            self.reservations = reservations
        }
    }

    /// A worker's rows once its input has ended.
    struct PendingRows: @unchecked Sendable {
        let batches: [Batch]
        let rows: Int
        let bytes: Int
        let reservation: MemoryReservation
    }

    /// A sorted spill run and the size of its largest batch.
    struct DiskRun: @unchecked Sendable {
        let run: SpillRun
        let maxBatchBytes: Int
        /// Bytes an open reader holds: compressed frame, decompressed body and decoded batch.
        var readerBytes: Int { 3 * maxBatchBytes }
    }

    /// A sort of rows of `schema` by key columns described by `keys` (their values come with each batch).
    package init(schema: Schema, keys: [SortKeyEncoder.Key], pool: MemoryPool, spill: SpillManager, workers: Int,
                 metrics: OperatorMetrics? = nil) {
        self.schema = schema
        runSchema = Schema(unchecked: schema.fields + [Field("__sort_key", .string), Field("__sort_sequence", .int64)])
        encoder = SortKeyEncoder(keys)
        self.pool = pool
        self.spill = spill
        self.metrics = metrics
        runBatchBytes = min(1 << 20, max(64 << 10, pool.limit / 1024))
        outputBatchBytes = min(4 << 20, max(256 << 10, pool.limit / 256))
        self.workers = (0..<max(1, workers)).map { _ in
            WorkerSlot(WorkerBuffer(reservation: pool.reservation(for: ExternalSort.consumer, metrics: metrics)))
        }
        state = Mutex(SharedState())
    }

    // MARK: - Adding rows

    /// Adds the rows of `batch` with their key columns `keys` (one per sort key), on `worker`, from source
    /// morsel `morsel` (rows of one morsel arrive in order).
    package func add(_ batch: Batch, keys: [Column], worker: Int, morsel: Int) throws(StrataError) {
        guard batch.count > 0 else { return }
        guard workers.indices.contains(worker) else {
            throw StrataError(.internal, "sort worker \(worker) out of range")
        }
        let encoded = try encoder.encode(keys, rows: batch.count)
        try workers[worker].buffer.withLock { (buffer) throws(StrataError) in
            if buffer.morsel != morsel {
                buffer.morsel = morsel
                buffer.nextRow = 0
            }
            let first = Int64(truncatingIfNeeded: morsel) << 32 | Int64(buffer.nextRow)
            buffer.nextRow += batch.count
            var sequence = [Int64](repeating: 0, count: batch.count)
            for i in sequence.indices { sequence[i] = first + Int64(i) }
            let row = try Batch(schema: runSchema, columns: batch.columns + [
                Column(unchecked: .string, data: .string(encoded), validity: nil),
                Column(unchecked: .int64, data: .int64(sequence), validity: nil),
            ])
            let bytes = row.byteCount + batch.count * KeySorter.bytesPerRow
            // The buffers of all workers stay within half the pool: the rest is for the scans and operators feeding
            // the sort, whose working memory the pool admits only in part, and for what the C allocator keeps
            // resident of the buffers spilled before (a full sort of the 1e7 table under 256 MB peaked at 292 MiB
            // with no such bound, 275 MiB with half the pool).
            let over = buffer.rows > 0 && buffered.load(ordering: .relaxed) + bytes > pool.limit / 2
            if over || !buffer.reservation.tryGrow(by: bytes) {
                if buffer.rows > 0 {
                    try spillBuffer(&buffer)
                    metrics?.spilledOnce()
                }
                // One batch is admitted even when the pool is full: it is bounded, and spilled with the next one.
                if !buffer.reservation.tryGrow(by: bytes) { buffer.reservation.forceGrow(by: bytes) }
            }
            buffered.add(bytes, ordering: .relaxed)
            buffer.batches.append(row)
            buffer.rows += row.count
            buffer.bytes += row.byteCount
        }
    }

    /// Sorts `buffer`'s rows into a spill run and empties it.
    private func spillBuffer(_ buffer: inout WorkerBuffer) throws(StrataError) {
        buffered.subtract(buffer.reservation.bytes, ordering: .relaxed)
        let order = KeySorter.sort(buffer.batches.map(\.keyBuffer))
        let run = try write(order: order, of: buffer.batches, rowBytes: buffer.bytes / max(1, buffer.rows),
                            reservation: buffer.reservation)
        buffer.batches = []
        buffer.rows = 0
        buffer.bytes = 0
        buffer.reservation.release()
        state.withLock { $0.diskRuns.append(run) }
    }

    /// The rows per batch of about `batchBytes` for rows of `rowBytes` bytes.
    func chunkRows(rowBytes: Int, batchBytes: Int) -> Int {
        min(65_536, max(64, batchBytes / max(1, rowBytes)))
    }

    /// Writes the rows of `batches` in `order` as one spill run, gathering a chunk at a time (its bytes held by
    /// `reservation`, over the limit if need be: a chunk is small and the write frees far more).
    private func write(order: [UInt64], of batches: [Batch], rowBytes: Int,
                       reservation: MemoryReservation) throws(StrataError) -> DiskRun {
        let writer = try spill.createRun(label: "sort", metrics: metrics)
        let step = chunkRows(rowBytes: rowBytes, batchBytes: runBatchBytes)
        var largest = 0
        var start = 0
        while start < order.count {
            let end = min(order.count, start + step)
            let chunk = try order.withUnsafeBufferPointer { (all) throws(StrataError) -> Batch in
                let picks = UnsafeBufferPointer(rebasing: all[start..<end])
                return try MultiSourceGather(sources: batches.count, picks: picks).gather(batches, schema: runSchema)
            }
            let working = chunk.byteCount + SpillWriter.estimatedBufferBytes(for: chunk)
            reservation.forceGrow(by: working)
            defer { reservation.shrink(to: reservation.bytes - working) }
            try writer.write(chunk)
            largest = max(largest, chunk.byteCount)
            start = end
        }
        return DiskRun(run: try writer.finish(), maxBatchBytes: largest)
    }

    // MARK: - Finishing

    /// All workers' buffered batches in input order (each batch is a run of consecutive sequence numbers), so that
    /// ties, which keep the order of the batches, keep the input's. The same list for every caller once the input
    /// has ended.
    private func bufferedBatches() -> [Batch] {
        workers.flatMap { slot in slot.buffer.withLock { $0.batches } }.sorted {
            ($0.sequenceNumbers.first ?? 0) < ($1.sequenceNumbers.first ?? 0)
        }
    }

    /// Sorts the rows of one key range when nothing was spilled (the workers' finishes run in parallel, each its own
    /// range of all the rows held, split at keys sampled from them); when something was, there is nothing to do
    /// until ``prepare()``.
    package func finish(worker: Int) throws(StrataError) {
        guard workers.indices.contains(worker), state.withLock({ $0.diskRuns.isEmpty }) else { return }
        let batches = bufferedBatches()
        guard !batches.isEmpty else { return }
        let keys = batches.map(\.keyBuffer)
        let splitters = ExternalSort.splitters(keys, parts: workers.count)
        let lower = worker == 0 ? nil : splitters[worker - 1]
        let upper = worker == workers.count - 1 ? nil : splitters[worker]
        let order = KeySorter.sort(keys, from: lower, below: upper)
        state.withLock { $0.ranges[worker] = order }
    }

    /// `parts - 1` keys splitting the rows of `keys` into `parts` ranges of about equal size, from a sample of
    /// every 64th row (the same for the same keys); rows equal to a splitter belong to the range above it.
    static func splitters(_ keys: [StringBuffer], parts: Int) -> [[UInt8]] {
        guard parts > 1 else { return [] }
        var sample: [[UInt8]] = []
        for buffer in keys {
            var r = 0
            while r < buffer.count {
                sample.append(Array(buffer.bytes[buffer.range(r)]))
                r += 64
            }
        }
        sample.sort { $0.lexicographicallyPrecedes($1) }
        guard !sample.isEmpty else { return Array(repeating: [], count: parts - 1) }
        return (1..<parts).map { sample[min(sample.count - 1, $0 * sample.count / parts)] }
    }

    /// Makes the runs one merge can read (step 3 of the algorithm). When nothing was spilled, the key ranges the
    /// workers sorted, one after another, are the order of one run in memory, which the merge streams without
    /// comparing keys; otherwise each worker's rows become one more spill run, and the runs are merged in passes
    /// until one merge can read them all.
    package func prepare() throws(StrataError) {
        let batches = bufferedBatches()
        // Take the workers' rows out of their buffers, with their reservations.
        var pending: [PendingRows] = []
        for slot in workers {
            let rows: PendingRows? = slot.buffer.withLock { buffer in
                guard buffer.rows > 0 else { return nil }
                buffered.subtract(buffer.reservation.bytes, ordering: .relaxed)
                let pending = PendingRows(batches: buffer.batches, rows: buffer.rows, bytes: buffer.bytes,
                                          reservation: buffer.reservation)
                buffer.batches = []
                buffer.rows = 0
                buffer.bytes = 0
                buffer.reservation = pool.reservation(for: ExternalSort.consumer, metrics: metrics)
                return pending
            }
            if let rows { pending.append(rows) }
        }
        var (ranges, diskRuns) = state.withLock { state in
            defer { state.ranges = [:] }
            return (state.ranges, state.diskRuns)
        }
        if diskRuns.isEmpty {
            guard !pending.isEmpty else { return }
            var order: [UInt64] = []
            order.reserveCapacity(batches.reduce(0) { $0 + $1.count })
            for part in 0..<workers.count { order += ranges[part] ?? [] }
            if order.count != pending.reduce(0, { $0 + $1.rows }) {
                // A range was not sorted (no finish ran for it): sort everything here.
                order = KeySorter.sort(batches.map(\.keyBuffer))
            }
            ranges = [:]
            // The run keeps the reservations of its rows; the sort's working memory goes back.
            for rows in pending { rows.reservation.shrink(to: rows.bytes) }
            pending[0].reservation.forceGrow(by: order.count * 8)
            let run = MemoryRun(batches: batches, order: order, reservations: pending.map(\.reservation))
            state.withLock { $0.memoryRuns = [run] }
            return
        }
        for rows in pending {
            let order = KeySorter.sort(rows.batches.map(\.keyBuffer))
            diskRuns.append(try write(order: order, of: rows.batches, rowBytes: rows.bytes / max(1, rows.rows),
                                      reservation: rows.reservation))
            rows.reservation.release()
        }
        pending = []
        state.withLock { $0.diskRuns = diskRuns }
        // The input's buffers are gone; give their pages back before the merge allocates its own (the C allocator
        // keeps freed small blocks resident in the workers' arenas, and the merge runs in another).
        AllocatorTuning.trim()
        while diskRuns.count > fanIn(diskRuns) {
            // Merge the smallest runs, just enough of them that the rest and the merged one fit one merge (or as
            // many as fit, when even that many do not).
            diskRuns.sort { $0.run.rowCount < $1.run.rowCount }
            let fan = fanIn(diskRuns)
            let count = max(2, min(fan, diskRuns.count - fan + 1))
            let group = Array(diskRuns.prefix(count))
            let merged = try mergeToDisk(group)
            for run in group { run.run.delete() }
            diskRuns.removeFirst(group.count)
            diskRuns.append(merged)
            state.withLock { $0.diskRuns = diskRuns }
        }
    }

    /// How many of `runs` one merge reads at once: as many readers as the pool has room for, at least 2.
    private func fanIn(_ runs: [DiskRun]) -> Int {
        let perRun = max(1, runs.map(\.readerBytes).max() ?? 1)
        // Leave room for the output chunk and the operators above.
        let room = pool.available - 2 * outputBatchBytes
        return max(2, room / perRun)
    }

    /// Merges `runs` into one spill run.
    private func mergeToDisk(_ runs: [DiskRun]) throws(StrataError) -> DiskRun {
        let reservation = pool.reservation(for: ExternalSort.consumer, metrics: metrics)
        defer { reservation.release() }
        let writer = try spill.createRun(label: "sort merge", metrics: metrics)
        var largest = 0
        let merger = try RunMerger(diskRuns: runs, schema: runSchema, reservation: reservation,
                                   chunkRows: chunkRows(rowBytes: averageRowBytes(runs), batchBytes: runBatchBytes))
        try merger.run(offset: 0, count: nil) { (batch) throws(StrataError) in
            let working = SpillWriter.estimatedBufferBytes(for: batch)
            reservation.forceGrow(by: working)
            defer { reservation.shrink(to: reservation.bytes - working) }
            try writer.write(batch)
            largest = max(largest, batch.byteCount)
        }
        return DiskRun(run: try writer.finish(), maxBatchBytes: largest)
    }

    private func averageRowBytes(_ runs: [DiskRun]) -> Int {
        let rows = runs.reduce(0) { $0 + $1.run.rowCount }
        let bytes = runs.reduce(0) { $0 + Int($1.run.uncompressedBytes) }
        return bytes / max(1, rows)
    }

    // MARK: - Reading

    /// Rows sorted so far (in memory and on disk).
    package var rowCount: Int {
        state.withLock { state in
            state.memoryRuns.reduce(0) { $0 + $1.order.count } + state.diskRuns.reduce(0) { $0 + $1.run.rowCount }

        }
    }

    /// Streams the rows in order to `emit`, skipping the first `offset` and stopping after `count` (all when nil).
    /// Frees the runs afterwards unless `keep` is set (then the rows can be merged again); call after
    /// ``prepare()``.
    package func merge(offset: Int, count: Int?, keep: Bool = false, emit: BatchSink) throws(StrataError) {
        let (memoryRuns, diskRuns) = state.withLock { state in
            defer {
                if !keep {
                    state.memoryRuns = []
                    state.diskRuns = []
                }
            }
            return (state.memoryRuns, state.diskRuns)
        }
        defer {
            if !keep {
                for run in diskRuns { run.run.delete() }
                for run in memoryRuns { for reservation in run.reservations { reservation.release() } }
            }
        }
        if let run = memoryRuns.first {
            // Everything in one run in memory: its order, a chunk at a time.
            let rows = run.order.count
            let bytes = run.batches.reduce(0) { $0 + $1.byteCount }
            let step = chunkRows(rowBytes: bytes / max(1, rows), batchBytes: outputBatchBytes)
            var start = min(offset, rows)
            let end = count.map { start + min(rows - start, $0) } ?? rows
            while start < end {
                let stop = min(end, start + step)
                let batch = try run.order.withUnsafeBufferPointer { (all) throws(StrataError) -> Batch in
                    try MultiSourceGather(sources: run.batches.count, picks: UnsafeBufferPointer(rebasing: all[start..<stop]))
                        .gather(run.batches, schema: schema)
                }
                try emit(batch)
                start = stop
            }
            return
        }
        let reservation = pool.reservation(for: ExternalSort.consumer, metrics: metrics)
        defer { reservation.release() }
        var rows = 0, bytes = 0
        for run in diskRuns {
            rows += run.run.rowCount
            bytes += Int(run.run.uncompressedBytes)
        }
        let merger = try RunMerger(diskRuns: diskRuns, schema: schema, reservation: reservation,
                                   chunkRows: chunkRows(rowBytes: bytes / max(1, rows), batchBytes: outputBatchBytes))
        try merger.run(offset: offset, count: count, emit: emit)
    }
}

extension Batch {
    /// The normalized keys of a batch of an ``ExternalSort``'s run schema (its second-to-last column).
    var keyBuffer: StringBuffer {
        guard columns.count >= 2, case let .string(keys) = columns[columns.count - 2].data else {
            return StringBuffer()
        }
        return keys
    }

    /// The sequence numbers of a batch of an ``ExternalSort``'s run schema (its last column).
    var sequenceNumbers: [Int64] {
        guard let last = columns.last, case let .int64(values) = last.data else { return [] }
        return values
    }
}
