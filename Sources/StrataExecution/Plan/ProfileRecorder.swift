// Recording a query's profile:
//   1. Before the run, the recorder is given the query's monitor and its operators' metrics; `start()` starts a
//      sampling thread and hands the scheduler a TaskTrace.
//   2. The thread takes a sample (the monitor's snapshot, each operator's reserved bytes, the spill manager's bytes
//      on disk and runs, the deepest repartitioning) every `interval`, starting at 20 ms. When 1,500 samples are
//      kept, every other one is dropped and the interval doubles, so a run of any length keeps between 750 and
//      1,500 evenly spaced samples.
//   3. `stop()` takes a last sample and joins the thread; `profile(…)` assembles the QueryProfile from the samples,
//      the trace and the finished run's statistics.
import Dispatch
import Foundation
import StrataCore
import Synchronization

/// Samples a running query's memory and spill and collects its task stream, for ``QueryProfile``.
package final class ProfileRecorder: Sendable {
    /// Samples kept before they are thinned.
    static let maximumSamples = 1_500
    /// The first sampling interval in nanoseconds.
    static let firstInterval: UInt64 = 20_000_000

    /// The task stream the scheduler fills.
    package let trace = TaskTrace()
    private let monitor: QueryMonitor
    private let context: ExecutionContext
    private let operators: [OperatorMetrics]
    private let samples = Mutex<[QueryProfile.Sample]>([])
    private let stopping = DispatchSemaphore(value: 0)
    private let stopped = DispatchSemaphore(value: 0)
    private let running = Atomic<Bool>(false)

    /// A recorder of the query `monitor` watches, whose operators (in ``QueryProfile/operators`` order) have
    /// `operators` metrics.
    package init(monitor: QueryMonitor, context: ExecutionContext, operators: [OperatorMetrics]) {
        self.monitor = monitor
        self.context = context
        self.operators = operators
    }

    /// Step 2: starts sampling on a thread of its own.
    package func start() {
        guard !running.exchange(true, ordering: .acquiringAndReleasing) else { return }
        let thread = Thread { [self] in
            var interval = ProfileRecorder.firstInterval
            while true {
                record()
                if stopping.wait(timeout: .now() + .nanoseconds(Int(interval))) == .success { break }
                let thinned = samples.withLock { samples -> Bool in
                    guard samples.count >= ProfileRecorder.maximumSamples else { return false }
                    samples = samples.enumerated().filter { $0.offset % 2 == 0 }.map(\.element)
                    return true
                }
                if thinned { interval *= 2 }
            }
            stopped.signal()
        }
        thread.stackSize = 1 << 20
        thread.start()
    }

    /// Step 3: stops sampling after a last sample (returns at once when not started).
    package func stop() {
        guard running.exchange(false, ordering: .acquiringAndReleasing) else { return }
        stopping.signal()
        stopped.wait()
        record()
    }

    /// Takes one sample.
    private func record() {
        let progress = monitor.snapshot()
        var level = 0
        for metrics in operators { level = max(level, metrics.repartitionLevel) }
        let sample = QueryProfile.Sample(
            time: progress.elapsedSeconds, residentBytes: progress.residentBytes,
            reservedBytes: progress.reservedBytes, operatorReservedBytes: operators.map(\.reservedBytes),
            spilledBytes: progress.spilledBytes, spillReadBytes: progress.spillReadBytes,
            spillBytesOnDisk: Int(clamping: context.spill.bytesOnDisk), spillRuns: context.spill.runsCreated,
            repartitionLevel: level, bytesRead: progress.bytesRead, rowsRead: progress.rowsRead)
        samples.withLock { $0.append(sample) }
    }

    /// The samples taken, in time order.
    package var recordedSamples: [QueryProfile.Sample] { samples.withLock { $0 } }
}
