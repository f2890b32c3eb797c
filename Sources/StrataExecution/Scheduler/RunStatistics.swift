/// What one ``Scheduler/run(_:cancellation:progress:)`` did, for EXPLAIN ANALYZE.
package struct RunStatistics: Sendable {
    /// One stage's share of the run.
    package struct Stage: Sendable {
        /// The stage's name.
        package var name: String
        /// The stage's detail.
        package var detail: String
        /// The tasks of the stage that ran.
        package var tasksRun: Int
        /// The summed wall time of those tasks' bodies (across workers, so it can exceed the run's wall time).
        package var busy: Duration
    }

    /// Tasks that ran.
    package var tasksRun: Int
    /// Per stage, in pipeline order.
    package var stages: [Stage]
    /// The most admission bytes held at once by admitted tasks (while running, or while their reservation was kept
    /// alive by a consumer), counted as admitted.
    package var peakAdmittedBytes: Int
    /// Admissions forced over the memory limit because nothing else was running.
    package var forcedAdmissions: Int
    /// The wall time of the run.
    package var wallTime: Duration
}
