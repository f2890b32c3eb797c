/// Checks that bytes are well-formed UTF-8 (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF).
///
/// 1. Eight bytes at a time are skipped while they are all ASCII (high bits clear).
/// 2. Otherwise each lead byte fixes the sequence length and the allowed range of the second byte (E0: A0–BF,
///    ED: 80–9F, F0: 90–BF, F4: 80–8F, others 80–BF); the remaining continuation bytes must be 80–BF.
package enum UTF8Validator {
    /// Whether `p[0..<n]` is valid UTF-8.
    @inline(__always)
    package static func isValid(_ p: UnsafePointer<UInt8>, _ n: Int) -> Bool {
        var i = 0
        while i + 8 <= n {
            let word = UnsafeRawPointer(p + i).loadUnaligned(as: UInt64.self)
            if word & 0x8080_8080_8080_8080 != 0 { return validateFrom(p, n, i) }
            i += 8
        }
        while i < n {
            if p[i] >= 0x80 { return validateFrom(p, n, i) }
            i += 1
        }
        return true
    }

    private static func validateFrom(_ p: UnsafePointer<UInt8>, _ n: Int, _ from: Int) -> Bool {
        var i = from
        while i < n {
            let lead = p[i]
            if lead < 0x80 {
                i += 1
                continue
            }
            let length: Int
            var low: UInt8 = 0x80
            var high: UInt8 = 0xBF
            switch lead {
            case 0xC2...0xDF: length = 2
            case 0xE0: length = 3; low = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: length = 3
            case 0xED: length = 3; high = 0x9F
            case 0xF0: length = 4; low = 0x90
            case 0xF1...0xF3: length = 4
            case 0xF4: length = 4; high = 0x8F
            default: return false
            }
            guard i + length <= n, p[i + 1] >= low, p[i + 1] <= high else { return false }
            for k in 2..<length where p[i + k] & 0xC0 != 0x80 { return false }
            i += length
        }
        return true
    }
}
