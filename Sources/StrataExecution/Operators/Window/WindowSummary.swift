import StrataCore

/// What the first pass over a window's sorted rows learns of every partition, for results that depend on rows not
/// yet seen: the partition's row count (percent_rank, cume_dist, ntile) and the totals of aggregates whose frame
/// ends at UNBOUNDED FOLLOWING. Partitions are numbered in the order the sorted rows bring them.
///
/// 1. Each batch's partition keys are encoded and compared with the previous row's; a change starts a partition.
/// 2. Per partition: its size, and per summarized call the count of non-NULL arguments and their sum (128-bit
///    for integers, so no total overflows).
/// 3. The arrays grow with the number of partitions; their bytes are reserved from the pool first (the first MiB
///    even over the limit).
final class WindowSummary {
    /// Rows per partition.
    private(set) var sizes: [Int] = []
    /// Per call (indexed like the window's calls; empty for calls without totals): per partition, the non-NULL
    /// count and the sum.
    private(set) var counts: [[Int]]
    private(set) var integerSums: [[Int128]]
    private(set) var doubleSums: [[Double]]
    private let summarized: [Bool]
    private let partitionEncoder: SortKeyEncoder
    private let partitionColumns: Range<Int>
    private let calls: [BoundWindowCall]
    private let reservation: MemoryReservation
    private var lastKey: [UInt8]?
    private var forced = 0

    /// A summary of the calls of `calls` that need one, over sorted rows whose partition keys are
    /// `partitionColumns`.
    init(calls: [BoundWindowCall], partitionColumns: Range<Int>, partitionEncoder: SortKeyEncoder,
         reservation: MemoryReservation) {
        self.calls = calls
        self.partitionColumns = partitionColumns
        self.partitionEncoder = partitionEncoder
        self.reservation = reservation
        summarized = calls.map { $0.needsSummary && $0.argument != nil }
        counts = calls.map { _ in [] }
        integerSums = calls.map { _ in [] }
        doubleSums = calls.map { _ in [] }
    }

    /// Adds the rows of `batch` (in sorted order).
    func add(_ batch: Batch) throws(StrataError) {
        let keys = try partitionEncoder.encode(Array(batch.columns[partitionColumns]), rows: batch.count)
        let perPartition = 8 + summarized.filter { $0 }.count * 32
        let starts = WindowEvaluator.changes(keys, after: &lastKey)
        for row in 0..<batch.count {
            if starts[row] {
                // The first MiB is taken even over the limit (a small, bounded working set); beyond it the summary
                // must fit.
                if !reservation.tryGrow(by: perPartition) {
                    if forced + perPartition <= 1 << 20 {
                        reservation.forceGrow(by: perPartition)
                        forced += perPartition
                    } else {
                        try reservation.grow(by: perPartition)
                    }
                }
                sizes.append(0)
                for (index, on) in summarized.enumerated() where on {
                    counts[index].append(0)
                    integerSums[index].append(0)
                    doubleSums[index].append(0)
                }
            }
            sizes[sizes.count - 1] += 1
        }
        // Totals: per summarized call, one pass over the batch with the partition known per row.
        guard summarized.contains(true) else { return }
        var partitionOfRow = [Int](repeating: 0, count: batch.count)
        var partition = sizes.count - 1
        var remaining = sizes[partition]
        // Walk backwards: the batch's last rows belong to the last partition.
        for row in stride(from: batch.count - 1, through: 0, by: -1) {
            while remaining == 0 {
                partition -= 1
                remaining = sizes[partition]
            }
            partitionOfRow[row] = partition
            remaining -= 1
        }
        for (index, call) in calls.enumerated() where summarized[index] {
            guard let argument = call.argument else { continue }
            let column = batch.columns[argument]
            for row in 0..<batch.count where !column.isNull(row) {
                let p = partitionOfRow[row]
                counts[index][p] += 1
                switch column.data {
                case let .int32(v): integerSums[index][p] += Int128(v[row])
                case let .int64(v): integerSums[index][p] += Int128(v[row])
                case let .float(v): doubleSums[index][p] += Double(v[row])
                case let .double(v): doubleSums[index][p] += v[row]
                default: break
                }
            }
        }
    }
}
