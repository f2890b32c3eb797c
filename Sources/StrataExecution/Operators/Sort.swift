import StrataCore

/// ORDER BY [LIMIT [OFFSET]]: a sink that collects its input, then the source of the rows in order (one morsel, so
/// the order survives the operators above). The rows are held and sorted by ``SortBuffer`` in memory; with a
/// limit only the top `offset + count` rows are kept as they arrive.
package final class Sort: SinkOperator, SourceOperator {
    /// The sort keys over the input, with their logical form.
    package let keys: [(BoundExpr, SortKey)]
    /// The rows to return after sorting: skip `offset`, keep `count` (nil: no limit).
    package let limit: (count: Int, offset: Int)?
    package let child: any PhysicalOperator
    package let metrics: OperatorMetrics
    private let buffer: SortBuffer

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
        buffer = SortBuffer(keys: bound, schema: child.schema, keep: keep, pool: context.pool, metrics: metrics)
    }

    package var label: String {
        var text = "Sort " + keys.map(\.1.description).joined(separator: ", ")
        if let limit { text += " limit \(limit.count)" + (limit.offset > 0 ? " offset \(limit.offset)" : "") }
        return text
    }

    package var schema: Schema { child.schema }
    package var children: [any PhysicalOperator] { [child] }
    package var sinkChild: any PhysicalOperator { child }

    package func sink(_ batch: Batch, _ context: TaskContext) throws(StrataError) {
        try buffer.add(batch)
    }

    package var morselCount: Int { 1 }
    package var morselDetail: String { "the sorted rows" }
    package func admissionBytes(ofMorsel morsel: Int) -> Int { 0 }

    package func produce(morsel: Int, _ context: TaskContext, _ emit: BatchSink) throws(StrataError) {
        try emit(try buffer.finish(offset: limit?.offset ?? 0, count: limit?.count))
    }
}
