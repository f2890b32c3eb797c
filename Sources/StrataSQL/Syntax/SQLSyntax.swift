import StrataCore
import StrataExecution

// The syntax tree the parser produces and the binder consumes. Names are kept as written (the binder matches
// them case-insensitively, like DuckDB); every node carries a location for error messages: its operator's for infix
// and postfix forms (`a + b`, `x IS NULL`, `x IN (…)`, `x BETWEEN …`, `x LIKE …`, `x::t`), its first token's otherwise.

/// A position in the statement text: 1-based line and column (in characters) and the 0-based UTF-8 offset.
public struct SourceLocation: Sendable, Hashable, CustomStringConvertible {
    /// 1-based line.
    public var line: Int
    /// 1-based column, in characters.
    public var column: Int
    /// 0-based UTF-8 byte offset.
    public var offset: Int

    /// Creates a location.
    public init(line: Int, column: Int, offset: Int) {
        self.line = line
        self.column = column
        self.offset = offset
    }

    public var description: String { "line \(line), column \(column)" }
}

/// One parsed SQL statement.
package enum SQLStatement: Sendable, Hashable {
    /// A query.
    case select(SQLSelect)
    /// `EXPLAIN query` (`analyze`: `EXPLAIN ANALYZE query`, which runs it; `format`: text, json or html).
    case explain(SQLSelect, analyze: Bool, format: String, SourceLocation)
    /// `VACUUM table [RETAIN n HOURS] [DRY RUN]`: delete the files no version within the retention needs.
    case vacuum(table: String, retainHours: Double?, dryRun: Bool, SourceLocation)
    /// `CREATE [OR REPLACE] TABLE [IF NOT EXISTS] name (column type [NOT NULL], …)` or `… name AS query`.
    case createTable(SQLCreateTable)
    /// `INSERT INTO name [(column, …)] query` (the query may be `VALUES (…), …`).
    case insert(table: String, columns: [String]?, query: SQLSelect, SourceLocation)
    /// `DELETE FROM name [[AS] alias] [WHERE condition]`.
    case delete(table: String, alias: String?, condition: SQLExpr?, SourceLocation)
    /// `UPDATE name [[AS] alias] SET column = expr, … [WHERE condition]`.
    case update(table: String, alias: String?, assignments: [SQLAssignment], condition: SQLExpr?, SourceLocation)
    /// `DROP TABLE [IF EXISTS] name`.
    case dropTable(name: String, ifExists: Bool, SourceLocation)
    /// `COPY (query) TO 'path' [(option value, …)]` or `COPY name TO …` (the table as the query).
    case copyTo(query: SQLSelect, path: String, options: [SQLCopyOption], SourceLocation)
    /// `COPY name FROM 'path' [(option value, …)]`: appends a CSV or Parquet file's rows to a table.
    case copyFrom(table: String, path: String, options: [SQLCopyOption], SourceLocation)
}

/// `CREATE TABLE`: a name and either column definitions or a query.
package struct SQLCreateTable: Sendable, Hashable {
    /// The table.
    package var name: String
    /// `(column type [NOT NULL], …)`; empty with `AS query`.
    package var columns: [SQLColumnDefinition]
    /// `AS query`.
    package var query: SQLSelect?
    /// `OR REPLACE`: a new version of an existing table.
    package var orReplace: Bool
    /// `IF NOT EXISTS`: nothing happens when the table exists.
    package var ifNotExists: Bool
    /// Where `CREATE` is.
    package var location: SourceLocation
}

/// One column of `CREATE TABLE t (…)`.
package struct SQLColumnDefinition: Sendable, Hashable {
    /// The name.
    package var name: String
    /// The type as written.
    package var typeName: String
    /// `NOT NULL`.
    package var notNull: Bool
    /// Where the name is.
    package var location: SourceLocation
}

/// `column = expr` in `UPDATE … SET`.
package struct SQLAssignment: Sendable, Hashable {
    /// The column.
    package var column: String
    /// The new value.
    package var value: SQLExpr
    /// Where the column name is.
    package var location: SourceLocation
}

/// One `(name value)` option of COPY: `FORMAT parquet`, `HEADER false`, `DELIMITER '|'`; the value as written
/// (nil when only the name is given, which means true).
package struct SQLCopyOption: Sendable, Hashable {
    /// The option's name, lowercased.
    package var name: String
    /// Its value's text (a string literal unquoted), or nil.
    package var value: String?
    /// Where the name is.
    package var location: SourceLocation
}

/// `[WITH …] SELECT [DISTINCT] … [FROM …] [WHERE …] [GROUP BY …] [HAVING …] [ORDER BY …] [LIMIT n] [OFFSET m]`
/// (LIMIT and OFFSET in either order).
package struct SQLSelect: Sendable, Hashable {
    /// Common table expressions, in order (each may use the ones before it).
    package var ctes: [SQLCommonTableExpr] = []
    /// `SELECT DISTINCT`.
    package var distinct = false
    /// The select list.
    package var items: [SQLSelectItem] = []
    /// The FROM source; nil for `SELECT 1 + 1`.
    package var from: SQLTableRef?
    /// WHERE.
    package var whereClause: SQLExpr?
    /// GROUP BY items (expressions, output aliases or 1-based ordinals as integer literals).
    package var groupBy: [SQLExpr] = []
    /// HAVING.
    package var having: SQLExpr?
    /// `WINDOW name AS (…)` definitions, in order.
    package var windows: [SQLNamedWindow] = []
    /// QUALIFY (a filter on window function results).
    package var qualify: SQLExpr?
    /// ORDER BY items.
    package var orderBy: [SQLOrderItem] = []
    /// LIMIT (an expression that must fold to a non-negative integer).
    package var limit: SQLExpr?
    /// OFFSET.
    package var offset: SQLExpr?
    /// `VALUES (…), (…)`: when not empty, the rows of the select (its select list and FROM … QUALIFY are empty),
    /// with columns named col0, col1, … as DuckDB names them.
    package var values: [[SQLExpr]] = []
    /// Where `SELECT` (or `WITH`) starts.
    package var location: SourceLocation
    /// `left UNION | INTERSECT | EXCEPT [ALL] right`: when set, the select's result is that of the set operation
    /// (its own select list and FROM…QUALIFY clauses are empty) and its CTEs, ORDER BY, LIMIT and OFFSET apply to
    /// the whole.
    package var setOperation: SQLSetOperation?

    /// An empty select at `location`.
    package init(location: SourceLocation) { self.location = location }
}

/// `left UNION | INTERSECT | EXCEPT [ALL] right`.
package struct SQLSetOperation: Sendable, Hashable {
    /// The operations.
    package enum Kind: String, Sendable, Hashable {
        case union = "UNION", intersect = "INTERSECT", except = "EXCEPT"
    }

    /// Which operation.
    package var kind: Kind
    /// `ALL`: keep duplicates (bag semantics) instead of distinct rows.
    package var all: Bool
    /// The operands (two; an array, so the recursive value has a size).
    private var operands: [SQLSelect]
    /// Where the operator keyword is.
    package var location: SourceLocation

    /// The left operand.
    package var left: SQLSelect { operands[0] }
    /// The right operand.
    package var right: SQLSelect { operands[1] }

    /// `left kind [ALL] right`.
    package init(_ kind: Kind, all: Bool, _ left: SQLSelect, _ right: SQLSelect, location: SourceLocation) {
        self.kind = kind
        self.all = all
        operands = [left, right]
        self.location = location
    }
}

/// `name [(col, …)] AS (query)` in a WITH clause.
package struct SQLCommonTableExpr: Sendable, Hashable {
    /// The CTE's name.
    package var name: String
    /// Column renames, if given.
    package var columns: [String]?
    /// Its query.
    package var query: SQLSelect
    /// Where its name is.
    package var location: SourceLocation

    /// Creates a CTE.
    package init(name: String, columns: [String]?, query: SQLSelect, location: SourceLocation) {
        self.name = name
        self.columns = columns
        self.query = query
        self.location = location
    }
}

/// One entry of a select list.
package enum SQLSelectItem: Sendable, Hashable {
    /// `*` or `t.*`.
    case star(qualifier: String?, SourceLocation)
    /// `expr [AS alias]`.
    case expr(SQLExpr, alias: String?)
}

/// A FROM source.
package indirect enum SQLTableRef: Sendable, Hashable {
    /// A store table or a CTE: `name [AS alias]`.
    case table(name: String, alias: String?, SourceLocation)
    /// A store table at a committed version: `name AT (VERSION => n) [AS alias]` (DuckDB's time-travel syntax).
    case versionedTable(name: String, version: Int, alias: String?, SourceLocation)
    /// A table function: `read_parquet('glob') [AS alias]`, `read_csv('path', …)`.
    case function(name: String, arguments: [SQLExpr], alias: String?, SourceLocation)
    /// `(SELECT …) [AS alias]`.
    case subquery(SQLSelect, alias: String?, SourceLocation)
    /// A file named by a string, as DuckDB's replacement scans read it: `'data/*.parquet' [AS alias]`,
    /// `'events.csv'` (the reader is chosen by the extension).
    case file(path: String, alias: String?, SourceLocation)
    /// `DESCRIBE …`, `SHOW TABLES` or `SUMMARIZE …` as a source of rows (also a statement of its own).
    case show(SQLShow)
    /// Two sources joined: `a [NATURAL] [INNER | LEFT | RIGHT | FULL] JOIN b [ON … | USING (…)]`, `a CROSS JOIN b`
    /// or `a, b`.
    case join(SQLJoin)
}

/// `DESCRIBE target`, `SHOW TABLES`, `SUMMARIZE target`: statements whose rows describe a table or a query, usable
/// wherever a subquery is (`SELECT column_name FROM (DESCRIBE t)`).
package struct SQLShow: Sendable, Hashable {
    /// What is shown.
    package enum Kind: String, Sendable, Hashable {
        /// The columns of the target: name, type, nullability (DuckDB's `DESCRIBE`; also `SHOW name`).
        case describe = "DESCRIBE"
        /// The store's tables (`SHOW TABLES`); no target.
        case tables = "SHOW TABLES"
        /// Per-column statistics of the target's rows (DuckDB's `SUMMARIZE`).
        case summarize = "SUMMARIZE"
    }

    /// Which statement.
    package var kind: Kind
    /// The rows described: `SELECT * FROM name` for a table or file, or the query as written (nil for SHOW TABLES).
    package var target: SQLSelect?
    /// The table's name when the target is a bare table name (its NOT NULL columns are then reported).
    package var table: String?
    /// Where the statement starts.
    package var location: SourceLocation

    /// Creates a show statement.
    package init(kind: Kind, target: SQLSelect?, table: String?, location: SourceLocation) {
        self.kind = kind
        self.target = target
        self.table = table
        self.location = location
    }
}

/// A join in FROM.
package struct SQLJoin: Sendable, Hashable {
    /// The join types of the syntax.
    package enum Kind: String, Sendable, Hashable {
        case inner = "INNER", left = "LEFT", right = "RIGHT", full = "FULL", cross = "CROSS"
    }

    /// How the rows pair.
    package enum Condition: Sendable, Hashable {
        /// `ON condition`.
        case on(SQLExpr)
        /// `USING (a, b)`: the names and where each is written.
        case using([(String, SourceLocation)])

        package static func == (a: Condition, b: Condition) -> Bool {
            switch (a, b) {
            case let (.on(x), .on(y)): x == y
            case let (.using(x), .using(y)): x.map(\.0) == y.map(\.0) && x.map(\.1) == y.map(\.1)
            default: false
            }
        }

        package func hash(into hasher: inout Hasher) {
            switch self {
            case let .on(e): hasher.combine(e)
            case let .using(names): for (name, location) in names { hasher.combine(name); hasher.combine(location) }
            }
        }
    }

    /// The left source.
    package var left: SQLTableRef
    /// The right source.
    package var right: SQLTableRef
    /// The join type (`CROSS` also for a comma).
    package var kind: Kind
    /// `NATURAL` (USING every column name both sides have).
    package var natural: Bool
    /// The condition, when written.
    package var condition: Condition?
    /// Where the join is written (its first keyword, or the comma).
    package var location: SourceLocation

    /// Creates a join.
    package init(left: SQLTableRef, right: SQLTableRef, kind: Kind, natural: Bool, condition: Condition?,
                 location: SourceLocation) {
        self.left = left
        self.right = right
        self.kind = kind
        self.natural = natural
        self.condition = condition
        self.location = location
    }
}

/// `OVER (…)`: the window of a window function call.
package struct SQLWindowSpec: Sendable, Hashable {
    /// A named window this one starts from (`OVER w`, `OVER (w ORDER BY …)`).
    package var base: String?
    /// PARTITION BY expressions.
    package var partitionBy: [SQLExpr] = []
    /// ORDER BY items.
    package var orderBy: [SQLOrderItem] = []
    /// The frame clause, when written.
    package var frame: SQLWindowFrame?
    /// Where the specification starts.
    package var location: SourceLocation

    /// An empty specification at `location`.
    package init(location: SourceLocation) { self.location = location }
}

/// `ROWS | RANGE [BETWEEN start AND end | start]`.
package struct SQLWindowFrame: Sendable, Hashable {
    /// ROWS (true) or RANGE.
    package var rows: Bool
    /// The frame's first row.
    package var start: SQLFrameBound
    /// Its last row (CURRENT ROW when only a start is written).
    package var end: SQLFrameBound
    /// Where ROWS or RANGE is.
    package var location: SourceLocation
}

/// One end of a frame as written.
package enum SQLFrameBound: Sendable, Hashable {
    case unboundedPreceding
    case preceding(SQLExpr)
    case currentRow
    case following(SQLExpr)
    case unboundedFollowing
}

/// `name AS (…)` in a WINDOW clause.
package struct SQLNamedWindow: Sendable, Hashable {
    /// The window's name.
    package var name: String
    /// Its specification.
    package var spec: SQLWindowSpec
}

/// One ORDER BY item.
package struct SQLOrderItem: Sendable, Hashable {
    /// The key: an expression, an output alias or a 1-based ordinal.
    package var expr: SQLExpr
    /// ASC (default) or DESC.
    package var ascending: Bool
    /// NULLS FIRST / NULLS LAST when written; nil takes the default (NULLS LAST, as in DuckDB).
    package var nullsFirst: Bool?

    /// Creates an ORDER BY item.
    package init(expr: SQLExpr, ascending: Bool, nullsFirst: Bool?) {
        self.expr = expr
        self.ascending = ascending
        self.nullsFirst = nullsFirst
    }
}

/// A literal as written.
package enum SQLLiteral: Sendable, Hashable {
    /// NULL.
    case null
    /// TRUE / FALSE.
    case bool(Bool)
    /// An integer literal (digits only). One too large for Int64 becomes `.decimal` instead, as DuckDB widens it
    /// (`-9223372036854775808` still is `.integer(Int64.min)`: the minus folds into the literal).
    case integer(Int64)
    /// A number with an exponent (`2e3`), or with more than 38 digits: a double.
    case decimal(Double)
    /// A number with a point and no exponent (`1.50`, `.5`): DECIMAL(digits, digits after the point), as DuckDB
    /// types it.
    case exactDecimal(Int128, precision: UInt8, scale: UInt8)
    /// `'text'` (with `''` unescaped).
    case string(String)
    /// `DATE 'yyyy-mm-dd'`, `TIMESTAMP '…'`: a typed string, checked by the binder.
    case typed(DataType, String)
    /// `INTERVAL '3' MONTH`, `INTERVAL 90 DAY`, `INTERVAL '1 year 2 days'`: months, days and microseconds.
    case interval(months: Int64, days: Int64, micros: Int64)
}

/// One `WHEN condition THEN result` of a CASE.
package struct SQLWhen: Sendable, Hashable {
    /// The condition (or, in `CASE operand WHEN value`, the value compared with the operand).
    package var condition: SQLExpr
    /// The result.
    package var result: SQLExpr

    /// Creates a branch.
    package init(condition: SQLExpr, result: SQLExpr) {
        self.condition = condition
        self.result = result
    }
}

/// A scalar (or aggregate) expression as written.
package indirect enum SQLExpr: Sendable, Hashable {
    /// `name` or `qualifier.name`.
    case column(qualifier: String?, name: String, SourceLocation)
    /// A literal.
    case literal(SQLLiteral, SourceLocation)
    /// A parameter: `?` (numbered 1, 2, … left to right) or `$n`.
    case parameter(Int, SourceLocation)
    /// `-e`, `+e` (dropped by the parser) and `NOT e`.
    case unary(Expr.UnaryOperator, SQLExpr, SourceLocation)
    /// Arithmetic, comparison, AND, OR. (`!=` parses as `<>`; `a || b` parses as a call of the function named
    /// `||`, which is NULL when either side is, unlike `concat`.)
    case binary(Expr.BinaryOperator, SQLExpr, SQLExpr, SourceLocation)
    /// `e IS [NOT] NULL`.
    case isNull(SQLExpr, negated: Bool, SourceLocation)
    /// `e [NOT] IN (a, b, …)`.
    case inList(SQLExpr, [SQLExpr], negated: Bool, SourceLocation)
    /// `e [NOT] BETWEEN low AND high`.
    case between(SQLExpr, low: SQLExpr, high: SQLExpr, negated: Bool, SourceLocation)
    /// `e [NOT] LIKE pattern`, `e [NOT] ILIKE pattern`.
    case like(SQLExpr, pattern: SQLExpr, negated: Bool, caseInsensitive: Bool, SourceLocation)
    /// `CAST(e AS type)` or `e::type`; the type name as written (`BIGINT`, `varchar`, `DOUBLE`, …).
    case cast(SQLExpr, typeName: String, SourceLocation)
    /// `name(args)`, `name(DISTINCT args)`, `name(*)` (`star`, with no arguments).
    case function(name: String, arguments: [SQLExpr], distinct: Bool, star: Bool, SourceLocation)
    /// `CASE [operand] WHEN … THEN … [ELSE …] END`.
    case caseWhen(operand: SQLExpr?, branches: [SQLWhen], otherwise: SQLExpr?, SourceLocation)
    /// `name(arguments) OVER (…)` (`star`: `count(*)`).
    case window(name: String, arguments: [SQLExpr], star: Bool, SQLWindowSpec, SourceLocation)
    /// `(SELECT …)` as a value (a scalar subquery); `text` is the subquery as written, for column names.
    case subquery(SQLSelect, text: String, SourceLocation)
    /// `EXISTS (SELECT …)`.
    case exists(SQLSelect, text: String, SourceLocation)
    /// `e [NOT] IN (SELECT …)`.
    case inSubquery(SQLExpr, SQLSelect, negated: Bool, text: String, SourceLocation)
    /// `e op ANY (SELECT …)` (also `SOME`), or `e op ALL (SELECT …)` (`all`), for a comparison `op`.
    case quantified(Expr.BinaryOperator, SQLExpr, SQLSelect, all: Bool, text: String, SourceLocation)

    /// Whether the expression holds a subquery (`(SELECT …)`, EXISTS, IN or a quantified comparison).
    package var containsSubquery: Bool {
        switch self {
        case .subquery, .exists, .inSubquery, .quantified: true
        case .column, .literal, .parameter: false
        case let .unary(_, a, _), let .isNull(a, _, _), let .cast(a, _, _): a.containsSubquery
        case let .binary(_, a, b, _), let .like(a, b, _, _, _): a.containsSubquery || b.containsSubquery
        case let .inList(a, list, _, _): a.containsSubquery || list.contains { $0.containsSubquery }
        case let .between(a, lo, hi, _, _): [a, lo, hi].contains { $0.containsSubquery }
        case let .function(_, args, _, _, _): args.contains { $0.containsSubquery }
        case let .window(_, args, _, spec, _):
            args.contains { $0.containsSubquery } || spec.partitionBy.contains { $0.containsSubquery }
                || spec.orderBy.contains { $0.expr.containsSubquery }
        case let .caseWhen(operand, branches, otherwise, _):
            (operand?.containsSubquery ?? false) || (otherwise?.containsSubquery ?? false)
                || branches.contains { $0.condition.containsSubquery || $0.result.containsSubquery }
        }
    }

    /// Where the expression starts.
    package var location: SourceLocation {
        switch self {
        case let .column(_, _, l), let .literal(_, l), let .parameter(_, l), let .unary(_, _, l),
             let .binary(_, _, _, l), let .isNull(_, _, l), let .inList(_, _, _, l), let .between(_, _, _, _, l),
             let .like(_, _, _, _, l), let .cast(_, _, l), let .function(_, _, _, _, l), let .caseWhen(_, _, _, l),
             let .window(_, _, _, _, l), let .subquery(_, _, l), let .exists(_, _, l), let .inSubquery(_, _, _, _, l),
             let .quantified(_, _, _, _, _, l):
            return l
        }
    }
}
