import StrataCore

/// What a task body gets from the ``Scheduler``: which worker runs it, the query's cancellation, and the memory it
/// was admitted with.
package struct TaskContext: Sendable {
    /// The worker thread running the task, in `0..<threads` and stable per thread for one run, so operators can
    /// keep per-worker state in an array indexed by it.
    package let worker: Int
    /// The query's cancellation token.
    package let cancellation: CancellationToken
    /// The bytes reserved when the task was admitted (tasks added with `admissionBytes > 0`), else nil.
    ///
    /// The body may keep a strong reference to extend its lifetime, e.g. hand it, with the batch it produced, to
    /// the consumer task; otherwise the bytes go back to the pool when the body returns.
    package let admission: MemoryReservation?
    /// The source morsel the task runs (set by the pipeline; tail morsels count on after the source's), so sinks
    /// can number rows in input order.
    package var morsel = 0

    /// Whether the query was cancelled.
    package var isCancelled: Bool { cancellation.isCancelled }

    /// Throws `StrataError(.cancelled, "query cancelled")` when the query was cancelled.
    package func checkCancellation() throws(StrataError) {
        if cancellation.isCancelled { throw CancellationToken.cancelledError }
    }
}
