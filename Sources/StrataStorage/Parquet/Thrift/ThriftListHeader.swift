/// A decoded list or set header: the element type and the number of elements that follow.
package struct ThriftListHeader: Sendable, Hashable {
    /// The wire type of every element (`boolTrue` for bool elements, whichever bool code was written).
    package var elementType: ThriftWireType
    /// The number of elements; never more than the bytes left in the buffer.
    package var count: Int

    /// Creates a list header.
    package init(elementType: ThriftWireType, count: Int) {
        self.elementType = elementType
        self.count = count
    }
}
