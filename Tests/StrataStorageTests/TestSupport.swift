@testable import StrataStorage
import StrataTestSupport

/// The seeded generator of the encoding tests (the same SplitMix64 the other suites use).
typealias SeededRandom = SplitMix64

/// DELTA_BINARY_PACKED encoder used to produce test vectors (block 128, 4 miniblocks of 32).
///
/// 1. Header: block size, miniblock count, value count (ULEB128), first value (zigzag ULEB128).
/// 2. Per block of up to 128 deltas (wrapping, in `bits`-bit arithmetic): min delta (zigzag), one width byte per
///    miniblock (0 for unused ones), then each used miniblock's (delta - min) values bit-packed, padded to 32.
enum DeltaBinaryPackedTestEncoder {
    static func encode(_ values: [Int64], bits: Int) -> [UInt8] {
        let mask: UInt64 = bits == 64 ? ~0 : (1 << UInt64(bits)) - 1
        func signExtend(_ x: UInt64) -> Int64 {
            bits == 64 ? Int64(bitPattern: x) : Int64(bitPattern: x << UInt64(64 - bits)) >> Int64(64 - bits)
        }
        var out: [UInt8] = []
        out.appendULEB128(128)
        out.appendULEB128(4)
        out.appendULEB128(UInt64(values.count))
        out.appendULEB128(UInt64.zigZag(values.first ?? 0))
        guard values.count > 1 else { return out }
        var deltas: [Int64] = []
        for i in 1 ..< values.count {
            deltas.append(signExtend((UInt64(bitPattern: values[i]) &- UInt64(bitPattern: values[i - 1])) & mask))
        }
        var start = 0
        while start < deltas.count {
            let block = Array(deltas[start ..< min(start + 128, deltas.count)])
            let minDelta = block.min() ?? 0
            out.appendULEB128(UInt64.zigZag(minDelta))
            var packed: [[UInt64]] = []
            var widths: [UInt8] = []
            for m in 0 ..< 4 {
                let lo = m * 32
                guard lo < block.count else { widths.append(0); continue }
                var mini = block[lo ..< min(lo + 32, block.count)].map {
                    (UInt64(bitPattern: $0) &- UInt64(bitPattern: minDelta)) & mask
                }
                while mini.count < 32 { mini.append(0) }
                widths.append(UInt8(BitPacking.bitWidth(forMax: mini.max() ?? 0)))
                packed.append(mini)
            }
            out.append(contentsOf: widths)
            for (m, mini) in packed.enumerated() {
                mini.withUnsafeBufferPointer { BitPacking.pack64($0, bitWidth: Int(widths[m]), into: &out) }
            }
            start += 128
        }
        return out
    }
}
