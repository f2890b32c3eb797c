// The embedding API re-exports the core value types (Schema, Field, DataType, Column, Batch, Value, StrataError).
@_exported import StrataCore
// …and the query types (Expr, AggregateCall, LogicalPlan, ExecutionOptions, QueryStatistics, …).
@_exported import StrataExecution
