import StrataSQL

/// A parsed SQL statement, run any number of times with different parameter values (`?` or `$1` placeholders).
///
/// ```swift
/// let statement = try db.prepare("SELECT id1, sum(v1) AS v1 FROM x WHERE v2 > ? GROUP BY id1")
/// let rows = try statement.fetchAll([.int64(3)])
/// ```
/// Statements are immutable and `Sendable`; each execution binds names against the tables' current versions.
public final class Statement: Sendable {
    /// The database the statement reads.
    public let database: Database
    /// The SQL text.
    public let sql: String
    /// How many parameter values each execution needs.
    public let parameterCount: Int
    private let parsed: SQLStatement

    /// Parses `sql`.
    /// - Throws: `StrataError` `.invalidArgument` with line, column and a caret for a syntax error.
    init(database: Database, sql: String) throws {
        self.database = database
        self.sql = sql
        (parsed, parameterCount) = try SQLParser.parseWithParameters(sql)
    }

    /// Starts the statement; read its batches from the returned cursor.
    /// - Parameters:
    ///   - arguments: Values for the parameters, in order.
    ///   - cancellation: A handle that stops the query from another thread.
    ///   - profile: Whether to record the run's memory, spill and tasks over time: the cursor's
    ///     ``ResultCursor/profile`` then holds the performance report's data once the last batch is read.
    public func execute(_ arguments: [Value] = [], cancellation: QueryCancellation = QueryCancellation(),
                        profile: Bool = false) throws -> ResultCursor
    {
        guard arguments.count == parameterCount else {
            throw StrataError(.invalidArgument, "the statement has \(parameterCount) parameters but "
                + "\(arguments.count) values were given")
        }
        let catalog = StoreCatalog(database: database)
        var bound = try SQLBinder(sql: sql, parameters: arguments, catalog: catalog).bind(parsed)
        if case let .vacuum(table, hours, dryRun) = bound.action {
            let report = try database.vacuum(table, retainHours: hours, dryRun: dryRun)
            let schema = Schema(unchecked: [Field("path", .string), Field("bytes", .int64)])
            bound.plan = .values(schema, report.files.map { [.string($0.name), .int64($0.bytes)] })
            bound.action = .query
        }
        let options = database.configuration.executionOptions(cancellation: cancellation)
        switch bound.action {
        case .createTable, .createTableAs, .insert, .delete, .update, .dropTable, .copyTo, .copyFrom:
            return try TableStatements.run(bound.action, plan: bound.plan, database: database, catalog: catalog,
                                           options: options)
        case .query, .explain, .explainAnalyze, .vacuum:
            break
        }
        let execution = try QueryExecution(plan: bound.plan, options: options) { name in
            try catalog.snapshot(of: name)
        }
        switch bound.action {
        case .query:
            return ResultCursor(execution: execution, columnNames: bound.columnNames, cancellation: cancellation,
                                keepAlive: catalog, profile: profile ? sql : nil)
        case .explain:
            let text = "Logical plan:\n" + execution.logicalPlan.description.indented + "\n\nPhysical plan:\n"
                + (try execution.explain()).indented
            return try Statement.textResult(text, statistics: nil)
        case let .explainAnalyze(format):
            var statistics = try execution.run(profile: format != "text") { _ in }
            statistics.profile?.query = sql
            if let profile = statistics.profile {
                let text = format == "html" ? profile.html() : String(decoding: try profile.json(), as: UTF8.self)
                return try Statement.textResult(text, statistics: statistics, split: false)
            }
            let text = "Physical plan, as run:\n" + statistics.analyzedPlan.indented + "\n\n" + statistics.description
            return try Statement.textResult(text, statistics: statistics)
        case .vacuum, .createTable, .createTableAs, .insert, .delete, .update, .dropTable, .copyTo, .copyFrom:
            throw StrataError(.internal, "a statement that changes tables reached query execution")
        }
    }

    /// Runs the statement and returns every row.
    public func fetchAll(_ arguments: [Value] = []) throws -> [Row] {
        let cursor = try execute(arguments)
        var rows: [Row] = []
        while let batch = try cursor.next() {
            for i in 0..<batch.count { rows.append(Row(columnNames: cursor.columnNames, values: batch.row(i))) }
        }
        return rows
    }

    /// Runs the statement and returns its first row (nil when there is none); the rest of the query is stopped.
    public func fetchOne(_ arguments: [Value] = []) throws -> Row? {
        let cursor = try execute(arguments)
        defer { cursor.cancel() }
        while let batch = try cursor.next() {
            if batch.count > 0 { return Row(columnNames: cursor.columnNames, values: batch.row(0)) }
        }
        return nil
    }

    /// EXPLAIN's output as a one-column result, a row per line (or one row for a whole document).
    private static func textResult(_ text: String, statistics: QueryStatistics?, split: Bool = true) throws
        -> ResultCursor {
        let lines = split ? text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) : [text]
        let schema = Schema(unchecked: [Field("explain", .string)])
        let batch = try Batch(schema: schema, columns: [try Column(type: .string, values: lines.map { .string($0) })])
        return ResultCursor(batches: [batch], columnNames: ["explain"], statistics: statistics)
    }
}

private extension String {
    var indented: String {
        split(separator: "\n", omittingEmptySubsequences: false).map { "  " + $0 }.joined(separator: "\n")
    }
}

extension Database {
    /// Parses `sql` into a reusable statement.
    public func prepare(_ sql: String) throws -> Statement { try Statement(database: self, sql: sql) }

    /// Runs `sql` with `arguments` for its parameters; read the result from the cursor.
    public func query(_ sql: String, _ arguments: [Value] = []) throws -> ResultCursor {
        try prepare(sql).execute(arguments)
    }

    /// Runs `sql` and returns every row.
    public func fetchAll(_ sql: String, _ arguments: [Value] = []) throws -> [Row] {
        try prepare(sql).fetchAll(arguments)
    }

    /// Runs `sql` and returns its first row.
    public func fetchOne(_ sql: String, _ arguments: [Value] = []) throws -> Row? {
        try prepare(sql).fetchOne(arguments)
    }
}
