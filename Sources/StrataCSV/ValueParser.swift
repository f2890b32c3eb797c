#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import StrataCore

/// Parsers from field bytes to typed values, in two flavours.
///
/// - *Strict* (sniffed columns) accepts only text that survives the round trip unchanged in meaning: `007`, `+5`,
///   ` 5`, integers outside Int64, non-finite doubles and sub-microsecond timestamps are rejected, so they stay
///   strings (see `docs/csv-import.md`).
/// - *Lenient* (types fixed by `--schema` or an existing table) also accepts a sign, leading zeros, `5.`,
///   `NaN`/`inf`, `t`/`f`/`1`/`0` and dates as timestamps, wherever the value is unambiguous.
///
/// Doubles use the exact fast path (Clinger): a decimal with at most 19 significant digits whose mantissa fits in
/// 53 bits and whose power of ten is at most 22 is `m * 10^e` or `m / 10^-e`, a single correctly rounded operation.
/// Everything else goes to `strtod` (correctly rounded in glibc).
package enum ValueParser {
    // MARK: - Integers

    /// Parses `-?(0|[1-9][0-9]*)` within Int64 (strict) or `[+-]?[0-9]+` (lenient).
    @inline(__always)
    package static func int64(_ p: UnsafePointer<UInt8>, _ n: Int, lenient: Bool) -> Int64? {
        guard n > 0 else { return nil }
        var i = 0
        var negative = false
        if p[0] == UInt8(ascii: "-") {
            negative = true
            i = 1
        } else if lenient && p[0] == UInt8(ascii: "+") {
            i = 1
        }
        guard i < n else { return nil }
        if !lenient && p[i] == UInt8(ascii: "0") && (n - i > 1 || negative) { return nil }
        // Accumulate as a negative number so Int64.min parses.
        var value: Int64 = 0
        while i < n {
            let d = p[i] &- 48
            guard d < 10 else { return nil }
            let (m, o1) = value.multipliedReportingOverflow(by: 10)
            let (s, o2) = m.subtractingReportingOverflow(Int64(d))
            if o1 || o2 { return nil }
            value = s
            i += 1
        }
        if negative { return value }
        return value == Int64.min ? nil : -value
    }

    // MARK: - Doubles

    private static let exactPowers: [Double] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19,
        1e20, 1e21, 1e22,
    ]

    /// Parses a decimal number. Strict: `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?` or `-?\.[0-9]+(…)?`, finite.
    /// Lenient also: a leading `+`, leading zeros, `5.`, and `nan`, `inf`, `infinity` in any case.
    package static func double(_ p: UnsafePointer<UInt8>, _ n: Int, lenient: Bool) -> Double? {
        guard n > 0 else { return nil }
        var i = 0
        var negative = false
        if p[0] == UInt8(ascii: "-") {
            negative = true
            i = 1
        } else if p[0] == UInt8(ascii: "+") {
            guard lenient else { return nil }
            i = 1
        }
        guard i < n else { return nil }
        if lenient, let special = specialDouble(p + i, n - i) { return negative ? -special : special }
        var mantissa: UInt64 = 0
        var digits = 0            // significant digits accumulated
        var droppedDigits = false // more than 19 significant digits
        var exponent = 0
        let integerStart = i
        while i < n, p[i] &- 48 < 10 {
            let d = UInt64(p[i] &- 48)
            if digits < 19 {
                if mantissa != 0 || d != 0 {
                    mantissa = mantissa &* 10 &+ d
                    digits += 1
                }
            } else {
                exponent += 1
                if d != 0 { droppedDigits = true }
            }
            i += 1
        }
        let integerDigits = i - integerStart
        if !lenient && integerDigits > 1 && p[integerStart] == UInt8(ascii: "0") { return nil }
        var fractionDigits = 0
        if i < n && p[i] == UInt8(ascii: ".") {
            i += 1
            let fractionStart = i
            while i < n, p[i] &- 48 < 10 {
                let d = UInt64(p[i] &- 48)
                if digits < 19 {
                    if mantissa != 0 || d != 0 {
                        mantissa = mantissa &* 10 &+ d
                        digits += 1
                    }
                    exponent -= 1
                } else if d != 0 {
                    droppedDigits = true
                }
                i += 1
            }
            fractionDigits = i - fractionStart
            if fractionDigits == 0 && !lenient { return nil }
        }
        guard integerDigits + fractionDigits > 0 else { return nil }
        if i < n && (p[i] == UInt8(ascii: "e") || p[i] == UInt8(ascii: "E")) {
            i += 1
            var exponentNegative = false
            if i < n && (p[i] == UInt8(ascii: "+") || p[i] == UInt8(ascii: "-")) {
                exponentNegative = p[i] == UInt8(ascii: "-")
                i += 1
            }
            let exponentStart = i
            var value = 0
            while i < n, p[i] &- 48 < 10 {
                if value < 100_000 { value = value * 10 + Int(p[i] &- 48) }
                i += 1
            }
            guard i > exponentStart else { return nil }
            exponent += exponentNegative ? -value : value
        }
        guard i == n else { return nil }
        if mantissa == 0 && !droppedDigits { return negative ? -0.0 : 0.0 }
        if !droppedDigits && mantissa < (1 << 53) && exponent >= -22 && exponent <= 22 {
            let m = Double(mantissa)
            let value = exponent >= 0 ? m * exactPowers[exponent] : m / exactPowers[-exponent]
            return negative ? -value : value
        }
        return slowDouble(p, n, lenient: lenient)
    }

    /// `strtod` on a NUL-terminated copy of text whose grammar the caller has checked (only number characters get
    /// through, and `strtod` must consume everything).
    private static func slowDouble(_ p: UnsafePointer<UInt8>, _ n: Int, lenient: Bool) -> Double? {
        guard n < 1 << 16 else { return nil }
        return withUnsafeTemporaryAllocation(of: CChar.self, capacity: n + 1) { buffer -> Double? in
            guard let base = buffer.baseAddress else { return nil }
            for k in 0..<n {
                let c = p[k]
                // Only number characters may reach strtod (no hex floats, no spaces, no "nan" in strict mode).
                guard (c &- 48 < 10) || c == UInt8(ascii: ".") || c == UInt8(ascii: "e") || c == UInt8(ascii: "E")
                    || c == UInt8(ascii: "-") || c == UInt8(ascii: "+")
                else { return nil }
                base[k] = CChar(bitPattern: c)
            }
            base[n] = 0
            var end: UnsafeMutablePointer<CChar>?
            let value = strtod(base, &end)
            guard let end, end == base + n else { return nil }
            guard value.isFinite || lenient else { return nil }
            return value
        }
    }

    private static func specialDouble(_ p: UnsafePointer<UInt8>, _ n: Int) -> Double? {
        guard n == 3 || n == 8 else { return nil }
        var lower = [UInt8](repeating: 0, count: n)
        for k in 0..<n { lower[k] = p[k] | 0x20 }
        switch lower {
        case Array("nan".utf8): return .nan
        case Array("inf".utf8), Array("infinity".utf8): return .infinity
        default: return nil
        }
    }

    // MARK: - Booleans

    /// Strict: `true` / `false` in any case. Lenient also `t`, `f`, `1`, `0`, `yes`, `no`.
    @inline(__always)
    package static func bool(_ p: UnsafePointer<UInt8>, _ n: Int, lenient: Bool) -> Bool? {
        func lowered(_ k: Int) -> UInt8 { p[k] | 0x20 }
        if n == 4 && lowered(0) == 116 && lowered(1) == 114 && lowered(2) == 117 && lowered(3) == 101 { return true }
        if n == 5 && lowered(0) == 102 && lowered(1) == 97 && lowered(2) == 108 && lowered(3) == 115
            && lowered(4) == 101 { return false }
        guard lenient else { return nil }
        if n == 1 {
            switch p[0] | 0x20 {
            case 116, 49 | 0x20: return p[0] == 49 || lowered(0) == 116 ? true : nil
            case 102, 48 | 0x20: return p[0] == 48 || lowered(0) == 102 ? false : nil
            default: return nil
            }
        }
        if n == 3 && lowered(0) == 121 && lowered(1) == 101 && lowered(2) == 115 { return true }
        if n == 2 && lowered(0) == 110 && lowered(1) == 111 { return false }
        return nil
    }

    // MARK: - Dates and timestamps

    @inline(__always)
    private static func digits(_ p: UnsafePointer<UInt8>, _ at: Int, _ count: Int) -> Int? {
        var value = 0
        for k in at..<(at + count) {
            let d = p[k] &- 48
            guard d < 10 else { return nil }
            value = value * 10 + Int(d)
        }
        return value
    }

    /// Parses `YYYY-MM-DD` (a valid calendar date) to days since 1970-01-01.
    @inline(__always)
    package static func date(_ p: UnsafePointer<UInt8>, _ n: Int) -> Int32? {
        guard n == 10, p[4] == UInt8(ascii: "-"), p[7] == UInt8(ascii: "-"),
              let year = digits(p, 0, 4), let month = digits(p, 5, 2), let day = digits(p, 8, 2),
              CivilDate.isValid(year: year, month: month, day: day)
        else { return nil }
        return Int32(CivilDate.days(year: year, month: month, day: day))
    }

    /// Parses `YYYY-MM-DD[T ]HH:MM[:SS[.fraction]][Z|±HH:MM|±HHMM|±HH]` to microseconds since the epoch, UTC (no
    /// offset means UTC). A fraction finer than microseconds must be zeros. Lenient also accepts a bare date.
    package static func timestamp(_ p: UnsafePointer<UInt8>, _ n: Int, lenient: Bool) -> Int64? {
        timestamp(p, n, lenient: lenient, fractionDigits: 6)
    }

    /// ``timestamp(_:_:lenient:)`` in nanoseconds (a fraction of up to nine digits); `nil` beyond Int64's
    /// nanoseconds (1677-09-21 to 2262-04-11).
    package static func timestampNanos(_ p: UnsafePointer<UInt8>, _ n: Int, lenient: Bool) -> Int64? {
        timestamp(p, n, lenient: lenient, fractionDigits: 9)
    }

    /// A timestamp in units of 10^-`fractionDigits` seconds; a fraction finer than that must be zeros.
    private static func timestamp(_ p: UnsafePointer<UInt8>, _ n: Int, lenient: Bool,
                                  fractionDigits: Int) -> Int64? {
        let perSecond: Int64 = fractionDigits == 9 ? 1_000_000_000 : 1_000_000
        if n == 10 {
            guard lenient, let days = date(p, 10) else { return nil }
            let (ticks, overflow) = Int64(days).multipliedReportingOverflow(by: 86_400 * perSecond)
            return overflow ? nil : ticks
        }
        guard n >= 16, let days = date(p, 10), p[10] == UInt8(ascii: "T") || p[10] == UInt8(ascii: " "),
              let hour = digits(p, 11, 2), p[13] == UInt8(ascii: ":"), let minute = digits(p, 14, 2),
              hour < 24, minute < 60
        else { return nil }
        var i = 16
        var second = 0
        var fraction = 0
        if i < n && p[i] == UInt8(ascii: ":") {
            guard i + 3 <= n, let s = digits(p, i + 1, 2), s < 60 else { return nil }
            second = s
            i += 3
            if i < n && p[i] == UInt8(ascii: ".") {
                i += 1
                let fractionStart = i
                while i < n, p[i] &- 48 < 10 {
                    let position = i - fractionStart
                    if position < fractionDigits {
                        fraction = fraction * 10 + Int(p[i] &- 48)
                    } else if p[i] != UInt8(ascii: "0") || position >= 9 {
                        return nil // finer than the unit: would be lost
                    }
                    i += 1
                }
                let count = i - fractionStart
                guard count > 0 else { return nil }
                var scale = count
                while scale < fractionDigits {
                    fraction *= 10
                    scale += 1
                }
            }
        }
        var offsetSeconds = 0
        if i < n {
            let c = p[i]
            if c == UInt8(ascii: "Z") || c == UInt8(ascii: "z") {
                i += 1
            } else if c == UInt8(ascii: "+") || c == UInt8(ascii: "-") {
                let sign = c == UInt8(ascii: "-") ? -1 : 1
                guard i + 3 <= n, let oh = digits(p, i + 1, 2), oh < 24 else { return nil }
                i += 3
                var om = 0
                if i < n && p[i] == UInt8(ascii: ":") {
                    guard i + 3 <= n, let m = digits(p, i + 1, 2), m < 60 else { return nil }
                    om = m
                    i += 3
                } else if i + 2 <= n {
                    guard let m = digits(p, i, 2), m < 60 else { return nil }
                    om = m
                    i += 2
                }
                offsetSeconds = sign * (oh * 3600 + om * 60)
            } else {
                return nil
            }
        }
        guard i == n else { return nil }
        let seconds = Int64(days) * 86_400 + Int64(hour * 3600 + minute * 60 + second) - Int64(offsetSeconds)
        let (scaled, o1) = seconds.multipliedReportingOverflow(by: perSecond)
        let (ticks, o2) = scaled.addingReportingOverflow(Int64(fraction))
        return o1 || o2 ? nil : ticks
    }

    // MARK: - Classification

    /// The narrowest kind of value a field's text is (strict rules), for sniffing and widening.
    package static func classify(_ p: UnsafePointer<UInt8>, _ n: Int) -> ValueKind {
        guard n > 0 else { return .null }
        let first = p[0]
        if first &- 48 < 10 || first == UInt8(ascii: "-") || first == UInt8(ascii: ".") {
            if let value = int64(p, n, lenient: false) {
                return value.magnitude > 1 << 53 ? .largeInteger : .integer
            }
            // Beyond Int64, or leading zeros: keep the text ("-0" is left to the double parser: -0.0 is exact).
            if isIntegerText(p, n) && !(n == 2 && p[0] == UInt8(ascii: "-")) { return .string }
            if double(p, n, lenient: false) != nil { return .double }
            if n == 10, date(p, n) != nil { return .date }
            if n > 10, timestamp(p, n, lenient: false) != nil { return .timestamp }
            return .string
        }
        if n == 4 || n == 5, bool(p, n, lenient: false) != nil { return .bool }
        return .string
    }

    /// Whether the text is `-?[0-9]+`.
    package static func isIntegerText(_ p: UnsafePointer<UInt8>, _ n: Int) -> Bool {
        var i = p[0] == UInt8(ascii: "-") ? 1 : 0
        guard i < n else { return false }
        while i < n {
            guard p[i] &- 48 < 10 else { return false }
            i += 1
        }
        return true
    }
}
