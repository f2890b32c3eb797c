/// Times of day (DuckDB's TIME): microseconds since midnight, 00:00:00 to 24:00:00.
package enum TimeOfDay {
    /// Microseconds in a day (24:00:00, the largest time).
    package static let microsPerDay: Int64 = 86_400_000_000

    /// `HH:MM:SS[.ffffff]`, the fraction without trailing zeros, as DuckDB prints TIME.
    package static func format(micros: Int64) -> String {
        CivilDate.formatTimeOfDay(micros, perSecond: 1_000_000)
    }

    /// Parses `H[H]:MM[:SS[.fraction]]` (digits of the fraction beyond six are cut) or `24:00:00`, surrounded by
    /// optional spaces; `nil` for anything else.
    package static func parse(_ text: UnsafeRawBufferPointer) -> Int64? {
        var lo = 0, hi = text.count
        while lo < hi, text[lo] == 0x20 { lo += 1 }
        while hi > lo, text[hi - 1] == 0x20 { hi -= 1 }
        var i = lo
        func digits(min: Int, max: Int) -> Int64? {
            var value: Int64 = 0, n = 0
            while i < hi, n < max, text[i] &- 48 < 10 {
                value = value * 10 + Int64(text[i] &- 48)
                i += 1
                n += 1
            }
            return n >= min ? value : nil
        }
        func skip(_ byte: UInt8) -> Bool {
            guard i < hi, text[i] == byte else { return false }
            i += 1
            return true
        }
        guard let hour = digits(min: 1, max: 2), hour <= 24, skip(UInt8(ascii: ":")),
              let minute = digits(min: 2, max: 2), minute < 60 else { return nil }
        var second: Int64 = 0, fraction: Int64 = 0
        if skip(UInt8(ascii: ":")) {
            guard let s = digits(min: 2, max: 2), s < 60 else { return nil }
            second = s
            if skip(UInt8(ascii: ".")) {
                var scale: Int64 = 100_000, n = 0
                while i < hi, text[i] &- 48 < 10 {
                    fraction += Int64(text[i] &- 48) * scale
                    scale /= 10
                    i += 1
                    n += 1
                }
                guard n > 0 else { return nil }
            }
        }
        guard i == hi else { return nil }
        let micros = ((hour * 60 + minute) * 60 + second) * 1_000_000 + fraction
        return micros <= microsPerDay ? micros : nil
    }
}
