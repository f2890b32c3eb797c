/// One result row, with typed access by position or column name.
///
/// ```swift
/// for row in try db.fetchAll("SELECT id1, sum(v1) AS total FROM x GROUP BY id1") {
///     let id: String? = row["id1"]
///     let total: Int? = row["total"]
/// }
/// ```
public struct Row: Sendable, Hashable {
    /// The column names, as written in the query.
    public let columnNames: [String]
    /// The values, in column order.
    public let values: [Value]

    /// Creates a row.
    public init(columnNames: [String], values: [Value]) {
        self.columnNames = columnNames
        self.values = values
    }

    /// The value at `index`.
    public subscript(_ index: Int) -> Value { values[index] }

    /// The value of the first column called `name` (exact match first, then ignoring case); nil when there is none.
    public subscript(_ name: String) -> Value? {
        let index = columnNames.firstIndex(of: name)
            ?? columnNames.firstIndex { $0.lowercased() == name.lowercased() }
        return index.map { values[$0] }
    }

    /// The value of column `name` as `T`; nil when the column is missing, the value NULL or not convertible.
    public subscript<T: ValueConvertible>(_ name: String) -> T? {
        self[name].flatMap { T(strataValue: $0) }
    }

    /// The value at `index` as `T`.
    public subscript<T: ValueConvertible>(_ index: Int) -> T? {
        T(strataValue: values[index])
    }
}
