import Foundation
import StrataCore
import StrataStorage

/// Runs one query: optimizes its logical plan, compiles it into operators, cuts them into pipelines, lays those
/// onto a task graph and runs it on the scheduler within the memory limit.
///
/// Preparing (the initializer) opens the files the scans read and prunes their row groups, so `explain()` can show
/// what will be read. `run(sink:)` runs the query once; result batches go to the sink one at a time, in order
/// under ORDER BY. Every operator records its rows, time, memory and spill (EXPLAIN ANALYZE reads them from
/// ``QueryStatistics/operators``). The spill directory is removed when the run ends, whatever the outcome.
package final class QueryExecution: Sendable {
    /// The optimized logical plan.
    package let logicalPlan: LogicalPlan
    /// The options.
    package let options: ExecutionOptions
    /// The pool, spill manager and options the operators share.
    package let context: ExecutionContext
    /// The result sink, whose child is the top of the operator tree.
    package let root: ResultSink
    /// The pipelines, from the result's meta-pipeline down.
    package let pipelines: MetaPipeline
    /// Watches the run: ``progress`` reads it.
    package let monitor: QueryMonitor

    /// Prepares the run of `plan` over the tables `resolve` finds.
    package init(plan: LogicalPlan, options: ExecutionOptions,
                 resolve: @escaping (String) throws -> TableSnapshot) throws {
        guard options.memoryLimit >= ExecutionOptions.minimumMemoryLimit else {
            throw StrataError(.invalidArgument,
                              "the memory limit must be at least \(ByteCount.format(ExecutionOptions.minimumMemoryLimit))")
        }
        self.options = options
        context = ExecutionContext(options: options)
        logicalPlan = PlanOptimizer(catalog: PlanCatalog(resolve: resolve)).optimize(plan)
        root = try PhysicalPlanner(context: context, resolve: resolve).plan(logicalPlan)
        pipelines = try PipelineBuilder.build(root)
        var scans: [TableScan] = []
        QueryExecution.walk(root.child) { op, _ in if let scan = op as? TableScan { scans.append(scan) } }
        monitor = QueryMonitor(scans: scans, context: context)
    }

    /// How far the run has got (all zero before it starts); callable from any thread.
    package var progress: QueryProgress { monitor.snapshot() }

    /// The result schema.
    package var schema: Schema { root.schema }

    /// The operator tree with estimates, the pipelines and the task graph, as text.
    package func explain() throws -> String {
        let graph = TaskGraph()
        PipelineGraph.lay(pipelines, threads: options.threads, onto: graph)
        var lines: [String] = []
        QueryExecution.walk(root.child) { op, depth in
            var line = String(repeating: "  ", count: depth) + op.label
            if let estimate = op.metrics.estimatedRows { line += "  (~\(estimate) rows)" }
            lines.append(line)
        }
        return lines.joined(separator: "\n") + "\n\nPipelines, in run order:\n"
            + PipelineGraph.describe(pipelines) + "\n\nTask graph (\(graph.taskCount) tasks):\n" + graph.explain()
    }

    /// The task graph in Graphviz DOT.
    package func dot() throws -> String {
        let graph = TaskGraph()
        PipelineGraph.lay(pipelines, threads: options.threads, onto: graph)
        return graph.dot()
    }

    /// Runs the query; `sink` receives the result batches one at a time (in order under ORDER BY). With `profile`,
    /// memory and spill are sampled and every task recorded: the statistics then carry a ``QueryProfile``.
    package func run(profile: Bool = false, sink: @escaping @Sendable (Batch) throws(StrataError) -> Void)
        throws(StrataError) -> QueryStatistics {
        try WorkerThread.validate(options.threads)
        AllocatorTuning.apply(memoryLimit: options.memoryLimit)
        let clock = ContinuousClock()
        let start = clock.now
        let startDate = Date()
        defer { context.spill.cleanup() }
        root.deliver(to: sink)
        let graph = TaskGraph()
        PipelineGraph.lay(pipelines, threads: options.threads, onto: graph)
        let scheduler = Scheduler(threads: options.threads, pool: context.pool)
        var operators: [any PhysicalOperator] = []
        QueryExecution.walk(root.child) { op, _ in operators.append(op) }
        let recorder = profile ? ProfileRecorder(monitor: monitor, context: context,
                                                 operators: operators.map(\.metrics)) : nil
        let monitor = self.monitor
        monitor.runStarted(tasks: graph.taskCount)
        recorder?.start()
        let run: RunStatistics
        do {
            defer {
                monitor.runEnded()
                recorder?.stop()
            }
            run = try scheduler.run(graph, cancellation: options.cancellation?.token ?? CancellationToken(),
                                    progress: { finished, _ in monitor.tasksFinished(finished) },
                                    trace: recorder?.trace)
        }
        var statistics = QueryStatistics()
        let elapsed = (clock.now - start).components
        statistics.seconds = Double(elapsed.seconds) + Double(elapsed.attoseconds) / 1e18
        statistics.rows = root.metrics.rowsIn
        statistics.tasks = run.tasksRun
        statistics.stages = run.stages.map { stage in
            let busy = stage.busy.components
            return (stage.name, stage.tasksRun, Double(busy.seconds) + Double(busy.attoseconds) / 1e18)
        }
        statistics.peakReservedBytes = context.pool.peak
        statistics.memoryLimit = options.memoryLimit
        statistics.spilledBytes = context.spill.totalBytesWritten
        statistics.spillRuns = context.spill.runsCreated
        QueryExecution.walk(root.child) { op, depth in
            let metrics = op.metrics
            if let scan = op as? TableScan {
                statistics.rowGroupsScanned += scan.rowGroups.kept
                statistics.rowGroupsPruned += scan.rowGroups.total - scan.rowGroups.kept
            }
            if op is HashAggregate { statistics.groups += metrics.rowsOut }
            statistics.spills += metrics.spills
            statistics.repartitionLevel = max(statistics.repartitionLevel, metrics.repartitionLevel)
            statistics.operators.append(OperatorStatistics(
                name: op.label, depth: depth, rows: metrics.rowsOut, seconds: metrics.seconds,
                peakReservedBytes: metrics.peakReservedBytes, spilledBytes: Int64(metrics.spilledBytes),
                rowsIn: metrics.rowsIn, estimatedRows: metrics.estimatedRows, spillRuns: metrics.spillRuns,
                partitions: metrics.partitions))
        }
        if let recorder {
            statistics.profile = ProfileAssembler(execution: self, operators: operators, graph: graph, run: run,
                                                  statistics: statistics, recorder: recorder,
                                                  startedAt: startDate).profile()
        }
        return statistics
    }

    /// Calls `body` with every operator of the tree under `op` (pre-order) and its depth.
    static func walk(_ op: any PhysicalOperator, depth: Int = 0, _ body: (any PhysicalOperator, Int) -> Void) {
        body(op, depth)
        for child in op.children { walk(child, depth: depth + 1, body) }
    }
}
