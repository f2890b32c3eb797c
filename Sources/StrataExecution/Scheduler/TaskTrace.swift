import Dispatch
import Synchronization

/// The task stream of one run, for the performance report: which worker ran which stage's task, from when to when.
/// Each worker keeps its own list while it runs and hands it over once, when it leaves the run, so recording costs
/// one array append per task.
package final class TaskTrace: Sendable {
    /// One task's run.
    package struct Event: Sendable, Hashable {
        /// The worker (0 is the thread that called the scheduler).
        package var worker: Int32
        /// The task's stage in the graph.
        package var stage: Int32
        /// Uptime nanoseconds at its start and end.
        package var start: UInt64
        package var end: UInt64
    }

    /// Events kept at most; later ones are counted in ``dropped`` only (a report over more would not be readable).
    package static let maximumEvents = 200_000

    private let state = Mutex<(events: [Event], dropped: Int)>(([], 0))

    /// An empty trace.
    package init() {}

    /// Adds one worker's events.
    package func add(_ events: [Event]) {
        state.withLock { state in
            let room = max(0, TaskTrace.maximumEvents - state.events.count)
            state.events += events.prefix(room)
            state.dropped += max(0, events.count - room)
        }
    }

    /// Every event kept, by start time.
    package var events: [Event] { state.withLock { $0.events }.sorted { $0.start < $1.start } }

    /// Events not kept.
    package var dropped: Int { state.withLock { $0.dropped } }
}
