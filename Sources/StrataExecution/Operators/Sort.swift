import StrataCore

/// ORDER BY [LIMIT [OFFSET]]: a sink that collects its input, then the source of the rows in order (one morsel, so
/// the order survives the operators above).
///
/// A small LIMIT (offset plus count up to ``topNRows``, and twice that many rows within a quarter of the pool by
/// the schema's estimated row size) keeps only the top rows as they arrive (``SortBuffer``); anything else goes
/// through the ``ExternalSort``: sorted runs per worker, spilled when the pool refuses, merged
/// in order, the offset skipped and the merge stopped after the count.
package final class Sort: SinkOperator, SourceOperator {
    /// The largest `offset + count` sorted with a top-N buffer instead of the external sort.
    package static let topNRows = 1 << 17

    /// The sort keys over the input, with their logical form.
    package let keys: [(BoundExpr, SortKey)]
    /// The rows to return after sorting: skip `offset`, keep `count` (nil: no limit).
    package let limit: (count: Int, offset: Int)?
    package let child: any PhysicalOperator
    package let metrics: OperatorMetrics
    private let topN: SortBuffer?
    private let external: ExternalSort?

    /// A sort of `child`'s rows by `keys`, optionally cut to `limit`.
    package init(_ keys: [SortKey], limit: (count: Int, offset: Int)?, over child: any PhysicalOperator,
                 context: ExecutionContext, estimatedRows: Int?) throws(StrataError) {
        if let limit, limit.count < 0 || limit.offset < 0 {
            throw StrataError(.invalidArgument, "LIMIT and OFFSET must not be negative")
        }
        var bound: [(BoundExpr, SortKey)] = []
        for key in keys { bound.append((try key.expr.bind(to: child.schema), key)) }
        self.keys = bound
        self.limit = limit
        self.child = child
        let metrics = OperatorMetrics(estimatedRows: estimatedRows)
        self.metrics = metrics
        let keep = limit.map { $0.count.addingReportingOverflow($0.offset).overflow ? Int.max : $0.count + $0.offset }
        if let keep, keep <= Sort.topNRows,
           2 * keep * Sort.estimatedRowBytes(child.schema) <= context.pool.limit / 4 {
            topN = SortBuffer(keys: bound, schema: child.schema, keep: keep, pool: context.pool, metrics: metrics)
            external = nil
        } else {
            topN = nil
            external = ExternalSort(schema: child.schema, keys: bound.map {
                SortKeyEncoder.Key(type: $0.0.type, ascending: $0.1.ascending, nullsFirst: $0.1.nullsFirst)
            }, pool: context.pool, spill: context.spill, workers: context.threads, metrics: metrics)
        }
    }

    /// A row's bytes as a guess from its types (strings counted as 16 bytes and their offset).
    static func estimatedRowBytes(_ schema: Schema) -> Int {
        schema.fields.reduce(0) { sum, field in
            switch field.type.storage {
            case .bool: sum + 1
            case .int32, .float: sum + 4
            case .int64, .double: sum + 8
            case .int128: sum + 16
            case .string: sum + 20
            }
        }
    }

    package var label: String {
        var text = "Sort " + keys.map(\.1.description).joined(separator: ", ")
        if let limit { text += " limit \(limit.count)" + (limit.offset > 0 ? " offset \(limit.offset)" : "") }
        return text + (topN != nil ? " (top-N)" : "")
    }

    package var schema: Schema { child.schema }
    package var children: [any PhysicalOperator] { [child] }
    package var sinkChild: any PhysicalOperator { child }

    package func sink(_ batch: Batch, _ context: TaskContext) throws(StrataError) {
        if let topN { return try topN.add(batch) }
        guard let external else { return }
        var columns: [Column] = []
        for (expr, _) in keys { columns.append(try expr.evaluate(batch)) }
        try external.add(batch, keys: columns, worker: context.worker, morsel: context.morsel)
    }

    package var combinesPerWorker: Bool { external != nil }

    package func combine(worker: Int) throws(StrataError) {
        try external?.finish(worker: worker)
    }

    package func finalize() throws(StrataError) {
        try external?.prepare()
    }

    package var morselCount: Int { 1 }
    package var morselDetail: String { "the sorted rows" }
    package func admissionBytes(ofMorsel morsel: Int) -> Int { 0 }

    package func produce(morsel: Int, _ context: TaskContext, _ emit: BatchSink) throws(StrataError) {
        if let topN { return try emit(try topN.finish(offset: limit?.offset ?? 0, count: limit?.count)) }
        try external?.merge(offset: limit?.offset ?? 0, count: limit?.count, emit: emit)
    }
}
