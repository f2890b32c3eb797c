import StrataCore

/// The k-way merge of an ``ExternalSort``'s spilled runs.
///
/// 1. Each run gets a cursor at its first row, which reads one batch at a time (its reader's bytes reserved
///    first). Every batch a cursor reads becomes a gather source.
/// 2. A binary min-heap holds the cursors, ordered by the current row's key (its first 16 bytes as two integers,
///    then the rest byte by byte), then its sequence number.
/// 3. The top cursor's row is picked (or skipped, within the offset), the cursor advances and sinks into place.
/// 4. When a chunk of picks is full (or the merge ends), the picked rows are gathered from their sources into
///    one batch and emitted; sources no cursor still reads are dropped (while an offset is skipped and nothing
///    is picked, as soon as a cursor leaves its batch).
final class RunMerger {
    private let schema: Schema
    private let chunkRows: Int
    private var cursors: [RunCursor] = []
    private var sources: [Batch] = []
    private var heap: [Int] = []

    /// A merge of `diskRuns` whose output batches have `schema` (a prefix of the runs' columns) and `chunkRows`
    /// rows; the runs' readers are reserved in `reservation`.
    init(diskRuns: [ExternalSort.DiskRun], schema: Schema, reservation: MemoryReservation,
         chunkRows: Int) throws(StrataError) {
        self.schema = schema
        self.chunkRows = chunkRows
        for run in diskRuns where run.run.rowCount > 0 {
            if !reservation.tryGrow(by: run.readerBytes) { reservation.forceGrow(by: run.readerBytes) }
            cursors.append(RunCursor(disk: try run.run.open()))
        }
    }

    /// Streams the merged rows, skipping `offset` and stopping after `count`.
    func run(offset: Int, count: Int?, emit: BatchSink) throws(StrataError) {
        for (index, cursor) in cursors.enumerated() {
            if try cursor.start(&sources) { heap.append(index) }
        }
        var i = heap.count / 2
        while i > 0 {
            i -= 1
            siftDown(i)
        }
        var skip = offset
        var remaining = count ?? Int.max
        var picks: [UInt64] = []
        picks.reserveCapacity(min(chunkRows, remaining))
        while !heap.isEmpty && remaining > 0 {
            let top = cursors[heap[0]]
            if skip > 0 {
                skip -= 1
            } else {
                picks.append(MultiSourceGather.pick(source: top.source, row: top.row))
                remaining -= 1
            }
            if try !top.advance(&sources) {
                heap[0] = heap[heap.count - 1]
                heap.removeLast()
            }
            if !heap.isEmpty { siftDown(0) }
            // A batch a cursor left is dropped once no pick needs it: at once while nothing is picked (an offset
            // being skipped), otherwise when the stale batches grow many (a flush gathers the picks first).
            if picks.count >= chunkRows
                || (top.replacedBatch && (picks.isEmpty || sources.count > 4 * cursors.count + 64)) {
                try flush(&picks, emit)
            }
        }
        try flush(&picks, emit)
        sources = []
    }

    /// Gathers `picks` into a batch, emits it, and drops the sources no cursor reads any more.
    private func flush(_ picks: inout [UInt64], _ emit: BatchSink) throws(StrataError) {
        if !picks.isEmpty {
            let batch = try picks.withUnsafeBufferPointer { (all) throws(StrataError) -> Batch in
                try MultiSourceGather(sources: sources.count, picks: all).gather(sources, schema: schema)
            }
            picks.removeAll(keepingCapacity: true)
            try emit(batch)
        }
        // Keep the sources still in use, renumbered.
        var used = [Int](repeating: -1, count: sources.count)
        var kept: [Batch] = []
        for cursor in cursors where !cursor.isFinished {
            for source in cursor.sourceRange where used[source] < 0 {
                used[source] = kept.count
                kept.append(sources[source])
            }
        }
        for cursor in cursors where !cursor.isFinished { cursor.renumber(used) }
        sources = kept
    }

    /// Whether cursor `a`'s row comes before cursor `b`'s.
    @inline(__always)
    private func less(_ a: RunCursor, _ b: RunCursor) -> Bool {
        if a.head0 != b.head0 { return a.head0 < b.head0 }
        if a.head1 != b.head1 { return a.head1 < b.head1 }
        if a.keyLength > 16 || b.keyLength > 16 {
            let order = a.compareTail(b)
            if order != 0 { return order < 0 }
        }
        return a.sequence < b.sequence
    }

    private func siftDown(_ start: Int) {
        var i = start
        let n = heap.count
        while true {
            let left = 2 * i + 1
            guard left < n else { return }
            var child = left
            if left + 1 < n && less(cursors[heap[left + 1]], cursors[heap[left]]) { child = left + 1 }
            guard less(cursors[heap[child]], cursors[heap[i]]) else { return }
            heap.swapAt(i, child)
            i = child
        }
    }
}

/// A position in one spilled sorted run.
final class RunCursor {
    private let reader: SpillReader
    private var keys = StringBuffer()
    private var sequences: [Int64] = []

    /// The current row's source among the merge's sources, and its row there.
    private(set) var source = 0
    private(set) var row = 0
    /// The current row's first 16 key bytes (zero-padded), its key length and sequence number.
    private(set) var head0: UInt64 = 0
    private(set) var head1: UInt64 = 0
    private(set) var keyLength = 0
    private(set) var sequence: Int64 = 0
    /// Whether the cursor is past its last row.
    private(set) var isFinished = false
    /// Whether the last advance read a new batch.
    private(set) var replacedBatch = false

    init(disk reader: SpillReader) {
        self.reader = reader
    }

    /// The sources the cursor may still pick from.
    var sourceRange: Range<Int> { source..<(source + 1) }

    /// Moves to the first row; returns false when the run is empty.
    func start(_ sources: inout [Batch]) throws(StrataError) -> Bool {
        try nextBatch(&sources)
    }

    /// Moves to the next row; returns false past the last one.
    func advance(_ sources: inout [Batch]) throws(StrataError) -> Bool {
        replacedBatch = false
        row += 1
        if row < keys.count {
            loadHead()
            return true
        }
        replacedBatch = true
        return try nextBatch(&sources)
    }

    /// Renumbers the sources after the merge dropped some (`map[old]` is the new number).
    func renumber(_ map: [Int]) {
        source = map[source]
    }

    private func nextBatch(_ sources: inout [Batch]) throws(StrataError) -> Bool {
        while let next = try reader.next() {
            guard next.count > 0 else { continue }
            keys = next.keyBuffer
            sequences = next.sequenceNumbers
            guard keys.count == next.count, sequences.count == next.count else {
                throw StrataError(.corrupt, "a sort run lacks its keys")
            }
            source = sources.count
            sources.append(next)
            row = 0
            loadHead()
            return true
        }
        isFinished = true
        return false
    }

    @inline(__always)
    private func loadHead() {
        sequence = sequences[row]
        let start = Int(keys.offsets[row]), end = Int(keys.offsets[row + 1])
        keyLength = end - start
        keys.bytes.withUnsafeBytes { raw in
            head0 = KeySorter.load8(raw, from: start, end: end)
            head1 = start + 8 < end ? KeySorter.load8(raw, from: start + 8, end: end) : 0
        }
    }

    /// memcmp order of the keys of this cursor's and `other`'s rows from byte 16 on.
    func compareTail(_ other: RunCursor) -> Int {
        let a = keys.range(row), b = other.keys.range(other.row)
        return keys.bytes.withUnsafeBytes { x in
            other.keys.bytes.withUnsafeBytes { y in
                SortKeyCompare.compare(x, a.lowerBound + 16, a.upperBound, y, b.lowerBound + 16, b.upperBound)
            }
        }
    }
}
