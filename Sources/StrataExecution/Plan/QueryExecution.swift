import StrataCore
import StrataStorage
import Synchronization

/// Turns a ``PhysicalPlan`` into a task graph and runs it.
///
/// The graph, stage by stage (later stages run first whenever they are ready):
/// 1. `scan` — one task per row group that survives pruning; it decodes the needed columns. Its admission is the
///    row group's decoded size, so new scans start only while the memory pool has room (backpressure).
/// 2. `pipeline` — one per row group, after its scan: filters and projections, then either the partial
///    aggregate (on the worker's own hash table) or the result.
/// 3. `partition` — one per worker, after every pipeline task: the worker's groups move to 64 hash partitions.
/// 4. `merge` — one per partition, after every partition task: merge, finalise, then the operators above the
///    aggregate.
/// 5. `output` — one task at the end: ORDER BY / LIMIT, and the single row of a global aggregate over no rows.
///
/// Results go to the caller's sink one batch at a time, never two at once.
package final class QueryExecution: Sendable {
    /// The plan.
    package let plan: PhysicalPlan
    /// The options.
    package let options: ExecutionOptions

    private let pool: MemoryPool
    private let spill: SpillManager
    private let aggregation: HashAggregation?
    private let sortBuffer: SortBuffer?
    private let units: [ScanUnit]
    private let totalRowGroups: Int
    private let done = Atomic<Bool>(false)
    private let delivery = Mutex(Delivery())

    /// One row group to read.
    private struct ScanUnit: Sendable {
        let reader: ParquetFileReader
        let rowGroup: Int
        let columns: [Int]
        let estimatedBytes: Int
    }

    private struct Delivery {
        var skipped = 0
        var emitted = 0
    }

    /// Prepares the run of `plan`: opens the partitions, prunes row groups, sizes the memory pool.
    package init(plan: PhysicalPlan, options: ExecutionOptions) throws {
        guard options.memoryLimit >= ExecutionOptions.minimumMemoryLimit else {
            throw StrataError(.invalidArgument, "the memory limit must be at least \(ByteCount.format(ExecutionOptions.minimumMemoryLimit))")
        }
        self.plan = plan
        self.options = options
        pool = MemoryPool(limit: options.poolLimit)
        spill = SpillManager(directory: options.spillDirectory, maxBytes: options.maxSpillBytes)
        if let aggregate = plan.aggregate {
            aggregation = try HashAggregation(keys: aggregate.keyFields, aggregates: aggregate.specs, pool: pool,
                                              spill: spill, workers: options.threads)
        } else {
            aggregation = nil
        }
        sortBuffer = plan.sort.isEmpty ? nil : SortBuffer(
            keys: plan.sort, schema: plan.outputSchema, keep: plan.limit.map { $0.count + $0.offset }, pool: pool)
        var units: [ScanUnit] = []
        var total = 0
        for index in plan.snapshot.partitions.indices {
            let reader = try plan.snapshot.openPartition(index)
            let columns = try plan.scanColumns.map { name in
                guard let column = reader.schema.index(of: name) else {
                    throw StrataError(.corrupt, "partition lacks column \"\(name)\"", path: reader.path, column: name)
                }
                return column
            }
            for rowGroup in 0..<reader.rowGroupCount {
                total += 1
                if let pruning = plan.pruning, !pruning.mayMatch(reader, rowGroup: rowGroup) { continue }
                let group = reader.metadata.rowGroups[rowGroup]
                var bytes = Int(group.numRows) * 8 * columns.count
                for column in columns {
                    if let meta = group.columns[column].metaData {
                        bytes += Int(meta.totalUncompressedSize) + Int(meta.totalCompressedSize)
                    }
                }
                units.append(ScanUnit(reader: reader, rowGroup: rowGroup, columns: columns, estimatedBytes: bytes))
            }
        }
        self.units = units
        totalRowGroups = total
    }

    /// The plan and its task graph, as text.
    package func explain() throws -> String {
        let graph = try buildGraph(sink: { _ throws(StrataError) in })
        return plan.describe(rowGroups: (units.count, totalRowGroups)) + "\n\nTask graph (\(graph.taskCount) tasks):\n"
            + graph.explain()
    }

    /// The task graph in Graphviz DOT.
    package func dot() throws -> String {
        try buildGraph(sink: { _ throws(StrataError) in }).dot()
    }

    /// Runs the query; `sink` receives the result batches in order (for ORDER BY) or as they are ready.
    package func run(sink: @escaping @Sendable (Batch) throws(StrataError) -> Void) throws(StrataError)
        -> QueryStatistics {
        AllocatorTuning.apply()
        let clock = ContinuousClock()
        let start = clock.now
        defer { spill.cleanup() }
        let graph = try buildGraph(sink: sink)
        let scheduler = Scheduler(threads: options.threads, pool: pool)
        let run = try scheduler.run(graph, cancellation: options.cancellation?.token ?? CancellationToken())
        var statistics = QueryStatistics()
        let elapsed = (clock.now - start).components
        statistics.seconds = Double(elapsed.seconds) + Double(elapsed.attoseconds) / 1e18
        statistics.rows = delivery.withLock { $0.emitted }
        statistics.rowGroupsScanned = units.count
        statistics.rowGroupsPruned = totalRowGroups - units.count
        statistics.tasks = run.tasksRun
        statistics.stages = run.stages.map { stage in
            let busy = stage.busy.components
            return (stage.name, stage.tasksRun, Double(busy.seconds) + Double(busy.attoseconds) / 1e18)
        }
        statistics.peakReservedBytes = pool.peak
        statistics.memoryLimit = options.memoryLimit
        if let aggregation {
            let s = aggregation.statistics
            statistics.groups = s.groups
            statistics.spills = s.spills
            statistics.repartitionLevel = s.maxLevel
        }
        statistics.spilledBytes = spill.totalBytesWritten
        statistics.spillRuns = spill.runsCreated
        return statistics
    }

    // MARK: - Graph

    private func buildGraph(sink: @escaping @Sendable (Batch) throws(StrataError) -> Void) throws(StrataError)
        -> TaskGraph {
        let graph = TaskGraph()
        let plan = self.plan
        let scanStage = graph.addStage("scan", detail: "\(plan.snapshot.name): \(units.count) row groups")
        let pipelineDetail = (plan.preOperators.map(\.description) + [plan.aggregate == nil ? "result" : "partial aggregate"])
            .joined(separator: " → ")
        let pipelineStage = graph.addStage("pipeline", detail: pipelineDetail)
        var lastStage: [TaskGraph.TaskID] = []
        for unit in units {
            let slot = BatchSlot()
            let scanSchema = plan.scanSchema
            let scan = graph.addTask(scanStage, admissionBytes: unit.estimatedBytes) { [self] context in
                guard !done.load(ordering: .relaxed) else { return }
                try context.checkCancellation()
                let decoded = try unit.reader.readRowGroup(unit.rowGroup, columns: unit.columns)
                slot.put(try Batch(schema: scanSchema, columns: decoded.columns), admission: context.admission)
            }
            let pipeline = graph.addTask(pipelineStage, dependsOn: [scan]) { [self] context in
                guard var batch = slot.take() else { return }
                for op in plan.preOperators {
                    guard batch.count > 0 else { break }
                    batch = try op.apply(batch)
                }
                guard batch.count > 0 else { return }
                if let aggregate = plan.aggregate, let aggregation {
                    var keys: [Column] = []
                    for key in aggregate.keys { keys.append(try key.evaluate(batch)) }
                    var arguments: [[Column]] = []
                    for args in aggregate.arguments {
                        var columns: [Column] = []
                        for arg in args { columns.append(try arg.evaluate(batch)) }
                        arguments.append(columns)
                    }
                    try aggregation.consume(keys: keys, arguments: arguments, rows: batch.count, worker: context.worker)
                } else {
                    try deliver(batch, sink: sink)
                }
                slot.release()
            }
            lastStage.append(pipeline)
        }
        if let aggregation {
            let partitionStage = graph.addStage("partition", detail: "per worker: groups into \(aggregation.partitionCount) hash partitions")
            var finished: [TaskGraph.TaskID] = []
            for worker in 0..<options.threads {
                finished.append(graph.addTask(partitionStage, dependsOn: lastStage) { _ in
                    try aggregation.finish(worker: worker)
                })
            }
            let mergeDetail = (["merge, finalise"] + plan.postOperators.map(\.description)).joined(separator: " → ")
            let mergeStage = graph.addStage("merge", detail: mergeDetail)
            lastStage = []
            for partition in 0..<aggregation.partitionCount {
                lastStage.append(graph.addTask(mergeStage, dependsOn: finished) { [self] _ in
                    try aggregation.merge(partition: partition) { (batch) throws(StrataError) in
                        try deliverAggregated(batch, sink: sink)
                    }
                })
            }
        }
        var outputDetail: [String] = []
        if let aggregate = plan.aggregate, aggregate.keys.isEmpty { outputDetail.append("empty-input row") }
        if !plan.sort.isEmpty { outputDetail.append("sort") }
        if plan.limit != nil { outputDetail.append("limit") }
        let outputStage = graph.addStage("output", detail: outputDetail.isEmpty ? "end" : outputDetail.joined(separator: ", "))
        graph.addTask(outputStage, dependsOn: lastStage) { [self] _ in
            if let aggregate = plan.aggregate, aggregate.keys.isEmpty, let aggregation,
               aggregation.statistics.groups == 0 {
                try deliverAggregated(try aggregation.emptyGlobalResult(), sink: sink)
            }
            if let sortBuffer {
                let sorted = try sortBuffer.finish(offset: plan.limit?.offset ?? 0, count: plan.limit?.count)
                try emit(sorted, sink: sink)
            }
        }
        return graph
    }

    private func deliverAggregated(_ batch: Batch, sink: (Batch) throws(StrataError) -> Void) throws(StrataError) {
        var batch = batch
        for op in plan.postOperators {
            guard batch.count > 0 else { break }
            batch = try op.apply(batch)
        }
        try deliver(batch, sink: sink)
    }

    /// Sends a result batch on: into the sort buffer, or through LIMIT/OFFSET to the sink.
    private func deliver(_ batch: Batch, sink: (Batch) throws(StrataError) -> Void) throws(StrataError) {
        guard batch.count > 0 else { return }
        if let sortBuffer {
            try sortBuffer.add(batch)
            return
        }
        guard let limit = plan.limit else {
            try emit(batch, sink: sink)
            return
        }
        try delivery.withLock { (state) throws(StrataError) in
            var rows = 0..<batch.count
            let skip = min(rows.count, limit.offset - state.skipped)
            state.skipped += skip
            rows = (rows.lowerBound + skip)..<rows.upperBound
            let take = min(rows.count, limit.count - state.emitted)
            guard take > 0 else {
                if state.emitted >= limit.count { done.store(true, ordering: .relaxed) }
                return
            }
            let part = take == batch.count ? batch : try batch.gather(Array(rows.lowerBound..<(rows.lowerBound + take)))
            state.emitted += take
            try sink(part)
            if state.emitted >= limit.count { done.store(true, ordering: .relaxed) }
        }
    }

    private func emit(_ batch: Batch, sink: (Batch) throws(StrataError) -> Void) throws(StrataError) {
        guard batch.count > 0 else { return }
        try delivery.withLock { (state) throws(StrataError) in
            state.emitted += batch.count
            try sink(batch)
        }
    }
}

/// Hands a scanned batch (and the memory admitted for it) from a scan task to its pipeline task.
final class BatchSlot: Sendable {
    private let state = Mutex<(Batch?, MemoryReservation?)>((nil, nil))

    /// Stores the batch and keeps its admission alive.
    func put(_ batch: Batch, admission: MemoryReservation?) {
        state.withLock { $0 = (batch, admission) }
    }

    /// Removes the batch.
    func take() -> Batch? {
        state.withLock { state in
            let batch = state.0
            state.0 = nil
            return batch
        }
    }

    /// Frees the admission.
    func release() {
        state.withLock { $0 = (nil, nil) }
    }
}
