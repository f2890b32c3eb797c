import StrataCore

/// A query as a tree of relational operators, from table scans up to the result.
///
/// Plans are built by the Swift API (``Strata/Query``) and by SQL, rewritten by the optimizer (filter pushdown, join
/// order) and compiled by the physical planner into pipelines of operators. Column names must be unique within
/// every node's output (the SQL binder and the query builder rename where inputs collide).
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
    /// The input rows with one more column per window call (their order is not kept).
    case window([WindowCall], LogicalPlan)
    /// The rows of `left` and `right` combined as `kind` says, pairing the rows for which `condition` (over the
    /// columns of both) is TRUE; a nil condition pairs every row with every row (a cross join for `.inner`).
    /// The output holds the left columns then the right ones; semi and anti joins give the left columns only, a
    /// mark join the left columns and its mark.
    case join(JoinKind, LogicalPlan, LogicalPlan, on: Expr?)
    /// The rows of every input, one after another in no set order (UNION ALL). The inputs produce the same column
    /// names with the same types, in the same order.
    case union([LogicalPlan])
}

/// How a join combines its two inputs.
public enum JoinKind: Sendable, Hashable, CustomStringConvertible {
    /// Pairs of matching rows.
    case inner
    /// Matching pairs, plus each left row without a match (its right columns NULL).
    case left
    /// Matching pairs, plus each right row without a match (its left columns NULL).
    case right
    /// Matching pairs, plus the unmatched rows of both sides.
    case full
    /// Each left row that has a match, once.
    case semi
    /// Each left row that has no match.
    case anti
    /// Each left row, with a bool column `column` saying whether it has a match. With `nullAware` the mark follows
    /// `x IN (subquery)`: NULL instead of FALSE when the left key is NULL (and the right side is not empty) or when
    /// a right key is NULL.
    case mark(column: String, nullAware: Bool)

    /// Whether the output holds the right input's columns.
    public var keepsRightColumns: Bool {
        switch self {
        case .inner, .left, .right, .full: true
        case .semi, .anti, .mark: false
        }
    }

    public var description: String {
        switch self {
        case .inner: "INNER"
        case .left: "LEFT"
        case .right: "RIGHT"
        case .full: "FULL"
        case .semi: "SEMI"
        case .anti: "ANTI"
        case let .mark(column, nullAware): "MARK \(column)\(nullAware ? " (IN semantics)" : "")"
        }
    }
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

extension LogicalPlan {
    /// The names of the columns the plan produces, in order; `schema(of:)` gives a table's schema.
    package func columnNames(schema: (String) throws -> Schema) throws -> [String] {
        switch self {
        case let .scan(name, columns): return try columns ?? schema(name).fields.map(\.name)
        case let .parquet(paths, label): return try ScanSource(parquetFiles: paths, name: label).schema.fields.map(\.name)
        case let .values(rows, _): return rows.fields.map(\.name)
        case let .filter(_, input), let .sort(_, input), let .limit(_, _, input): return try input.columnNames(schema: schema)
        case let .project(named, _): return named.map(\.name)
        case let .aggregate(keys, calls, _): return keys.map(\.name) + calls.map(\.name)
        case let .window(calls, input): return try input.columnNames(schema: schema) + calls.map(\.name)
        case let .join(kind, left, right, _):
            var names = try left.columnNames(schema: schema)
            if kind.keepsRightColumns { names += try right.columnNames(schema: schema) }
            if case let .mark(column, _) = kind { names.append(column) }
            return names
        case let .union(inputs):
            return try inputs.first?.columnNames(schema: schema) ?? []
        }
    }
}

extension LogicalPlan {
    /// The plan with every scan of table `reference` replaced by `replacement` (which must produce the table's
    /// columns; a narrowed scan gets a projection of its columns over it).
    package func replacingScans(of reference: String, with replacement: LogicalPlan) -> LogicalPlan {
        func go(_ plan: LogicalPlan) -> LogicalPlan { plan.replacingScans(of: reference, with: replacement) }
        switch self {
        case let .scan(name, columns) where name == reference:
            guard let columns else { return replacement }
            return .project(columns.map { NamedExpr(.column($0), as: $0) }, replacement)
        case .scan, .parquet, .values: return self
        case let .filter(condition, input): return .filter(condition, go(input))
        case let .project(named, input): return .project(named, go(input))
        case let .aggregate(keys, calls, input): return .aggregate(keys: keys, aggregates: calls, go(input))
        case let .sort(keys, input): return .sort(keys, go(input))
        case let .limit(count, offset, input): return .limit(count: count, offset: offset, go(input))
        case let .window(calls, input): return .window(calls, go(input))
        case let .join(kind, left, right, condition): return .join(kind, go(left), go(right), on: condition)
        case let .union(inputs): return .union(inputs.map(go))
        }
    }
}
