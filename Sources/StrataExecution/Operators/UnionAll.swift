import StrataCore

/// UNION ALL: the batches of every input, in no set order. It does no work itself: `PipelineBuilder` gives each
/// input a pipeline of its own into the sink above, through the same operators between the union and that sink,
/// and the sink combines once all of them have run.
package final class UnionAll: PhysicalOperator {
    package let children: [any PhysicalOperator]
    package let metrics: OperatorMetrics

    /// A union of `children`, which must produce the same column names and types.
    package init(_ children: [any PhysicalOperator]) throws(StrataError) {
        guard let first = children.first else { throw StrataError(.internal, "a union without inputs") }
        for child in children.dropFirst() where child.schema != first.schema {
            throw StrataError(.internal, "union inputs differ: \(first.schema) and \(child.schema)")
        }
        self.children = children
        metrics = OperatorMetrics(estimatedRows: children.reduce(0) { $0 + ($1.metrics.estimatedRows ?? 0) })
    }

    package var label: String { "UnionAll" }
    package var schema: Schema { children[0].schema }
}
