import StrataCore
import Synchronization

/// The one memory budget of a query: operators reserve bytes from it before they allocate.
///
/// The pool only counts; it never allocates. A refused reservation is the signal for an operator to spill (or to
/// fail with ``MemoryReservation/grow(by:)``'s error). `forceReserve` exists for the scheduler's progress
/// guarantee: when nothing else runs, one task is admitted even over the limit, and the operators it feeds then
/// spill on their next refused reservation.
package final class MemoryPool: Sendable {
    /// The budget in bytes.
    package let limit: Int
    private let state = Mutex(State())

    private struct State {
        var reserved = 0
        var peak = 0
        /// Per consumer name: bytes reserved now and at most.
        var consumers: [String: (current: Int, peak: Int)] = [:]

        mutating func add(_ bytes: Int, _ consumer: String?) {
            reserved += bytes
            peak = max(peak, reserved)
            guard let consumer else { return }
            var entry = consumers[consumer] ?? (0, 0)
            entry.current += bytes
            entry.peak = max(entry.peak, entry.current)
            consumers[consumer] = entry
        }
    }

    /// The most bytes the reservations of `consumer` (an operator name such as `hash aggregate`) held at once.
    package func peak(of consumer: String) -> Int { state.withLock { $0.consumers[consumer]?.peak ?? 0 } }

    /// Creates a pool of `limit` bytes.
    package init(limit: Int) {
        self.limit = max(0, limit)
    }

    /// Bytes currently reserved.
    package var reserved: Int { state.withLock { $0.reserved } }

    /// The most bytes ever reserved at once.
    package var peak: Int { state.withLock { $0.peak } }

    /// Bytes still free (never negative).
    package var available: Int { max(0, limit - reserved) }

    /// Reserves `bytes` when they fit under the limit; returns whether they did.
    package func tryReserve(_ bytes: Int, consumer: String? = nil) -> Bool {
        guard bytes > 0 else { return true }
        return state.withLock { state in
            guard state.reserved + bytes <= limit else { return false }
            state.add(bytes, consumer)
            return true
        }
    }

    /// Reserves `bytes` even over the limit.
    package func forceReserve(_ bytes: Int, consumer: String? = nil) {
        guard bytes > 0 else { return }
        state.withLock { $0.add(bytes, consumer) }
    }

    /// Returns `bytes` to the pool.
    package func release(_ bytes: Int, consumer: String? = nil) {
        guard bytes > 0 else { return }
        state.withLock { state in
            state.reserved = max(0, state.reserved - bytes)
            if let consumer, var entry = state.consumers[consumer] {
                entry.current = max(0, entry.current - bytes)
                state.consumers[consumer] = entry
            }
        }
    }

    /// A new, empty reservation for `consumer` (named in out-of-memory errors); `metrics` are those of the operator
    /// that holds it, which then track its bytes too.
    package func reservation(for consumer: String, metrics: OperatorMetrics? = nil) -> MemoryReservation {
        MemoryReservation(pool: self, consumer: consumer, metrics: metrics)
    }
}
