import StrataCore

// DELTA_BYTE_ARRAY (incremental / front-coded strings) decoder.
//
// Algorithm:
// 1. Decode `count` prefix lengths (DELTA_BINARY_PACKED INT32), then the suffixes as DELTA_LENGTH_BYTE_ARRAY
//    (lengths validated against the remaining bytes).
// 2. Validate: every prefix length is >= 0 and <= the length of the previous value (0 for the first), and the
//    total output size (sum of prefix + suffix lengths) is at most `maxTotalBytes`; this pass allocates nothing.
// 3. Rebuild each value in one reused scratch array: truncate it to the prefix length, append the suffix, append
//    the scratch to the StringBuffer (reserved once for the total).

/// Decodes a DELTA_BYTE_ARRAY stream into a StringBuffer.
package enum DeltaByteArrayDecoder {
    /// Decodes `count` values at the start of `buffer`, appends them to `out` and returns the offset after the last
    /// suffix byte. Throws `.corrupt` on inconsistent prefixes and when the values would total more than
    /// `maxTotalBytes` bytes (front coding can expand input greatly, so the caller bounds the output).
    package static func decode(_ buffer: UnsafeRawBufferPointer, count: Int, maxTotalBytes: Int = Int(Int32.max),
                               into out: inout StringBuffer) throws(StrataError) -> Int {
        var prefixes: [Int32] = []
        let prefixEnd = try DeltaBinaryPackedDecoder.decodeInt32(buffer, maxCount: count, into: &prefixes)
        guard prefixes.count == count else {
            throw StrataError(.corrupt, "DELTA_BYTE_ARRAY holds \(prefixes.count) prefixes, expected \(count)")
        }
        let suffixBuffer = UnsafeRawBufferPointer(rebasing: buffer[prefixEnd...])
        var suffixLengths: [Int32] = []
        let dataStart = try DeltaLengthByteArrayDecoder.decodeLengths(suffixBuffer, count: count,
                                                                     into: &suffixLengths)
        // Pass 1: validate prefixes and the output size.
        var previous = 0
        var total = 0
        for i in 0 ..< count {
            let prefix = Int(prefixes[i])
            guard prefix >= 0, prefix <= previous else {
                throw StrataError(.corrupt, "DELTA_BYTE_ARRAY prefix \(prefix) longer than previous value (\(previous))")
            }
            previous = prefix + Int(suffixLengths[i])
            total += previous
            guard total <= maxTotalBytes else {
                throw StrataError(.corrupt, "DELTA_BYTE_ARRAY values exceed \(maxTotalBytes) bytes")
            }
        }
        // Pass 2: rebuild.
        var cursor = ByteCursor(suffixBuffer, position: dataStart)
        out.reserve(count: count, byteCount: total)
        var scratch: [UInt8] = []
        for i in 0 ..< count {
            scratch.removeLast(scratch.count - Int(prefixes[i]))
            let suffix = try cursor.readBytes(Int(suffixLengths[i]))
            scratch.append(contentsOf: suffix)
            try scratch.withUnsafeBufferPointer { (value: UnsafeBufferPointer<UInt8>) throws(StrataError) in
                try out.append(UnsafeRawBufferPointer(value))
            }
        }
        return prefixEnd + cursor.position
    }
}
