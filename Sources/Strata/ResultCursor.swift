import Foundation
import Synchronization

/// A single pass over the result batches of a statement; the query runs on background threads while you read.
///
/// ```swift
/// let cursor = try db.query("SELECT id1, sum(v1) AS v1 FROM x GROUP BY id1")
/// while let batch = try cursor.next() {
///     let sums = batch.columns[1]   // typed buffers: see Column.data
/// }
/// print(cursor.statistics?.seconds ?? 0)
/// ```
/// Nothing runs until the first ``next()``. Closing the cursor (``cancel()``, or dropping it) stops the query and
/// frees its memory and spill files. A cursor may be read from one thread at a time.
public final class ResultCursor: Sendable {
    /// The schema of the batches (column names made unique).
    public let schema: Schema
    /// The result's column names as written in the query (they may repeat).
    public let columnNames: [String]

    private let source: Source
    private let cancellation: QueryCancellation
    private let started = Atomic<Bool>(false)
    private let ready = Mutex<[Batch]>([])
    private let finalStatistics = Mutex<QueryStatistics?>(nil)
    /// What must live as long as the cursor (the statement's catalog and its scratch files).
    private let keepAlive: (any Sendable)?
    /// The statement's text when the run records a profile (nil: it does not).
    private let profiledSQL: String?

    private enum Source: Sendable {
        /// Rows computed already: EXPLAIN's text, or what a statement that changes tables reports.
        case rows(explain: Bool)
        /// A query to run and the channel it delivers through.
        case query(QueryExecution, BatchChannel)
    }

    /// A cursor over a query that starts on the first `next()`.
    init(execution: QueryExecution, columnNames: [String], cancellation: QueryCancellation, keepAlive: any Sendable,
         profile: String? = nil) {
        schema = execution.schema
        self.columnNames = columnNames
        self.cancellation = cancellation
        source = .query(execution, BatchChannel())
        self.keepAlive = keepAlive
        profiledSQL = profile
    }

    /// A cursor over ready rows (`explain`: EXPLAIN's text lines).
    init(batches: [Batch], columnNames: [String], statistics: QueryStatistics?, explain: Bool = true) {
        schema = batches.first?.schema ?? Schema(unchecked: [])
        self.columnNames = columnNames
        cancellation = QueryCancellation()
        source = .rows(explain: explain)
        keepAlive = nil
        profiledSQL = nil
        ready.withLock { $0 = batches }
        finalStatistics.withLock { $0 = statistics }
    }

    deinit { cancel() }

    /// The next batch, or nil after the last one.
    /// - Throws: `StrataError` when the query fails (`.outOfMemory`, `.cancelled`, `.io`, …).
    public func next() throws -> Batch? {
        switch source {
        case .rows:
            return ready.withLock { $0.isEmpty ? nil : $0.removeFirst() }
        case let .query(execution, channel):
            if !started.exchange(true, ordering: .acquiringAndReleasing) {
                let profile = profiledSQL != nil
                let thread = Thread {
                    let result = Result { () throws(StrataError) -> QueryStatistics in
                        return try execution.run(profile: profile) { (batch) throws(StrataError) in
                            try channel.send(batch)
                        }
                    }
                    channel.finish(result)
                }
                thread.stackSize = 8 << 20
                thread.start()
            }
            return try channel.receive()
        }
    }

    /// Whether this is the text of an EXPLAIN (one `explain` column, a row per line) rather than query rows.
    public var isExplain: Bool {
        if case let .rows(explain) = source { return explain }
        return false
    }

    /// What the query did; available once ``next()`` has returned nil.
    public var statistics: QueryStatistics? {
        switch source {
        case .rows: return finalStatistics.withLock { $0 }
        case let .query(_, channel): return channel.statistics
        }
    }

    /// How far the query has got, from any thread while it runs (nil for results that were ready at once: EXPLAIN,
    /// statements that change tables). Before the first ``next()`` every figure is zero.
    public var progress: QueryProgress? {
        guard case let .query(execution, _) = source else { return nil }
        return execution.progress
    }

    /// The query's progress every `interval` until it ends (the last element has `finished` set), or until the
    /// cursor is cancelled or the consuming task stops listening.
    ///
    /// ```swift
    /// let cursor = try db.query("SELECT id3, sum(v3) FROM x GROUP BY id3")
    /// Task { for await p in cursor.progressUpdates() { print(p.fractionDone) } }
    /// while let batch = try cursor.next() { … }
    /// ```
    public func progressUpdates(every interval: Duration = .milliseconds(100)) -> AsyncStream<QueryProgress> {
        AsyncStream { continuation in
            let task = Task { [self] in
                while !Task.isCancelled {
                    guard let progress else { break }
                    continuation.yield(progress)
                    if progress.finished || cancellation.isCancelled { break }
                    try? await Task.sleep(for: interval)
                }
                continuation.finish()
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }

    /// The run's memory, spill and tasks over time, once ``next()`` has returned nil, when the statement was
    /// executed with `profile: true` (render it with `QueryProfile.html()`, or encode it as JSON).
    public var profile: QueryProfile? {
        guard let profiledSQL, var profile = statistics?.profile else { return nil }
        profile.query = profiledSQL
        return profile
    }

    /// Stops the query; a later ``next()`` fails with `.cancelled` (or returns nil if the query had already ended).
    /// It returns once the query has stopped and released its memory and scratch files.
    public func cancel() {
        cancellation.cancel()
        if case let .query(_, channel) = source {
            channel.close()
            if started.load(ordering: .acquiring) { channel.waitUntilFinished() }
        }
    }

    /// Asks the query to stop without waiting for it: a pending or later ``next()`` throws `.cancelled` once it
    /// has (used when an awaiting task is cancelled).
    func requestCancellation() {
        cancellation.cancel()
        if case let .query(_, channel) = source { channel.close() }
    }

    /// Reads every remaining batch.
    public func collect() throws -> [Batch] {
        var batches: [Batch] = []
        while let batch = try next() { batches.append(batch) }
        return batches
    }
}
