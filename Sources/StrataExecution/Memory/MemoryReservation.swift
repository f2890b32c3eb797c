import StrataCore

/// Bytes one consumer (an operator instance) holds in a ``MemoryPool``.
///
/// A reservation is owned by one thread at a time. Its bytes go back to the pool on `release()` or when it is
/// deallocated, so a failing or cancelled query never leaks budget.
package final class MemoryReservation: @unchecked Sendable {
    /// The pool the bytes come from.
    package let pool: MemoryPool
    /// Who holds the bytes (e.g. `hash aggregate`), for error messages.
    package let consumer: String
    /// The metrics of the operator holding the bytes (their peak is that operator's peak reservation).
    package let metrics: OperatorMetrics?
    /// Bytes currently held.
    package private(set) var bytes = 0

    init(pool: MemoryPool, consumer: String, metrics: OperatorMetrics?) {
        self.pool = pool
        self.consumer = consumer
        self.metrics = metrics
    }

    deinit {
        pool.release(bytes, consumer: consumer)
        metrics?.reservationChanged(by: -bytes)
    }

    /// Adds `delta` bytes if the pool has room; returns whether it did.
    package func tryGrow(by delta: Int) -> Bool {
        guard delta > 0 else { return true }
        guard pool.tryReserve(delta, consumer: consumer) else { return false }
        bytes += delta
        metrics?.reservationChanged(by: delta)
        return true
    }

    /// Adds `delta` bytes or throws an out-of-memory error naming the consumer and the limit.
    package func grow(by delta: Int) throws(StrataError) {
        guard tryGrow(by: delta) else {
            throw StrataError(.outOfMemory, """
                \(consumer) needs \(ByteCount.format(bytes + delta)) but the memory limit is \
                \(ByteCount.format(pool.limit)) (\(ByteCount.format(pool.reserved)) in use); \
                raise --memory-limit
                """)
        }
    }

    /// Adds `delta` bytes even over the limit (for bounded, unavoidable working memory).
    package func forceGrow(by delta: Int) {
        guard delta > 0 else { return }
        pool.forceReserve(delta, consumer: consumer)
        bytes += delta
        metrics?.reservationChanged(by: delta)
    }

    /// Sets the held bytes to `target`: shrinking always succeeds, growing only when the pool has room.
    @discardableResult
    package func resize(to target: Int) -> Bool {
        if target <= bytes {
            shrink(to: target)
            return true
        }
        return tryGrow(by: target - bytes)
    }

    /// Returns bytes above `target` to the pool.
    package func shrink(to target: Int) {
        let keep = max(0, target)
        guard keep < bytes else { return }
        pool.release(bytes - keep, consumer: consumer)
        metrics?.reservationChanged(by: keep - bytes)
        bytes = keep
    }

    /// Returns all bytes to the pool.
    package func release() { shrink(to: 0) }
}
