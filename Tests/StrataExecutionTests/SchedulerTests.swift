import Foundation
import StrataCore
import Synchronization
import Testing
@testable import StrataExecution

/// A thread-safe list of what happened, in order.
final class EventLog<Event: Sendable>: Sendable {
    private let events = Mutex<[Event]>([])
    func append(_ event: Event) { events.withLock { $0.append(event) } }
    var all: [Event] { events.withLock { $0 } }
}

/// An identifier of the calling OS thread.
func currentThreadID() -> UInt {
    #if os(Linux)
    UInt(pthread_self())
    #else
    UInt(bitPattern: pthread_self())
    #endif
}

@Suite struct SchedulerTests {
    @Test(arguments: [1, 2, 4])
    func randomGraphsRunEveryTaskOnceAfterItsDependencies(threads: Int) throws {
        var seed = UInt64(threads)
        /// A pseudo-random number in `0..<bound` (a 64-bit LCG), so the graph is the same on every run.
        func random(_ bound: Int) -> Int {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((seed >> 33) % UInt64(bound))
        }
        let graph = TaskGraph()
        let stages = (0..<5).map { graph.addStage("stage \($0)") }
        let count = 2000
        let runCounts = RunCounts(count)
        for task in 0..<count {
            let dependencies = task == 0 ? [] : (0..<random(5)).map { _ in TaskGraph.TaskID(index: random(task)) }
            let ids = dependencies.map(\.index)
            graph.addTask(stages[random(stages.count)], dependsOn: dependencies) { _ in
                runCounts.increment(task, violated: ids.contains { runCounts.value($0) != 1 })
            }
        }
        let statistics = try Scheduler(threads: threads, pool: MemoryPool(limit: 0)).run(graph)
        #expect(runCounts.violations == 0)
        #expect((0..<count).allSatisfy { runCounts.value($0) == 1 })
        #expect(statistics.tasksRun == count)
        #expect(statistics.stages.map(\.tasksRun).reduce(0, +) == count)
    }

    @Test func laterStagesRunFirstAndSourcesInInsertionOrder() throws {
        let graph = TaskGraph()
        let scan = graph.addStage("scan")
        let process = graph.addStage("process")
        let log = EventLog<String>()
        for i in 0..<5 {
            let scanned = graph.addTask(scan) { _ in log.append("scan\(i)") }
            graph.addTask(process, dependsOn: [scanned]) { _ in log.append("process\(i)") }
        }
        try Scheduler(threads: 1, pool: MemoryPool(limit: 0)).run(graph)
        #expect(log.all == (0..<5).flatMap { ["scan\($0)", "process\($0)"] })
    }

    @Test func workerIndicesAreInRangeAndStablePerThread() throws {
        let threads = 4
        let graph = TaskGraph()
        let stage = graph.addStage("work")
        let seen = EventLog<(worker: Int, thread: UInt)>()
        for _ in 0..<400 {
            graph.addTask(stage) { context in
                seen.append((context.worker, currentThreadID()))
                usleep(50)
            }
        }
        try Scheduler(threads: threads, pool: MemoryPool(limit: 0)).run(graph)
        let pairs = seen.all
        #expect(pairs.count == 400)
        #expect(pairs.allSatisfy { (0..<threads).contains($0.worker) })
        let threadsOfWorker = Dictionary(grouping: pairs, by: \.worker).mapValues { Set($0.map(\.thread)) }
        let workersOfThread = Dictionary(grouping: pairs, by: \.thread).mapValues { Set($0.map(\.worker)) }
        #expect(threadsOfWorker.values.allSatisfy { $0.count == 1 })
        #expect(workersOfThread.values.allSatisfy { $0.count == 1 })
    }

    @Test func progressIsMonotonicThrottledAndEndsAtTheTotal() throws {
        let graph = TaskGraph()
        let stage = graph.addStage("work")
        for _ in 0..<5000 { graph.addTask(stage) { _ in } }
        let reports = EventLog<(Int, Int)>()
        try Scheduler(threads: 2, pool: MemoryPool(limit: 0)).run(graph) { finished, total in
            reports.append((finished, total))
        }
        let all = reports.all
        #expect(all.last.map { $0 == (5000, 5000) } == true)
        #expect(all.allSatisfy { $0.1 == 5000 })
        #expect(zip(all, all.dropFirst()).allSatisfy { $0.0 < $1.0 })
        #expect(all.count < 100)
    }

    @Test func statisticsCountTasksAndBusyTimePerStage() throws {
        let graph = TaskGraph()
        let scan = graph.addStage("scan", detail: "t.parquet")
        let finalize = graph.addStage("finalize")
        let scans = (0..<4).map { _ in graph.addTask(scan) { _ in usleep(1000) } }
        graph.addTask(finalize, dependsOn: scans) { _ in }
        let statistics = try Scheduler(threads: 2, pool: MemoryPool(limit: 0)).run(graph)
        #expect(statistics.tasksRun == 5)
        #expect(statistics.stages.map(\.name) == ["scan", "finalize"])
        #expect(statistics.stages.map(\.detail) == ["t.parquet", ""])
        #expect(statistics.stages.map(\.tasksRun) == [4, 1])
        #expect(statistics.stages[0].busy >= .milliseconds(4))
        #expect(statistics.peakAdmittedBytes == 0)
    }

    @Test func anEmptyGraphRuns() throws {
        let statistics = try Scheduler(threads: 3, pool: MemoryPool(limit: 0)).run(TaskGraph())
        #expect(statistics.tasksRun == 0)
    }
}

/// Per-task run counters that tasks on any thread update, and a count of tasks that ran too early.
final class RunCounts: Sendable {
    private let counts: Mutex<(runs: [Int], violations: Int)>
    init(_ count: Int) { counts = Mutex(([Int](repeating: 0, count: count), 0)) }
    func increment(_ task: Int, violated: Bool) {
        counts.withLock {
            $0.runs[task] += 1
            if violated { $0.violations += 1 }
        }
    }
    func value(_ task: Int) -> Int { counts.withLock { $0.runs[task] } }
    var violations: Int { counts.withLock { $0.violations } }
}
