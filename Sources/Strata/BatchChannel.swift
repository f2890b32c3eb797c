import Foundation

/// Hands result batches from the executor's threads to a ``ResultCursor``'s reader: at most `capacity` batches
/// wait at once, so a slow reader slows the query instead of letting results pile up in memory.
final class BatchChannel: @unchecked Sendable {
    // Every field below is read and written only with `condition` locked.
    private let condition = NSCondition()
    private let capacity: Int
    private var queue: [Batch] = []
    private var outcome: Result<QueryStatistics, StrataError>?
    private var closed = false

    /// A channel holding up to `capacity` batches.
    init(capacity: Int = 2) {
        self.capacity = max(1, capacity)
    }

    /// Producer: waits for room, then queues `batch`; throws `.cancelled` once the reader has closed the channel.
    func send(_ batch: Batch) throws(StrataError) {
        condition.lock()
        defer { condition.unlock() }
        while queue.count >= capacity && !closed { condition.wait() }
        guard !closed else { throw StrataError(.cancelled, "the result cursor was closed") }
        queue.append(batch)
        condition.broadcast()
    }

    /// Producer: the query ended.
    func finish(_ result: Result<QueryStatistics, StrataError>) {
        condition.lock()
        outcome = result
        condition.broadcast()
        condition.unlock()
    }

    /// Reader: the next batch, nil at the end; rethrows the query's error.
    func receive() throws(StrataError) -> Batch? {
        condition.lock()
        defer { condition.unlock() }
        while queue.isEmpty && outcome == nil { condition.wait() }
        if !queue.isEmpty {
            let batch = queue.removeFirst()
            condition.broadcast()
            return batch
        }
        if case let .failure(error) = outcome { throw error }
        return nil
    }

    /// The statistics, once the query has succeeded.
    var statistics: QueryStatistics? {
        condition.lock()
        defer { condition.unlock() }
        if case let .success(statistics) = outcome { return statistics }
        return nil
    }

    /// Waits until the producer has finished.
    func waitUntilFinished() {
        condition.lock()
        while outcome == nil { condition.wait() }
        condition.unlock()
    }

    /// Reader: stop; a waiting producer is woken and fails with `.cancelled`.
    func close() {
        condition.lock()
        closed = true
        queue.removeAll()
        condition.broadcast()
        condition.unlock()
    }
}
