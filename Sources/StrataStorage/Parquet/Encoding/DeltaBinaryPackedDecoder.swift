import StrataCore

// DELTA_BINARY_PACKED decoder (INT32 and INT64).
//
// Algorithm:
// 1. Header: ULEB128 block size, ULEB128 miniblocks per block, ULEB128 total value count, zigzag ULEB128 first
//    value. Values per miniblock = block size / miniblocks and must be a positive multiple of 8 (the format asks for
//    multiples of 128 and 32; the laxer check still keeps miniblocks byte-aligned). The total must not exceed the
//    expected count given by the caller, which bounds the output allocation.
// 2. The first value is emitted as is. While values remain, read a block: zigzag ULEB128 min delta, then one bit
//    width byte per miniblock.
// 3. For each miniblock still needed: its data is (values per miniblock * width / 8) bytes including padding; the
//    needed values (rounded up to a group of 8) are unpacked in place, then prefix-summed:
//    value = previous + min delta + packed, all in wrapping 64-bit arithmetic (INT32 keeps the low 32 bits).
// 4. Miniblocks after the last value carry a width byte but no data. The stream ends right after the last
//    miniblock holding a value (or after the header when there are fewer than 2 values); that offset is returned.

/// Decodes a whole DELTA_BINARY_PACKED stream and reports where it ends.
package enum DeltaBinaryPackedDecoder {
    /// Decodes the stream at the start of `buffer`, appends its values to `out` and returns the offset of the first
    /// byte after the stream. Throws `.corrupt` when the stream declares more than `maxCount` values.
    package static func decodeInt64(_ buffer: UnsafeRawBufferPointer, maxCount: Int,
                                    into out: inout [Int64]) throws(StrataError) -> Int {
        var cursor = ByteCursor(buffer)
        let header = try readHeader(&cursor, maxCount: maxCount)
        var failure: StrataError? = nil
        let values = [Int64](unsafeUninitializedCapacity: header.total + 7) { dest, initialized in
            guard let base = dest.baseAddress else { return }
            base.withMemoryRebound(to: UInt64.self, capacity: header.total + 7) { raw in
                raw.initialize(repeating: 0, count: header.total + 7)
                do throws(StrataError) {
                    try decodeValues(&cursor, header, maxBitWidth: 64, into: raw)
                } catch {
                    failure = error
                }
            }
            initialized = header.total
        }
        if let failure { throw failure }
        if out.isEmpty { out = values } else { out.append(contentsOf: values) }
        return cursor.position
    }

    /// Decodes the stream at the start of `buffer` as INT32 values (bit widths up to 32), appends them to `out` and
    /// returns the offset of the first byte after the stream.
    package static func decodeInt32(_ buffer: UnsafeRawBufferPointer, maxCount: Int,
                                    into out: inout [Int32]) throws(StrataError) -> Int {
        var cursor = ByteCursor(buffer)
        let header = try readHeader(&cursor, maxCount: maxCount)
        var raw = [UInt64](repeating: 0, count: header.total + 7)
        try raw.withUnsafeMutableBufferPointer { (r: inout UnsafeMutableBufferPointer<UInt64>) throws(StrataError) in
            guard let base = r.baseAddress else { return }
            try decodeValues(&cursor, header, maxBitWidth: 32, into: base)
        }
        out.reserveCapacity(out.count + header.total)
        for i in 0 ..< header.total { out.append(Int32(truncatingIfNeeded: raw[i])) }
        return cursor.position
    }

    /// Reads only the header at the start of `buffer` and returns its total value count.
    package static func valueCount(_ buffer: UnsafeRawBufferPointer) throws(StrataError) -> Int {
        var cursor = ByteCursor(buffer)
        return try readHeader(&cursor, maxCount: Int(Int32.max)).total
    }

    private struct Header {
        var valuesPerMiniblock: Int
        var miniblocks: Int
        var total: Int
        var first: UInt64
    }

    private static func readHeader(_ cursor: inout ByteCursor, maxCount: Int) throws(StrataError) -> Header {
        let blockSize = try cursor.readULEB128()
        let miniblocks = try cursor.readULEB128()
        let total = try cursor.readULEB128()
        let first = UInt64(bitPattern: try cursor.readZigZag())
        guard blockSize > 0, blockSize <= UInt64(Int32.max), miniblocks > 0, blockSize % miniblocks == 0,
              (blockSize / miniblocks) % 8 == 0 else {
            throw StrataError(.corrupt, "DELTA_BINARY_PACKED block size \(blockSize) with \(miniblocks) miniblocks")
        }
        guard total <= UInt64(Swift.max(maxCount, 0)) else {
            throw StrataError(.corrupt, "DELTA_BINARY_PACKED holds \(total) values, expected at most \(maxCount)")
        }
        return Header(valuesPerMiniblock: Int(blockSize / miniblocks), miniblocks: Int(miniblocks),
                      total: Int(total), first: first)
    }

    /// Decodes `header.total` values into `dest`, which has room for `header.total + 7`.
    private static func decodeValues(_ cursor: inout ByteCursor, _ header: Header, maxBitWidth: Int,
                                     into dest: UnsafeMutablePointer<UInt64>) throws(StrataError) {
        let total = header.total
        guard total > 0 else { return }
        dest[0] = header.first
        var last = header.first
        var pos = 1
        let perMini = header.valuesPerMiniblock
        while pos < total {
            let minDelta = UInt64(bitPattern: try cursor.readZigZag())
            let widths = try cursor.readBytes(header.miniblocks)
            var m = 0
            while m < header.miniblocks, pos < total {
                let width = Int(widths[m])
                guard width <= maxBitWidth else {
                    throw StrataError(.corrupt, "DELTA_BINARY_PACKED bit width \(width) exceeds \(maxBitWidth)")
                }
                let n = Swift.min(perMini, total &- pos)
                let data = try cursor.readBytes(perMini / 8 * width)
                try BitPacking.unpack64(data, bitWidth: width, count: (n &+ 7) & ~7, into: dest + pos)
                for i in pos ..< pos &+ n {
                    last = last &+ minDelta &+ dest[i]
                    dest[i] = last
                }
                pos &+= n
                m &+= 1
            }
        }
    }
}
