import StrataCore

/// Computes window functions over rows sorted by partition keys then order keys, streaming: it holds only the rows
/// some result still needs.
///
/// 1. Each arriving batch is appended to a buffer. Its partition and order keys are encoded (``SortKeyEncoder``)
///    and compared with the previous row's: a new partition key starts a partition, a new order key (or
///    partition) a peer group. Partitions and peer groups are numbered; their start rows are kept, their end rows
///    once the next one starts (or the input ends).
/// 2. Per aggregate call, each row's prefix count and sum since its partition's start are kept (integers in 128
///    bits); per min/max call, each batch's argument keys. RANGE frames with offsets keep each row's order value.
/// 3. Rows are evaluated in order as soon as everything their results need has arrived: the rows a ROWS frame or
///    lead reaches, the end of the peer group (RANGE CURRENT ROW, cume_dist), the first row past a RANGE offset,
///    or the end of the partition (last_value, nth_value, min, max whose frame ends at UNBOUNDED FOLLOWING).
///    Partition sizes and totals for other results that reach the partition's end come from ``WindowSummary``.
/// 4. A row's frame is `[start, end]` clipped to its partition: rows counted for ROWS, peers and order-key
///    distances (found by binary search) for RANGE. count/sum/avg subtract prefix values (doubles over short
///    frames are summed directly, which keeps their rounding); min/max keep a monotonic deque of row numbers
///    per call as frames move forward; value functions pick a row; the rank family counts rows and peers.
/// 5. After each batch the evaluated rows are handed on as one batch (their input columns, then one column per
///    call, gathered from the buffer), and the buffer drops the batches before the earliest row a later result
///    may read.
final class WindowEvaluator {
    private let calls: [BoundWindowCall]
    private let inputColumns: Int
    private let outputSchema: Schema
    private let partitionColumns: Range<Int>
    private let orderColumns: Range<Int>
    private let partitionEncoder: SortKeyEncoder
    private let orderEncoder: SortKeyEncoder
    private let summary: WindowSummary?
    private let reservation: MemoryReservation
    /// The RANGE offset frames' order key: column, ascending, NULLs first.
    private let rangeKey: (column: Int, ascending: Bool, nullsFirst: Bool)?
    /// A one-row batch of NULLs of the sorted rows' schema (the source of NULL results).
    private let nullRow: Batch

    // The buffer: batches of sorted rows, the absolute number of each one's first row.
    private var batches: [Batch] = []
    private var batchStarts: [Int] = []
    private var batchBytes: [Int] = []
    private var base = 0
    private var end = 0
    private var next = 0
    private var finished = false

    // Per buffered row (index: row - base).
    private var rowPartition: [Int] = []
    private var rowPeer: [Int] = []
    private var rowOrderValue: [Double] = []
    private var rowOrderNull: [Bool] = []
    /// Per call (empty for calls without prefixes): the prefix count and sums since the partition's start,
    /// including the row.
    private var prefixCount: [[Int]]
    private var prefixInteger: [[Int128]]
    private var prefixDouble: [[Double]]
    /// Per min/max call, per buffered batch: the argument's keys.
    private var argumentKeys: [[StringBuffer]]
    /// Per call: running totals within the current partition.
    private var runningCount: [Int]
    private var runningInteger: [Int128]
    private var runningDouble: [Double]

    // Partitions and peer groups: start rows and (once known) end rows, by number.
    private var partitions = RangeTable()
    private var peers = RangeTable()
    private var lastPartitionKey: [UInt8]?
    private var lastOrderKey: [UInt8]?

    // Per min/max call: the deque of candidate rows, and how far it has been filled.
    private var deques: [[Int]]
    private var dequeHeads: [Int]
    private var dequeFilled: [Int]
    private var dequePartition: [Int]

    // Snapshots: one-row copies of rows some result reads after their batch was dropped (first_value and
    // nth_value of a partition's first rows, the running extreme of min/max from UNBOUNDED PRECEDING), by row
    // number; for the extremes also their argument keys, per call.
    private var snapshots: [Int: Batch] = [:]
    private var snapshotKeys: [[Int: [UInt8]]]

    init(calls: [BoundWindowCall], inputColumns: Int, outputSchema: Schema, sortedSchema: Schema,
         partitionColumns: Range<Int>, orderColumns: Range<Int>, orderKeys: [SortKeyEncoder.Key],
         summary: WindowSummary?, reservation: MemoryReservation) throws(StrataError) {
        self.calls = calls
        self.inputColumns = inputColumns
        self.outputSchema = outputSchema
        self.partitionColumns = partitionColumns
        self.orderColumns = orderColumns
        partitionEncoder = SortKeyEncoder(partitionColumns.map {
            .init(type: sortedSchema.fields[$0].type, ascending: true, nullsFirst: false)
        })
        orderEncoder = SortKeyEncoder(orderKeys)
        self.summary = summary
        self.reservation = reservation
        if calls.contains(where: \.usesRangeOffsets), let first = orderKeys.first {
            rangeKey = (orderColumns.lowerBound, first.ascending, first.nullsFirst)
        } else {
            rangeKey = nil
        }
        nullRow = try Batch(schema: sortedSchema, columns: sortedSchema.fields.map { Column.nulls($0.type, count: 1) })
        let n = calls.count
        prefixCount = Array(repeating: [], count: n)
        prefixInteger = Array(repeating: [], count: n)
        prefixDouble = Array(repeating: [], count: n)
        argumentKeys = Array(repeating: [], count: n)
        runningCount = Array(repeating: 0, count: n)
        runningInteger = Array(repeating: 0, count: n)
        runningDouble = Array(repeating: 0, count: n)
        snapshotKeys = Array(repeating: [:], count: n)
        deques = Array(repeating: [], count: n)
        dequeHeads = Array(repeating: 0, count: n)
        dequeFilled = Array(repeating: -1, count: n)
        dequePartition = Array(repeating: -1, count: n)
    }

    private func isAggregate(_ call: BoundWindowCall) -> Bool {
        [.count, .sum, .avg].contains(call.function)
    }

    private func isExtreme(_ call: BoundWindowCall) -> Bool { [.min, .max].contains(call.function) }

    // MARK: - Input

    /// Adds the next batch of sorted rows and hands every row that can now be evaluated to `emit`.
    func add(_ batch: Batch, emit: BatchSink) throws(StrataError) {
        guard batch.count > 0 else { return }
        let perRow = 16 + (rangeKey == nil ? 0 : 9) + calls.filter(isAggregate).count * 32
        let bytes = batch.byteCount + batch.count * perRow
        if !reservation.tryGrow(by: bytes) {
            // A few batches are the evaluator's working set and are taken even over the limit (they are bounded,
            // like a scan's slice); more means a result still needs more rows than fit: fail rather than exceed.
            if batches.count < 4 { reservation.forceGrow(by: bytes) } else { try reservation.grow(by: bytes) }
        }
        batches.append(batch)
        batchStarts.append(end)
        batchBytes.append(bytes)
        let partitionKeys = try partitionEncoder.encode(Array(batch.columns[partitionColumns]), rows: batch.count)
        let orderKeys = try orderEncoder.encode(Array(batch.columns[orderColumns]), rows: batch.count)
        let partitionStarts = WindowEvaluator.changes(partitionKeys, after: &lastPartitionKey)
        let peerStarts = WindowEvaluator.changes(orderKeys, after: &lastOrderKey)
        rowPartition.reserveCapacity(rowPartition.count + batch.count)
        rowPeer.reserveCapacity(rowPeer.count + batch.count)
        for row in 0..<batch.count {
            let absolute = end + row
            let newPartition = partitionStarts[row]
            let newPeer = peerStarts[row] || newPartition
            if newPartition {
                partitions.close(at: absolute)
                // A partition's tag is its first peer group (dense_rank counts from it).
                partitions.open(at: absolute, tag: peers.count)
            }
            if newPeer {
                peers.close(at: absolute)
                peers.open(at: absolute)
            }
            rowPartition.append(partitions.count - 1)
            rowPeer.append(peers.count - 1)
        }
        if let rangeKey {
            let column = batch.columns[rangeKey.column]
            for row in 0..<batch.count {
                rowOrderNull.append(column.isNull(row))
                rowOrderValue.append(WindowEvaluator.number(column, row) * (rangeKey.ascending ? 1 : -1))
            }
        }
        for (index, call) in calls.enumerated() {
            if isAggregate(call), let argument = call.argument {
                accumulate(index, batch.columns[argument], first: end)
            }
            if isExtreme(call), let argument = call.argument {
                let key = SortKeyEncoder([.init(type: batch.columns[argument].type, ascending: true, nullsFirst: false)])
                argumentKeys[index].append(try key.encode([batch.columns[argument]], rows: batch.count))
            }
        }
        end += batch.count
        try evaluateReady(emit)
    }

    /// Ends the input: the last partition and peer group end, and every remaining row is evaluated.
    func finish(emit: BatchSink) throws(StrataError) {
        partitions.close(at: end)
        peers.close(at: end)
        finished = true
        try evaluateReady(emit)
    }

    /// Adds the prefix counts and sums of call `index` for rows of `column` starting at row `first`.
    private func accumulate(_ index: Int, _ column: Column, first: Int) {
        for row in 0..<column.count {
            let partition = rowPartition[first + row - base]
            if partitions.start(partition) == first + row {
                runningCount[index] = 0
                runningInteger[index] = 0
                runningDouble[index] = 0
            }
            if !column.isNull(row) {
                runningCount[index] += 1
                switch column.data {
                case let .int32(v): runningInteger[index] += Int128(v[row])
                case let .int64(v): runningInteger[index] += Int128(v[row])
                case let .float(v): runningDouble[index] += Double(v[row])
                case let .double(v): runningDouble[index] += v[row]
                default: break
                }
            }
            prefixCount[index].append(runningCount[index])
            prefixInteger[index].append(runningInteger[index])
            prefixDouble[index].append(runningDouble[index])
        }
    }

    /// Per row of `keys`, whether its key differs from the one before it (for the first row: from `last`, the
    /// previous batch's last key); sets `last` to this batch's last key.
    static func changes(_ keys: StringBuffer, after last: inout [UInt8]?) -> [Bool] {
        let n = keys.count
        guard n > 0 else { return [] }
        var changed = [Bool](repeating: false, count: n)
        changed[0] = !equal(keys, 0, &last)
        keys.offsets.withUnsafeBufferPointer { o in
            keys.bytes.withUnsafeBytes { raw in
                for row in 1..<n {
                    changed[row] = SortKeyCompare.compare(raw, Int(o[row - 1]), Int(o[row]),
                                                          raw, Int(o[row]), Int(o[row + 1])) != 0
                }
            }
        }
        last = Array(keys.bytes[keys.range(n - 1)])
        return changed
    }

    /// Whether row `row`'s key equals `last`; sets `last` to it.
    static func equal(_ keys: StringBuffer, _ row: Int, _ last: inout [UInt8]?) -> Bool {
        let range = keys.range(row)
        let same = last.map { previous in
            keys.bytes.withUnsafeBytes { raw in
                previous.withUnsafeBytes { p in
                    SortKeyCompare.compare(raw, range.lowerBound, range.upperBound, p, 0, p.count) == 0
                }
            }
        } ?? false
        if !same { last = Array(keys.bytes[range]) }
        return same
    }

    /// A numeric column's value at `row` as a double (0 for NULL).
    private static func number(_ column: Column, _ row: Int) -> Double {
        switch column.data {
        case let .int32(v): Double(v[row])
        case let .int64(v): Double(v[row])
        case let .float(v): Double(v[row])
        case let .double(v): v[row]
        default: 0
        }
    }

    // MARK: - Readiness

    private func partitionEnd(_ partition: Int) -> Int? { partitions.end(partition) }

    /// Whether every result of row `i` can be computed now.
    private func isReady(_ i: Int) -> Bool {
        if finished { return true }
        let partition = rowPartition[i - base]
        let partitionClosed = partitionEnd(partition) != nil
        if partitionClosed { return true }
        for call in calls {
            switch call.function {
            case .lead:
                if i + call.parameter >= end { return false }
            case .cumeDist:
                if peers.end(rowPeer[i - base]) == nil { return false }
            case .percentRank, .ntile, .rowNumber, .rank, .denseRank, .lag:
                break
            case .firstValue:
                if !frameStartKnown(call, i) { return false }
            default:
                if call.needsPartitionEnd { return false }
                if !frameEndKnown(call, i) { return false }
            }
        }
        return true
    }

    /// Whether the frame end of row `i` (whose partition is still open) lies within the rows seen.
    private func frameEndKnown(_ call: BoundWindowCall, _ i: Int) -> Bool {
        switch call.end {
        case .unboundedPreceding, .preceding: return true
        case .currentRow: return call.rowsFrame || peers.end(rowPeer[i - base]) != nil
        case let .following(k):
            if call.rowsFrame { return Double(i) + k < Double(end) }
            // A later row past the distance must have arrived.
            guard let target = rangeValue(i).map({ $0 + k }) else { return peers.end(rowPeer[i - base]) != nil }
            let last = end - 1
            return !rowOrderNull[last - base] && rowOrderValue[last - base] > target
                || (rowOrderNull[last - base] && !rangeKeyNullsFirst)
        case .unboundedFollowing:
            return call.needsSummary
        }
    }

    /// Whether the frame start of row `i` (whose partition is still open) lies within the rows seen.
    private func frameStartKnown(_ call: BoundWindowCall, _ i: Int) -> Bool {
        guard case let .following(k) = call.start else { return true }
        if call.rowsFrame { return Double(i) + k < Double(end) }
        guard let target = rangeValue(i).map({ $0 + k }) else { return peers.end(rowPeer[i - base]) != nil }
        let last = end - 1
        return !rowOrderNull[last - base] && rowOrderValue[last - base] >= target
            || (rowOrderNull[last - base] && !rangeKeyNullsFirst)
    }

    private var rangeKeyNullsFirst: Bool { rangeKey?.nullsFirst ?? false }

    /// Row `i`'s order value in sort direction, nil when it is NULL.
    private func rangeValue(_ i: Int) -> Double? {
        rowOrderNull[i - base] ? nil : rowOrderValue[i - base]
    }

    // MARK: - Frames

    /// The partition of row `i`: first row, last row (nil when not yet known), size (from the summary when the
    /// end is not known).
    private func partitionBounds(_ i: Int) -> (start: Int, end: Int?, size: Int) {
        let partition = rowPartition[i - base]
        let start = partitions.start(partition)
        if let end = partitionEnd(partition) { return (start, end - 1, end - start) }
        let size = summary.map { partition < $0.sizes.count ? $0.sizes[partition] : 0 } ?? 0
        return (start, nil, size)
    }

    /// The first row of `[from, to)` whose order key (in sort direction, NULLs at their end) is at least
    /// `target` (`strict`: greater than `target`).
    private func firstRow(from: Int, to: Int, atLeast target: Double, strict: Bool) -> Int {
        var low = from, high = to
        while low < high {
            let mid = (low + high) / 2
            let above: Bool
            if rowOrderNull[mid - base] {
                above = !rangeKeyNullsFirst
            } else {
                let v = rowOrderValue[mid - base]
                above = strict ? v > target : v >= target
            }
            if above { high = mid } else { low = mid + 1 }
        }
        return low
    }

    /// Row `i`'s frame as `[start, end]` within its partition (`end < start` when empty); `end` is nil when it is
    /// the partition's last row and that row has not arrived.
    private func frame(_ call: BoundWindowCall, _ i: Int) -> (start: Int, end: Int?) {
        let bounds = partitionBounds(i)
        let last = bounds.end
        let upper = last.map { $0 + 1 } ?? end
        let peer = rowPeer[i - base]
        var start: Int
        var stop: Int?
        if call.rowsFrame {
            switch call.start {
            case .unboundedPreceding: start = bounds.start
            case let .preceding(k): start = i - Int(k)
            case .currentRow: start = i
            case let .following(k): start = i + Int(k)
            case .unboundedFollowing: start = upper
            }
            switch call.end {
            case .unboundedPreceding: stop = bounds.start - 1
            case let .preceding(k): stop = i - Int(k)
            case .currentRow: stop = i
            case let .following(k): stop = i + Int(k)
            case .unboundedFollowing: stop = last
            }
        } else {
            // Order values are kept only when some frame has a RANGE offset.
            let value = rangeKey == nil ? nil : rangeValue(i)
            let peerStart = peers.start(peer), peerEnd = peers.end(peer).map { $0 - 1 }
            func search(_ target: Double, strict: Bool) -> Int {
                firstRow(from: max(bounds.start, base), to: upper, atLeast: target, strict: strict)
            }
            switch call.start {
            case .unboundedPreceding: start = bounds.start
            case .currentRow: start = peerStart
            case let .preceding(k): start = value.map { search($0 - k, strict: false) } ?? peerStart
            case let .following(k): start = value.map { search($0 + k, strict: false) } ?? peerStart
            case .unboundedFollowing: start = upper
            }
            switch call.end {
            case .unboundedPreceding: stop = bounds.start - 1
            case .currentRow: stop = peerEnd
            case let .preceding(k): stop = value.map { search($0 - k, strict: true) - 1 } ?? peerEnd
            case let .following(k): stop = value.map { search($0 + k, strict: true) - 1 } ?? peerEnd
            case .unboundedFollowing: stop = last
            }
        }
        start = max(start, bounds.start)
        if let s = stop, let last { stop = min(s, last) }
        return (start, stop)
    }

    // MARK: - Evaluation

    private func evaluateReady(_ emit: BatchSink) throws(StrataError) {
        let first = next
        while next < end && isReady(next) { next += 1 }
        guard next > first else { return }
        try emit(try rows(first..<next))
        trim()
    }

    /// Rows `rows` with their results.
    private func rows(_ rows: Range<Int>) throws(StrataError) -> Batch {
        let picker = RowPicker(batches: batches, nullRow: nullRow) { [self] row in
            row >= base ? { let b = batchIndex(row); return (b, row - batchStarts[b]) }() : nil
        } snapshot: { [self] row in snapshots[row] }
        // The rows are consecutive and all buffered: walk the batches instead of searching each row's.
        var inputPicks: [UInt64] = []
        inputPicks.reserveCapacity(rows.count)
        var b = batchIndex(rows.lowerBound)
        for row in rows {
            while row >= batchStarts[b] + batches[b].count { b += 1 }
            inputPicks.append(MultiSourceGather.pick(source: b, row: row - batchStarts[b]))
        }
        var columns: [Column] = []
        let inputGather = inputPicks.withUnsafeBufferPointer { MultiSourceGather(sources: picker.sources.count, picks: $0) }
        for c in 0..<inputColumns {
            columns.append(try inputGather.column(c, type: outputSchema.fields[c].type, of: picker.sources))
        }
        for (index, call) in calls.enumerated() {
            columns.append(try evaluate(index, call, rows, picker))
        }
        return try Batch(schema: outputSchema, columns: columns)
    }

    /// The buffered batch holding row `row`.
    private func batchIndex(_ row: Int) -> Int {
        var low = 0, high = batchStarts.count - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if batchStarts[mid] <= row { low = mid } else { high = mid - 1 }
        }
        return low
    }

    private func evaluate(_ index: Int, _ call: BoundWindowCall, _ rows: Range<Int>,
                          _ picker: RowPicker) throws(StrataError) -> Column {
        func pick(_ row: Int?) -> UInt64 { picker.pick(row) }
        let n = rows.count
        switch call.function {
        case .rowNumber, .rank, .denseRank, .ntile, .countStar, .count:
            var values = [Int64](repeating: 0, count: n)
            for (k, i) in rows.enumerated() {
                let bounds = partitionBounds(i)
                switch call.function {
                case .rowNumber: values[k] = Int64(i - bounds.start + 1)
                case .rank: values[k] = Int64(peers.start(rowPeer[i - base]) - bounds.start + 1)
                case .denseRank: values[k] = Int64(rowPeer[i - base] - partitions.tag(rowPartition[i - base]) + 1)
                case .ntile: values[k] = WindowEvaluator.ntile(row: i - bounds.start, size: bounds.size,
                                                               buckets: call.parameter)
                case .countStar:
                    let f = frame(call, i)
                    let stop = f.end ?? (bounds.start + bounds.size - 1)
                    values[k] = Int64(max(0, stop - f.start + 1))
                default:
                    values[k] = Int64(aggregate(index, call, i).count)
                }
            }
            return Column(unchecked: .int64, data: .int64(values), validity: nil)
        case .percentRank, .cumeDist:
            var values = [Double](repeating: 0, count: n)
            for (k, i) in rows.enumerated() {
                let bounds = partitionBounds(i)
                let peer = rowPeer[i - base]
                if call.function == .percentRank {
                    let rank = peers.start(peer) - bounds.start
                    values[k] = bounds.size > 1 ? Double(rank) / Double(bounds.size - 1) : 0
                } else {
                    let peerEnd = peers.end(peer) ?? end
                    values[k] = Double(peerEnd - bounds.start) / Double(max(1, bounds.size))
                }
            }
            return Column(unchecked: .double, data: .double(values), validity: nil)
        case .sum, .avg:
            var valid = [Bool](repeating: false, count: n)
            if call.type == .int64 {
                var values = [Int64](repeating: 0, count: n)
                for (k, i) in rows.enumerated() {
                    let total = aggregate(index, call, i)
                    guard total.count > 0 else { continue }
                    guard let value = Int64(exactly: total.integer) else {
                        throw StrataError(.invalidData, "sum() OVER (…) overflows BIGINT")
                    }
                    values[k] = value
                    valid[k] = true
                }
                return Column(unchecked: .int64, data: .int64(values), validity: ValidityMask(valid))
            }
            if call.type.isDecimal {
                // Sums of decimal units: exact, DECIMAL(38, s).
                var values = [Int128](repeating: 0, count: n)
                for (k, i) in rows.enumerated() {
                    let total = aggregate(index, call, i)
                    guard total.count > 0 else { continue }
                    values[k] = total.integer
                    valid[k] = true
                }
                return Column(unchecked: call.type, data: .int128(values), validity: ValidityMask(valid))
            }
            // A decimal argument's units are scaled back for avg.
            let divisor = call.argumentTypes.first.map { DecimalMath.doublePowers[$0.decimalScale] } ?? 1
            var values = [Double](repeating: 0, count: n)
            for (k, i) in rows.enumerated() {
                let total = aggregate(index, call, i)
                guard total.count > 0 else { continue }
                let sum = call.call.arguments.isEmpty ? 0 : total.double + Double(total.integer) / divisor
                values[k] = call.function == .avg ? sum / Double(total.count) : sum
                valid[k] = true
            }
            return Column(unchecked: .double, data: .double(values), validity: ValidityMask(valid))
        case .lag, .lead, .firstValue, .lastValue, .nthValue, .min, .max:
            if call.takesPartitionValue, let values = summary?.partitionValues[index] {
                // One value per partition, from the first pass.
                var picks = [UInt32](repeating: 0, count: n)
                for (k, i) in rows.enumerated() { picks[k] = UInt32(truncatingIfNeeded: rowPartition[i - base]) }
                return try picks.withUnsafeBufferPointer { (p) throws(StrataError) -> Column in
                    try values.gather(rows: p)
                }
            }
            guard let argument = call.argument else { throw StrataError(.internal, "a value window call lacks its argument") }
            var picks: [UInt64] = []
            picks.reserveCapacity(n)
            var useDefault: [Bool] = []
            for i in rows {
                let bounds = partitionBounds(i)
                switch call.function {
                case .lag, .lead:
                    let j = call.function == .lag ? i - call.parameter : i + call.parameter
                    let inside = j >= bounds.start && (bounds.end.map { j <= $0 } ?? (j < end))
                    picks.append(pick(inside ? j : nil))
                    useDefault.append(!inside && call.defaultValue != nil)
                case .firstValue, .lastValue, .nthValue:
                    let f = frame(call, i)
                    // An end not known yet (first_value does not wait for it) lies at or past the current row.
                    let stop = f.end ?? (call.function == .firstValue ? max(i, end - 1) : bounds.start + bounds.size - 1)
                    var target: Int?
                    if f.start <= stop {
                        switch call.function {
                        case .firstValue: target = f.start
                        case .lastValue: target = stop
                        default:
                            let position = f.start + call.parameter - 1
                            target = position <= stop ? position : nil
                        }
                    }
                    picks.append(pick(target))
                default:
                    picks.append(pick(try extreme(index, call, i)))
                }
            }
            let gather = picks.withUnsafeBufferPointer { MultiSourceGather(sources: picker.sources.count, picks: $0) }
            let values = try gather.column(argument, type: call.type, of: picker.sources)
            guard let defaultColumn = call.defaultValue, useDefault.contains(true) else { return values }
            // lag/lead outside the partition: the default of the current row.
            let defaults = try rows.map { pick($0) }.withUnsafeBufferPointer { (p) throws(StrataError) -> Column in
                try MultiSourceGather(sources: picker.sources.count, picks: p).column(defaultColumn, type: call.type,
                                                                                      of: picker.sources)
            }
            let pair = try [Batch(schema: Schema(unchecked: [Field("v", call.type)]), columns: [values]),
                            Batch(schema: Schema(unchecked: [Field("v", call.type)]), columns: [defaults])]
            let choice = useDefault.enumerated().map { MultiSourceGather.pick(source: $1 ? 1 : 0, row: $0) }
            return try choice.withUnsafeBufferPointer { (p) throws(StrataError) -> Column in
                try MultiSourceGather(sources: 2, picks: p).column(0, type: call.type, of: pair)
            }
        }
    }

    /// DuckDB's ntile: `buckets` groups as equal as possible, the larger ones first.
    static func ntile(row: Int, size: Int, buckets: Int) -> Int64 {
        let groups = min(buckets, max(1, size))
        let small = size / groups
        let large = size - groups * small
        let largeRows = large * (small + 1)
        if row < largeRows { return Int64(1 + row / (small + 1)) }
        return Int64(1 + large + (row - largeRows) / max(1, small))
    }

    /// count, sum (as an integer and a double part) of call `index`'s argument over row `i`'s frame.
    private func aggregate(_ index: Int, _ call: BoundWindowCall, _ i: Int) -> (count: Int, integer: Int128, double: Double) {
        let f = frame(call, i)
        let bounds = partitionBounds(i)
        func prefix(_ row: Int) -> (Int, Int128, Double) {
            if row < bounds.start { return (0, 0, 0) }
            let at = row - base
            return (prefixCount[index][at], prefixInteger[index][at], prefixDouble[index][at])
        }
        let upper: (Int, Int128, Double)
        let stop: Int
        if let e = f.end {
            stop = e
            guard e >= f.start else { return (0, 0, 0) }
            upper = prefix(e)
        } else if let summary, index < summary.counts.count, !summary.counts[index].isEmpty {
            let partition = rowPartition[i - base]
            stop = bounds.start + bounds.size - 1
            guard stop >= f.start else { return (0, 0, 0) }
            upper = (summary.counts[index][partition], summary.integerSums[index][partition],
                     summary.doubleSums[index][partition])
        } else {
            return (0, 0, 0)
        }
        let lower = prefix(f.start - 1)
        let count = upper.0 - lower.0
        var double = upper.2 - lower.2
        // Short frames of doubles are summed row by row, as a direct sum rounds.
        if stop - f.start < 64, f.start >= base, stop < end, let argument = call.argument {
            var direct = 0.0
            for row in f.start...stop {
                let b = batchIndex(row)
                let column = batches[b].columns[argument]
                let r = row - batchStarts[b]
                if !column.isNull(r) {
                    if case let .double(v) = column.data { direct += v[r] }
                    if case let .float(v) = column.data { direct += Double(v[r]) }
                }
            }
            double = direct
        }
        return (count, upper.1 - lower.1, double)
    }

    /// The row holding the min or max of call `index`'s argument over row `i`'s frame, nil when there is none.
    private func extreme(_ index: Int, _ call: BoundWindowCall, _ i: Int) throws(StrataError) -> Int? {
        let f = frame(call, i)
        let bounds = partitionBounds(i)
        let stop = f.end ?? (bounds.start + bounds.size - 1)
        let partition = rowPartition[i - base]
        if dequePartition[index] != partition {
            deques[index] = []
            dequeHeads[index] = 0
            dequeFilled[index] = bounds.start - 1
            dequePartition[index] = partition
        }
        let wantMax = call.function == .max
        // Fill up to the frame end.
        while dequeFilled[index] < stop {
            let row = dequeFilled[index] + 1
            dequeFilled[index] = row
            guard let argument = call.argument else { break }
            let b = batchIndex(row)
            if batches[b].columns[argument].isNull(row - batchStarts[b]) { continue }
            while deques[index].count > dequeHeads[index],
                  let back = deques[index].last,
                  compare(index, back, row) * (wantMax ? -1 : 1) >= 0 {
                deques[index].removeLast()
            }
            deques[index].append(row)
        }
        // From UNBOUNDED PRECEDING the start never moves: only the extreme so far can ever be the result.
        if call.start == .unboundedPreceding, deques[index].count - dequeHeads[index] > 1 {
            deques[index] = [deques[index][dequeHeads[index]]]
            dequeHeads[index] = 0
        }
        // Drop rows before the frame start.
        while dequeHeads[index] < deques[index].count && deques[index][dequeHeads[index]] < f.start {
            dequeHeads[index] += 1
        }
        if dequeHeads[index] > 1024 && dequeHeads[index] * 2 > deques[index].count {
            deques[index].removeFirst(dequeHeads[index])
            dequeHeads[index] = 0
        }
        guard f.start <= stop, dequeHeads[index] < deques[index].count else { return nil }
        return deques[index][dequeHeads[index]]
    }

    /// The order of call `index`'s argument at rows `a` and `b` (-1, 0, 1).
    private func compare(_ index: Int, _ a: Int, _ b: Int) -> Int {
        let bb = batchIndex(b)
        let kb = argumentKeys[index][bb]
        let rb = kb.range(b - batchStarts[bb])
        if a < base {
            // A snapshot: its key was copied with it.
            let key = snapshotKeys[index][a] ?? []
            return key.withUnsafeBytes { x in
                kb.bytes.withUnsafeBytes { y in
                    SortKeyCompare.compare(x, 0, x.count, y, rb.lowerBound, rb.upperBound)
                }
            }
        }
        let ba = batchIndex(a)
        let ka = argumentKeys[index][ba]
        let ra = ka.range(a - batchStarts[ba])
        return ka.bytes.withUnsafeBytes { x in
            kb.bytes.withUnsafeBytes { y in
                SortKeyCompare.compare(x, ra.lowerBound, ra.upperBound, y, rb.lowerBound, rb.upperBound)
            }
        }
    }

    // MARK: - Dropping rows

    /// Drops the buffered batches before the earliest row a later result may read; keeps one-row copies of the
    /// rows first_value and nth_value read from the current partition's start.
    private func trim() {
        guard !finished else {
            dropBatches(before: end)
            return
        }
        guard end > base else { return }
        // What the next row may read; when every buffered row is done, the last one stands in for it (frames and
        // lookbacks only move forward).
        let i = min(next, end - 1)
        var keep = next
        let bounds = partitionBounds(i)
        var pinned: [Int] = []
        var extremes: [(call: Int, row: Int)] = []
        for (index, call) in calls.enumerated() {
            switch call.function {
            case .lag: keep = min(keep, max(bounds.start, i - call.parameter))
            case .rowNumber, .rank, .denseRank, .percentRank, .cumeDist, .ntile, .lead, .countStar: break
            case _ where call.takesPartitionValue && summary != nil: break
            default:
                let f = frame(call, i)
                if isAggregate(call) {
                    // Sums subtract the prefix before the frame; from the partition's start there is none.
                    if call.start != .unboundedPreceding { keep = min(keep, max(bounds.start, f.start - 1)) }
                } else if isExtreme(call) {
                    let head = dequePartition[index] == rowPartition[i - base] && dequeHeads[index] < deques[index].count
                        ? deques[index][dequeHeads[index]] : nil
                    if call.start == .unboundedPreceding {
                        // The extreme so far is copied when its batch goes; rows not yet compared with it stay.
                        if let head { extremes.append((index, head)) }
                        let filled = dequePartition[index] == rowPartition[i - base] ? dequeFilled[index] + 1 : bounds.start
                        keep = min(keep, max(bounds.start, filled))
                    } else {
                        keep = min(keep, f.start)
                        if let head { keep = min(keep, head) }
                    }
                } else if call.start == .unboundedPreceding {
                    pinned.append(call.function == .nthValue ? bounds.start + call.parameter - 1 : bounds.start)
                } else {
                    keep = min(keep, f.start)
                }
            }
        }
        keep = max(keep, base)
        for (index, row) in extremes where row < keep && row >= base {
            pinned.append(row)
            let b = batchIndex(row)
            let keys = argumentKeys[index][b]
            snapshotKeys[index][row] = Array(keys.bytes[keys.range(row - batchStarts[b])])
        }
        for row in pinned where row < keep && row >= base && snapshots[row] == nil {
            let b = batchIndex(row)
            var one = [UInt32(row - batchStarts[b])]
            if let copy = try? one.withUnsafeMutableBufferPointer({ p in try batches[b].gather(rows: UnsafeBufferPointer(p)) }) {
                snapshots[row] = copy
            }
        }
        snapshots = snapshots.filter { $0.key >= bounds.start }
        for index in calls.indices where !snapshotKeys[index].isEmpty {
            snapshotKeys[index] = snapshotKeys[index].filter { $0.key >= bounds.start }
        }
        dropBatches(before: keep)
    }

    /// Drops the batches whose rows all lie before `row`.
    private func dropBatches(before row: Int) {
        var drop = 0
        while drop < batches.count && batchStarts[drop] + batches[drop].count <= row { drop += 1 }
        guard drop > 0 else { return }
        let newBase = drop < batches.count ? batchStarts[drop] : end
        let rowsDropped = newBase - base
        reservation.shrink(to: reservation.bytes - batchBytes[0..<drop].reduce(0, +))
        batches.removeFirst(drop)
        batchStarts.removeFirst(drop)
        batchBytes.removeFirst(drop)
        for index in calls.indices where !argumentKeys[index].isEmpty { argumentKeys[index].removeFirst(drop) }
        rowPartition.removeFirst(rowsDropped)
        rowPeer.removeFirst(rowsDropped)
        if rangeKey != nil {
            rowOrderValue.removeFirst(rowsDropped)
            rowOrderNull.removeFirst(rowsDropped)
        }
        for index in calls.indices where !prefixCount[index].isEmpty {
            prefixCount[index].removeFirst(rowsDropped)
            prefixInteger[index].removeFirst(rowsDropped)
            prefixDouble[index].removeFirst(rowsDropped)
        }
        base = newBase
        let firstPartition = rowPartition.first ?? partitions.count - 1
        let firstPeer = rowPeer.first ?? peers.count - 1
        partitions.forget(before: firstPartition)
        peers.forget(before: firstPeer)
    }
}

/// The sources of one output batch's gathers: the buffered batches, the snapshots rows read (added as they are
/// asked for) and a row of NULLs.
final class RowPicker {
    private(set) var sources: [Batch]
    private let nullSource: Int
    private var snapshotSource: [Int: Int] = [:]
    private let locate: (Int) -> (batch: Int, row: Int)?
    private let snapshot: (Int) -> Batch?

    /// A picker over `batches`; `locate` finds a buffered row, `snapshot` the copy of one that is not.
    init(batches: [Batch], nullRow: Batch, locate: @escaping (Int) -> (batch: Int, row: Int)?,
         snapshot: @escaping (Int) -> Batch?) {
        sources = batches + [nullRow]
        nullSource = batches.count
        self.locate = locate
        self.snapshot = snapshot
    }

    /// The pick of row `row` (nil: NULL).
    func pick(_ row: Int?) -> UInt64 {
        guard let row else { return MultiSourceGather.pick(source: nullSource, row: 0) }
        if let (batch, r) = locate(row) { return MultiSourceGather.pick(source: batch, row: r) }
        if let source = snapshotSource[row] { return MultiSourceGather.pick(source: source, row: 0) }
        guard let copy = snapshot(row) else { return MultiSourceGather.pick(source: nullSource, row: 0) }
        snapshotSource[row] = sources.count
        sources.append(copy)
        return MultiSourceGather.pick(source: sources.count - 1, row: 0)
    }
}

/// Numbered row ranges (partitions or peer groups): start rows, and end rows once known; the oldest can be
/// forgotten while the numbering goes on.
struct RangeTable {
    private var starts: [Int] = []
    private var ends: [Int?] = []
    private var tags: [Int] = []
    private var offset = 0

    /// How many ranges were opened.
    var count: Int { offset + starts.count }

    /// Opens a range at row `row`, with a number the owner keeps for it.
    mutating func open(at row: Int, tag: Int = 0) {
        starts.append(row)
        ends.append(nil)
        tags.append(tag)
    }

    /// The number kept for range `n`.
    func tag(_ n: Int) -> Int { tags[n - offset] }

    /// Ends the last range before `row` (no-op when none is open).
    mutating func close(at row: Int) {
        guard let last = ends.indices.last, ends[last] == nil else { return }
        ends[last] = row
    }

    /// Range `n`'s first row.
    func start(_ n: Int) -> Int { starts[n - offset] }

    /// One past range `n`'s last row, nil while open.
    func end(_ n: Int) -> Int? { ends[n - offset] }

    /// Forgets ranges numbered below `n`; returns how many.
    @discardableResult
    mutating func forget(before n: Int) -> Int {
        let drop = min(max(0, n - offset), starts.count)
        guard drop > 0 else { return 0 }
        starts.removeFirst(drop)
        ends.removeFirst(drop)
        tags.removeFirst(drop)
        offset += drop
        return drop
    }
}
