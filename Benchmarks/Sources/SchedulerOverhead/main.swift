// scheduler-overhead: the scheduler's cost per task, on graphs of empty tasks.
//
//   scheduler-overhead [--repeat K]
//
// 1. For each configuration (shape, task count, threads) runs Diagnostics.measureSchedulerOverhead K times (default
//    3): each builds a fresh graph of empty tasks and runs it, timed end to end (construction included).
// 2. Prints one JSON line per configuration: shape, tasks, threads, the median µs per task and every run's.
//
// Configurations: 1e6 independent tasks, 1e6 tasks in chains of 10, and a fan-in of 1e5 tasks into one, each at 1
// and 2 threads.
import Foundation
import Strata
import StrataDiagnostics

var repeats = 3
var arguments = CommandLine.arguments.dropFirst()
while let flag = arguments.popFirst() {
    guard flag == "--repeat", let value = arguments.popFirst().flatMap({ Int($0) }), value > 0 else {
        FileHandle.standardError.write(Data("usage: scheduler-overhead [--repeat K]\n".utf8))
        exit(2)
    }
    repeats = value
}

let configurations: [(name: String, shape: Diagnostics.OverheadShape, tasks: Int)] = [
    ("independent", .independent, 1_000_000),
    ("chains10", .chains(length: 10), 1_000_000),
    ("fan_in", .fanIn, 100_000),
]

for (name, shape, tasks) in configurations {
    for threads in [1, 2] {
        var runs: [Double] = []
        for _ in 0..<repeats {
            runs.append(try Diagnostics.measureSchedulerOverhead(tasks: tasks, threads: threads, shape: shape) * 1e6)
        }
        let median = runs.sorted()[runs.count / 2]
        let line: [String: Any] = [
            "shape": name, "tasks": tasks, "threads": threads,
            "us_per_task": (median * 1000).rounded() / 1000,
            "runs_us_per_task": runs.map { ($0 * 1000).rounded() / 1000 },
        ]
        let json = try JSONSerialization.data(withJSONObject: line, options: [.sortedKeys])
        print(String(decoding: json, as: UTF8.self))
    }
}
