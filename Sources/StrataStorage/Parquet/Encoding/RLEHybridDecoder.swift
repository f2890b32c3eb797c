import StrataCore

// RLE / bit-packing hybrid decoder (definition levels, dictionary indices, RLE booleans).
//
// Algorithm:
// 1. Read a ULEB128 run header h. Even h: RLE run of h >> 1 copies of one value stored in ceil(width / 8) bytes LE
//    (the value must fit the width). Odd h: bit-packed run of (h >> 1) * 8 values in (h >> 1) * width bytes.
//    Run lengths above Int32.max are corrupt.
// 2. A bit-packed run whose bytes are cut short by the end of the buffer is clamped to the values its bytes hold
//    (writers may omit padding of the final group); asking for more values than exist throws.
// 3. Output is produced from the current run until it is exhausted, then the next header is read; a request that
//    stops mid-run keeps the run's state, so decoding may continue in later calls.
// 4. Bit-packed values resume with per-value extraction until the next group boundary, then whole groups are
//    unpacked straight into the destination.
// Every header consumes at least one byte, so decoding always terminates; output never exceeds the requested count.

/// Decodes an RLE/bit-packing hybrid stream (without length prefix) of values of a fixed bit width.
///
/// The decoder does not own its bytes: the buffer must stay valid while the decoder is used.
package struct RLEHybridDecoder {
    /// The bit width of every value (0...32).
    package let bitWidth: Int
    private var cursor: ByteCursor
    private var rleLeft = 0
    private var rleValue: UInt32 = 0
    private var packedStart: UnsafeRawPointer? = nil
    private var packedIndex = 0
    private var packedCount = 0

    /// Creates a decoder over `buffer` for values of `bitWidth` (0...32) bits.
    package init(_ buffer: UnsafeRawBufferPointer, bitWidth: Int) throws(StrataError) {
        guard (0...32).contains(bitWidth) else {
            throw StrataError(.corrupt, "RLE bit width \(bitWidth) is outside 0...32")
        }
        self.bitWidth = bitWidth
        cursor = ByteCursor(buffer)
    }

    /// Creates a decoder over a dictionary-indices section: one bit-width byte (0...32), then hybrid runs.
    package init(dictionaryIndices buffer: UnsafeRawBufferPointer) throws(StrataError) {
        var head = ByteCursor(buffer)
        let width = Int(try head.readByte())
        try self.init(head.rest, bitWidth: width)
    }

    /// Splits a 4-byte little-endian length prefix off `buffer`: returns the section it announces and the bytes
    /// consumed (4 + section length). Used for V1 levels and RLE-encoded booleans.
    package static func lengthPrefixedSection(_ buffer: UnsafeRawBufferPointer)
        throws(StrataError) -> (section: UnsafeRawBufferPointer, consumed: Int) {
        var head = ByteCursor(buffer)
        let length = Int(try head.readUInt32LE())
        let section = try head.readBytes(length)
        return (section, 4 + length)
    }

    /// Bytes consumed so far, including the whole of the current run.
    package var position: Int { cursor.position }

    /// Decodes the next `count` values into `dest`; throws `.corrupt` when the data holds fewer.
    package mutating func decode(count: Int, into dest: UnsafeMutablePointer<UInt32>) throws(StrataError) {
        var done = 0
        while done < count {
            if rleLeft > 0 {
                let n = Swift.min(rleLeft, count &- done)
                (dest + done).update(repeating: rleValue, count: n)
                rleLeft &-= n
                done &+= n
            } else if packedIndex < packedCount {
                let n = Swift.min(packedCount &- packedIndex, count &- done)
                try unpackPacked(n, into: dest + done)
                done &+= n
            } else {
                try readRunHeader()
            }
        }
    }

    /// Decodes `count` definition levels of a column whose max definition level is 1 (bit width 1).
    ///
    /// Returns `nil` as the mask when every level is 1 (no nulls). Throws `.corrupt` on a level above 1.
    package mutating func decodeValidity(count: Int) throws(StrataError) -> (mask: ValidityMask?, nullCount: Int) {
        guard bitWidth == 1 else {
            throw StrataError(.internal, "validity decoding needs bit width 1, not \(bitWidth)")
        }
        guard count > 0 else { return (nil, 0) }
        var words = [UInt64](repeating: 0, count: (count + 63) >> 6)
        try words.withUnsafeMutableBufferPointer { (w: inout UnsafeMutableBufferPointer<UInt64>) throws(StrataError) in
            guard let base = w.baseAddress else { return }
            var row = 0
            while row < count {
                if rleLeft > 0 {
                    let n = Swift.min(rleLeft, count &- row)
                    if rleValue == 1 { Self.setBits(base, from: row, count: n) }
                    rleLeft &-= n
                    row &+= n
                } else if packedIndex < packedCount {
                    var n = Swift.min(packedCount &- packedIndex, count &- row)
                    guard let src = packedStart else { throw StrataError(.corrupt, "bit-packed run without data") }
                    var bit = packedIndex
                    packedIndex &+= n
                    while n > 0 {
                        let chunk = Swift.min(n, 32, 64 &- (row & 63))
                        let bits = BitPacking.extract(src, bitOffset: bit, width: chunk)
                        base[row &>> 6] |= bits &<< UInt64(row & 63)
                        row &+= chunk
                        bit &+= chunk
                        n &-= chunk
                    }
                } else {
                    try readRunHeader()
                }
            }
        }
        var valid = 0
        for word in words { valid &+= word.nonzeroBitCount }
        let nullCount = count - valid
        return (nullCount == 0 ? nil : ValidityMask(words: words, count: count), nullCount)
    }

    /// Decodes `count` dictionary indices into `dest`, throwing `.corrupt` if any is `>= dictionarySize`.
    package mutating func decodeIndices(count: Int, dictionarySize: Int,
                                       into dest: UnsafeMutablePointer<UInt32>) throws(StrataError) {
        try decode(count: count, into: dest)
        var maxIndex: UInt32 = 0
        for i in 0 ..< count { maxIndex = Swift.max(maxIndex, dest[i]) }
        if count > 0, Int(maxIndex) >= dictionarySize {
            throw StrataError(.corrupt, "dictionary index \(maxIndex) out of range for \(dictionarySize) entries")
        }
    }

    /// Decodes `count` RLE-encoded booleans (bit width 1) and appends them to `out`.
    package mutating func decodeBooleans(count: Int, into out: inout [Bool]) throws(StrataError) {
        guard count > 0 else { return }
        var scratch = [UInt32](repeating: 0, count: count)
        try scratch.withUnsafeMutableBufferPointer { (s: inout UnsafeMutableBufferPointer<UInt32>) throws(StrataError) in
            guard let base = s.baseAddress else { return }
            try decode(count: count, into: base)
        }
        out.reserveCapacity(out.count + count)
        for v in scratch { out.append(v != 0) }
    }

    /// Sets bits `[from, from + count)` in `words`.
    @inline(__always)
    private static func setBits(_ words: UnsafeMutablePointer<UInt64>, from: Int, count: Int) {
        var i = from
        let end = from &+ count
        while i < end {
            let offset = i & 63
            let n = Swift.min(64 &- offset, end &- i)
            let mask: UInt64 = n == 64 ? ~0 : ((UInt64(1) &<< UInt64(n)) &- 1) &<< UInt64(offset)
            words[i &>> 6] |= mask
            i &+= n
        }
    }

    /// Copies `n` values of the current bit-packed run to `dest`.
    @inline(__always)
    private mutating func unpackPacked(_ n: Int, into dest: UnsafeMutablePointer<UInt32>) throws(StrataError) {
        let w = bitWidth
        guard w > 0 else {
            dest.update(repeating: 0, count: n)
            packedIndex &+= n
            return
        }
        guard let src = packedStart else { throw StrataError(.corrupt, "bit-packed run without data") }
        var i = 0
        while i < n, packedIndex & 7 != 0 {
            dest[i] = UInt32(truncatingIfNeeded: BitPacking.extract(src, bitOffset: packedIndex &* w, width: w))
            i &+= 1
            packedIndex &+= 1
        }
        if i < n {
            let byteOffset = (packedIndex &>> 3) &* w
            let available = BitPacking.byteCount(count: packedCount, bitWidth: w) &- byteOffset
            try BitPacking.unpack(UnsafeRawBufferPointer(start: src + byteOffset, count: available), bitWidth: w,
                                  count: n &- i, into: dest + i)
            packedIndex &+= n &- i
        }
    }

    /// Reads the next run header and sets up that run.
    private mutating func readRunHeader() throws(StrataError) {
        guard cursor.remaining > 0 else {
            throw StrataError(.corrupt, "RLE/bit-packed data ends before all values were decoded")
        }
        let header = try cursor.readULEB128()
        if header & 1 == 1 {
            let groups = header >> 1
            guard groups <= UInt64(Int32.max / 8) else {
                throw StrataError(.corrupt, "bit-packed run of \(groups) groups is too long")
            }
            let values = Int(groups) * 8
            packedIndex = 0
            rleLeft = 0
            if bitWidth == 0 {
                packedStart = nil
                packedCount = values
                return
            }
            let bytes = values / 8 * bitWidth
            let taken = Swift.min(bytes, cursor.remaining)
            packedCount = taken == bytes ? values : taken * 8 / bitWidth
            packedStart = cursor.current
            cursor.position += taken
        } else {
            let count = header >> 1
            guard count <= UInt64(Int32.max) else {
                throw StrataError(.corrupt, "RLE run of \(count) values is too long")
            }
            var value: UInt32 = 0
            for k in 0 ..< (bitWidth + 7) / 8 {
                value |= UInt32(try cursor.readByte()) << UInt32(8 * k)
            }
            if bitWidth < 32, value >> UInt32(bitWidth) != 0 {
                throw StrataError(.corrupt, "RLE value \(value) does not fit in \(bitWidth) bits")
            }
            rleValue = value
            rleLeft = Int(count)
            packedIndex = 0
            packedCount = 0
        }
    }
}
