/// The physical (storage) type of a Parquet column (Thrift enum `Type`).
package enum PhysicalType: Int32, Sendable, Hashable, CaseIterable {
    /// Bit-packed booleans.
    case boolean = 0
    /// 32-bit signed integers.
    case int32 = 1
    /// 64-bit signed integers.
    case int64 = 2
    /// 96-bit values (deprecated; legacy timestamps).
    case int96 = 3
    /// IEEE 754 single precision.
    case float = 4
    /// IEEE 754 double precision.
    case double = 5
    /// Variable-length byte strings.
    case byteArray = 6
    /// Byte strings of `SchemaElement.typeLength` bytes.
    case fixedLenByteArray = 7
}
