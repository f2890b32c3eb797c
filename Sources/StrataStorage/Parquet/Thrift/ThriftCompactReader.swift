import StrataCore

/// A cursor that decodes the Thrift compact protocol from a byte buffer it does not own.
///
/// Every read is bounds-checked and throws `StrataError(.corrupt, …)` with the absolute file offset
/// (`baseOffset + position`) on truncation, over-long varints, negative or oversized lengths, list sizes larger
/// than the bytes left, invalid type codes and nesting deeper than ``maxDepth``. It never traps on bad input.
///
/// Decoding a struct follows one pattern:
/// ```swift
/// let mark = try reader.readStructBegin()
/// while let field = try reader.readFieldHeader() {
///     switch field.id {
///     case 1 where field.type == .i32: version = try reader.readI32()
///     default: try reader.skip(field.type)
///     }
/// }
/// reader.readStructEnd(mark)
/// ```
/// The buffer must stay valid while the reader is in use.
package struct ThriftCompactReader {
    /// The deepest nesting of structs, lists and maps accepted.
    package static let maxDepth = 64

    /// Remembers the enclosing struct's last field id while a nested struct is read.
    package struct StructMark: Sendable {
        fileprivate let outerFieldID: Int16
    }

    /// The bytes being decoded.
    package let buffer: UnsafeRawBufferPointer
    /// The index of the next byte to read.
    package var position: Int
    /// The file offset of `buffer[0]`, used only in error messages.
    package let baseOffset: Int64
    /// The current nesting depth of structs, lists and maps.
    package private(set) var depth = 0
    private var lastFieldID: Int16 = 0

    /// Creates a reader at the start of `buffer`, whose first byte sits at file offset `baseOffset`.
    package init(_ buffer: UnsafeRawBufferPointer, baseOffset: Int64 = 0) {
        self.buffer = buffer
        self.position = 0
        self.baseOffset = baseOffset
    }

    /// The number of bytes not read yet.
    @inlinable
    package var remaining: Int { buffer.count - position }

    /// A `.corrupt` error at `position` (default: the current position), as an absolute file offset.
    package func corrupt(_ message: String, at position: Int? = nil) -> StrataError {
        StrataError(.corrupt, message, offset: baseOffset + Int64(position ?? self.position))
    }

    // MARK: - Primitives

    /// Reads one raw byte.
    @inline(__always)
    package mutating func readByte() throws -> UInt8 {
        guard position < buffer.count else { throw corrupt("unexpected end of Thrift data") }
        let byte = buffer[position]
        position += 1
        return byte
    }

    /// Reads an unsigned LEB128 varint of at most 10 bytes.
    package mutating func readVarUInt64() throws -> UInt64 {
        let start = position
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard position < buffer.count else { throw corrupt("truncated varint", at: start) }
            let byte = buffer[position]
            position += 1
            if shift == 63, byte > 1 { throw corrupt("varint overflows 64 bits", at: start) }
            result |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return result }
            shift += 7
            if shift > 63 { throw corrupt("varint longer than 10 bytes", at: start) }
        }
    }

    /// Reads a zigzag varint that must fit in `bits` bits.
    @inline(__always)
    private mutating func readZigZag(bits: UInt64, _ what: StaticString) throws -> Int64 {
        let start = position
        let raw = try readVarUInt64()
        guard bits == 64 || raw >> bits == 0 else { throw corrupt("\(what) varint out of range", at: start) }
        return Int64(bitPattern: (raw >> 1) ^ (0 &- (raw & 1)))
    }

    /// Reads an i8 (one raw byte).
    package mutating func readI8() throws -> Int8 {
        Int8(bitPattern: try readByte())
    }

    /// Reads an i16 (zigzag varint).
    package mutating func readI16() throws -> Int16 {
        Int16(truncatingIfNeeded: try readZigZag(bits: 16, "i16"))
    }

    /// Reads an i32 (zigzag varint); enums use this too.
    package mutating func readI32() throws -> Int32 {
        Int32(truncatingIfNeeded: try readZigZag(bits: 32, "i32"))
    }

    /// Reads an i64 (zigzag varint).
    package mutating func readI64() throws -> Int64 {
        try readZigZag(bits: 64, "i64")
    }

    /// Reads a double (8 bytes, little-endian).
    package mutating func readDouble() throws -> Double {
        let bits = try readFixed(8).loadUnaligned(as: UInt64.self)
        return Double(bitPattern: UInt64(littleEndian: bits))
    }

    /// Reads a binary value and returns a view of its bytes inside the buffer (no copy).
    package mutating func readBinaryBytes() throws -> UnsafeRawBufferPointer {
        let start = position
        let length = try readVarUInt64()
        guard length <= UInt64(Int32.max) else { throw corrupt("negative binary length", at: start) }
        guard length <= UInt64(remaining) else {
            throw corrupt("binary length \(length) exceeds the \(remaining) remaining bytes", at: start)
        }
        return try readFixed(Int(length))
    }

    /// Reads a binary value as a byte array.
    package mutating func readBinary() throws -> [UInt8] {
        Array(try readBinaryBytes())
    }

    /// Reads a string (binary decoded as UTF-8; invalid sequences become U+FFFD).
    package mutating func readString() throws -> String {
        String(decoding: try readBinaryBytes(), as: UTF8.self)
    }

    /// Reads one element of a bool list: byte 1 is true, anything else false.
    package mutating func readBoolElement() throws -> Bool {
        try readByte() == 1
    }

    /// Reads an i32 and maps it to a closed enum; an unknown value is reported as "invalid `what` `value`".
    package mutating func readEnum<E: RawRepresentable>(_: E.Type, _ what: StaticString) throws -> E
    where E.RawValue == Int32 {
        let start = position
        let raw = try readI32()
        guard let value = E(rawValue: raw) else { throw corrupt("invalid \(what) \(raw)", at: start) }
        return value
    }

    @inline(__always)
    private mutating func readFixed(_ count: Int) throws -> UnsafeRawBufferPointer {
        guard count <= remaining else {
            throw corrupt("unexpected end of Thrift data (need \(count) bytes, \(remaining) left)")
        }
        let slice = UnsafeRawBufferPointer(rebasing: buffer[position ..< position + count])
        position += count
        return slice
    }

    /// Reads an unsigned varint size that must be a non-negative i32.
    private mutating func readSize(_ what: StaticString) throws -> Int {
        let start = position
        let size = try readVarUInt64()
        guard size <= UInt64(Int32.max) else { throw corrupt("negative \(what) size", at: start) }
        return Int(size)
    }

    private func wireType(_ code: UInt8, at start: Int) throws -> ThriftWireType {
        guard let type = ThriftWireType(rawValue: code) else {
            throw corrupt("invalid Thrift type code \(code)", at: start)
        }
        return type
    }

    // MARK: - Structs and lists

    /// Starts reading a struct: field ids restart at 0 until ``readStructEnd(_:)``.
    package mutating func readStructBegin() throws -> StructMark {
        guard depth < Self.maxDepth else { throw corrupt("Thrift structures nested deeper than \(Self.maxDepth)") }
        depth += 1
        let mark = StructMark(outerFieldID: lastFieldID)
        lastFieldID = 0
        return mark
    }

    /// Finishes a struct whose stop byte ``readFieldHeader()`` has consumed, restoring the outer field ids.
    package mutating func readStructEnd(_ mark: StructMark) {
        depth -= 1
        lastFieldID = mark.outerFieldID
    }

    /// Reads the next field header of the current struct, or returns nil at its stop byte.
    @inline(__always)
    package mutating func readFieldHeader() throws -> ThriftFieldHeader? {
        let start = position
        let byte = try readByte()
        let code = byte & 0x0F
        if code == 0 { return nil }
        let type = try wireType(code, at: start)
        let delta = byte >> 4
        let id: Int16
        if delta != 0 {
            let next = Int(lastFieldID) + Int(delta)
            guard next <= Int(Int16.max) else { throw corrupt("Thrift field id overflows i16", at: start) }
            id = Int16(next)
        } else {
            id = try readI16()
        }
        lastFieldID = id
        return ThriftFieldHeader(id: id, type: type)
    }

    /// Reads a list or set header; the element count is checked against the bytes left (every element takes one).
    package mutating func readListHeader() throws -> ThriftListHeader {
        let start = position
        let byte = try readByte()
        var type = try wireType(byte & 0x0F, at: start)
        if type == .boolFalse { type = .boolTrue }
        var count = Int(byte >> 4)
        if count == 15 { count = try readSize("list") }
        guard count <= remaining else {
            throw corrupt("list of \(count) elements exceeds the \(remaining) remaining bytes", at: start)
        }
        return ThriftListHeader(elementType: type, count: count)
    }

    /// Reads a whole list whose elements should have wire type `elementType`, decoding each with `readElement`.
    ///
    /// Returns nil (after skipping the elements) when the list holds another, non-empty element type, so that a
    /// known field written with an unexpected type is treated as absent rather than failing.
    package mutating func readList<Element>(
        of elementType: ThriftWireType, _ readElement: (inout ThriftCompactReader) throws -> Element
    ) throws -> [Element]? {
        guard let count = try readListHeader(expecting: elementType) else { return nil }
        var result: [Element] = []
        result.reserveCapacity(count)
        for _ in 0 ..< count { result.append(try readElement(&self)) }
        return result
    }

    /// Reads a list header and returns its element count, or nil after skipping the elements when the list holds
    /// another, non-empty element type than `elementType`.
    private mutating func readListHeader(expecting elementType: ThriftWireType) throws -> Int? {
        let header = try readListHeader()
        let expected: ThriftWireType = elementType == .boolFalse ? .boolTrue : elementType
        guard header.count == 0 || header.elementType == expected else {
            try enter()
            for _ in 0 ..< header.count { try skipValue(header.elementType, isElement: true) }
            depth -= 1
            return nil
        }
        return header.count
    }

    /// Reads a list of structs; nil when the list holds another element type (see ``readList(of:_:)``).
    package mutating func readStructList<Element: ThriftCodable>(_: Element.Type) throws -> [Element]? {
        try readList(of: .struct) { try Element(from: &$0) }
    }

    /// Reads a list of structs, decoding only the elements whose index is true in `keep` (every one when nil) and
    /// skipping the others unbuilt; returns the decoded elements and the list's length, or nil as
    /// ``readList(of:_:)`` does.
    package mutating func readStructList<Element: ThriftCodable>(
        _: Element.Type, keeping keep: [Bool]?
    ) throws -> (elements: [Element], count: Int)? {
        guard let keep else { return try readStructList(Element.self).map { ($0, $0.count) } }
        guard let count = try readListHeader(expecting: .struct) else { return nil }
        var result: [Element] = []
        for index in 0 ..< count {
            if index < keep.count && keep[index] {
                result.append(try Element(from: &self))
            } else {
                try skipValue(.struct, isElement: true)
            }
        }
        return (result, count)
    }

    // MARK: - Skipping

    /// Skips the value of a field of wire type `type` (bool fields have no payload).
    package mutating func skip(_ type: ThriftWireType) throws {
        try skipValue(type, isElement: false)
    }

    private mutating func enter() throws {
        guard depth < Self.maxDepth else { throw corrupt("Thrift structures nested deeper than \(Self.maxDepth)") }
        depth += 1
    }

    private mutating func skipValue(_ type: ThriftWireType, isElement: Bool) throws {
        switch type {
        case .boolTrue, .boolFalse:
            if isElement { _ = try readByte() }
        case .i8:
            _ = try readByte()
        case .i16, .i32, .i64:
            _ = try readVarUInt64()
        case .double:
            _ = try readFixed(8)
        case .uuid:
            _ = try readFixed(16)
        case .binary:
            _ = try readBinaryBytes()
        case .list, .set:
            let header = try readListHeader()
            try enter()
            for _ in 0 ..< header.count { try skipValue(header.elementType, isElement: true) }
            depth -= 1
        case .map:
            let start = position
            let count = try readSize("map")
            guard count > 0 else { return }
            let types = try readByte()
            let keyType = try wireType(types >> 4, at: position - 1)
            let valueType = try wireType(types & 0x0F, at: position - 1)
            guard count <= remaining / 2 else {
                throw corrupt("map of \(count) entries exceeds the \(remaining) remaining bytes", at: start)
            }
            try enter()
            for _ in 0 ..< count {
                try skipValue(keyType, isElement: true)
                try skipValue(valueType, isElement: true)
            }
            depth -= 1
        case .struct:
            try enter()
            while true {
                let start = position
                let byte = try readByte()
                let code = byte & 0x0F
                if code == 0 { break }
                let fieldType = try wireType(code, at: start)
                if byte >> 4 == 0 { _ = try readI16() }
                try skipValue(fieldType, isElement: false)
            }
            depth -= 1
        }
    }

    // MARK: - Struct decoding helpers

    /// Returns `value`, or throws "`structName`: missing required field `name` (`id`)" at `structStart`.
    @inline(__always)
    package func required<T>(_ value: T?, _ structName: StaticString, _ id: Int16, _ name: StaticString,
                             structStart: Int) throws -> T {
        guard let value else {
            throw corrupt("\(structName): missing required field \(name) (\(id))", at: structStart)
        }
        return value
    }
}
