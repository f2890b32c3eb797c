/// The type codes of the Thrift compact protocol, as carried in the low nibble of field headers and list headers.
///
/// Bool fields carry their value in the type code (`boolTrue`/`boolFalse`) and have no payload; bool list elements
/// are one byte each and are always reported as `boolTrue` by ``ThriftCompactReader/readListHeader()``.
package enum ThriftWireType: UInt8, Sendable, Hashable {
    /// A bool field whose value is true, or the element type of a bool list.
    case boolTrue = 1
    /// A bool field whose value is false (also accepted as the element type of a bool list).
    case boolFalse = 2
    /// One raw byte.
    case i8 = 3
    /// A zigzag varint in the 16-bit range.
    case i16 = 4
    /// A zigzag varint in the 32-bit range.
    case i32 = 5
    /// A zigzag varint.
    case i64 = 6
    /// Eight bytes, little-endian IEEE 754.
    case double = 7
    /// An unsigned varint length followed by that many bytes (also used for strings).
    case binary = 8
    /// A list header followed by its elements.
    case list = 9
    /// A set; encoded exactly like a list.
    case set = 10
    /// A map: varint size, a key/value type byte when the size is not zero, then the entries.
    case map = 11
    /// A nested struct, terminated by a stop byte.
    case `struct` = 12
    /// Sixteen raw bytes.
    case uuid = 13

    /// Whether this is one of the two bool codes.
    @inlinable
    package var isBool: Bool { self == .boolTrue || self == .boolFalse }
}
