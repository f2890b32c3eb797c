import Dispatch
import Foundation
import StrataCore
import Synchronization

/// One execution of a ``TaskGraph`` by `threads` workers: the ready queues, the admission of source tasks and the
/// completion bookkeeping, all behind one lock that is never held while a task body runs.
///
/// Algorithm:
/// 1. Setup: every task gets its count of unfinished dependencies, the dependency lists are inverted into dependent
///    lists, and every task without dependencies is queued in insertion order. Each stage has two FIFO queues, one
///    for tasks without admission bytes ("free") and one for tasks with; queue `2s + 1` is stage `s`'s free queue,
///    `2s` its admission queue, so scanning the queues from the highest index down visits later stages first and,
///    within a stage, free tasks before admitted ones.
/// 2. Taking a task (under the lock): unless the run is failing or the token is cancelled, scan the queues from the
///    highest non-empty one down. A free task is taken at once. An admitted task is taken if a reservation of its
///    admission bytes for the stage's name is granted by the pool; if refused while other tasks run, admission is
///    blocked until some task finishes and the scan goes on to lower queues (free tasks may still run); if refused
///    while nothing runs, the bytes are forced over the limit (progress guarantee).
/// 3. The worker runs the body outside the lock with a ``TaskContext`` holding the reservation, which it drops when
///    the body returns (unless the body kept a reference).
/// 4. Finishing (under the lock, in the same critical section as taking the next task): the dependents' counts are
///    decremented and those reaching zero are queued; admission is unblocked. A failure (a body's error, or the
///    token seen cancelled) is recorded if it is the first; from then on nothing starts and workers exit as their
///    tasks finish.
/// 5. A worker that finds nothing to take puts itself on the idle list and waits on its own semaphore. Whoever leaves
///    the lock with tasks takeable, or with the run over, wakes one idle worker, which does the same in turn.
/// 6. The caller's thread is worker 0; it joins the others after its own loop ends.
final class GraphRun: @unchecked Sendable {
    // Safety: the `let`s are immutable; `state` and `delivered` are mutexes; the semaphores are thread-safe.

    let total: Int
    let threads: Int
    let pool: MemoryPool
    let cancellation: CancellationToken
    let progress: (@Sendable (Int, Int) -> Void)?
    let trace: TaskTrace?
    let stageNames: [String]
    let stageDetails: [String]
    let stageMetrics: [OperatorMetrics?]
    let taskStages: [Int32]
    let admissionBytes: [Int]
    let bodies: [TaskGraph.Body]
    let dependentStarts: [Int]
    let dependents: [Int32]
    /// Where each queue's slots start in `State.slots`.
    let queueStarts: [Int]
    let wakeups: [DispatchSemaphore]
    let state: Mutex<State>
    /// The highest finished-count passed to `progress`.
    let delivered = Mutex(0)

    /// Progress is reported after this many more finished tasks…
    static let progressTaskStride = 1000
    /// …or after this many nanoseconds, whichever comes first.
    static let progressInterval: UInt64 = 50_000_000

    init(graph: TaskGraph, threads: Int, pool: MemoryPool, cancellation: CancellationToken,
         progress: (@Sendable (Int, Int) -> Void)?, trace: TaskTrace? = nil) {
        total = graph.taskCount
        self.threads = threads
        self.pool = pool
        self.cancellation = cancellation
        self.progress = progress
        self.trace = trace
        stageNames = graph.stageNames
        stageDetails = graph.stageDetails
        stageMetrics = graph.stageMetrics
        taskStages = graph.taskStages
        admissionBytes = graph.admissionBytes
        bodies = graph.bodies
        (dependentStarts, dependents) = graph.dependents()
        var sizes = [Int](repeating: 0, count: 2 * graph.stageCount)
        for task in 0..<total { sizes[Self.queue(stage: graph.taskStages[task], admitted: admissionBytes[task] > 0)] += 1 }
        var starts = [Int](repeating: 0, count: sizes.count)
        for queue in sizes.indices.dropFirst() { starts[queue] = starts[queue - 1] + sizes[queue - 1] }
        queueStarts = starts
        wakeups = (0..<threads).map { _ in DispatchSemaphore(value: 0) }
        var initial = State(tasks: total, queues: sizes.count, stages: graph.stageCount)
        for task in 0..<total {
            let count = graph.dependencyStarts[task + 1] - graph.dependencyStarts[task]
            initial.pending[task] = Int32(count)
            if count == 0 { initial.enqueue(task, starts: starts, stages: taskStages, bytes: admissionBytes) }
        }
        state = Mutex(initial)
    }

    /// The queue of a task of `stage`: `2 * stage + 1` without admission, `2 * stage` with.
    static func queue(stage: Int32, admitted: Bool) -> Int { 2 * Int(stage) + (admitted ? 0 : 1) }

    /// Runs the graph on `threads` workers (the calling thread is worker 0) and returns the first failure, if any.
    func execute() -> StrataError? {
        let wanted = min(threads, max(1, total)) - 1
        let exited = DispatchSemaphore(value: 0)
        var helpers = 0
        for worker in 1..<(wanted + 1) {
            do {
                try WorkerThread.spawn { [self] in
                    work(worker)
                    exited.signal()
                }
                helpers += 1
            } catch {
                // The system refused a thread: fail the query (the workers started see it and stop).
                state.withLock { $0.failure = $0.failure ?? error }
                break
            }
        }
        work(0)
        for _ in 0..<helpers { exited.wait() }
        return state.withLock { $0.failure }
    }

    /// Gives back every admission reservation still alive (after a failure, consumers that never ran hold some).
    func releaseAdmissions() {
        let alive = state.withLock { state in state.admitted.compactMap(\.reservation) }
        for reservation in alive { reservation.release() }
    }

    /// Tells `progress` that everything finished, unless it was told already.
    func reportCompletion() {
        guard let progress else { return }
        delivered.withLock { delivered in
            if delivered < total {
                delivered = total
                progress(total, total)
            }
        }
    }

    /// The statistics of a finished run.
    func statistics(wallTime: Duration) -> RunStatistics {
        state.withLock { state in
            RunStatistics(
                tasksRun: state.finished,
                stages: stageNames.indices.map {
                    RunStatistics.Stage(name: stageNames[$0], detail: stageDetails[$0], tasksRun: state.stageTasks[$0],
                                        busy: .nanoseconds(Int64(state.stageBusy[$0])))
                },
                peakAdmittedBytes: state.peakAdmitted, forcedAdmissions: state.forced, wallTime: wallTime)
        }
    }

    /// One worker's loop: finish the previous task and take the next in one critical section, run it, repeat.
    private func work(_ worker: Int) {
        var completed = -1
        var failure: StrataError?
        var now: UInt64 = 0
        var stageTasks = [Int](repeating: 0, count: stageNames.count)
        var stageBusy = [UInt64](repeating: 0, count: stageNames.count)
        var events: [TaskTrace.Event] = []
        while true {
            let (step, wake, report) = state.withLock { state in
                state.advance(worker: worker, completed: completed, failure: failure, now: now, run: self)
            }
            if wake >= 0 { wakeups[wake].signal() }
            if report >= 0, let progress {
                delivered.withLockIfAvailable { delivered in
                    if report > delivered {
                        delivered = report
                        progress(report, total)
                    }
                }
            }
            switch step {
            case let .run(task, admission):
                completed = task
                failure = nil
                let start = DispatchTime.now().uptimeNanoseconds
                do {
                    try bodies[task](TaskContext(worker: worker, cancellation: cancellation, admission: admission))
                } catch {
                    failure = Self.strataError(error)
                }
                now = DispatchTime.now().uptimeNanoseconds
                let stage = Int(taskStages[task])
                stageTasks[stage] += 1
                stageBusy[stage] &+= now &- start
                if trace != nil {
                    events.append(TaskTrace.Event(worker: Int32(truncatingIfNeeded: worker),
                                                  stage: taskStages[task], start: start, end: now))
                }
            case .park:
                completed = -1
                wakeups[worker].wait()
            case .exit:
                trace?.add(events)
                state.withLock { state in
                    for stage in stageTasks.indices {
                        state.stageTasks[stage] += stageTasks[stage]
                        state.stageBusy[stage] &+= stageBusy[stage]
                    }
                }
                return
            }
        }
    }

    /// `error` as a StrataError: as is, or wrapped as `.internal` with its description.
    static func strataError(_ error: any Error) -> StrataError {
        if let error = error as? StrataError { return error }
        return StrataError(.internal, String(describing: error))
    }

    /// What a worker does next.
    enum Step {
        /// Run the task, admitted with the reservation (nil for tasks without admission bytes).
        case run(Int, MemoryReservation?)
        /// Wait on the worker's semaphore.
        case park
        /// Leave: the run is over or failing.
        case exit
    }

    /// An admitted task's reservation, not kept alive by the scheduler, and its admission bytes.
    struct Admitted {
        weak var reservation: MemoryReservation?
        let bytes: Int
    }

    /// The mutable state of a run, behind `GraphRun.state`.
    struct State {
        /// Per task, its dependencies not finished yet.
        var pending: [Int32]
        /// The queues' slots, one per task (see `queueStarts`).
        var slots: [Int32]
        var heads: [Int]
        var tails: [Int]
        /// No queue above this index holds a task.
        var top = -1
        var readyFree = 0
        var readyAdmitted = 0
        var running = 0
        var finished = 0
        /// An admission was refused while tasks were running; no admission is tried until one finishes.
        var admissionBlocked = false
        var failure: StrataError? { didSet { failing = failure != nil } }
        /// Whether `failure` is set (cheaper to test than the optional).
        var failing = false
        var idle: [Int] = []
        var admitted: [Admitted] = []
        var peakAdmitted = 0
        var forced = 0
        var reportedCount = 0
        var reportedTime: UInt64 = 0
        var stageTasks: [Int]
        var stageBusy: [UInt64]

        init(tasks: Int, queues: Int, stages: Int) {
            pending = [Int32](repeating: 0, count: tasks)
            slots = [Int32](repeating: 0, count: tasks)
            heads = [Int](repeating: 0, count: queues)
            tails = [Int](repeating: 0, count: queues)
            stageTasks = [Int](repeating: 0, count: stages)
            stageBusy = [UInt64](repeating: 0, count: stages)
        }

        /// Steps 4, 2 and 5: finishes `completed` (if ≥ 0) and decides what `worker` does next. Returns that, an
        /// idle worker to wake (or -1) and a finished-count to report as progress (or -1).
        mutating func advance(worker: Int, completed: Int, failure: StrataError?, now: UInt64, run: GraphRun)
            -> (step: Step, wake: Int, report: Int) {
            var report = -1
            if completed >= 0 {
                running -= 1
                admissionBlocked = false
                if let failure {
                    self.failure = self.failure ?? failure
                } else {
                    finished += 1
                    for dependent in run.dependents[run.dependentStarts[completed]..<run.dependentStarts[completed + 1]] {
                        let task = Int(dependent)
                        pending[task] -= 1
                        if pending[task] == 0 {
                            enqueue(task, starts: run.queueStarts, stages: run.taskStages, bytes: run.admissionBytes)
                        }
                    }
                    if run.progress != nil,
                       finished - reportedCount >= GraphRun.progressTaskStride
                        || now &- reportedTime >= GraphRun.progressInterval {
                        reportedCount = finished
                        reportedTime = now
                        report = finished
                    }
                }
            }
            if !failing && run.cancellation.isCancelled { self.failure = CancellationToken.cancelledError }
            let step: Step
            if !failing, let (task, admission) = take(run) {
                running += 1
                step = .run(task, admission)
            } else if failing || finished == run.total {
                step = .exit
            } else if running == 0 {
                self.failure = StrataError(.internal, "scheduler stalled with \(run.total - finished) tasks left")
                step = .exit
            } else {
                idle.append(worker)
                step = .park
            }
            let over = failing || finished == run.total
            let takeable = readyFree > 0 || (readyAdmitted > 0 && !admissionBlocked)
            let wake = !idle.isEmpty && (over || takeable) ? idle.removeLast() : -1
            return (step, wake, report)
        }

        /// Step 2: the next task to run and its admission, or nil when nothing can start now.
        private mutating func take(_ run: GraphRun) -> (Int, MemoryReservation?)? {
            guard readyFree > 0 || (readyAdmitted > 0 && !admissionBlocked) else { return nil }
            while top >= 0 && heads[top] == tails[top] { top -= 1 }
            var queue = top
            while queue >= 0 {
                defer { queue -= 1 }
                guard heads[queue] < tails[queue] else { continue }
                let task = Int(slots[run.queueStarts[queue] + heads[queue]])
                if queue & 1 == 1 {
                    heads[queue] += 1
                    readyFree -= 1
                    return (task, nil)
                }
                guard !admissionBlocked else { continue }
                let bytes = run.admissionBytes[task]
                let reservation = run.pool.reservation(for: run.stageNames[queue >> 1],
                                                      metrics: run.stageMetrics[queue >> 1])
                if !reservation.tryGrow(by: bytes) {
                    if running > 0 {
                        admissionBlocked = true
                        if readyFree == 0 { return nil }
                        continue
                    }
                    reservation.forceGrow(by: bytes)
                    forced += 1
                }
                heads[queue] += 1
                readyAdmitted -= 1
                admit(reservation, bytes: bytes)
                return (task, reservation)
            }
            return nil
        }

        /// Records an admission and the admitted bytes alive at this moment.
        private mutating func admit(_ reservation: MemoryReservation, bytes: Int) {
            admitted.removeAll { $0.reservation == nil }
            admitted.append(Admitted(reservation: reservation, bytes: bytes))
            peakAdmitted = max(peakAdmitted, admitted.reduce(0) { $0 + $1.bytes })
        }

        /// Appends `task` to its queue.
        mutating func enqueue(_ task: Int, starts: [Int], stages: [Int32], bytes: [Int]) {
            let admitted = bytes[task] > 0
            let queue = GraphRun.queue(stage: stages[task], admitted: admitted)
            slots[starts[queue] + tails[queue]] = Int32(task)
            tails[queue] += 1
            top = max(top, queue)
            if admitted { readyAdmitted += 1 } else { readyFree += 1 }
        }
    }
}
