import StrataCore
import StrataStorage
import Synchronization

/// Turns a ``PhysicalPlan`` into a task graph and runs it.
///
/// A plan whose source is a materialised subquery first runs that subquery (recursively, as its own
/// `QueryExecution` under the same options) into a scratch Parquet file in the spill directory; the file is then
/// the scan's input and is deleted with the spill directory when the query ends.
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
/// Every operator records its output rows and busy time for EXPLAIN ANALYZE (``QueryStatistics/operators``).
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
    private let inputs = Mutex<Inputs?>(nil)
    private let done = Atomic<Bool>(false)
    private let delivery = Mutex(Delivery())
    private let profile: Profile
    private let subquery = Mutex<QueryStatistics?>(nil)

    /// One piece of input to read.
    private enum ScanUnit: Sendable {
        /// A row group of a Parquet file, with the columns to decode and its decoded size estimate.
        case rowGroup(ParquetFileReader, Int, columns: [Int], estimatedBytes: Int)
        /// Rows held in memory, already narrowed to the scanned columns.
        case rows(Batch)

        var estimatedBytes: Int {
            switch self {
            case let .rowGroup(_, _, _, bytes): bytes
            case let .rows(batch): batch.columns.reduce(0) { $0 + $1.byteCount }
            }
        }
    }

    /// The scan's work list.
    private struct Inputs: Sendable {
        var units: [ScanUnit]
        var totalRowGroups: Int
    }

    /// Per-operator counters, in plan order from the scan up.
    private struct Profile: Sendable {
        let scan = OperatorProfile()
        let pre: [OperatorProfile]
        let aggregate = OperatorProfile()
        let post: [OperatorProfile]
        let sort = OperatorProfile()
        let limit = OperatorProfile()
        let final = OperatorProfile()
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
            keys: plan.sort, schema: plan.sortSchema, keep: plan.limit.map { $0.count + $0.offset }, pool: pool)
        profile = Profile(pre: plan.preOperators.map { _ in OperatorProfile() },
                          post: plan.postOperators.map { _ in OperatorProfile() })
        switch plan.source.kind {
        case let .files(files): try prepare(files)
        case let .rows(batch): try prepare(rows: batch)
        case .materialized: break
        }
    }

    /// Opens the files, prunes row groups and estimates each one's decoded size.
    private func prepare(_ files: [ScanFile]) throws {
        var units: [ScanUnit] = []
        var total = 0
        for file in files {
            let reader = try file.open()
            let columns = try plan.scanColumns.map { name in
                guard let column = reader.schema.index(of: name) else {
                    throw StrataError(.corrupt, "file lacks column \"\(name)\"", path: reader.path, column: name)
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
                units.append(.rowGroup(reader, rowGroup, columns: columns, estimatedBytes: bytes))
            }
        }
        inputs.withLock { $0 = Inputs(units: units, totalRowGroups: total) }
    }

    /// Narrows in-memory rows to the scanned columns.
    private func prepare(rows batch: Batch) throws {
        var columns: [Column] = []
        for name in plan.scanColumns {
            guard let column = batch.column(named: name) else {
                throw StrataError(.internal, "rows lack column \"\(name)\"", column: name)
            }
            columns.append(column)
        }
        let unit = ScanUnit.rows(try Batch(schema: plan.scanSchema, columns: columns))
        inputs.withLock { $0 = Inputs(units: [unit], totalRowGroups: 0) }
    }

    /// Runs the subquery this plan scans into a scratch file, then prepares to scan that file.
    private func materialize(_ child: PhysicalPlan) throws(StrataError) {
        let table: ScratchTable
        do {
            table = try ScratchTable(spill: spill, schema: child.outputSchema,
                                     rowGroupBytes: max(1 << 20, min(16 << 20, options.memoryLimit / 32)))
        } catch {
            throw QueryExecution.strataError(error)
        }
        do {
            let execution = try QueryExecution(plan: child, options: options)
            let statistics = try execution.run { (batch) throws(StrataError) in try table.write(batch) }
            subquery.withLock { $0 = statistics }
            try table.finish()
            let path = table.path
            try prepare([ScanFile(path: path) { try ParquetFileReader(path: path) }])
        } catch {
            table.abort()
            throw QueryExecution.strataError(error)
        }
    }

    private static func strataError(_ error: any Error) -> StrataError {
        (error as? StrataError) ?? StrataError(.internal, "\(error)")
    }

    /// The plan and its task graph, as text.
    package func explain() throws -> String {
        let graph = try buildGraph(sink: { _ throws(StrataError) in })
        let counts = inputs.withLock { $0.map { ($0.units.count, $0.totalRowGroups) } }
        var text = plan.describe(rowGroups: counts)
        if case .materialized = plan.source.kind {
            text += "\n\n(the subquery runs first; its result is written to a scratch file and scanned)"
        }
        return text + "\n\nTask graph (\(graph.taskCount) tasks):\n" + graph.explain()
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
        if case let .materialized(child) = plan.source.kind { try materialize(child) }
        let graph = try buildGraph(sink: sink)
        let scheduler = Scheduler(threads: options.threads, pool: pool)
        let run = try scheduler.run(graph, cancellation: options.cancellation?.token ?? CancellationToken())
        var statistics = QueryStatistics()
        let elapsed = (clock.now - start).components
        statistics.seconds = Double(elapsed.seconds) + Double(elapsed.attoseconds) / 1e18
        statistics.rows = delivery.withLock { $0.emitted }
        let counts = inputs.withLock { $0.map { ($0.units.count, $0.totalRowGroups) } } ?? (0, 0)
        statistics.rowGroupsScanned = counts.0
        statistics.rowGroupsPruned = counts.1 - counts.0
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
        statistics.operators = operatorStatistics()
        if let inner = subquery.withLock({ $0 }) {
            statistics.operators += inner.operators
            statistics.spilledBytes += inner.spilledBytes
            statistics.spillRuns += inner.spillRuns
            statistics.spills += inner.spills
            statistics.peakReservedBytes = max(statistics.peakReservedBytes, inner.peakReservedBytes)
        }
        return statistics
    }

    /// The figures of each operator, result first (the order of ``PhysicalPlan/operatorLines(rowGroups:)``).
    private func operatorStatistics() -> [OperatorStatistics] {
        let names = plan.operatorLines()
        var profiles: [(OperatorProfile, peak: Int, spilled: Int64)] = []
        if plan.finalProjection != nil { profiles.append((profile.final, 0, 0)) }
        if plan.limit != nil { profiles.append((profile.limit, 0, 0)) }
        if !plan.sort.isEmpty { profiles.append((profile.sort, pool.peak(of: SortBuffer.consumer), 0)) }
        for p in profile.post.reversed() { profiles.append((p, 0, 0)) }
        if plan.aggregate != nil {
            profiles.append((profile.aggregate, pool.peak(of: HashAggregation.consumer), spill.totalBytesWritten))
        }
        for p in profile.pre.reversed() { profiles.append((p, 0, 0)) }
        profiles.append((profile.scan, pool.peak(of: "scan"), 0))
        return zip(names, profiles).map { name, p in
            OperatorStatistics(name: name, rows: p.0.rows, seconds: p.0.seconds, peakReservedBytes: p.peak,
                               spilledBytes: p.spilled)
        }
    }

    // MARK: - Graph

    private func buildGraph(sink: @escaping @Sendable (Batch) throws(StrataError) -> Void) throws(StrataError)
        -> TaskGraph {
        let graph = TaskGraph()
        let plan = self.plan
        let units = inputs.withLock { $0?.units } ?? []
        let scanStage = graph.addStage("scan", detail: "\(plan.source.name): \(units.count) row groups")
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
                let start = ContinuousClock.now
                let batch: Batch
                switch unit {
                case let .rowGroup(reader, rowGroup, columns, _):
                    let decoded = try reader.readRowGroup(rowGroup, columns: columns)
                    batch = try Batch(schema: scanSchema, columns: decoded.columns)
                case let .rows(rows):
                    batch = rows
                }
                profile.scan.record(rows: batch.count, since: start)
                slot.put(batch, admission: context.admission)
            }
            let pipeline = graph.addTask(pipelineStage, dependsOn: [scan]) { [self] context in
                guard var batch = slot.take() else { return }
                for (op, counter) in zip(plan.preOperators, profile.pre) {
                    guard batch.count > 0 else { break }
                    let start = ContinuousClock.now
                    batch = try op.apply(batch)
                    counter.record(rows: batch.count, since: start)
                }
                guard batch.count > 0 else { return }
                if let aggregate = plan.aggregate, let aggregation {
                    let start = ContinuousClock.now
                    defer { profile.aggregate.record(since: start) }
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
                finished.append(graph.addTask(partitionStage, dependsOn: lastStage) { [self] _ in
                    let start = ContinuousClock.now
                    defer { profile.aggregate.record(since: start) }
                    try aggregation.finish(worker: worker)
                })
            }
            let mergeDetail = (["merge, finalise"] + plan.postOperators.map(\.description)).joined(separator: " → ")
            let mergeStage = graph.addStage("merge", detail: mergeDetail)
            lastStage = []
            for partition in 0..<aggregation.partitionCount {
                lastStage.append(graph.addTask(mergeStage, dependsOn: finished) { [self] _ in
                    var start = ContinuousClock.now
                    try aggregation.merge(partition: partition) { (batch) throws(StrataError) in
                        profile.aggregate.record(rows: batch.count, since: start)
                        try deliverAggregated(batch, sink: sink)
                        start = ContinuousClock.now
                    }
                    profile.aggregate.record(since: start)
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
                let empty = try aggregation.emptyGlobalResult()
                profile.aggregate.record(rows: empty.count, since: ContinuousClock.now)
                try deliverAggregated(empty, sink: sink)
            }
            if let sortBuffer {
                let start = ContinuousClock.now
                let sorted = try sortBuffer.finish(offset: plan.limit?.offset ?? 0, count: plan.limit?.count)
                profile.sort.record(rows: sorted.count, since: start)
                if plan.limit != nil { profile.limit.record(rows: sorted.count, since: ContinuousClock.now) }
                try emit(sorted, sink: sink)
            }
        }
        return graph
    }

    private func deliverAggregated(_ batch: Batch, sink: (Batch) throws(StrataError) -> Void) throws(StrataError) {
        var batch = batch
        for (op, counter) in zip(plan.postOperators, profile.post) {
            guard batch.count > 0 else { break }
            let start = ContinuousClock.now
            batch = try op.apply(batch)
            counter.record(rows: batch.count, since: start)
        }
        try deliver(batch, sink: sink)
    }

    /// Sends a result batch on: into the sort buffer, or through LIMIT/OFFSET to the sink.
    private func deliver(_ batch: Batch, sink: (Batch) throws(StrataError) -> Void) throws(StrataError) {
        guard batch.count > 0 else { return }
        if let sortBuffer {
            let start = ContinuousClock.now
            try sortBuffer.add(batch)
            profile.sort.record(since: start)
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
            profile.limit.record(rows: part.count, since: ContinuousClock.now)
            try sink(try project(part))
            if state.emitted >= limit.count { done.store(true, ordering: .relaxed) }
        }
    }

    private func emit(_ batch: Batch, sink: (Batch) throws(StrataError) -> Void) throws(StrataError) {
        guard batch.count > 0 else { return }
        try delivery.withLock { (state) throws(StrataError) in
            state.emitted += batch.count
            try sink(try project(batch))
        }
    }

    /// Applies the final projection, if any.
    private func project(_ batch: Batch) throws(StrataError) -> Batch {
        guard let op = plan.finalProjection else { return batch }
        let start = ContinuousClock.now
        let result = try op.apply(batch)
        profile.final.record(rows: result.count, since: start)
        return result
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
