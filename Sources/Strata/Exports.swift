// The embedding API re-exports the core value types (Schema, Field, DataType, Column, Batch, Value, StrataError).
@_exported import StrataCore
