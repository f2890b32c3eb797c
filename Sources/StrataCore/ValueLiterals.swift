/// Literals as values, so parameters read as written: `try statement.fetchAll([500, "web", 2.5, true])`.
/// Integers become `.int64`, floating-point literals `.double`, strings `.string` and booleans `.bool` (SQL casts
/// them to the column's type where they meet it, as DuckDB does with its parameters); NULL stays `.null`.
extension Value: ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral, ExpressibleByStringLiteral,
    ExpressibleByBooleanLiteral
{
    /// `.int64(value)`.
    public init(integerLiteral value: Int64) { self = .int64(value) }
    /// `.double(value)`.
    public init(floatLiteral value: Double) { self = .double(value) }
    /// `.string(value)`.
    public init(stringLiteral value: String) { self = .string(value) }
    /// `.bool(value)`.
    public init(booleanLiteral value: Bool) { self = .bool(value) }
}
