import StrataCore

// LSB-first bit packing, as used by Parquet's RLE/bit-packing hybrid and DELTA_BINARY_PACKED.
//
// Algorithm (unpack, width w):
// 1. Value k occupies bits [k*w, (k+1)*w) of the byte stream, where bit b is bit (b % 8) of byte b / 8.
// 2. Widths 0, 8, 16 and 32 are plain loads (or zero fill).
// 3. Otherwise, while a whole group of 8 values plus 8 bytes of slack lies inside the buffer, each value is one
//    unaligned 64-bit load at byte (k*w)/8, shifted right by (k*w)%8 and masked (w + 7 <= 39 bits fit).
// 4. The tail is decoded with a bit accumulator fed one byte at a time, never reading past the packed bytes.
// Algorithm (pack): OR each masked value into a 64-bit accumulator at the current bit count and emit whole bytes;
// the final partial byte is zero-padded.

/// LSB-first packing and unpacking of unsigned integers of a fixed bit width.
package enum BitPacking {
    /// Bytes taken by `count` values of `bitWidth` bits.
    @inline(__always)
    package static func byteCount(count: Int, bitWidth: Int) -> Int {
        (count * bitWidth + 7) >> 3
    }

    /// Bits needed to represent `maxValue` (0 for 0).
    @inline(__always)
    package static func bitWidth(forMax maxValue: UInt64) -> Int {
        64 - maxValue.leadingZeroBitCount
    }

    /// Unpacks `count` values of `bitWidth` (0...32) bits from the start of `source` into `dest`.
    ///
    /// Throws `.corrupt` when `source` is shorter than `byteCount(count:bitWidth:)`.
    package static func unpack(_ source: UnsafeRawBufferPointer, bitWidth: Int, count: Int,
                               into dest: UnsafeMutablePointer<UInt32>) throws(StrataError) {
        guard (0...32).contains(bitWidth) else { throw StrataError(.corrupt, "bit width \(bitWidth) exceeds 32") }
        guard count > 0 else { return }
        guard bitWidth > 0 else {
            dest.update(repeating: 0, count: count)
            return
        }
        let needed = byteCount(count: count, bitWidth: bitWidth)
        guard source.count >= needed, let src = source.baseAddress else {
            throw StrataError(.corrupt, "truncated bit-packed data: need \(needed) bytes, have \(source.count)")
        }
        switch bitWidth {
        case 8:
            for i in 0 ..< count { dest[i] = UInt32(src.load(fromByteOffset: i, as: UInt8.self)) }
            return
        case 16:
            for i in 0 ..< count {
                dest[i] = UInt32(UInt16(littleEndian: src.loadUnaligned(fromByteOffset: i &* 2, as: UInt16.self)))
            }
            return
        case 32:
            for i in 0 ..< count {
                dest[i] = UInt32(littleEndian: src.loadUnaligned(fromByteOffset: i &* 4, as: UInt32.self))
            }
            return
        default:
            break
        }
        let w = bitWidth
        let mask = (UInt64(1) << UInt64(w)) &- 1
        var i = 0
        var byteOffset = 0
        // Fast path: whole groups of 8 (exactly w bytes each) with room for 64-bit over-reads.
        while i &+ 8 <= count, byteOffset &+ w &+ 8 <= source.count {
            let group = src + byteOffset
            var bit = 0
            for k in 0 ..< 8 {
                let word = UInt64(littleEndian: group.loadUnaligned(fromByteOffset: bit &>> 3, as: UInt64.self))
                dest[i &+ k] = UInt32(truncatingIfNeeded: (word &>> UInt64(bit & 7)) & mask)
                bit &+= w
            }
            i &+= 8
            byteOffset &+= w
        }
        // Tail: byte-fed accumulator that reads only the bytes that hold the remaining values.
        var acc: UInt64 = 0
        var bits = 0
        while i < count {
            while bits < w {
                acc |= UInt64(src.load(fromByteOffset: byteOffset, as: UInt8.self)) &<< UInt64(bits)
                byteOffset &+= 1
                bits &+= 8
            }
            dest[i] = UInt32(truncatingIfNeeded: acc & mask)
            acc &>>= UInt64(w)
            bits &-= w
            i &+= 1
        }
    }

    /// Unpacks `count` values of `bitWidth` (0...64) bits from the start of `source` into `dest`.
    ///
    /// Throws `.corrupt` when `source` is shorter than `byteCount(count:bitWidth:)`.
    package static func unpack64(_ source: UnsafeRawBufferPointer, bitWidth: Int, count: Int,
                                 into dest: UnsafeMutablePointer<UInt64>) throws(StrataError) {
        guard (0...64).contains(bitWidth) else { throw StrataError(.corrupt, "bit width \(bitWidth) exceeds 64") }
        guard count > 0 else { return }
        guard bitWidth > 0 else {
            dest.update(repeating: 0, count: count)
            return
        }
        let needed = byteCount(count: count, bitWidth: bitWidth)
        guard source.count >= needed, let src = source.baseAddress else {
            throw StrataError(.corrupt, "truncated bit-packed data: need \(needed) bytes, have \(source.count)")
        }
        let w = bitWidth
        if w <= 56 {
            let mask = (UInt64(1) << UInt64(w)) &- 1
            var acc: UInt64 = 0
            var bits = 0
            var byteOffset = 0
            for i in 0 ..< count {
                while bits < w {
                    acc |= UInt64(src.load(fromByteOffset: byteOffset, as: UInt8.self)) &<< UInt64(bits)
                    byteOffset &+= 1
                    bits &+= 8
                }
                dest[i] = acc & mask
                acc &>>= UInt64(w)
                bits &-= w
            }
            return
        }
        // Wide values: assemble from a low 32-bit and a high (w - 32)-bit field.
        var bit = 0
        for i in 0 ..< count {
            let low = extract(src, bitOffset: bit, width: 32)
            let high = extract(src, bitOffset: bit &+ 32, width: w &- 32)
            dest[i] = low | (high &<< 32)
            bit &+= w
        }
    }

    /// Bits `[bitOffset, bitOffset + width)` (width 1...32) of `src`, reading only the bytes that hold them.
    @inline(__always)
    package static func extract(_ src: UnsafeRawPointer, bitOffset: Int, width: Int) -> UInt64 {
        var byte = bitOffset &>> 3
        let shift = bitOffset & 7
        let lastByte = (bitOffset &+ width &- 1) &>> 3
        var acc: UInt64 = 0
        var filled: UInt64 = 0
        while byte <= lastByte {
            acc |= UInt64(src.load(fromByteOffset: byte, as: UInt8.self)) &<< filled
            filled &+= 8
            byte &+= 1
        }
        return (acc &>> UInt64(shift)) & ((UInt64(1) << UInt64(width)) &- 1)
    }

    /// Appends `values` packed at `bitWidth` (0...32) bits each to `out`; higher bits of each value are dropped.
    package static func pack(_ values: UnsafeBufferPointer<UInt32>, bitWidth: Int, into out: inout [UInt8]) {
        guard bitWidth > 0, !values.isEmpty else { return }
        let w = Swift.min(bitWidth, 32)
        let mask = (UInt64(1) << UInt64(w)) &- 1
        let start = out.count
        let total = byteCount(count: values.count, bitWidth: w)
        out.append(contentsOf: repeatElement(0, count: total))
        out.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            var p = base + start
            var acc: UInt64 = 0
            var bits: UInt64 = 0
            for v in values {
                acc |= (UInt64(v) & mask) &<< bits
                bits &+= UInt64(w)
                while bits >= 8 {
                    p.pointee = UInt8(truncatingIfNeeded: acc)
                    p += 1
                    acc &>>= 8
                    bits &-= 8
                }
            }
            if bits > 0 { p.pointee = UInt8(truncatingIfNeeded: acc) }
        }
    }

    /// Appends `values` packed at `bitWidth` (0...64) bits each to `out`; higher bits of each value are dropped.
    package static func pack64(_ values: UnsafeBufferPointer<UInt64>, bitWidth: Int, into out: inout [UInt8]) {
        guard bitWidth > 0, !values.isEmpty else { return }
        let w = Swift.min(bitWidth, 64)
        let start = out.count
        let total = byteCount(count: values.count, bitWidth: w)
        out.append(contentsOf: repeatElement(0, count: total))
        out.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            var bit = 0
            for v in values {
                for b in 0 ..< w where (v &>> UInt64(b)) & 1 == 1 {
                    let at = bit &+ b
                    base[start &+ (at &>> 3)] |= UInt8(1) << UInt8(at & 7)
                }
                bit &+= w
            }
        }
    }
}
