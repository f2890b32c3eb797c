/// A named, typed column of a schema. Every field is nullable unless `nullable` is `false`.
public struct Field: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The column name.
    public var name: String
    /// The column's logical type.
    public var type: DataType
    /// Whether the column may hold nulls.
    public var nullable: Bool

    /// Creates a field.
    public init(_ name: String, _ type: DataType, nullable: Bool = true) {
        self.name = name
        self.type = type
        self.nullable = nullable
    }

    public var description: String { nullable ? "\(name):\(type)" : "\(name):\(type) not null" }
}
