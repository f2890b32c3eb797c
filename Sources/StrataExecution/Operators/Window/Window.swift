import StrataCore

/// Window functions sharing one PARTITION BY and ORDER BY: a sink that sorts its input by partition keys then
/// order keys, then the source of the rows with one more column per call.
///
/// 1. Sink (per worker): evaluate the partition keys, order keys and arguments of each batch and add the batch,
///    with them as extra columns, to an ``ExternalSort`` keyed by partition keys (ascending, NULLs last) then the
///    order keys: sorted runs in memory, spilled when the pool refuses.
/// 2. Combine (per worker) and finalize: the sort's runs are finished and reduced to what one merge reads.
/// 3. Source (one morsel): when a call needs partition sizes or totals before a partition's end, a first merge
///    feeds ``WindowSummary``; then the merge streams the sorted rows through ``WindowEvaluator``, which emits
///    each row with its results and holds only the rows later results still read.
package final class Window: SinkOperator, SourceOperator {
    /// The calls, all over the same window.
    package let calls: [WindowCall]
    package let child: any PhysicalOperator
    package let metrics: OperatorMetrics
    package let schema: Schema
    private let partitionExprs: [BoundExpr]
    private let orderExprs: [BoundExpr]
    private let orderKeys: [SortKeyEncoder.Key]
    private let argumentExprs: [BoundExpr]
    private let bound: [BoundWindowCall]
    private let sortedSchema: Schema
    private let sort: ExternalSort
    private let pool: MemoryPool

    /// The memory consumer name of window evaluation.
    package static let consumer = "window"

    /// Window calls `calls` (one PARTITION BY and ORDER BY) over `child`'s rows.
    package init(_ calls: [WindowCall], over child: any PhysicalOperator, context: ExecutionContext,
                 estimatedRows: Int?) throws(StrataError) {
        guard let first = calls.first else { throw StrataError(.internal, "a window without calls") }
        let input = child.schema
        var partitionExprs: [BoundExpr] = []
        for expr in first.partitionBy { partitionExprs.append(try expr.bind(to: input)) }
        var orderExprs: [BoundExpr] = []
        var orderKeys: [SortKeyEncoder.Key] = []
        for key in first.orderBy {
            let expr = try key.expr.bind(to: input)
            orderExprs.append(expr)
            orderKeys.append(.init(type: expr.type, ascending: key.ascending, nullsFirst: key.nullsFirst))
        }
        var fields = input.fields
        for (i, expr) in partitionExprs.enumerated() { fields.append(Field("__window_partition\(i)", expr.type)) }
        for (i, expr) in orderExprs.enumerated() { fields.append(Field("__window_order\(i)", expr.type)) }
        var argumentExprs: [BoundExpr] = []
        var firstArguments: [Int] = []
        for call in calls {
            firstArguments.append(fields.count)
            for (position, argument) in call.arguments.enumerated() {
                var expr = argument
                // lag/lead's default takes the value's type.
                if [.lag, .lead].contains(call.function), position == 2, let value = call.arguments.first {
                    let valueType = try value.bind(to: input).type
                    if try argument.bind(to: input).type != valueType { expr = .cast(argument, valueType) }
                }
                let boundExpr = try expr.bind(to: input)
                argumentExprs.append(boundExpr)
                fields.append(Field("__window_argument\(argumentExprs.count - 1)", boundExpr.type))
            }
        }
        let sortedSchema = Schema(unchecked: fields)
        var bound: [BoundWindowCall] = []
        for (call, firstArgument) in zip(calls, firstArguments) {
            bound.append(try BoundWindowCall(call, schema: sortedSchema, firstArgument: firstArgument,
                                             orderTypes: orderExprs.map(\.type)))
        }
        self.calls = calls
        self.child = child
        self.partitionExprs = partitionExprs
        self.orderExprs = orderExprs
        self.orderKeys = orderKeys
        self.argumentExprs = argumentExprs
        self.bound = bound
        self.sortedSchema = sortedSchema
        schema = Schema(unchecked: input.fields + zip(calls, bound).map { Field($0.name, $1.type) })
        let metrics = OperatorMetrics(estimatedRows: estimatedRows)
        self.metrics = metrics
        pool = context.pool
        let keys = partitionExprs.map { SortKeyEncoder.Key(type: $0.type, ascending: true, nullsFirst: false) }
            + orderKeys
        sort = ExternalSort(schema: sortedSchema, keys: keys, pool: context.pool, spill: context.spill,
                            workers: context.threads, metrics: metrics)
    }

    package var label: String {
        "Window " + calls.map { "\($0) AS \($0.name)" }.joined(separator: ", ")
    }

    package var children: [any PhysicalOperator] { [child] }
    package var sinkChild: any PhysicalOperator { child }

    // MARK: - Sink

    package func sink(_ batch: Batch, _ context: TaskContext) throws(StrataError) {
        var columns = batch.columns
        var keys: [Column] = []
        for expr in partitionExprs + orderExprs {
            let column = try expr.evaluate(batch)
            columns.append(column)
            keys.append(column)
        }
        for expr in argumentExprs { columns.append(try expr.evaluate(batch)) }
        let sorted = try Batch(schema: sortedSchema, columns: columns)
        try sort.add(sorted, keys: keys, worker: context.worker, morsel: context.morsel)
    }

    package var combinesPerWorker: Bool { true }

    package func combine(worker: Int) throws(StrataError) {
        try sort.finish(worker: worker)
    }

    package func finalize() throws(StrataError) {
        try sort.prepare()
    }

    // MARK: - Source

    package var morselCount: Int { 1 }
    package var morselDetail: String { "the sorted rows" }
    package func admissionBytes(ofMorsel morsel: Int) -> Int { 0 }

    package func produce(morsel: Int, _ context: TaskContext, _ emit: BatchSink) throws(StrataError) {
        let inputCount = child.schema.fields.count
        let partitionColumns = inputCount..<(inputCount + partitionExprs.count)
        let orderColumns = partitionColumns.upperBound..<(partitionColumns.upperBound + orderExprs.count)
        let reservation = pool.reservation(for: Window.consumer, metrics: metrics)
        defer { reservation.release() }
        var summary: WindowSummary?
        if bound.contains(where: \.needsSummary) {
            let first = WindowSummary(calls: bound, partitionColumns: partitionColumns,
                                      partitionEncoder: SortKeyEncoder(partitionExprs.map {
                                          .init(type: $0.type, ascending: true, nullsFirst: false)
                                      }), reservation: reservation)
            try sort.merge(offset: 0, count: nil, keep: true) { (batch) throws(StrataError) in
                try context.checkCancellation()
                try first.add(batch)
            }
            try first.finish()
            summary = first
        }
        let evaluator = try WindowEvaluator(calls: bound, inputColumns: inputCount, outputSchema: schema,
                                            sortedSchema: sortedSchema, partitionColumns: partitionColumns,
                                            orderColumns: orderColumns, orderKeys: orderKeys, summary: summary,
                                            reservation: reservation)
        try sort.merge(offset: 0, count: nil) { (batch) throws(StrataError) in
            try context.checkCancellation()
            try evaluator.add(batch, emit: emit)
        }
        try evaluator.finish(emit: emit)
    }
}
