import Dispatch

/// A statement's result batches as an `AsyncSequence`: the statement starts when iteration starts, its batches are
/// awaited without blocking Swift's cooperative threads, and cancelling the iterating task (or leaving the loop)
/// stops the query and frees its memory and spill files.
///
/// ```swift
/// for try await batch in db.batches("SELECT id3, sum(v3) AS v3 FROM x GROUP BY id3") {
///     print(batch.count)
/// }
/// ```
public struct QueryBatches: AsyncSequence, Sendable {
    public typealias Element = Batch
    private let start: @Sendable () throws -> ResultCursor

    /// Batches of the cursor `start` returns when iteration begins.
    init(start: @escaping @Sendable () throws -> ResultCursor) {
        self.start = start
    }

    public func makeAsyncIterator() -> Iterator { Iterator(start: start) }

    /// Starts the statement on the first `next()`, then hands out its batches.
    public struct Iterator: AsyncIteratorProtocol {
        private let start: @Sendable () throws -> ResultCursor
        private var cursor: ResultCursor?

        init(start: @escaping @Sendable () throws -> ResultCursor) {
            self.start = start
        }

        /// The result's column names as written in the query (nil before the statement starts).
        public var columnNames: [String]? { cursor?.columnNames }

        /// The next batch, nil after the last.
        /// - Throws: the statement's error, or `.cancelled` when the task was cancelled.
        public mutating func next() async throws -> Batch? {
            let current: ResultCursor
            if let cursor {
                current = cursor
            } else {
                try Task.checkCancellation()
                current = try start()
                cursor = current
            }
            return try await current.nextBatch()
        }
    }
}

extension ResultCursor {
    /// The next batch, awaited: the blocking ``next()`` runs on a dispatch thread, and cancelling the calling task
    /// cancels the query (the call then throws `.cancelled`).
    public func nextBatch() async throws -> Batch? {
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Batch?, any Error>) in
                DispatchQueue.global().async {
                    continuation.resume(with: Result { try self.next() })
                }
            }
        } onCancel: {
            requestCancellation()
        }
    }

    /// The remaining batches as an `AsyncSequence`.
    public var batches: QueryBatches { QueryBatches { self } }

    /// The remaining rows as an `AsyncSequence`.
    public var rows: QueryRows { QueryRows(batches: batches) }
}

extension Database {
    /// Runs `sql` when iteration starts and hands out its batches as they come (see ``QueryBatches``).
    public func batches(_ sql: String, _ arguments: [Value] = []) -> QueryBatches {
        QueryBatches { try self.prepare(sql).execute(arguments) }
    }

    /// Runs `sql` when iteration starts and hands out its rows as they come (see ``QueryRows``).
    ///
    /// ```swift
    /// struct Host: Decodable { let host: String; let n: Int }
    /// for try await host in db.rows("SELECT host, count(*) AS n FROM events GROUP BY host").decoded(as: Host.self) {
    ///     print(host.host, host.n)
    /// }
    /// ```
    public func rows(_ sql: String, _ arguments: [Value] = []) -> QueryRows {
        QueryRows(batches: batches(sql, arguments))
    }
}
