/// Encodes the Thrift compact protocol by appending to a byte array.
///
/// Structs are written as `writeStructBegin()`, field headers with their values, `writeStructEnd()` (which writes
/// the stop byte). Field headers use the one-byte short form when the id is 1…15 above the previous id of the same
/// struct, and the long form otherwise (decreasing ids, jumps over 15).
package struct ThriftCompactWriter: Sendable {
    /// The bytes written so far.
    package private(set) var bytes: [UInt8]
    private var lastFieldID: Int16 = 0
    private var outerFieldIDs: [Int16] = []

    /// Creates an empty writer, optionally reserving room for `capacity` bytes.
    package init(reservingCapacity capacity: Int = 0) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    /// Removes all bytes and resets the struct state, keeping the allocated capacity.
    package mutating func reset() {
        bytes.removeAll(keepingCapacity: true)
        lastFieldID = 0
        outerFieldIDs.removeAll(keepingCapacity: true)
    }

    // MARK: - Primitives

    /// Appends one raw byte.
    @inline(__always)
    package mutating func writeByte(_ byte: UInt8) {
        bytes.append(byte)
    }

    /// Appends an unsigned LEB128 varint.
    package mutating func writeVarUInt64(_ value: UInt64) {
        var value = value
        while value >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(value))
    }

    /// Appends a zigzag varint (the same bytes for i16, i32 and i64 values).
    @inline(__always)
    private mutating func writeZigZag(_ value: Int64) {
        writeVarUInt64(UInt64(bitPattern: (value << 1) ^ (value >> 63)))
    }

    /// Appends an i8 (one raw byte).
    package mutating func writeI8(_ value: Int8) { bytes.append(UInt8(bitPattern: value)) }
    /// Appends an i16 (zigzag varint).
    package mutating func writeI16(_ value: Int16) { writeZigZag(Int64(value)) }
    /// Appends an i32 (zigzag varint); enums use this too.
    package mutating func writeI32(_ value: Int32) { writeZigZag(Int64(value)) }
    /// Appends an i64 (zigzag varint).
    package mutating func writeI64(_ value: Int64) { writeZigZag(value) }

    /// Appends a double (8 bytes, little-endian).
    package mutating func writeDouble(_ value: Double) {
        withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes.append(contentsOf: $0) }
    }

    /// Appends a binary value: unsigned varint length, then the bytes.
    package mutating func writeBinary(_ value: [UInt8]) {
        writeVarUInt64(UInt64(value.count))
        bytes.append(contentsOf: value)
    }

    /// Appends a binary value from raw memory.
    package mutating func writeBinary(_ value: UnsafeRawBufferPointer) {
        writeVarUInt64(UInt64(value.count))
        bytes.append(contentsOf: value)
    }

    /// Appends a string as UTF-8 binary.
    package mutating func writeString(_ value: String) {
        let utf8 = value.utf8
        writeVarUInt64(UInt64(utf8.count))
        bytes.append(contentsOf: utf8)
    }

    /// Appends one element of a bool list (1 = true, 2 = false, as Java and C++ write them).
    package mutating func writeBoolElement(_ value: Bool) {
        bytes.append(value ? 1 : 2)
    }

    // MARK: - Structs and lists

    /// Starts a struct: field ids restart at 0 until the matching ``writeStructEnd()``.
    package mutating func writeStructBegin() {
        outerFieldIDs.append(lastFieldID)
        lastFieldID = 0
    }

    /// Writes the stop byte and restores the enclosing struct's field ids.
    package mutating func writeStructEnd() {
        writeFieldStop()
        lastFieldID = outerFieldIDs.popLast() ?? 0
    }

    /// Writes a stop byte (0x00) only; prefer ``writeStructEnd()``.
    package mutating func writeFieldStop() {
        bytes.append(0)
    }

    /// Writes a field header; for bool fields use ``writeBoolField(_:_:)`` instead.
    package mutating func writeFieldHeader(_ id: Int16, _ type: ThriftWireType) {
        let delta = Int(id) - Int(lastFieldID)
        if delta > 0, delta <= 15 {
            bytes.append(UInt8(delta) << 4 | type.rawValue)
        } else {
            bytes.append(type.rawValue)
            writeI16(id)
        }
        lastFieldID = id
    }

    /// Writes a list (or set) header. Bool lists always use element type 1.
    package mutating func writeListHeader(elementType: ThriftWireType, count: Int) {
        let code = elementType == .boolFalse ? ThriftWireType.boolTrue.rawValue : elementType.rawValue
        if count < 15 {
            bytes.append(UInt8(count) << 4 | code)
        } else {
            bytes.append(0xF0 | code)
            writeVarUInt64(UInt64(count))
        }
    }

    // MARK: - Whole fields

    /// Writes a bool field (the value travels in the header).
    package mutating func writeBoolField(_ id: Int16, _ value: Bool) {
        writeFieldHeader(id, value ? .boolTrue : .boolFalse)
    }

    /// Writes an i8 field.
    package mutating func writeI8Field(_ id: Int16, _ value: Int8) {
        writeFieldHeader(id, .i8)
        writeI8(value)
    }

    /// Writes an i16 field.
    package mutating func writeI16Field(_ id: Int16, _ value: Int16) {
        writeFieldHeader(id, .i16)
        writeI16(value)
    }

    /// Writes an i32 field.
    package mutating func writeI32Field(_ id: Int16, _ value: Int32) {
        writeFieldHeader(id, .i32)
        writeI32(value)
    }

    /// Writes an i64 field.
    package mutating func writeI64Field(_ id: Int16, _ value: Int64) {
        writeFieldHeader(id, .i64)
        writeI64(value)
    }

    /// Writes a double field.
    package mutating func writeDoubleField(_ id: Int16, _ value: Double) {
        writeFieldHeader(id, .double)
        writeDouble(value)
    }

    /// Writes a binary field.
    package mutating func writeBinaryField(_ id: Int16, _ value: [UInt8]) {
        writeFieldHeader(id, .binary)
        writeBinary(value)
    }

    /// Writes a string field.
    package mutating func writeStringField(_ id: Int16, _ value: String) {
        writeFieldHeader(id, .binary)
        writeString(value)
    }

    /// Writes a nested struct field.
    package mutating func writeStructField<T: ThriftCodable>(_ id: Int16, _ value: T) {
        writeFieldHeader(id, .struct)
        value.write(to: &self)
    }

    /// Writes a field holding an empty struct (a union member without data, e.g. `STRING{}`).
    package mutating func writeEmptyStructField(_ id: Int16) {
        writeFieldHeader(id, .struct)
        writeFieldStop()
    }

    /// Writes a field holding a list of structs.
    package mutating func writeStructListField<T: ThriftCodable>(_ id: Int16, _ values: [T]) {
        writeFieldHeader(id, .list)
        writeListHeader(elementType: .struct, count: values.count)
        for value in values { value.write(to: &self) }
    }

    /// Writes a field holding a list of i32 values.
    package mutating func writeI32ListField(_ id: Int16, _ values: [Int32]) {
        writeFieldHeader(id, .list)
        writeListHeader(elementType: .i32, count: values.count)
        for value in values { writeI32(value) }
    }

    /// Writes a field holding a list of strings.
    package mutating func writeStringListField(_ id: Int16, _ values: [String]) {
        writeFieldHeader(id, .list)
        writeListHeader(elementType: .binary, count: values.count)
        for value in values { writeString(value) }
    }
}
