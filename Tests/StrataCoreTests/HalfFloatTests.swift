import Testing
@testable import StrataCore

/// Parquet FLOAT16 → Float: exact for every one of the 65,536 bit patterns.
@Suite struct HalfFloatTests {
    @Test func knownValues() {
        #expect(HalfFloat.float(bits: 0x0000) == 0 && HalfFloat.float(bits: 0x0000).sign == .plus)
        #expect(HalfFloat.float(bits: 0x8000) == 0 && HalfFloat.float(bits: 0x8000).sign == .minus)
        #expect(HalfFloat.float(bits: 0x0001) == 0x1p-24)  // smallest subnormal
        #expect(HalfFloat.float(bits: 0x03FF) == 1023 * 0x1p-24)  // largest subnormal
        #expect(HalfFloat.float(bits: 0x0400) == 0x1p-14)  // smallest normal
        #expect(HalfFloat.float(bits: 0x3C00) == 1)
        #expect(HalfFloat.float(bits: 0xC100) == -2.5)
        #expect(HalfFloat.float(bits: 0x7BFF) == 65504)
        #expect(HalfFloat.float(bits: 0x7C00) == .infinity)
        #expect(HalfFloat.float(bits: 0xFC00) == -.infinity)
        #expect(HalfFloat.float(bits: 0x7E00).isNaN && HalfFloat.float(bits: 0x7C01).isNaN)
    }

    #if !(os(macOS) && arch(x86_64))
    /// Swift's own Float16 (where the platform has it) agrees on every bit pattern.
    @Test func everyBitPatternMatchesFloat16() {
        for bits in 0...UInt16.max {
            let expected = Float(Float16(bitPattern: bits)), got = HalfFloat.float(bits: bits)
            if expected.isNaN {
                #expect(got.isNaN, "\(bits)")
            } else {
                #expect(got.bitPattern == expected.bitPattern, "\(bits)")
            }
        }
    }
    #endif
}
