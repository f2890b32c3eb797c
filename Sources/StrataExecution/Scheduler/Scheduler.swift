import StrataCore

/// Runs a ``TaskGraph`` on worker threads within a memory budget.
///
/// Semantics (the algorithm is in `GraphRun`):
/// 1. Ready tasks run later stage first (finish started work before starting more), FIFO within a stage, so source
///    tasks start in insertion order (scans in file order).
/// 2. A task added with `admissionBytes > 0` starts only when `pool.reservation(for: stageName).tryGrow(by:)`
///    succeeds. When refused while other tasks run, it waits (ready tasks without admission still run) and is
///    retried whenever a task finishes; when refused while nothing runs, the bytes are forced over the limit, so the
///    query always progresses (downstream operators spill when their own reservations are refused). Chunks thus
///    flow through the pipeline instead of piling up.
/// 3. `threads` workers (the calling thread and `threads - 1` threads started for the run) share one lock, held
///    only to finish a task and take the next, never while a task body runs.
/// 4. On the first error, or when the cancellation token is seen set, nothing new starts; running tasks finish;
///    every admission reservation still held is released; then the error is thrown (a `StrataError` as is, any other
///    error as `.internal`; cancellation as `.cancelled`, "query cancelled"). Dependents of a failed task never run.
/// 5. `progress` is called outside the lock after tasks finish, at most once per 1000 finished tasks or 50 ms, and
///    once with `(total, total)` at the end of a successful run.
/// 6. With a `trace`, each task's worker, stage, start and end are recorded for the performance report.
package final class Scheduler: Sendable {
    /// The number of worker threads (≥ 1), the caller's included.
    package let threads: Int
    /// The budget source tasks are admitted from.
    package let pool: MemoryPool

    /// A scheduler running graphs on `threads` workers (at least 1) within `pool`.
    package init(threads: Int, pool: MemoryPool) {
        self.threads = max(1, threads)
        self.pool = pool
    }

    /// Runs every task of `graph` once, respecting dependencies; blocks the caller until all are done, and returns
    /// what the run did. `trace`, when given, receives every task's run.
    ///
    /// Several runs may share one scheduler (and its pool) at once; each starts its own workers.
    @discardableResult
    package func run(
        _ graph: TaskGraph, cancellation: CancellationToken = CancellationToken(),
        progress: (@Sendable (_ finished: Int, _ total: Int) -> Void)? = nil, trace: TaskTrace? = nil
    ) throws(StrataError) -> RunStatistics {
        let clock = ContinuousClock()
        let start = clock.now
        let run = GraphRun(graph: graph, threads: threads, pool: pool, cancellation: cancellation, progress: progress,
                           trace: trace)
        if let failure = run.execute() {
            run.releaseAdmissions()
            throw failure
        }
        run.reportCompletion()
        return run.statistics(wallTime: clock.now - start)
    }
}
