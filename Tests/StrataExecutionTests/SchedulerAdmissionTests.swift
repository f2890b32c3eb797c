import Foundation
import StrataCore
import Synchronization
import Testing
@testable import StrataExecution

/// Reservations handed from producer tasks to consumer tasks, by task number.
final class Handoff: @unchecked Sendable {
    // Safety: every access goes through `lock`.
    private let lock = Mutex<Void>(())
    private var reservations: [Int: MemoryReservation] = [:]
    func put(_ key: Int, _ reservation: MemoryReservation?) {
        lock.withLock { _ in reservations[key] = reservation }
    }
    func take(_ key: Int) -> MemoryReservation? { lock.withLock { _ in reservations.removeValue(forKey: key) } }
}

/// The most of something seen at once.
final class Maximum: Sendable {
    private let value = Atomic<Int>(0)
    func record(_ candidate: Int) { value.max(candidate, ordering: .relaxed) }
    var current: Int { value.load(ordering: .relaxed) }
}

@Suite struct SchedulerAdmissionTests {
    @Test(arguments: [1, 2, 4])
    func admissionKeepsHeldChunksWithinTheLimit(threads: Int) throws {
        let chunk = 1 << 20
        let pool = MemoryPool(limit: 3 * chunk)
        let graph = TaskGraph()
        let scan = graph.addStage("scan")
        let consume = graph.addStage("consume")
        let handoff = Handoff()
        let held = Maximum()
        let counter = Counter()
        for i in 0..<20 {
            let scanned = graph.addTask(scan, admissionBytes: chunk) { context in
                #expect(context.admission?.bytes == chunk)
                handoff.put(i, context.admission)
                held.record(pool.reserved)
                counter.add()
            }
            graph.addTask(consume, dependsOn: [scanned]) { _ in
                let reservation = handoff.take(i)
                held.record(pool.reserved)
                usleep(200)
                #expect(reservation != nil)
                counter.add()
            }
        }
        let statistics = try Scheduler(threads: threads, pool: pool).run(graph)
        #expect(counter.value == 40)
        #expect(held.current <= 3 * chunk)
        #expect(pool.peak <= 3 * chunk)
        #expect(statistics.peakAdmittedBytes <= 3 * chunk)
        #expect(statistics.peakAdmittedBytes >= chunk)
        #expect(statistics.forcedAdmissions == 0)
        #expect(pool.reserved == 0)
    }

    @Test(arguments: [1, 2])
    func aTaskLargerThanTheLimitStillRuns(threads: Int) throws {
        let pool = MemoryPool(limit: 100)
        let graph = TaskGraph()
        let admitted = Maximum()
        graph.addTask(graph.addStage("scan"), admissionBytes: 1000) { admitted.record($0.admission?.bytes ?? 0) }
        let statistics = try Scheduler(threads: threads, pool: pool).run(graph)
        #expect(admitted.current == 1000)
        #expect((statistics.forcedAdmissions, statistics.peakAdmittedBytes, pool.reserved) == (1, 1000, 0))
    }

    @Test func tasksWithoutAdmissionRunWhileAnAdmissionWaits() throws {
        // One slot: scan 1 waits for scan 0's chunk, which its consumer holds until the free side task has run.
        let pool = MemoryPool(limit: 10)
        let graph = TaskGraph()
        let scan = graph.addStage("scan")
        let side = graph.addStage("side")
        let consume = graph.addStage("consume")
        let log = EventLog<String>()
        let handoff = Handoff()
        let first = graph.addTask(scan, admissionBytes: 10) { context in
            handoff.put(0, context.admission)
            log.append("scan0")
        }
        graph.addTask(scan, admissionBytes: 10) { _ in log.append("scan1") }
        let sideTask = graph.addTask(side, dependsOn: [first]) { _ in
            usleep(20_000)
            log.append("side")
        }
        graph.addTask(consume, dependsOn: [first, sideTask]) { _ in
            _ = handoff.take(0)
            log.append("consume")
        }
        let statistics = try Scheduler(threads: 2, pool: pool).run(graph)
        #expect(log.all == ["scan0", "side", "consume", "scan1"])
        #expect(statistics.forcedAdmissions == 0)
        #expect(pool.peak == 10)
    }
}

/// A thread-safe count.
final class Counter: Sendable {
    private let count = Atomic<Int>(0)
    func add() { count.add(1, ordering: .relaxed) }
    var value: Int { count.load(ordering: .relaxed) }
}
