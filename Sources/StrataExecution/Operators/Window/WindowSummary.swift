import StrataCore

/// What the first pass over a window's sorted rows learns of every partition, for results that depend on rows not
/// yet seen: the partition's row count (percent_rank, cume_dist, ntile), the totals of aggregates whose frame
/// ends at UNBOUNDED FOLLOWING, and one value per partition for `last_value` up to UNBOUNDED FOLLOWING (its last
/// row) and `min`/`max` over the whole partition. Partitions are numbered in the order the sorted rows bring them.
///
/// 1. Each batch's partition keys are encoded and compared with the previous row's; a change starts a partition.
/// 2. Per partition: its size, and per summarized call the count of non-NULL arguments and their sum (128-bit
///    for integers, so no total overflows).
/// 3. Partition values: the last row's value, or the extreme so far (compared by normalized key, copied only when
///    it improves), appended to a column when the next partition starts or the input ends.
/// 4. The arrays grow with the number of partitions; their bytes are reserved from the pool first (the first MiB
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
    /// Per call taking a partition value: the values of the partitions ended so far, the current partition's value
    /// (or extreme) and, for min/max, its key.
    private var values: [ColumnBuilder?]
    private var current: [Value]
    private var currentKey: [[UInt8]?]
    /// The partition values by call, after ``finish()``.
    private(set) var partitionValues: [Column?] = []

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
        values = calls.map { $0.takesPartitionValue ? ColumnBuilder(type: $0.type) : nil }
        current = calls.map { _ in .null }
        currentKey = calls.map { _ in nil }
    }

    /// Ends the input: the last partition's values are appended.
    func finish() throws(StrataError) {
        if !sizes.isEmpty { try closePartition() }
        partitionValues = values.map { $0?.finish() }
    }

    /// Appends the current partition's values and resets them.
    private func closePartition() throws(StrataError) {
        for index in values.indices where values[index] != nil {
            try values[index]?.append(current[index])
            current[index] = .null
            currentKey[index] = nil
        }
    }

    /// Adds the rows of `batch` (in sorted order).
    func add(_ batch: Batch) throws(StrataError) {
        let keys = try partitionEncoder.encode(Array(batch.columns[partitionColumns]), rows: batch.count)
        let perPartition = 8 + summarized.filter { $0 }.count * 32
        let starts = WindowEvaluator.changes(keys, after: &lastKey)
        let argumentKeys = try extremeKeys(batch)
        var segment = 0
        for row in 0..<batch.count {
            if starts[row] {
                if !sizes.isEmpty {
                    // The previous partition ends before this row: its last rows in this batch, then its values.
                    take(batch, segment..<row, argumentKeys)
                    try closePartition()
                }
                segment = row
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
        // The current partition's rows so far; a later batch may go on with it.
        take(batch, segment..<batch.count, argumentKeys)
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
        for (index, call) in calls.enumerated() where summarized[index] && !call.takesPartitionValue {
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

    /// Per min/max call taking a partition value, the batch's argument keys (normalized, ascending).
    private func extremeKeys(_ batch: Batch) throws(StrataError) -> [StringBuffer?] {
        var keys: [StringBuffer?] = []
        for call in calls {
            guard call.takesPartitionValue, call.function != .lastValue, let argument = call.argument else {
                keys.append(nil)
                continue
            }
            let column = batch.columns[argument]
            keys.append(try SortKeyEncoder([.init(type: column.type, ascending: true, nullsFirst: false)])
                .encode([column], rows: batch.count))
        }
        return keys
    }

    /// Moves the partition values of the current partition over its rows `rows` of `batch`: `last_value` takes
    /// the last of them, min/max keep the extreme.
    private func take(_ batch: Batch, _ rows: Range<Int>, _ argumentKeys: [StringBuffer?]) {
        guard !rows.isEmpty else { return }
        for (index, call) in calls.enumerated() where call.takesPartitionValue {
            guard let argument = call.argument else { continue }
            let column = batch.columns[argument]
            guard let keys = argumentKeys[index] else {
                current[index] = column.value(at: rows.upperBound - 1)
                continue
            }
            let wantMax = call.function == .max
            keys.bytes.withUnsafeBytes { raw in
                for row in rows where !column.isNull(row) {
                    let range = keys.range(row)
                    let better = currentKey[index].map { best in
                        best.withUnsafeBytes { b in
                            let order = SortKeyCompare.compare(raw, range.lowerBound, range.upperBound, b, 0, b.count)
                            return wantMax ? order > 0 : order < 0
                        }
                    } ?? true
                    if better {
                        currentKey[index] = Array(keys.bytes[range])
                        current[index] = column.value(at: row)
                    }
                }
            }
        }
    }
}
