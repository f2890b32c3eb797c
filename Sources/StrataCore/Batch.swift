/// A horizontal slice of a table: equal-length columns under a schema.
public struct Batch: Sendable, Hashable {
    /// The schema of the columns.
    public let schema: Schema
    /// The columns, in schema order.
    public let columns: [Column]
    /// Number of rows.
    public let count: Int

    /// Creates a batch; throws when column count, types or lengths disagree with the schema.
    public init(schema: Schema, columns: [Column]) throws(StrataError) {
        guard schema.count == columns.count else {
            throw StrataError(.schemaMismatch, "batch has \(columns.count) columns, schema has \(schema.count)")
        }
        let rows = columns.first?.count ?? 0
        for (field, column) in zip(schema.fields, columns) {
            guard field.type == column.type else {
                throw StrataError(.schemaMismatch, "column is \(column.type), schema says \(field.type)",
                                  column: field.name)
            }
            guard column.count == rows else {
                throw StrataError(.schemaMismatch, "column has \(column.count) rows, expected \(rows)",
                                  column: field.name)
            }
            if !field.nullable && column.nullCount > 0 {
                throw StrataError(.schemaMismatch, "column is NOT NULL but holds \(column.nullCount) nulls",
                                  column: field.name)
            }
        }
        self.schema = schema
        self.columns = columns
        self.count = rows
    }

    /// The column called `name`, if any.
    public func column(named name: String) -> Column? {
        schema.index(of: name).map { columns[$0] }
    }

    /// Row `row` as scalars (slow; for tests and printing).
    public func row(_ row: Int) -> [Value] { columns.map { $0.value(at: row) } }

    /// Approximate bytes held by the batch.
    public var byteCount: Int { columns.reduce(0) { $0 + $1.byteCount } }
}
