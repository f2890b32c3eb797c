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
    }

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
    package func tryReserve(_ bytes: Int) -> Bool {
        guard bytes > 0 else { return true }
        return state.withLock { state in
            guard state.reserved + bytes <= limit else { return false }
            state.reserved += bytes
            state.peak = max(state.peak, state.reserved)
            return true
        }
    }

    /// Reserves `bytes` even over the limit.
    package func forceReserve(_ bytes: Int) {
        guard bytes > 0 else { return }
        state.withLock { state in
            state.reserved += bytes
            state.peak = max(state.peak, state.reserved)
        }
    }

    /// Returns `bytes` to the pool.
    package func release(_ bytes: Int) {
        guard bytes > 0 else { return }
        state.withLock { $0.reserved = max(0, $0.reserved - bytes) }
    }

    /// A new, empty reservation for `consumer` (named in out-of-memory errors).
    package func reservation(for consumer: String) -> MemoryReservation {
        MemoryReservation(pool: self, consumer: consumer)
    }
}
