import StrataCore
import Synchronization

// Hash-partitioned data that may live in memory or on disk: the component the out-of-core operators share (the
// hash aggregate's flushes and merges, the hash join's build and probe sides).
//
// 1. Routing: a row goes to partition `KeyHasher.partition(hash, level)`: 64 partitions by the top 6 bits of its
//    key hash at level 0, by the next 6 bits at level 1, and so on, so a partition that is still too large splits
//    again with fresh bits (`repartition`).
// 2. Each partition holds a list of chunks. A chunk is a batch kept in memory together with the reservation that
//    pays for it, or a spill run (LZ4 frames) on disk. Chunks carry a stream number, for operators that keep rows
//    of several schemas in one partition (the aggregate's group states and holistic values).
// 3. Writes to disk go through one open writer per partition and stream, appended to until `finishWriters()`
//    turns them into runs; a partition's memory chunks can be moved to disk at any time (`spillMemory`).
// 4. Reading a chunk back hands its batches over one at a time and then frees it: the run is deleted, the
//    reservation released. Whatever is left when the owner is dropped is freed too (the query's `SpillManager`
//    removes any file left after an error).

/// Rows of one hash partition, waiting in memory or in a spill run.
package struct SpillChunk: @unchecked Sendable {
    // Safety: a chunk is owned by one task at a time; the reservation is released by whoever reads the chunk.

    /// Where the rows are.
    package enum Storage {
        /// A batch in memory and the reservation holding its bytes.
        case memory(Batch, MemoryReservation?)
        /// A spill run.
        case run(SpillRun)
    }

    /// Which of the owner's streams the rows belong to (0 when there is one).
    package let stream: Int
    /// The rows.
    package let storage: Storage

    /// Rows held.
    package var rows: Int {
        switch storage {
        case let .memory(batch, _): batch.count
        case let .run(run): run.rowCount
        }
    }

    /// Bytes held in memory (0 for a run).
    package var memoryBytes: Int {
        if case let .memory(batch, _) = storage { return batch.byteCount }
        return 0
    }

    /// Bytes the rows take uncompressed, wherever they are.
    package var dataBytes: Int {
        switch storage {
        case let .memory(batch, _): batch.byteCount
        case let .run(run): Int(run.uncompressedBytes)
        }
    }

    /// Calls `body` with every batch of the chunk, in order.
    package func forEachBatch(_ body: (Batch) throws(StrataError) -> Void) throws(StrataError) {
        switch storage {
        case let .memory(batch, _):
            try body(batch)
        case let .run(run):
            let reader = try run.open()
            while let batch = try reader.next() { try body(batch) }
        }
    }

    /// Frees the chunk: deletes the run or releases the reservation.
    package func free() {
        switch storage {
        case let .memory(_, reservation): reservation?.release()
        case let .run(run): run.delete()
        }
    }

    /// Calls `body` with every batch, then frees the chunk (also when `body` throws).
    package func consume(_ body: (Batch) throws(StrataError) -> Void) throws(StrataError) {
        defer { free() }
        try forEachBatch(body)
    }
}

/// Hash partitions of rows, each a list of ``SpillChunk``s, with one open spill writer per partition and stream.
///
/// All state sits behind one lock, so different tasks may take different partitions at once; writing to one
/// partition and stream is done by one task at a time.
package final class PartitionedSpill: Sendable {
    /// The number of partitions.
    package let partitionCount: Int
    /// The level whose hash bits route rows here (see ``KeyHasher/partition(_:level:bits:)``).
    package let level: Int
    /// Hash bits a level (`partitionCount` is 2 to this power).
    private let bits: Int
    private let spill: SpillManager
    private let label: String
    private let metrics: OperatorMetrics?
    private let state: Mutex<State>

    private struct State {
        var chunks: [[SpillChunk]]
        /// Open writers by partition and stream.
        var writers: [WriterKey: SpillWriter] = [:]
    }

    /// A partition and a stream (any number of streams: a hash aggregation has one per holistic aggregate).
    private struct WriterKey: Hashable, Comparable {
        var partition: Int
        var stream: Int

        static func < (a: WriterKey, b: WriterKey) -> Bool { (a.partition, a.stream) < (b.partition, b.stream) }
    }

    /// `partitions` partitions (a power of two) at `level`, whose runs are created in `spill`, named after `label` and
    /// counted in `metrics`.
    package init(level: Int, spill: SpillManager, label: String, metrics: OperatorMetrics?,
                 partitions: Int = KeyHasher.partitionCount) {
        partitionCount = partitions
        bits = max(1, partitions.trailingZeroBitCount)
        self.level = level
        self.spill = spill
        self.label = label
        self.metrics = metrics
        state = Mutex(State(chunks: Array(repeating: [], count: partitions)))
    }

    deinit {
        state.withLock { state in
            for writer in state.writers.values { writer.abandon() }
            for list in state.chunks { for chunk in list { chunk.free() } }
        }
    }

    /// The partition a row with key hash `hash` belongs to.
    package func partition(of hash: UInt64) -> Int { KeyHasher.partition(hash, level: level, bits: bits) }

    /// Keeps `batch` in memory in partition `p`; `reservation` pays for it and is released when the chunk is read.
    package func keep(_ batch: Batch, in p: Int, stream: Int = 0, reservation: MemoryReservation?) {
        state.withLock { $0.chunks[p].append(SpillChunk(stream: stream, storage: .memory(batch, reservation))) }
    }

    /// Appends `batch` to partition `p`'s open run for `stream` (created when needed).
    package func write(_ batch: Batch, to p: Int, stream: Int = 0) throws(StrataError) {
        try state.withLock { (state) throws(StrataError) in
            let key = WriterKey(partition: p, stream: stream)
            let writer: SpillWriter
            if let open = state.writers[key] {
                writer = open
            } else {
                writer = try spill.createRun(label: "\(label) partition \(p)", metrics: metrics)
                state.writers[key] = writer
            }
            do throws(StrataError) {
                try writer.write(batch)
                writer.trimBuffers()
            } catch {
                state.writers[key] = nil
                throw error
            }
        }
    }

    /// Whether partition `p` has an open writer or a run (some of its rows are on disk).
    package func hasDiskData(_ p: Int) -> Bool {
        state.withLock { state in
            state.writers.keys.contains { $0.partition == p }
                || state.chunks[p].contains { if case .run = $0.storage { true } else { false } }
        }
    }

    /// Moves partition `p`'s memory chunks to its open runs, releasing their reservations; returns the bytes freed.
    @discardableResult
    package func spillMemory(of p: Int) throws(StrataError) -> Int {
        let inMemory = state.withLock { state -> [SpillChunk] in
            let (memory, rest) = state.chunks[p].partitioned { if case .memory = $0.storage { true } else { false } }
            state.chunks[p] = rest
            return memory
        }
        var freed = 0
        for chunk in inMemory {
            guard case let .memory(batch, reservation) = chunk.storage else { continue }
            try write(batch, to: p, stream: chunk.stream)
            freed += reservation?.bytes ?? 0
            reservation?.release()
        }
        if !inMemory.isEmpty { metrics?.spilledOnce() }
        return freed
    }

    /// Closes the open writers (of partition `p` only, when given) and adds their runs to the partitions.
    package func finishWriters(partition p: Int? = nil) throws(StrataError) {
        try state.withLock { (state) throws(StrataError) in
            for key in state.writers.keys.sorted() where p == nil || key.partition == p {
                guard let writer = state.writers.removeValue(forKey: key) else { continue }
                let run = try writer.finish()
                if run.rowCount > 0 {
                    state.chunks[key.partition].append(SpillChunk(stream: key.stream, storage: .run(run)))
                } else {
                    run.delete()
                }
            }
        }
    }

    /// Adds chunks to partition `p`.
    package func add(_ chunks: [SpillChunk], to p: Int) {
        state.withLock { $0.chunks[p] += chunks }
    }

    /// Removes and returns partition `p`'s chunks (the caller frees them).
    package func take(_ p: Int) -> [SpillChunk] {
        state.withLock { state in
            let taken = state.chunks[p]
            state.chunks[p] = []
            return taken
        }
    }

    /// Rows in partition `p`'s chunks (not counting open writers).
    package func rows(of p: Int) -> Int { state.withLock { $0.chunks[p].reduce(0) { $0 + $1.rows } } }

    /// Bytes partition `p` holds in memory.
    package func memoryBytes(of p: Int) -> Int {
        state.withLock { $0.chunks[p].reduce(0) { $0 + $1.memoryBytes } }
    }

    /// Uncompressed bytes of partition `p`'s chunks, in memory or not.
    package func dataBytes(of p: Int) -> Int { state.withLock { $0.chunks[p].reduce(0) { $0 + $1.dataBytes } } }

    /// Whether no partition holds anything.
    package var isEmpty: Bool { state.withLock { $0.writers.isEmpty && $0.chunks.allSatisfy(\.isEmpty) } }

    /// Splits the rows of `chunks` into `target`'s partitions by `hashes(batch)`, a batch at a time, freeing each
    /// chunk once read; rows keep their stream. Returns the rows moved.
    @discardableResult
    package static func repartition(_ chunks: [SpillChunk], into target: PartitionedSpill,
                                    hashes: (Batch) throws(StrataError) -> [UInt64]) throws(StrataError) -> Int {
        var moved = 0
        for chunk in chunks {
            try chunk.consume { (batch) throws(StrataError) in
                let rows = try hashes(batch)
                try HashPartitioner.forEachPartition(rows.count, of: target, hash: { rows[$0] }) {
                    (p, indices) throws(StrataError) in
                    try target.write(try batch.gather(indices), to: p, stream: chunk.stream)
                }
                moved += batch.count
            }
        }
        try target.finishWriters()
        return moved
    }
}

/// Groups items by hash partition.
package enum HashPartitioner {
    /// Partitions are gathered in this many passes over the items, so the index lists of one pass cover an eighth
    /// of them (the memory of a flush, which runs when memory is short, stays small).
    package static let bands = 8

    /// Calls `body(partition, items)` for every partition of `target` holding some of `count` items, whose hashes
    /// `hash(item)` gives, a band of partitions at a time; items keep their order within a partition.
    package static func forEachPartition(_ count: Int, of target: PartitionedSpill, hash: (Int) -> UInt64,
                                         _ body: (Int, [Int]) throws(StrataError) -> Void) throws(StrataError) {
        var partitionOf = [UInt8](repeating: 0, count: count)
        for item in 0..<count { partitionOf[item] = UInt8(truncatingIfNeeded: target.partition(of: hash(item))) }
        try forEachPartition(count, partitions: target.partitionCount, partitionOf: { Int(partitionOf[$0]) }, body)
    }

    /// Calls `body(partition, items)` for every one of `partitions` partitions holding some of `count` items,
    /// whose partitions `partitionOf(item)` gives, a band of partitions at a time.
    package static func forEachPartition(_ count: Int, partitions: Int, partitionOf: (Int) -> Int,
                                         _ body: (Int, [Int]) throws(StrataError) -> Void) throws(StrataError) {
        let bandSize = max(1, partitions / bands)
        var band = 0
        while band * bandSize < partitions {
            var lists = [[Int]](repeating: [], count: bandSize)
            for item in 0..<count {
                let p = partitionOf(item)
                if p / bandSize == band { lists[p - band * bandSize].append(item) }
            }
            for (offset, list) in lists.enumerated() where !list.isEmpty {
                try body(band * bandSize + offset, list)
            }
            band += 1
        }
    }
}

extension HashPartitioner {
    /// Items `0..<count` grouped by partition with one counting sort: `rows[starts[p]..<starts[p + 1]]` are the items
    /// of partition `p`, in order. Items whose `partitionOf` is outside `0..<partitions` are left out.
    package static func group(_ count: Int, partitions: Int,
                              partitionOf: (Int) -> Int) -> (rows: [UInt32], starts: [Int]) {
        var starts = [Int](repeating: 0, count: partitions + 1)
        var of = [Int32](repeating: -1, count: count)
        for item in 0..<count {
            let p = partitionOf(item)
            guard p >= 0, p < partitions else { continue }
            of[item] = Int32(truncatingIfNeeded: p)
            starts[p + 1] += 1
        }
        for p in 0..<partitions { starts[p + 1] += starts[p] }
        var fill = starts
        var rows = [UInt32](repeating: 0, count: starts[partitions])
        for item in 0..<count where of[item] >= 0 {
            let p = Int(of[item])
            rows[fill[p]] = UInt32(truncatingIfNeeded: item)
            fill[p] += 1
        }
        return (rows, starts)
    }
}

private extension Array {
    /// The elements for which `belongs` holds, and the others, both in order.
    func partitioned(_ belongs: (Element) -> Bool) -> ([Element], [Element]) {
        var yes: [Element] = []
        var no: [Element] = []
        for element in self {
            if belongs(element) { yes.append(element) } else { no.append(element) }
        }
        return (yes, no)
    }
}
