import StrataCore

// PLAIN decoder for the reader.
//
// Algorithm:
// 1. Before decoding N values, check that the remaining bytes can hold them (fixed width: N * width bytes;
//    BOOLEAN: ceil(N / 8) bytes; BYTE_ARRAY: 4 bytes per value at least) and throw `.corrupt` otherwise.
// 2. Fixed-width values: one memcpy of the little-endian bytes into a new typed array, appended to the output.
// 3. BOOLEAN: read bit i of byte i / 8 (LSB first).
// 4. BYTE_ARRAY: first pass validates every u32 length against the remaining bytes and sums them; second pass
//    appends the values to the StringBuffer, which was reserved once.
// 5. INT96: 8 bytes LE nanoseconds of day + 4 bytes LE Julian day; microseconds since the epoch are
//    (day - 2440588) * 86_400_000_000 + nanos / 1000, with wrapping arithmetic.
// 6. FIXED_LEN_BYTE_ARRAY: N slices of type_length bytes appended as strings.

/// Decodes PLAIN-encoded values, appending N non-null values to typed arrays; the caller scatters them around nulls.
///
/// The decoder does not own its bytes: the buffer must stay valid while the decoder is used.
package struct PlainDecoder {
    private var cursor: ByteCursor

    /// Creates a decoder over `buffer`.
    package init(_ buffer: UnsafeRawBufferPointer) {
        cursor = ByteCursor(buffer)
    }

    /// Bytes consumed so far.
    package var position: Int { cursor.position }

    /// Bytes not yet consumed.
    package var remaining: Int { cursor.remaining }

    /// Appends `count` bit-packed booleans to `out`.
    package mutating func decodeBools(count: Int, into out: inout [Bool]) throws(StrataError) {
        guard count > 0 else { return }
        let bytes = try cursor.readBytes((count + 7) / 8)
        out.reserveCapacity(out.count + count)
        for i in 0 ..< count { out.append((bytes[i &>> 3] &>> UInt8(i & 7)) & 1 == 1) }
    }

    /// Appends `count` INT32 values to `out`.
    package mutating func decodeInt32(count: Int, into out: inout [Int32]) throws(StrataError) {
        try decodeFixedWidth(count: count, into: &out)
    }

    /// Appends `count` INT64 values to `out`.
    package mutating func decodeInt64(count: Int, into out: inout [Int64]) throws(StrataError) {
        try decodeFixedWidth(count: count, into: &out)
    }

    /// Appends `count` FLOAT values to `out`.
    package mutating func decodeFloat(count: Int, into out: inout [Float]) throws(StrataError) {
        try decodeFixedWidth(count: count, into: &out)
    }

    /// Appends `count` DOUBLE values to `out`.
    package mutating func decodeDouble(count: Int, into out: inout [Double]) throws(StrataError) {
        try decodeFixedWidth(count: count, into: &out)
    }

    /// Appends `count` little-endian fixed-width values to `out`.
    package mutating func decodeFixedWidth<T: BitwiseCopyable>(count: Int, into out: inout [T])
        throws(StrataError) {
        guard count > 0 else { return }
        let size = MemoryLayout<T>.stride
        guard count <= cursor.remaining / size else {
            throw StrataError(.corrupt, "PLAIN data holds \(cursor.remaining / size) values, expected \(count)")
        }
        let bytes = try cursor.readBytes(count * size)
        let decoded = [T](unsafeUninitializedCapacity: count) { dest, initialized in
            if let to = dest.baseAddress, let from = bytes.baseAddress {
                UnsafeMutableRawPointer(to).copyMemory(from: from, byteCount: count * size)
                initialized = count
            }
        }
        if out.isEmpty { out = decoded } else { out.append(contentsOf: decoded) }
    }

    /// Appends `count` BYTE_ARRAY values (u32 LE length + bytes) to `out`.
    package mutating func decodeByteArrays(count: Int, into out: inout StringBuffer) throws(StrataError) {
        guard count > 0 else { return }
        guard count <= cursor.remaining / 4 else {
            throw StrataError(.corrupt, "PLAIN byte arrays: \(cursor.remaining) bytes cannot hold \(count) values")
        }
        // Pass 1: validate lengths.
        var probe = cursor
        var total = 0
        for _ in 0 ..< count {
            let length = Int(try probe.readUInt32LE())
            try probe.require(length, "byte array value")
            probe.position += length
            total += length
        }
        guard total <= Int(Int32.max) else {
            throw StrataError(.outOfMemory, "a string column exceeds 2 GiB in one batch")
        }
        // Pass 2: copy the values into fresh buffers (raw copies, no per-value array appends), then append them.
        var ends = [Int32](repeating: 0, count: count + 1)
        var at = 0
        var failure: StrataError?
        let bytes = [UInt8](unsafeUninitializedCapacity: total) { target, initialized in
            ends.withUnsafeMutableBufferPointer { ends in
                do throws(StrataError) {
                    for i in 0 ..< count {
                        let length = Int(try cursor.readUInt32LE())
                        let value = try cursor.readBytes(length)
                        guard at + length <= total else { throw StrataError(.corrupt, "PLAIN byte arrays changed") }
                        if length > 0, let from = value.baseAddress, let to = target.baseAddress {
                            (to + at).initialize(from: from.assumingMemoryBound(to: UInt8.self), count: length)
                        }
                        at += length
                        ends[i + 1] = Int32(truncatingIfNeeded: at)
                    }
                } catch {
                    failure = error
                }
            }
            initialized = failure == nil ? total : 0
        }
        if let failure { throw failure }
        try out.append(contentsOf: try StringBuffer(offsets: ends, bytes: bytes))
    }

    /// Appends `count` INT96 timestamps to `out` as microseconds since the Unix epoch.
    package mutating func decodeInt96(count: Int, into out: inout [Int64]) throws(StrataError) {
        guard count > 0 else { return }
        guard count <= cursor.remaining / 12 else {
            throw StrataError(.corrupt, "PLAIN data holds \(cursor.remaining / 12) INT96 values, expected \(count)")
        }
        let bytes = try cursor.readBytes(count * 12)
        out.reserveCapacity(out.count + count)
        for i in 0 ..< count {
            let nanos = Int64(littleEndian: bytes.loadUnaligned(fromByteOffset: i * 12, as: Int64.self))
            let day = Int64(Int32(littleEndian: bytes.loadUnaligned(fromByteOffset: i * 12 + 8, as: Int32.self)))
            out.append(Self.int96Micros(nanosOfDay: nanos, julianDay: day))
        }
    }

    /// Microseconds since the Unix epoch of an INT96 (nanoseconds of day, Julian day) pair; wraps on overflow.
    @inline(__always)
    package static func int96Micros(nanosOfDay: Int64, julianDay: Int64) -> Int64 {
        (julianDay &- 2_440_588) &* 86_400_000_000 &+ nanosOfDay / 1000
    }

    /// Appends `count` FIXED_LEN_BYTE_ARRAY values of `typeLength` bytes each to `out`.
    package mutating func decodeFixedLenByteArrays(count: Int, typeLength: Int, into out: inout StringBuffer)
        throws(StrataError) {
        guard count > 0 else { return }
        guard typeLength > 0 else { throw StrataError(.corrupt, "FIXED_LEN_BYTE_ARRAY type_length \(typeLength)") }
        guard count <= cursor.remaining / typeLength else {
            throw StrataError(.corrupt, "PLAIN data holds \(cursor.remaining / typeLength) values, expected \(count)")
        }
        out.reserve(count: count, byteCount: count * typeLength)
        for _ in 0 ..< count { try out.append(try cursor.readBytes(typeLength)) }
    }
}
