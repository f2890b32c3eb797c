import StrataExecution
import StrataStorage
import Synchronization

/// A lazily built query over one table, in the style of a DataFrame API; nothing runs until ``collect(options:)``,
/// ``stream(options:_:)`` or ``explain(options:)``.
///
/// ```swift
/// let result = try db.table("x")
///     .filter(col("v1") > 2)
///     .groupBy("id1")
///     .aggregate(.sum(col("v1"), as: "v1"), .avg(col("v3"), as: "v3"))
///     .orderBy(SortKey(col("v1"), ascending: false))
///     .limit(10)
///     .collect(options: ExecutionOptions(memoryLimit: 1 << 30))
/// ```
public struct Query: Sendable {
    /// The database the query reads.
    public let database: Database
    /// The plan built so far.
    public let plan: LogicalPlan

    /// Wraps `plan`.
    public init(database: Database, plan: LogicalPlan) {
        self.database = database
        self.plan = plan
    }

    /// Keeps the rows where `predicate` is TRUE.
    public func filter(_ predicate: Expr) -> Query { Query(database: database, plan: .filter(predicate, plan)) }

    /// Computes the listed columns.
    public func select(_ columns: [NamedExpr]) -> Query { Query(database: database, plan: .project(columns, plan)) }

    /// Computes the listed columns.
    public func select(_ columns: NamedExpr...) -> Query { select(columns) }

    /// Groups by the named columns; finish with `GroupedQuery.aggregate(_:)`.
    public func groupBy(_ columns: String...) -> GroupedQuery {
        GroupedQuery(query: self, keys: columns.map(NamedExpr.column))
    }

    /// Groups by the given key expressions; finish with `GroupedQuery.aggregate(_:)`.
    public func groupBy(_ keys: [NamedExpr]) -> GroupedQuery { GroupedQuery(query: self, keys: keys) }

    /// Aggregates all rows into one.
    public func aggregate(_ aggregates: AggregateCall...) -> Query {
        Query(database: database, plan: .aggregate(keys: [], aggregates: aggregates, plan))
    }

    /// Orders the rows.
    public func orderBy(_ keys: SortKey...) -> Query { Query(database: database, plan: .sort(keys, plan)) }

    /// Adds one column per window call (`row_number`, `rank`, `lag`, running `sum`, …): each row's result over its
    /// partition, ordered and framed as the call says. The rows come out in no particular order.
    public func window(_ calls: WindowCall...) -> Query {
        Query(database: database, plan: .window(calls, plan))
    }

    /// Keeps at most `count` rows after skipping `offset`.
    public func limit(_ count: Int, offset: Int = 0) -> Query {
        Query(database: database, plan: .limit(count: count, offset: offset, plan))
    }

    /// Joins this query (the left input) with `other`, pairing the rows for which `condition` is TRUE; a condition
    /// of equalities between the two sides (`col("id1") == col("id1_right")`) runs as a hash join, anything else is
    /// checked on the pairs. Columns of `other` whose names this query already has are renamed with `suffix`
    /// (`id4` → `id4_right`), and the condition sees the renamed names. Semi, anti and mark joins return this
    /// query's columns (plus the mark).
    ///
    /// ```swift
    /// let joined = try db.table("x").join(db.table("small"), on: col("id1") == col("id1_right"), kind: .left)
    /// ```
    public func join(_ other: Query, on condition: Expr, kind: JoinKind = .inner,
                     suffix: String = "_right") throws -> Query {
        let (right, _) = try renamed(other, suffix: suffix)
        return Query(database: database, plan: .join(kind, plan, right, on: condition))
    }

    /// Joins on equal values of `columns`, which both inputs have: they come out once, in this query's position
    /// (taken from the left input, from the right one for `.right`, the first non-NULL of both for `.full`),
    /// followed by the other columns of both sides (the right side's renamed with `suffix` where they collide).
    public func join(_ other: Query, using columns: [String], kind: JoinKind = .inner,
                     suffix: String = "_right") throws -> Query {
        let (right, names) = try renamed(other, suffix: suffix)
        let leftNames = try self.columnNames()
        var condition: Expr?
        for column in columns {
            guard leftNames.contains(column), let renamed = names[column] else {
                throw StrataError(.notFound, "USING column \"\(column)\" is not in both inputs", column: column)
            }
            let equal = Expr.binary(.equal, .column(column), .column(renamed))
            condition = condition.map { .binary(.and, $0, equal) } ?? equal
        }
        let joined = LogicalPlan.join(kind, plan, right, on: condition)
        guard kind.keepsRightColumns else { return Query(database: database, plan: joined) }
        var output: [NamedExpr] = []
        for name in leftNames {
            guard columns.contains(name), let renamed = names[name] else {
                output.append(.column(name))
                continue
            }
            switch kind {
            case .right: output.append(NamedExpr(.column(renamed), as: name))
            case .full:
                output.append(NamedExpr(.caseWhen([Expr.WhenThen(when: .isNull(.column(name), negated: true),
                                                                 then: .column(name))],
                                                  otherwise: .column(renamed)), as: name))
            default: output.append(.column(name))
            }
        }
        for original in try other.columnNames() where !columns.contains(original) {
            if let name = names[original] { output.append(.column(name)) }
        }
        return Query(database: database, plan: .project(output, joined))
    }

    /// Pairs every row of this query with every row of `other` (a cross product; columns renamed as by
    /// ``join(_:on:kind:suffix:)``).
    public func crossJoin(_ other: Query, suffix: String = "_right") throws -> Query {
        let (right, _) = try renamed(other, suffix: suffix)
        return Query(database: database, plan: .join(.inner, plan, right, on: nil))
    }

    /// The names of the columns the query produces.
    public func columnNames() throws -> [String] {
        try plan.columnNames { try database.schema(of: $0) }
    }

    /// `other`'s plan with the columns this query also has renamed with `suffix`, and each original name's new one.
    private func renamed(_ other: Query, suffix: String) throws -> (LogicalPlan, [String: String]) {
        var taken = Set(try columnNames())
        let names = try other.columnNames()
        var mapping: [String: String] = [:]
        var changed = false
        for name in names {
            var candidate = name
            var n = 1
            while taken.contains(candidate) {
                candidate = name + suffix + (n == 1 ? "" : "_\(n)")
                n += 1
            }
            taken.insert(candidate)
            mapping[name] = candidate
            changed = changed || candidate != name
        }
        guard changed else { return (other.plan, mapping) }
        return (.project(names.map { NamedExpr(.column($0), as: mapping[$0] ?? $0) }, other.plan), mapping)
    }

    /// Runs the query and returns all result rows. Without `options`, the query runs as the database's
    /// ``Configuration`` says (memory limit, threads, spill directory, spill cap).
    public func collect(options: ExecutionOptions? = nil) throws -> QueryResult {
        try database.collect(plan, options: options)
    }

    /// Runs the query, handing each result batch to `body` as it is ready (in order under ORDER BY).
    @discardableResult
    public func stream(options: ExecutionOptions? = nil,
                       _ body: @escaping @Sendable (Batch) throws -> Void) throws -> QueryStatistics {
        try database.execute(plan, options: options, body)
    }

    /// Starts the query; read its batches from the cursor (``ResultCursor/next()``, or awaited through
    /// ``ResultCursor/batches``). It runs on background threads while you read, within the database's
    /// configuration unless `options` are given.
    public func cursor(options: ExecutionOptions? = nil) throws -> ResultCursor {
        try database.cursor(plan, options: options)
    }

    /// The query's result batches as an `AsyncSequence` (started when iteration starts; cancelled with the task).
    public func batches(options: ExecutionOptions? = nil) -> QueryBatches {
        QueryBatches { try self.cursor(options: options) }
    }

    /// The physical plan and its task graph.
    public func explain(options: ExecutionOptions? = nil) throws -> String {
        try database.explain(plan, options: options)
    }

    /// The task graph in Graphviz DOT.
    public func dot(options: ExecutionOptions? = nil) throws -> String {
        try database.dot(plan, options: options)
    }
}

/// A query waiting for its aggregates.
public struct GroupedQuery: Sendable {
    /// The input.
    public let query: Query
    /// The group keys.
    public let keys: [NamedExpr]

    /// One row per group with these aggregates.
    public func aggregate(_ aggregates: AggregateCall...) -> Query { aggregate(aggregates) }

    /// One row per group with these aggregates.
    public func aggregate(_ aggregates: [AggregateCall]) -> Query {
        Query(database: query.database, plan: .aggregate(keys: keys, aggregates: aggregates, query.plan))
    }
}

/// All rows of a query result.
public struct QueryResult: Sendable {
    /// The result schema.
    public let schema: Schema
    /// The result batches, in order.
    public let batches: [Batch]
    /// What the query did.
    public let statistics: QueryStatistics

    /// Number of rows.
    public var rowCount: Int { batches.reduce(0) { $0 + $1.count } }

    /// All rows as scalars (slow; for tests and small results).
    public var rows: [[Value]] { batches.flatMap { batch in (0..<batch.count).map(batch.row) } }
}

extension Database {
    /// A query over the current version of table `name`.
    public func table(_ name: String) -> Query { Query(database: self, plan: .scan(table: name, columns: nil)) }

    /// A query over committed version `version` of table `name` (time travel, as `AT (VERSION => n)` in SQL).
    public func table(_ name: String, version: Int) -> Query {
        Query(database: self, plan: .scan(table: Store.reference(name, version: version), columns: nil))
    }

    private func execution(_ plan: LogicalPlan, options: ExecutionOptions?) throws -> QueryExecution {
        try QueryExecution(plan: plan, options: options ?? configuration.executionOptions()) { name in
            try self.snapshot(of: name)
        }
    }

    /// Starts `plan`; read its batches from the cursor.
    public func cursor(_ plan: LogicalPlan, options: ExecutionOptions? = nil) throws -> ResultCursor {
        let resolved = options ?? configuration.executionOptions(cancellation: QueryCancellation())
        let cancellation = resolved.cancellation ?? QueryCancellation()
        var withCancellation = resolved
        withCancellation.cancellation = cancellation
        let execution = try execution(plan, options: withCancellation)
        return ResultCursor(execution: execution, columnNames: execution.schema.fields.map(\.name),
                            cancellation: cancellation, keepAlive: self)
    }

    /// Runs `plan`, handing each result batch to `body` (one at a time, in order under ORDER BY).
    @discardableResult
    public func execute(_ plan: LogicalPlan, options: ExecutionOptions? = nil,
                        _ body: @escaping @Sendable (Batch) throws -> Void) throws -> QueryStatistics {
        try execution(plan, options: options).run { (batch) throws(StrataError) in
            do {
                try body(batch)
            } catch let error as StrataError {
                throw error
            } catch {
                throw StrataError(.internal, "result consumer failed: \(error)")
            }
        }
    }

    /// Runs `plan` and returns all its rows.
    public func collect(_ plan: LogicalPlan, options: ExecutionOptions? = nil) throws -> QueryResult {
        let execution = try execution(plan, options: options)
        let batches = ResultCollector()
        let statistics = try execution.run { batch in batches.append(batch) }
        return QueryResult(schema: execution.schema, batches: batches.all, statistics: statistics)
    }

    /// The physical plan of `plan` and its task graph, as text.
    public func explain(_ plan: LogicalPlan, options: ExecutionOptions? = nil) throws -> String {
        try execution(plan, options: options).explain()
    }

    /// The task graph of `plan` in Graphviz DOT.
    public func dot(_ plan: LogicalPlan, options: ExecutionOptions? = nil) throws -> String {
        try execution(plan, options: options).dot()
    }
}

/// Gathers result batches from the executor's threads.
private final class ResultCollector: Sendable {
    private let batches = Mutex<[Batch]>([])
    func append(_ batch: Batch) { batches.withLock { $0.append(batch) } }
    var all: [Batch] { batches.withLock { $0 } }
}
