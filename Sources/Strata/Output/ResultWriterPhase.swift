import StrataCore

/// Where a ``ResultWriter`` is in its `begin → write* → finish` sequence; rejects calls out of order and batches
/// whose column types are not the schema's.
struct ResultWriterPhase {
    /// The schema given to `begin`, once it was called.
    private(set) var schema: Schema?
    private var finished = false

    /// Records `begin(schema:)`.
    mutating func begin(_ schema: Schema) throws {
        guard self.schema == nil, !finished else { throw StrataError(.internal, "result writer begun twice") }
        self.schema = schema
    }

    /// Checks that `batch` may be written now.
    func check(_ batch: Batch) throws {
        guard let schema, !finished else { throw StrataError(.internal, "result batch written outside begin/finish") }
        guard batch.schema.fields.map(\.type) == schema.fields.map(\.type) else {
            throw StrataError(.schemaMismatch, "result batch (\(batch.schema)) does not match the schema (\(schema))")
        }
    }

    /// Records `finish()`; returns the schema.
    mutating func finish() throws -> Schema {
        guard let schema, !finished else {
            throw StrataError(.internal, "result writer finished before begin or twice")
        }
        finished = true
        return schema
    }
}
