import Synchronization

/// What one operator of a query did: rows in and out, busy time, memory reserved, spilling and partitioning. Every
/// operator owns one; workers update it concurrently (relaxed atomics), and EXPLAIN ANALYZE and
/// ``QueryStatistics`` read every operator's the same way.
package final class OperatorMetrics: Sendable {
    /// The planner's estimate of the rows the operator produces (nil when unknown).
    package let estimatedRows: Int?
    private let rowsInCount = Atomic<Int>(0)
    private let rowsOutCount = Atomic<Int>(0)
    private let nanoseconds = Atomic<Int>(0)
    private let reservedNow = Atomic<Int>(0)
    private let reservedPeak = Atomic<Int>(0)
    private let spilledByteCount = Atomic<Int>(0)
    private let spillRunCount = Atomic<Int>(0)
    private let spillEvents = Atomic<Int>(0)
    private let partitionCount = Atomic<Int>(0)
    private let deepestLevel = Atomic<Int>(0)

    /// Creates empty metrics with the planner's estimate.
    package init(estimatedRows: Int? = nil) {
        self.estimatedRows = estimatedRows
    }

    /// Rows the operator received.
    package var rowsIn: Int { rowsInCount.load(ordering: .relaxed) }
    /// Rows the operator produced.
    package var rowsOut: Int { rowsOutCount.load(ordering: .relaxed) }
    /// Busy time summed over workers, in seconds (the operator's own work, not that of the operators it feeds).
    package var seconds: Double { Double(nanoseconds.load(ordering: .relaxed)) / 1e9 }
    /// Bytes the operator's memory reservations hold now.
    package var reservedBytes: Int { max(0, reservedNow.load(ordering: .relaxed)) }
    /// The most bytes the operator's memory reservations held at once.
    package var peakReservedBytes: Int { reservedPeak.load(ordering: .relaxed) }
    /// Bytes the operator wrote to spill files.
    package var spilledBytes: Int { spilledByteCount.load(ordering: .relaxed) }
    /// Spill files the operator created.
    package var spillRuns: Int { spillRunCount.load(ordering: .relaxed) }
    /// Times the operator moved data to disk because the memory pool refused it.
    package var spills: Int { spillEvents.load(ordering: .relaxed) }
    /// Hash partitions the operator used (0 when it does not partition).
    package var partitions: Int { partitionCount.load(ordering: .relaxed) }
    /// The deepest level of recursive repartitioning reached.
    package var repartitionLevel: Int { deepestLevel.load(ordering: .relaxed) }

    /// Adds `rows` input rows.
    package func received(_ rows: Int) { rowsInCount.add(rows, ordering: .relaxed) }
    /// Adds `rows` output rows.
    package func produced(_ rows: Int) { rowsOutCount.add(rows, ordering: .relaxed) }

    /// Adds busy time.
    package func addTime(nanoseconds ns: Int) { nanoseconds.add(ns, ordering: .relaxed) }

    /// Adds the time since `start`.
    package func addTime(since start: ContinuousClock.Instant) {
        addTime(nanoseconds: OperatorMetrics.nanoseconds(since: start))
    }

    /// Records a change of `delta` bytes in the operator's reservations, keeping the peak.
    package func reservationChanged(by delta: Int) {
        let now = reservedNow.add(delta, ordering: .relaxed).newValue
        var peak = reservedPeak.load(ordering: .relaxed)
        while now > peak {
            let (exchanged, current) = reservedPeak.compareExchange(expected: peak, desired: now,
                                                                    ordering: .relaxed)
            if exchanged { break }
            peak = current
        }
    }

    /// Records `bytes` written to a spill file.
    package func spilled(bytes: Int) { spilledByteCount.add(bytes, ordering: .relaxed) }
    /// Records a new spill file.
    package func createdRun() { spillRunCount.add(1, ordering: .relaxed) }
    /// Records one spill event (a table flushed or a partition moved to disk under memory pressure).
    package func spilledOnce() { spillEvents.add(1, ordering: .relaxed) }
    /// Records that the operator used `count` hash partitions.
    package func usedPartitions(_ count: Int) { partitionCount.max(count, ordering: .relaxed) }
    /// Records that repartitioning reached `level`.
    package func reachedLevel(_ level: Int) { deepestLevel.max(level, ordering: .relaxed) }

    /// Nanoseconds elapsed since `start`.
    package static func nanoseconds(since start: ContinuousClock.Instant) -> Int {
        let elapsed = (ContinuousClock.now - start).components
        return Int(elapsed.seconds) * 1_000_000_000 + Int(elapsed.attoseconds / 1_000_000_000)
    }
}
