import StrataCore

/// A bounds-checked forward reader over raw bytes; every read throws `StrataError(.corrupt)` instead of overrunning.
///
/// The cursor does not own its bytes: the buffer must stay valid while the cursor is used.
package struct ByteCursor {
    /// The bytes being read.
    package let buffer: UnsafeRawBufferPointer
    /// Offset of the next unread byte.
    package var position: Int

    /// Creates a cursor at `position` (clamped to the buffer).
    package init(_ buffer: UnsafeRawBufferPointer, position: Int = 0) {
        self.buffer = buffer
        self.position = Swift.min(Swift.max(position, 0), buffer.count)
    }

    /// Number of unread bytes.
    @inline(__always)
    package var remaining: Int { buffer.count - position }

    /// Address of the next unread byte (`nil` only for an empty buffer).
    @inline(__always)
    package var current: UnsafeRawPointer? { buffer.baseAddress.map { $0 + position } }

    /// Throws unless `count` more bytes are available.
    @inline(__always)
    package func require(_ count: Int, _ what: @autoclosure () -> String) throws(StrataError) {
        guard count >= 0, count <= remaining else {
            throw StrataError(.corrupt, "truncated \(what()): need \(count) bytes, \(remaining) left")
        }
    }

    /// Reads one byte.
    @inline(__always)
    package mutating func readByte() throws(StrataError) -> UInt8 {
        guard position < buffer.count else { throw StrataError(.corrupt, "unexpected end of encoded data") }
        let byte = buffer[position]
        position += 1
        return byte
    }

    /// Reads an unsigned LEB128 varint of at most 10 bytes.
    package mutating func readULEB128() throws(StrataError) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let byte = try readByte()
            if shift == 63, byte > 1 { throw StrataError(.corrupt, "varint overflows 64 bits") }
            result |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return result }
            shift += 7
            if shift > 63 { throw StrataError(.corrupt, "varint longer than 10 bytes") }
        }
    }

    /// Reads a zigzag-encoded LEB128 varint.
    package mutating func readZigZag() throws(StrataError) -> Int64 {
        let raw = try readULEB128()
        return Int64(bitPattern: (raw >> 1) ^ (0 &- (raw & 1)))
    }

    /// Reads a little-endian `UInt32`.
    package mutating func readUInt32LE() throws(StrataError) -> UInt32 {
        try require(4, "32-bit integer")
        let value = buffer.loadUnaligned(fromByteOffset: position, as: UInt32.self)
        position += 4
        return UInt32(littleEndian: value)
    }

    /// Returns the next `count` bytes and skips them.
    package mutating func readBytes(_ count: Int) throws(StrataError) -> UnsafeRawBufferPointer {
        try require(count, "byte range")
        let slice = UnsafeRawBufferPointer(rebasing: buffer[position ..< position + count])
        position += count
        return slice
    }

    /// The unread bytes.
    package var rest: UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: buffer[position...])
    }
}

extension UInt64 {
    /// The zigzag encoding of a signed value.
    @inline(__always)
    package static func zigZag(_ value: Int64) -> UInt64 {
        UInt64(bitPattern: (value << 1) ^ (value >> 63))
    }
}

extension [UInt8] {
    /// Appends `value` as an unsigned LEB128 varint.
    @inline(__always)
    package mutating func appendULEB128(_ value: UInt64) {
        var v = value
        while v >= 0x80 {
            append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        append(UInt8(truncatingIfNeeded: v))
    }
}
