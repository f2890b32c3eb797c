/// The deprecated logical annotation of a schema element, still written next to ``LogicalType``.
package enum ConvertedType: Int32, Sendable, Hashable, CaseIterable {
    /// UTF-8 string.
    case utf8 = 0
    /// A map group.
    case map = 1
    /// The key/value group inside a map.
    case mapKeyValue = 2
    /// A list group.
    case list = 3
    /// An enum stored as a string.
    case `enum` = 4
    /// A decimal; scale and precision are in the schema element.
    case decimal = 5
    /// Days since the Unix epoch.
    case date = 6
    /// Milliseconds since midnight.
    case timeMillis = 7
    /// Microseconds since midnight.
    case timeMicros = 8
    /// Milliseconds since the Unix epoch, UTC.
    case timestampMillis = 9
    /// Microseconds since the Unix epoch, UTC.
    case timestampMicros = 10
    /// Unsigned 8-bit integer.
    case uint8 = 11
    /// Unsigned 16-bit integer.
    case uint16 = 12
    /// Unsigned 32-bit integer.
    case uint32 = 13
    /// Unsigned 64-bit integer.
    case uint64 = 14
    /// Signed 8-bit integer.
    case int8 = 15
    /// Signed 16-bit integer.
    case int16 = 16
    /// Signed 32-bit integer.
    case int32 = 17
    /// Signed 64-bit integer.
    case int64 = 18
    /// JSON document stored as a string.
    case json = 19
    /// BSON document stored as binary.
    case bson = 20
    /// Months, days and milliseconds in a 12-byte fixed-length array.
    case interval = 21
}
