import StrataCore

// DELTA_LENGTH_BYTE_ARRAY decoder.
//
// Algorithm:
// 1. Decode the lengths as one DELTA_BINARY_PACKED INT32 stream of exactly `count` values; it reports where it ends.
// 2. Reject negative lengths and check that their sum fits in the bytes that follow (no overflow: each length is
//    below 2^31 and the sum is checked as it grows).
// 3. Append the values, which are the following bytes concatenated, to the StringBuffer (reserved once).

/// Decodes a DELTA_LENGTH_BYTE_ARRAY stream (also the suffix section of DELTA_BYTE_ARRAY).
package enum DeltaLengthByteArrayDecoder {
    /// Decodes `count` values at the start of `buffer`, appends them to `out` and returns the offset after the last
    /// value byte.
    package static func decode(_ buffer: UnsafeRawBufferPointer, count: Int,
                               into out: inout StringBuffer) throws(StrataError) -> Int {
        var lengths: [Int32] = []
        let end = try decodeLengths(buffer, count: count, into: &lengths)
        var cursor = ByteCursor(buffer, position: end)
        try cursor.require(lengths.reduce(0) { $0 + Int($1) }, "DELTA_LENGTH_BYTE_ARRAY data")
        out.reserve(count: count, byteCount: cursor.remaining)
        for length in lengths { try out.append(try cursor.readBytes(Int(length))) }
        return cursor.position
    }

    /// Decodes the `count` lengths at the start of `buffer` into `lengths`, validating them against the bytes that
    /// follow; returns the offset where the value bytes start.
    package static func decodeLengths(_ buffer: UnsafeRawBufferPointer, count: Int,
                                      into lengths: inout [Int32]) throws(StrataError) -> Int {
        lengths.removeAll(keepingCapacity: true)
        let end = try DeltaBinaryPackedDecoder.decodeInt32(buffer, maxCount: count, into: &lengths)
        guard lengths.count == count else {
            throw StrataError(.corrupt, "DELTA_LENGTH_BYTE_ARRAY holds \(lengths.count) lengths, expected \(count)")
        }
        let available = buffer.count - end
        var total = 0
        for length in lengths {
            guard length >= 0 else { throw StrataError(.corrupt, "negative byte array length \(length)") }
            total += Int(length)
            guard total <= available else {
                throw StrataError(.corrupt, "DELTA_LENGTH_BYTE_ARRAY lengths exceed the \(available) data bytes")
            }
        }
        return end
    }
}
