import StrataCore

/// Computes new columns from each row.
package final class Projection: StreamingOperator {
    /// The output columns' expressions, bound to the input's schema.
    package let expressions: [BoundExpr]
    /// Their logical form and names, for EXPLAIN.
    package let named: [NamedExpr]
    package let schema: Schema
    package let child: any PhysicalOperator
    package let metrics: OperatorMetrics

    /// A projection of `child`'s rows onto `named`.
    package init(_ named: [NamedExpr], over child: any PhysicalOperator, estimatedRows: Int?) throws(StrataError) {
        var bound: [BoundExpr] = []
        for item in named { bound.append(try item.expr.bind(to: child.schema)) }
        expressions = bound
        self.named = named
        schema = try Schema(zip(named, bound).map { Field($0.name, $1.type) })
        self.child = child
        metrics = OperatorMetrics(estimatedRows: estimatedRows)
    }

    package var label: String { "Project \(named.map(\.description).joined(separator: ", "))" }
    package var children: [any PhysicalOperator] { [child] }

    package func execute(_ batch: Batch, _ context: TaskContext, _ emit: BatchSink) throws(StrataError) {
        var columns: [Column] = []
        columns.reserveCapacity(expressions.count)
        for expr in expressions { columns.append(try expr.evaluate(batch)) }
        try emit(try Batch(schema: schema, columns: columns))
    }
}
