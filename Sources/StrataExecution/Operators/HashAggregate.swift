import StrataCore

/// GROUP BY: a sink that aggregates its input per group, then the source of the groups.
///
/// 1. Sink (per worker, in parallel): evaluate the key and argument expressions of each batch and aggregate the
///    rows into the worker's hash table (``HashAggregation``: it reserves before it grows and spills its table as
///    64 hash partitions when the memory pool refuses).
/// 2. Combine (one task per worker): move the worker's groups into the 64 partitions.
/// 3. Source: one morsel per partition merges it (recursively repartitioning any partition that does not fit)
///    and emits its groups: keys, then one column per aggregate. A global aggregate (no keys) has one morsel,
///    which merges every partition and returns the one row of an empty input when no row came.
package final class HashAggregate: SinkOperator, SourceOperator {
    /// Key expressions over the input.
    package let keys: [BoundExpr]
    /// Per aggregate, its arguments over the input.
    package let arguments: [[BoundExpr]]
    /// The logical form, for EXPLAIN.
    package let keyNames: [NamedExpr]
    /// The logical aggregate calls, for EXPLAIN.
    package let calls: [AggregateCall]
    /// The aggregation state.
    package let aggregation: HashAggregation
    package let child: any PhysicalOperator
    package let metrics: OperatorMetrics

    /// The aggregate of `child`'s rows grouped by `keys`.
    package init(keys keyNames: [NamedExpr], aggregates calls: [AggregateCall], over child: any PhysicalOperator,
                 context: ExecutionContext, estimatedRows: Int?) throws(StrataError) {
        let input = child.schema
        var keys: [BoundExpr] = []
        for key in keyNames { keys.append(try key.expr.bind(to: input)) }
        var arguments: [[BoundExpr]] = []
        var specs: [AggregateSpec] = []
        for call in calls {
            var bound: [BoundExpr] = []
            for argument in call.arguments { bound.append(try argument.bind(to: input)) }
            arguments.append(bound)
            specs.append(try AggregateSpec(call.function, argumentTypes: bound.map(\.type), parameter: call.parameter,
                                           separator: call.separator, descending: call.descending, name: call.name))
        }
        self.keys = keys
        self.arguments = arguments
        self.keyNames = keyNames
        self.calls = calls
        self.child = child
        let metrics = OperatorMetrics(estimatedRows: estimatedRows)
        self.metrics = metrics
        aggregation = try HashAggregation(keys: zip(keyNames, keys).map { Field($0.name, $1.type) },
                                          aggregates: specs, pool: context.pool, spill: context.spill,
                                          workers: context.threads, metrics: metrics)
        metrics.usedPartitions(keys.isEmpty ? 0 : aggregation.partitionCount)
    }

    package var label: String {
        "HashAggregate keys [\(keyNames.map(\.description).joined(separator: ", "))] aggregates "
            + "[\(calls.map(\.description).joined(separator: ", "))]"
    }

    package var schema: Schema { aggregation.outputSchema }
    package var children: [any PhysicalOperator] { [child] }
    package var sinkChild: any PhysicalOperator { child }

    // MARK: - Sink

    package func sink(_ batch: Batch, _ context: TaskContext) throws(StrataError) {
        var keyColumns: [Column] = []
        for key in keys { keyColumns.append(try key.evaluate(batch)) }
        var argumentColumns: [[Column]] = []
        for args in arguments {
            var columns: [Column] = []
            for arg in args { columns.append(try arg.evaluate(batch)) }
            argumentColumns.append(columns)
        }
        try aggregation.consume(keys: keyColumns, arguments: argumentColumns, rows: batch.count,
                                worker: context.worker)
    }

    // MARK: - Combine

    package var combinesPerWorker: Bool { true }

    package func combine(worker: Int) throws(StrataError) {
        try aggregation.finish(worker: worker)
    }

    // MARK: - Source

    package var morselCount: Int { keys.isEmpty ? 1 : aggregation.partitionCount }
    package var morselDetail: String { keys.isEmpty ? "one group" : "\(aggregation.partitionCount) hash partitions" }
    package func admissionBytes(ofMorsel morsel: Int) -> Int { 0 }

    package func produce(morsel: Int, _ context: TaskContext, _ emit: BatchSink) throws(StrataError) {
        guard keys.isEmpty else {
            try aggregation.merge(partition: morsel, emit: emit)
            return
        }
        var rows = 0
        for partition in 0..<aggregation.partitionCount {
            try aggregation.merge(partition: partition) { (batch) throws(StrataError) in
                rows += batch.count
                try emit(batch)
            }
        }
        if rows == 0 { try emit(try aggregation.emptyGlobalResult()) }
    }
}
