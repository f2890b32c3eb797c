import Foundation
import StrataCore
import Synchronization
import Testing
@testable import StrataExecution

@Suite struct SchedulerFailureTests {
    @Test(arguments: [1, 2])
    func aFailingTaskStopsTheGraphAndReleasesAdmissions(threads: Int) throws {
        let pool = MemoryPool(limit: 100)
        let graph = TaskGraph()
        let scan = graph.addStage("scan")
        let fail = graph.addStage("fail")
        let consume = graph.addStage("consume")
        let handoff = Handoff()
        let consumed = Counter()
        let failure = StrataError(.invalidData, "bad row", path: "x.csv", line: 3)
        let scanned = graph.addTask(scan, admissionBytes: 40) { context in handoff.put(0, context.admission) }
        let failing = graph.addTask(fail, dependsOn: [scanned]) { _ in throw failure }
        graph.addTask(consume, dependsOn: [scanned, failing]) { _ in
            _ = handoff.take(0)
            consumed.add()
        }
        #expect(throws: failure) { try Scheduler(threads: threads, pool: pool).run(graph) }
        #expect(consumed.value == 0)
        #expect(pool.reserved == 0)
        withExtendedLifetime(graph) {}
    }

    @Test func otherErrorsBecomeInternalErrors() {
        struct Oops: Error, CustomStringConvertible { var description: String { "oops" } }
        let graph = TaskGraph()
        graph.addTask(graph.addStage("a")) { _ in throw Oops() }
        do {
            try Scheduler(threads: 1, pool: MemoryPool(limit: 0)).run(graph)
            Issue.record("no error")
        } catch {
            #expect(error.code == .internal)
            #expect(error.message.contains("oops"))
        }
    }

    @Test func noTaskStartsAfterAFailure() throws {
        let graph = TaskGraph()
        let stage = graph.addStage("work")
        let started = Counter()
        graph.addTask(stage) { _ in throw StrataError(.io, "disk gone") }
        for _ in 0..<100 { graph.addTask(stage) { _ in started.add() } }
        #expect(throws: StrataError.self) { try Scheduler(threads: 1, pool: MemoryPool(limit: 0)).run(graph) }
        #expect(started.value == 0)
    }

    @Test func cancellationFromAnotherThreadStopsTheRunPromptly() throws {
        let threads = 2
        let graph = TaskGraph()
        let stage = graph.addStage("sleep")
        let started = Counter()
        let startedAfterCancel = Counter()
        for _ in 0..<500 {
            graph.addTask(stage) { context in
                if context.isCancelled { startedAfterCancel.add() }
                started.add()
                usleep(2000)
            }
        }
        let token = CancellationToken()
        let clock = ContinuousClock()
        let cancelledAt = Mutex<ContinuousClock.Instant?>(nil)
        Thread.detachNewThread {
            usleep(30_000)
            cancelledAt.withLock { $0 = clock.now }
            token.cancel()
        }
        do {
            try Scheduler(threads: threads, pool: MemoryPool(limit: 0)).run(graph, cancellation: token)
            Issue.record("not cancelled")
        } catch {
            #expect(error == StrataError(.cancelled, "query cancelled"))
        }
        let stoppedAfter = clock.now - (cancelledAt.withLock { $0 } ?? clock.now)
        #expect(stoppedAfter < .milliseconds(250))
        #expect(started.value < 100)
        // A worker may have taken its task just before the cancel; none starts after seeing it.
        #expect(startedAfterCancel.value <= threads)
        let countAfterRun = started.value
        usleep(10_000)
        #expect(started.value == countAfterRun)
    }

    @Test func aCancelledTokenRunsNothing() {
        let graph = TaskGraph()
        let started = Counter()
        graph.addTask(graph.addStage("a")) { _ in started.add() }
        let token = CancellationToken()
        token.cancel()
        #expect(throws: StrataError(.cancelled, "query cancelled")) {
            try Scheduler(threads: 2, pool: MemoryPool(limit: 0)).run(graph, cancellation: token)
        }
        #expect(started.value == 0)
    }

    @Test func checkCancellationThrowsOnceCancelled() throws {
        let token = CancellationToken()
        let context = TaskContext(worker: 0, cancellation: token, admission: nil)
        try context.checkCancellation()
        token.cancel()
        #expect(context.isCancelled)
        #expect(throws: StrataError(.cancelled, "query cancelled")) { try context.checkCancellation() }
    }
}
