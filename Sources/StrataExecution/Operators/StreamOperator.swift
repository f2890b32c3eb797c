import StrataCore

/// A row-at-a-time operator applied to each batch as it streams by: a filter or a projection.
package enum StreamOperator: Sendable {
    /// Keeps the rows where the predicate is TRUE.
    case filter(BoundExpr, Expr)
    /// Computes new columns.
    case project([BoundExpr], Schema, [NamedExpr])

    /// Applies the operator to `batch`.
    package func apply(_ batch: Batch) throws(StrataError) -> Batch {
        switch self {
        case let .filter(predicate, _):
            return try batch.filtered(by: predicate)
        case let .project(exprs, schema, _):
            var columns: [Column] = []
            columns.reserveCapacity(exprs.count)
            for expr in exprs { columns.append(try expr.evaluate(batch)) }
            return try Batch(schema: schema, columns: columns)
        }
    }

    /// One line for explain output.
    package var description: String {
        switch self {
        case let .filter(_, expr): "Filter \(expr)"
        case let .project(_, _, named): "Project \(named.map(\.description).joined(separator: ", "))"
        }
    }
}
