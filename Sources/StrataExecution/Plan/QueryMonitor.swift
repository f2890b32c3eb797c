import Dispatch
import Synchronization

/// Watches one query while it runs: its scans' progress, its task count, its memory pool and spill manager.
/// ``snapshot()`` may be called from any thread at any time; it reads counters the workers keep anyway (relaxed
/// atomics and two short locks), so watching costs the query nothing measurable.
package final class QueryMonitor: Sendable {
    private let scans: [ScanProgress]
    private let scanMetrics: [OperatorMetrics]
    private let context: ExecutionContext
    private let started = Atomic<UInt64>(0)
    private let ended = Atomic<UInt64>(0)
    private let tasksDone = Atomic<Int>(0)
    private let tasksAll = Atomic<Int>(0)
    private let memory = ProcessMemory()

    /// A monitor of the query whose operators share `context` and whose scans are `scans`.
    package init(scans: [TableScan], context: ExecutionContext) {
        self.scans = scans.map(\.progress)
        scanMetrics = scans.map(\.metrics)
        self.context = context
    }

    /// Marks the start of the run of a graph of `tasks` tasks.
    package func runStarted(tasks: Int) {
        tasksAll.store(tasks, ordering: .relaxed)
        started.store(DispatchTime.now().uptimeNanoseconds, ordering: .relaxed)
    }

    /// Records `finished` tasks done (the scheduler's progress callback).
    package func tasksFinished(_ finished: Int) { tasksDone.store(finished, ordering: .relaxed) }

    /// Marks the end of the run, whatever its outcome.
    package func runEnded() { ended.store(DispatchTime.now().uptimeNanoseconds, ordering: .relaxed) }

    /// Nanoseconds of uptime at the start of the run (0 before it starts).
    package var startUptime: UInt64 { started.load(ordering: .relaxed) }

    /// The query's progress now.
    package func snapshot() -> QueryProgress {
        var progress = QueryProgress()
        let start = started.load(ordering: .relaxed)
        let end = ended.load(ordering: .relaxed)
        if start > 0 {
            let now = end > 0 ? end : DispatchTime.now().uptimeNanoseconds
            progress.elapsedSeconds = Double(now &- start) / 1e9
        }
        for scan in scans {
            progress.rowGroupsRead += scan.morselsRead
            progress.rowGroupsTotal += scan.totalMorsels
            progress.bytesRead += scan.bytesRead
            progress.bytesTotal += scan.totalBytes
        }
        for metrics in scanMetrics { progress.rowsRead += metrics.rowsOut }
        progress.tasksFinished = tasksDone.load(ordering: .relaxed)
        progress.tasksTotal = tasksAll.load(ordering: .relaxed)
        progress.reservedBytes = context.pool.reserved
        progress.residentBytes = memory.residentBytes()
        progress.memoryLimit = context.options.memoryLimit
        progress.spilledBytes = Int(clamping: context.spill.totalBytesWritten)
        progress.spillReadBytes = context.spill.totalBytesRead
        progress.finished = end > 0
        return progress
    }
}
