/// IEEE 754 half precision (binary16), as Parquet's FLOAT16 stores it.
package enum HalfFloat {
    /// The float of the half-precision `bits`: exact, subnormals, infinities and signed zeros included; NaNs stay
    /// NaNs (quiet, with the sign and the payload's high bits).
    @inlinable
    package static func float(bits: UInt16) -> Float {
        let sign = UInt32(bits >> 15) << 31
        let exponent = UInt32(bits >> 10) & 0x1F
        let mantissa = UInt32(bits) & 0x3FF
        switch exponent {
        case 0:
            // Zero or subnormal: mantissa × 2^-24, exact in a float.
            let magnitude = Float(sign: .plus, exponent: -24, significand: Float(mantissa))
            return sign == 0 ? magnitude : -magnitude
        case 0x1F:
            return Float(bitPattern: sign | 0x7F80_0000 | mantissa << 13 | (mantissa == 0 ? 0 : 0x0040_0000))
        default:
            return Float(bitPattern: sign | (exponent + 112) << 23 | mantissa << 13)
        }
    }

    /// The float of the two little-endian bytes at `offset` of `bytes`.
    @inlinable
    package static func float(littleEndian bytes: UnsafeRawBufferPointer, at offset: Int) -> Float {
        float(bits: UInt16(bytes[offset]) | UInt16(bytes[offset + 1]) << 8)
    }
}
