/// The tasks of one query and the dependencies between them: a DAG over chunks, grouped into stages.
///
/// A query compiles into stages in pipeline order (e.g. `scan`, `partial aggregate`, `merge`, `finalize`) and into
/// tasks of those stages: one scan and one partial aggregate per row group, one merge per hash partition depending
/// on every partial aggregate, one finalize. Tasks exchange data through objects their closures capture; the graph
/// and the ``Scheduler`` never see the data.
///
/// The graph is built on one thread and is read-only while a scheduler runs it. A dependency must be a task added
/// before, so the graph is acyclic by construction.
package final class TaskGraph: @unchecked Sendable {
    // Safety: mutated only while being built (one thread); read-only afterwards, while scheduler workers read it.

    /// A task of the graph: its index in insertion order.
    package struct TaskID: Hashable, Sendable {
        /// The position of the task in insertion order (0 is the first task added).
        package let index: Int
    }

    /// A stage of the graph: its index in pipeline order.
    package struct StageID: Hashable, Sendable {
        /// The position of the stage in pipeline order (0 is the first stage added).
        package let index: Int
    }

    /// The work of one task; it runs once, on one of the scheduler's worker threads.
    package typealias Body = @Sendable (TaskContext) throws -> Void

    /// Everything the graph holds, in one value so that adding a task is one exclusive access to the graph.
    struct Storage {
        var stageNames: [String] = []
        var stageDetails: [String] = []
        var stageTaskCounts: [Int] = []
        /// The operator whose metrics count each stage's admission bytes (nil: none).
        var stageMetrics: [OperatorMetrics?] = []
        /// The stage of each task.
        var taskStages: [Int32] = []
        /// The bytes each task must be admitted with (0: none).
        var admissionBytes: [Int] = []
        var bodies: [Body] = []
        /// The dependencies of task `i` are `dependencies[dependencyStarts[i]..<dependencyStarts[i + 1]]`.
        var dependencyStarts: [Int] = [0]
        var dependencies: [Int32] = []

        mutating func addTask(_ stage: Int, dependsOn: [TaskID], admissionBytes bytes: Int, _ body: @escaping Body) {
            let index = bodies.count
            for dependency in dependsOn {
                precondition(dependency.index >= 0 && dependency.index < index, "unknown task \(dependency.index)")
                dependencies.append(Int32(dependency.index))
            }
            dependencyStarts.append(dependencies.count)
            taskStages.append(Int32(stage))
            admissionBytes.append(max(0, bytes))
            bodies.append(body)
            stageTaskCounts[stage] += 1
        }
    }

    private(set) var storage = Storage()

    var stageNames: [String] { storage.stageNames }
    var stageDetails: [String] { storage.stageDetails }
    var stageTaskCounts: [Int] { storage.stageTaskCounts }
    var stageMetrics: [OperatorMetrics?] { storage.stageMetrics }
    var taskStages: [Int32] { storage.taskStages }
    var admissionBytes: [Int] { storage.admissionBytes }
    var bodies: [Body] { storage.bodies }
    var dependencyStarts: [Int] { storage.dependencyStarts }
    var dependencies: [Int32] { storage.dependencies }

    /// An empty graph.
    package init() {}

    /// The number of tasks.
    package var taskCount: Int { storage.bodies.count }

    /// The number of stages.
    package var stageCount: Int { storage.stageNames.count }

    /// Adds a stage and returns its id.
    ///
    /// Stages are added in pipeline order; a later stage has higher priority (finish started work first). `detail`
    /// says what the stage works on (a file, a key, a partition count) in ``explain()`` and ``dot()``. The
    /// admission bytes of the stage's tasks count as reservations of `metrics`' operator.
    package func addStage(_ name: String, detail: String = "", metrics: OperatorMetrics? = nil) -> StageID {
        storage.stageNames.append(name)
        storage.stageDetails.append(detail)
        storage.stageTaskCounts.append(0)
        storage.stageMetrics.append(metrics)
        return StageID(index: stageCount - 1)
    }

    /// Adds a task to `stage` that runs `body` after every task in `dependsOn` has finished, and returns its id.
    ///
    /// Dependencies must be already-added tasks. `admissionBytes > 0` marks a source task (e.g. a scan) that starts
    /// only once the memory pool admits that many bytes (see ``Scheduler``); the reservation is the task's
    /// ``TaskContext/admission``.
    @discardableResult
    package func addTask(
        _ stage: StageID, dependsOn: [TaskID] = [], admissionBytes: Int = 0, _ body: @escaping Body
    ) -> TaskID {
        precondition(stage.index >= 0 && stage.index < stageCount, "unknown stage \(stage.index)")
        let index = taskCount
        precondition(index < Int(Int32.max), "too many tasks")
        storage.addTask(stage.index, dependsOn: dependsOn, admissionBytes: admissionBytes, body)
        return TaskID(index: index)
    }

    /// The stage of `task`.
    package func stage(of task: TaskID) -> StageID { StageID(index: Int(taskStages[task.index])) }

    /// The tasks `task` depends on.
    package func dependencies(of task: TaskID) -> [TaskID] {
        dependencies[dependencyStarts[task.index]..<dependencyStarts[task.index + 1]].map { TaskID(index: Int($0)) }
    }

    /// For each task, where its dependents start in the flat list `dependents` (one more entry than tasks), and that
    /// list: the dependents of task `i` are `dependents[starts[i]..<starts[i + 1]]`, in insertion order.
    func dependents() -> (starts: [Int], dependents: [Int32]) {
        var starts = [Int](repeating: 0, count: taskCount + 1)
        for dependency in dependencies { starts[Int(dependency) + 1] += 1 }
        for i in 0..<taskCount { starts[i + 1] += starts[i] }
        var fill = starts
        var dependents = [Int32](repeating: 0, count: dependencies.count)
        for task in 0..<taskCount {
            for dependency in dependencies[dependencyStarts[task]..<dependencyStarts[task + 1]] {
                dependents[fill[Int(dependency)]] = Int32(task)
                fill[Int(dependency)] += 1
            }
        }
        return (starts, dependents)
    }

    /// For each stage, the other stages its tasks depend on (ascending), and whether tasks of the stage depend on
    /// each other.
    func stageDependencies() -> [(stages: [Int], internal: Bool)] {
        var edges = Set<Int>()
        for task in 0..<taskCount {
            let stage = Int(taskStages[task])
            for dependency in dependencies[dependencyStarts[task]..<dependencyStarts[task + 1]] {
                edges.insert(Int(taskStages[Int(dependency)]) * stageCount + stage)
            }
        }
        var result = [(stages: [Int], internal: Bool)](repeating: ([], false), count: stageCount)
        for edge in edges.sorted() {
            let (from, to) = edge.quotientAndRemainder(dividingBy: stageCount)
            if from == to { result[to].internal = true } else { result[to].stages.append(from) }
        }
        for stage in result.indices { result[stage].stages.sort() }
        return result
    }
}
