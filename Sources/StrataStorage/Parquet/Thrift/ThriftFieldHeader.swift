/// A decoded struct field header: the field id and the wire type of the value that follows.
package struct ThriftFieldHeader: Sendable, Hashable {
    /// The Thrift field id.
    package var id: Int16
    /// The wire type of the value; for bool fields it also carries the value.
    package var type: ThriftWireType

    /// Creates a field header.
    package init(id: Int16, type: ThriftWireType) {
        self.id = id
        self.type = type
    }

    /// The value of a bool field (meaningful only when `type.isBool`).
    @inlinable
    package var boolValue: Bool { type == .boolTrue }
}
