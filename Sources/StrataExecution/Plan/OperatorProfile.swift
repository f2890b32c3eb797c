import Synchronization

/// Rows produced and time spent by one operator of a running query, for EXPLAIN ANALYZE. Workers add to it
/// concurrently.
package final class OperatorProfile: Sendable {
    private let rowCount = Atomic<Int>(0)
    private let nanoseconds = Atomic<Int>(0)

    /// Creates an empty profile.
    package init() {}

    /// Rows the operator produced.
    package var rows: Int { rowCount.load(ordering: .relaxed) }

    /// Summed busy time over all workers, in seconds.
    package var seconds: Double { Double(nanoseconds.load(ordering: .relaxed)) / 1e9 }

    /// Adds `rows` output rows and the time since `start`.
    package func record(rows: Int, since start: ContinuousClock.Instant) {
        let elapsed = (ContinuousClock.now - start).components
        rowCount.add(rows, ordering: .relaxed)
        nanoseconds.add(Int(elapsed.seconds) * 1_000_000_000 + Int(elapsed.attoseconds / 1_000_000_000),
                        ordering: .relaxed)
    }

    /// Adds time only.
    package func record(since start: ContinuousClock.Instant) { record(rows: 0, since: start) }
}
