import Strata
import StrataExecution

extension Diagnostics {
    /// The dependency structure of the empty-task graph that ``measureSchedulerOverhead(tasks:threads:shape:)``
    /// runs.
    public enum OverheadShape: Sendable, Hashable {
        /// No dependencies: every task is ready at once.
        case independent
        /// Chains of `length` tasks, each depending on the previous one; link `k` of every chain is in stage `k`.
        case chains(length: Int)
        /// `tasks - 1` tasks in one stage all feeding one task in a later stage.
        case fanIn
    }

    /// One timed run of an empty-task graph.
    public struct SchedulerOverheadRun: Sendable {
        /// Tasks in the graph.
        public let tasks: Int
        /// Tasks the scheduler reports as run (equal to `tasks` when every task ran).
        public let tasksRun: Int
        /// Seconds from the start of the graph's construction to the end of the run.
        public let seconds: Double

        /// The cost per task in seconds.
        public var secondsPerTask: Double { seconds / Double(tasks) }
    }

    /// The scheduler's cost per task, in seconds: builds a graph of `tasks` empty tasks of `shape` and runs it with
    /// `threads` workers, timing both (end to end: graph construction, worker start-up, scheduling, completion).
    public static func measureSchedulerOverhead(tasks: Int, threads: Int, shape: OverheadShape) throws -> Double {
        try runSchedulerOverhead(tasks: tasks, threads: threads, shape: shape).secondsPerTask
    }

    /// Builds a graph of `tasks` empty tasks of `shape`, runs it with `threads` workers and reports the time of both
    /// and the tasks that ran (see ``measureSchedulerOverhead(tasks:threads:shape:)``).
    public static func runSchedulerOverhead(tasks: Int, threads: Int, shape: OverheadShape) throws
        -> SchedulerOverheadRun
    {
        guard tasks > 0, threads > 0 else {
            throw StrataError(.invalidArgument, "the scheduler measurement needs at least one task and one thread")
        }
        let clock = ContinuousClock()
        let start = clock.now
        let graph = TaskGraph()
        switch shape {
        case .independent:
            let stage = graph.addStage("empty")
            for _ in 0..<tasks { graph.addTask(stage) { _ in } }
        case let .chains(length):
            let stages = (0..<max(1, length)).map { graph.addStage("link \($0)") }
            var previous: TaskGraph.TaskID?
            for task in 0..<tasks {
                let link = task % stages.count
                previous = graph.addTask(stages[link], dependsOn: link == 0 ? [] : previous.map { [$0] } ?? []) { _ in }
            }
        case .fanIn:
            let leaves = graph.addStage("leaf")
            let root = graph.addStage("root")
            let feeding = (0..<tasks - 1).map { _ in graph.addTask(leaves) { _ in } }
            graph.addTask(root, dependsOn: feeding) { _ in }
        }
        let statistics = try Scheduler(threads: threads, pool: MemoryPool(limit: Int.max)).run(graph)
        let elapsed = clock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        return SchedulerOverheadRun(tasks: tasks, tasksRun: statistics.tasksRun, seconds: seconds)
    }
}
