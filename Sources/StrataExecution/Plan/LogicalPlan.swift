import StrataCore

/// A query as a tree of relational operators, from a table scan up to the result.
///
/// Plans are built by the Swift API (``Strata/Query``) and by SQL. One pipeline runs the shape
/// source → (filter | project)* → [aggregate → (filter | project)*] → [sort] → [limit] → [project]; any other
/// operator below (an aggregate over an aggregate, a sort or limit in a subquery) first materialises its input
/// into scratch Parquet files, which the rest of the plan then scans.
public indirect enum LogicalPlan: Sendable, Hashable {
    /// All rows of a table (`columns` narrows the columns; nil keeps them all).
    case scan(table: String, columns: [String]?)
    /// All rows of Parquet files read directly (`read_parquet`); their schemas must agree. `label` names the
    /// source in EXPLAIN output.
    case parquet(paths: [String], label: String)
    /// Rows given in the plan; `SELECT 1 + 1` scans one row of a one-column table.
    case values(Schema, [[Value]])
    /// The rows for which `predicate` is TRUE.
    case filter(Expr, LogicalPlan)
    /// New columns computed from each row.
    case project([NamedExpr], LogicalPlan)
    /// One row per distinct key (one row in all when `keys` is empty) with the aggregates of its rows.
    case aggregate(keys: [NamedExpr], aggregates: [AggregateCall], LogicalPlan)
    /// The rows ordered by `keys`.
    case sort([SortKey], LogicalPlan)
    /// At most `count` rows after skipping `offset`.
    case limit(count: Int, offset: Int, LogicalPlan)
}

/// An expression and the name of the column it produces.
public struct NamedExpr: Sendable, Hashable, CustomStringConvertible {
    /// The expression.
    public var expr: Expr
    /// The output column name.
    public var name: String

    /// Creates a named expression.
    public init(_ expr: Expr, as name: String) {
        self.expr = expr
        self.name = name
    }

    /// A column passed through under its own name.
    public static func column(_ name: String) -> NamedExpr { NamedExpr(.column(name), as: name) }

    public var description: String {
        if case let .column(column) = expr, column == name { return name }
        return "\(expr) AS \(name)"
    }
}

/// One key of an ORDER BY.
public struct SortKey: Sendable, Hashable, CustomStringConvertible {
    /// The expression, over the columns of the sort's input.
    public var expr: Expr
    /// Ascending (default) or descending.
    public var ascending: Bool
    /// Whether NULLs come first; by default they come last in both directions, as in DuckDB.
    public var nullsFirst: Bool

    /// Creates a sort key.
    public init(_ expr: Expr, ascending: Bool = true, nullsFirst: Bool = false) {
        self.expr = expr
        self.ascending = ascending
        self.nullsFirst = nullsFirst
    }

    public var description: String {
        "\(expr) \(ascending ? "ASC" : "DESC")\(nullsFirst ? " NULLS FIRST" : "")"
    }
}
