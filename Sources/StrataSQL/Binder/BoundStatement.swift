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
        /// Run it and describe what each operator did (`EXPLAIN ANALYZE`).
        case explainAnalyze
    }

    /// The plan.
    package var plan: LogicalPlan
    /// The action.
    package var action: Action
    /// The result columns' names as the user wrote them (they may repeat; the plan's own names are unique).
    package var columnNames: [String]
}
