// The scheduler's cost per task on graphs of 1e5 empty tasks run by 2 worker threads
// (Diagnostics.runSchedulerOverhead: graph construction, worker start-up, scheduling and completion, timed end to
// end), in ns per task.
//
//   swift package benchmark --target SchedulerBenchmarks
//
// Scheduler.independent.1e5: no dependencies.
// Scheduler.chains10.1e5:    chains of 10 tasks, each depending on the previous one.
// Scheduler.fanIn.1e5:       1e5 - 1 tasks all feeding one.
import Benchmark
import BenchMetrics
import Strata
import StrataDiagnostics

private let tasks = 100_000
private let threads = 2
private let shapes: [(name: String, shape: Diagnostics.OverheadShape)] = [
    ("independent", .independent), ("chains10", .chains(length: 10)), ("fanIn", .fanIn),
]

let benchmarks: @Sendable () -> Void = {
    for (name, shape) in shapes {
        Benchmark("Scheduler.\(name).1e5", configuration: .micro(.nanosecondsPerTask, iterations: 50)) { benchmark in
            benchmark.iteration {
                benchmark.startMeasurement()
                let run = try Diagnostics.runSchedulerOverhead(tasks: tasks, threads: threads, shape: shape)
                benchmark.stopMeasurement()
                try verify(run.tasksRun == tasks, "\(run.tasksRun) of \(tasks) tasks ran")
                benchmark.measurement(.nanosecondsPerTask, Int((run.secondsPerTask * 1e9).rounded()))
            }
        }
    }
}
