import StrataCore

/// Keeps the rows for which a predicate is TRUE (FALSE and NULL drop).
package final class Filter: StreamingOperator {
    /// The predicate, bound to the input's schema.
    package let predicate: BoundExpr
    /// Its logical form, for EXPLAIN.
    package let expression: Expr
    package let child: any PhysicalOperator
    package let metrics: OperatorMetrics

    /// A filter of `child`'s rows; throws when the predicate is not boolean.
    package init(_ expression: Expr, over child: any PhysicalOperator, estimatedRows: Int?) throws(StrataError) {
        let bound = try expression.bind(to: child.schema)
        guard bound.type == .bool else {
            throw StrataError(.invalidArgument, "filter \(expression) is \(bound.type), not a boolean")
        }
        predicate = bound
        self.expression = expression
        self.child = child
        metrics = OperatorMetrics(estimatedRows: estimatedRows)
    }

    package var label: String { "Filter \(expression)" }
    package var schema: Schema { child.schema }
    package var children: [any PhysicalOperator] { [child] }

    package func execute(_ batch: Batch, _ context: TaskContext, _ emit: BatchSink) throws(StrataError) {
        try emit(try batch.filtered(by: predicate))
    }
}
