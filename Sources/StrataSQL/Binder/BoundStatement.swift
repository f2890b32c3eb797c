import StrataCore
import StrataExecution

/// A statement ready to run: its plan and the names its result columns are shown under.
package struct BoundStatement: Sendable {
    /// What to do with the plan.
    package enum Action: Sendable, Equatable {
        /// Run it and return its rows.
        case query
        /// Describe it (`EXPLAIN`).
        case explain
        /// Run it and describe what each operator did (`EXPLAIN ANALYZE`): as text, or as the performance report in
        /// `json` or `html`.
        case explainAnalyze(format: String)
        /// `VACUUM`: delete the files of `table` no version within the retention needs (the plan is unused); the
        /// result lists them.
        case vacuum(table: String, retainHours: Double?, dryRun: Bool)
        /// `CREATE TABLE t (…)`: create `table` with `schema` (a new version of it with `orReplace`; nothing when it
        /// exists and `ifNotExists`). The plan is unused.
        case createTable(table: String, schema: Schema, orReplace: Bool, ifNotExists: Bool)
        /// `CREATE TABLE t AS query`: the plan's rows as the first version of `table` (the next one with
        /// `orReplace`).
        case createTableAs(table: String, orReplace: Bool, ifNotExists: Bool)
        /// `INSERT INTO`: the plan's rows, already in the table's columns and types, appended to `table`.
        case insert(table: String)
        /// `DELETE`: the plan gives the table's columns and ``matchColumn`` (TRUE for a row to delete) over the
        /// scan named ``BoundStatement/targetReference``, which the executor replaces by each file in turn.
        case delete(table: String)
        /// `UPDATE`: as DELETE, the columns holding the new values where ``matchColumn`` is TRUE.
        case update(table: String)
        /// `DROP TABLE`.
        case dropTable(table: String, ifExists: Bool)
        /// `COPY (query) TO path`: the plan's rows written as CSV or Parquet (`options`: format, header, delimiter…).
        case copyTo(path: String, options: [String: String])
        /// `COPY table FROM path`: a CSV or Parquet file's rows appended to `table`.
        case copyFrom(table: String, path: String, options: [String: String])
    }

    /// The name DELETE and UPDATE plans scan the target table under; the executor replaces it by each file.
    package static let targetReference = "\u{1}target"

    /// The column of DELETE and UPDATE plans that is TRUE for the rows they change (a name no user can write).
    package static let matchColumn = "\u{1}match"

    /// The plan.
    package var plan: LogicalPlan
    /// The action.
    package var action: Action
    /// The result columns' names as the user wrote them (they may repeat; the plan's own names are unique).
    package var columnNames: [String]
}
