import StrataCore

// Text forms of values, as DuckDB casts them to and from VARCHAR.
//
// Formatting doubles: Swift's `description` is the shortest text that round-trips; it already uses DuckDB's (and
// Python's) spelling except that it switches to an exponent from 2^53 (2^24 for floats) where DuckDB stays
// positional up to 10^16. Those cases are re-spelled: the mantissa digits are shifted by the exponent and ".0"
// appended. NaN is "nan", infinities "inf"/"-inf". Dates before year 1 are spelled as DuckDB does, `0045-03-15 (BC)`
// for the proleptic year -44.
//
// Parsing: surrounding spaces are trimmed. Integers accept a sign and digits; other numeric text that parses as
// a double is rounded half away from zero (DuckDB's '1.5'::INTEGER = 2). Dates are [-]Y…Y-MM-DD; timestamps a
// date optionally followed by ' ' or 'T' and HH:MM[:SS[.ffffff]] (fraction digits beyond six are cut; beyond nine
// for timestamp_ns).

/// Formatting and parsing of values as text.
package enum ValueText {
    /// DuckDB's text of a double.
    package static func format(_ x: Double) -> String {
        if x.isNaN { return "nan" }
        if x.isInfinite { return x < 0 ? "-inf" : "inf" }
        return respell(x.description)
    }

    /// DuckDB's text of a float.
    package static func format(_ x: Float) -> String {
        if x.isNaN { return "nan" }
        if x.isInfinite { return x < 0 ? "-inf" : "inf" }
        return respell(x.description)
    }

    /// Rewrites `d.ddde+XX` with an exponent below 16 in positional form.
    private static func respell(_ text: String) -> String {
        guard let e = text.firstIndex(of: "e"), let exponent = Int(text[text.index(after: e)...]),
              exponent >= 0, exponent < 16 else { return text }
        let (negative, digits, point) = decimalDigits(text)
        return positional(negative: negative, digits: digits, point: point)
    }

    /// The significant digits of the shortest text that round-trips the finite `x` and where its decimal point
    /// goes: `x = ±0.d₁d₂… × 10^point`. Zero has no digits.
    package static func decimalDigits(_ x: Double) -> (negative: Bool, digits: [UInt8], point: Int) {
        decimalDigits(x.description)
    }

    /// The digits of a Swift `description` of a finite number (`[-]ddd.ddd[e±XX]`).
    private static func decimalDigits(_ text: String) -> (negative: Bool, digits: [UInt8], point: Int) {
        var negative = false, digits: [UInt8] = [], point = 0, exponent = 0, seenPoint = false
        var bytes = Array(text.utf8)[...]
        if bytes.first == UInt8(ascii: "-") {
            negative = true
            bytes = bytes.dropFirst()
        }
        if let e = bytes.firstIndex(of: UInt8(ascii: "e")) {
            exponent = Int(String(decoding: bytes[(e + 1)...], as: UTF8.self)) ?? 0
            bytes = bytes[..<e]
        }
        for b in bytes {
            if b == UInt8(ascii: ".") {
                seenPoint = true
            } else if digits.isEmpty && b == UInt8(ascii: "0") {
                if seenPoint { point -= 1 }  // a leading zero after the point moves it right
            } else {
                digits.append(b)
                if !seenPoint { point += 1 }
            }
        }
        while digits.last == UInt8(ascii: "0") { digits.removeLast() }
        return (negative, digits, digits.isEmpty ? 0 : point + exponent)
    }

    /// `±0.d₁d₂… × 10^point` without an exponent: `ddd.ddd`, `ddd000.0` or `0.000ddd` (zero is `0.0`).
    package static func positional(negative: Bool, digits: [UInt8], point: Int) -> String {
        var out: [UInt8] = negative ? [UInt8(ascii: "-")] : []
        if point <= 0 {
            out.append(contentsOf: "0.".utf8)
            out.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: -point))
            out.append(contentsOf: digits.isEmpty ? [UInt8(ascii: "0")] : digits)
        } else if point >= digits.count {
            out.append(contentsOf: digits)
            out.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: point - digits.count))
            out.append(contentsOf: ".0".utf8)
        } else {
            out.append(contentsOf: digits[..<point])
            out.append(UInt8(ascii: "."))
            out.append(contentsOf: digits[point...])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// `YYYY-MM-DD`, as DuckDB prints dates: years before 1 as the year BC with a suffix (year 0 is
    /// `0001-01-01 (BC)`), years past 9999 with more digits.
    package static func format(date days: Int32) -> String {
        let (year, month, day) = CivilDate.civil(days: Int(days))
        let text = pad(year > 0 ? year : 1 - year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2)
        return year > 0 ? text : text + " (BC)"
    }

    /// `YYYY-MM-DD HH:MM:SS[.ffffff]` (trailing zeros of the fraction dropped), as DuckDB prints timestamps; the
    /// date part as ``format(date:)`` spells it.
    package static func format(timestamp micros: Int64) -> String {
        format(ticks: micros, perSecond: 1_000_000)
    }

    /// `YYYY-MM-DD HH:MM:SS[.fffffffff]` (trailing zeros of the fraction dropped), as DuckDB prints TIMESTAMP_NS.
    package static func format(timestampNanos nanos: Int64) -> String {
        format(ticks: nanos, perSecond: 1_000_000_000)
    }

    private static func format(ticks: Int64, perSecond: Int64) -> String {
        let (days, time) = CivilDate.split(ticks: ticks, perSecond: perSecond)
        return format(date: Int32(truncatingIfNeeded: days)) + " "
            + CivilDate.formatTimeOfDay(time, perSecond: perSecond)
    }

    /// `value` with at least `width` digits.
    private static func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return digits.count < width ? String(repeating: "0", count: width - digits.count) + digits : digits
    }

    /// The bytes without leading and trailing spaces.
    static func trimmed(_ text: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
        var lo = 0, hi = text.count
        while lo < hi && isSpace(text[lo]) { lo += 1 }
        while hi > lo && isSpace(text[hi - 1]) { hi -= 1 }
        return UnsafeRawBufferPointer(rebasing: text[lo..<hi])
    }

    @inline(__always) private static func isSpace(_ b: UInt8) -> Bool {
        b == 0x20 || (b >= 0x09 && b <= 0x0D)
    }

    /// An integer: digits with an optional sign, else a finite double rounded half away from zero; `nil` when
    /// the text is neither or out of Int64's range.
    static func parseInteger(_ text: UnsafeRawBufferPointer) -> Int64? {
        let t = trimmed(text)
        if let v = parseDigits(t) { return v }
        guard let d = parseDouble(t), d.isFinite else { return nil }
        return Int64(exactly: d.rounded(.toNearestOrAwayFromZero))
    }

    private static func parseDigits(_ t: UnsafeRawBufferPointer) -> Int64? {
        var i = 0, negative = false
        if i < t.count && (t[i] == UInt8(ascii: "-") || t[i] == UInt8(ascii: "+")) {
            negative = t[i] == UInt8(ascii: "-")
            i += 1
        }
        guard i < t.count else { return nil }
        var value: Int64 = 0
        while i < t.count {
            let d = t[i] &- 48
            guard d < 10 else { return nil }
            let (m, o1) = value.multipliedReportingOverflow(by: 10)
            let (s, o2) = negative ? m.subtractingReportingOverflow(Int64(d)) : m.addingReportingOverflow(Int64(d))
            guard !o1, !o2 else { return nil }
            value = s
            i += 1
        }
        return value
    }

    /// A double in Swift's (strtod-like) syntax, also "nan", "inf", "infinity" in any case.
    static func parseDouble(_ text: UnsafeRawBufferPointer) -> Double? {
        let t = trimmed(text)
        guard !t.isEmpty else { return nil }
        return Double(String(decoding: t, as: UTF8.self))
    }

    /// true/t/yes/y/1 or false/f/no/n/0, any case.
    static func parseBool(_ text: UnsafeRawBufferPointer) -> Bool? {
        switch String(decoding: trimmed(text), as: UTF8.self).lowercased() {
        case "true", "t", "yes", "y", "1": true
        case "false", "f", "no", "n", "0": false
        default: nil
        }
    }

    /// A date `[-]YYYY-MM-DD`.
    static func parseDate(_ text: UnsafeRawBufferPointer) -> Int32? {
        var scanner = Scanner(bytes: trimmed(text))
        guard let days = scanner.date(), scanner.atEnd else { return nil }
        return days
    }

    /// A timestamp in microseconds: a date, optionally followed by ' ' or 'T' and a time of day.
    static func parseTimestamp(_ text: UnsafeRawBufferPointer) -> Int64? {
        parseTimestamp(text, perSecond: 1_000_000)
    }

    /// A timestamp in nanoseconds (TIMESTAMP_NS), `nil` outside Int64's range of nanoseconds.
    static func parseTimestampNanos(_ text: UnsafeRawBufferPointer) -> Int64? {
        parseTimestamp(text, perSecond: 1_000_000_000)
    }

    private static func parseTimestamp(_ text: UnsafeRawBufferPointer, perSecond: Int64) -> Int64? {
        var scanner = Scanner(bytes: trimmed(text))
        guard let days = scanner.date() else { return nil }
        var nanos: Int64 = 0
        if !scanner.atEnd {
            guard scanner.skip(UInt8(ascii: " ")) || scanner.skip(UInt8(ascii: "T")), let time = scanner.time() else {
                return nil
            }
            nanos = time
        }
        _ = scanner.skip(UInt8(ascii: "Z"))
        guard scanner.atEnd else { return nil }
        let (base, o1) = Int64(days).multipliedReportingOverflow(by: 86_400 * perSecond)
        let (sum, o2) = base.addingReportingOverflow(nanos / (1_000_000_000 / perSecond))
        return o1 || o2 ? nil : sum
    }

    private struct Scanner {
        let bytes: UnsafeRawBufferPointer
        var i = 0

        var atEnd: Bool { i == bytes.count }

        mutating func skip(_ b: UInt8) -> Bool {
            guard i < bytes.count, bytes[i] == b else { return false }
            i += 1
            return true
        }

        /// Up to `maxDigits` decimal digits (at least `minDigits`).
        mutating func number(minDigits: Int, maxDigits: Int) -> Int? {
            var value = 0, n = 0
            while i < bytes.count, n < maxDigits, bytes[i] &- 48 < 10 {
                value = value * 10 + Int(bytes[i] &- 48)
                i += 1
                n += 1
            }
            return n >= minDigits ? value : nil
        }

        mutating func date() -> Int32? {
            let negative = skip(UInt8(ascii: "-"))
            guard let year = number(minDigits: 1, maxDigits: 9), skip(UInt8(ascii: "-")),
                  let month = number(minDigits: 1, maxDigits: 2), skip(UInt8(ascii: "-")),
                  let day = number(minDigits: 1, maxDigits: 2) else { return nil }
            let y = negative ? -year : year
            guard CivilDate.isValid(year: y, month: month, day: day) else { return nil }
            return Int32(exactly: CivilDate.days(year: y, month: month, day: day))
        }

        /// A time of day in nanoseconds (fraction digits beyond nine are cut).
        mutating func time() -> Int64? {
            guard let h = number(minDigits: 1, maxDigits: 2), h < 24, skip(UInt8(ascii: ":")),
                  let m = number(minDigits: 2, maxDigits: 2), m < 60 else { return nil }
            var s = 0, fraction = 0
            if skip(UInt8(ascii: ":")) {
                guard let sec = number(minDigits: 2, maxDigits: 2), sec < 60 else { return nil }
                s = sec
                if skip(UInt8(ascii: ".")) {
                    var scale = 100_000_000, n = 0
                    while i < bytes.count, bytes[i] &- 48 < 10 {
                        if scale > 0 { fraction += Int(bytes[i] &- 48) * scale }
                        scale /= 10
                        i += 1
                        n += 1
                    }
                    guard n > 0 else { return nil }
                }
            }
            return Int64(((h * 60 + m) * 60 + s)) * 1_000_000_000 + Int64(fraction)
        }
    }
}
