/// Exact decimal helpers over integer units of 10^-scale (the storage of ``DataType/decimal(precision:scale:)``).
///
/// Parsing and conversion round half away from zero, as DuckDB does; every function reports a value that does not
/// fit its precision instead of wrapping.
public enum DecimalMath {
    /// 10^0 ... 10^38 as `Int128`.
    public static let powersOfTen: [Int128] = {
        var powers: [Int128] = [1]
        for _ in 1...38 { powers.append(powers[powers.count - 1] * 10) }
        return powers
    }()

    /// 10^`exponent` for `exponent` in 0...38.
    @inline(__always)
    public static func power(_ exponent: Int) -> Int128 { powersOfTen[exponent] }

    /// Whether `units` fits `precision` digits.
    @inline(__always)
    public static func fits(_ units: Int128, precision: Int) -> Bool {
        let bound = powersOfTen[precision]
        return units < bound && units > -bound
    }

    /// `units` (scale `from`) at scale `to`, rounding half away from zero when the scale shrinks; `nil` when the
    /// result does not fit 128 bits.
    public static func rescale(_ units: Int128, from: Int, to: Int) -> Int128? {
        if to == from { return units }
        if to > from {
            let (result, overflow) = units.multipliedReportingOverflow(by: powersOfTen[to - from])
            return overflow ? nil : result
        }
        return divideRounding(units, powersOfTen[from - to])
    }

    /// `a / b` rounded half away from zero (`b` > 0).
    @inline(__always)
    public static func divideRounding(_ a: Int128, _ b: Int128) -> Int128 {
        let quotient = a / b, remainder = a % b
        if remainder.magnitude * 2 >= b.magnitude { return a < 0 ? quotient - 1 : quotient + 1 }
        return quotient
    }

    /// The decimal text of `units` at `scale`: exactly `scale` digits after the point (`0.50`, `-12.3`, `7`). As
    /// DuckDB prints them, a type whose `precision` equals its scale has no digit before the point (`.50`).
    public static func format(_ units: Int128, scale: Int, precision: Int = 0) -> String {
        var digits = String(units.magnitude)
        if scale > 0 {
            if digits.count <= scale {
                let zeros = scale - digits.count + (precision == scale ? 0 : 1)
                digits = String(repeating: "0", count: zeros) + digits
            }
            digits.insert(".", at: digits.index(digits.endIndex, offsetBy: -scale))
        }
        return units < 0 ? "-" + digits : digits
    }

    /// The value of `units` at `scale` as a double (the nearest double to the integer, divided by 10^scale).
    @inline(__always)
    public static func toDouble(_ units: Int128, scale: Int) -> Double {
        Double(units) / doublePowers[scale]
    }

    /// 10^0 ... 10^38 as doubles.
    public static let doublePowers: [Double] = (0...38).map { exponent in
        var value = 1.0
        for _ in 0..<exponent { value *= 10 }
        return value
    }

    /// `value` as units of `scale` rounded half away from zero, or `nil` when it is not finite or does not fit
    /// `precision` digits.
    public static func fromDouble(_ value: Double, precision: Int, scale: Int) -> Int128? {
        guard value.isFinite else { return nil }
        let scaled = (value * doublePowers[scale]).rounded(.toNearestOrAwayFromZero)
        guard abs(scaled) < doublePowers[precision] else { return nil }
        let units = Int128(scaled)
        return fits(units, precision: precision) ? units : nil
    }

    /// Parses decimal text (`-12.345`, `+.5`, `1e3`, surrounding spaces allowed) as units of `scale`, rounding
    /// half away from zero; `nil` when it is not a number or does not fit `precision` digits.
    public static func parse(_ text: UnsafeRawBufferPointer, precision: Int, scale: Int) -> Int128? {
        var i = 0, end = text.count
        while i < end, text[i] == 0x20 || text[i] == 0x09 { i += 1 }
        while end > i, text[end - 1] == 0x20 || text[end - 1] == 0x09 { end -= 1 }
        var negative = false
        if i < end, text[i] == UInt8(ascii: "-") || text[i] == UInt8(ascii: "+") {
            negative = text[i] == UInt8(ascii: "-")
            i += 1
        }
        // Digits as an integer `mantissa` with `fraction` digits after the point; digits beyond what 38 digits of
        // precision can use only decide rounding.
        var mantissa: Int128 = 0, fraction = 0, digitCount = 0, sawPoint = false, dropped = false
        var firstDropped: UInt8 = 0, integerDropped = 0
        while i < end {
            let byte = text[i]
            if byte == UInt8(ascii: ".") {
                guard !sawPoint else { return nil }
                sawPoint = true
            } else if byte >= 0x30 && byte <= 0x39 {
                digitCount += 1
                let digit = Int128(byte - 0x30)
                if mantissa < powersOfTen[37] && !dropped {
                    mantissa = mantissa * 10 + digit
                    if sawPoint { fraction += 1 }
                } else {
                    if !dropped { firstDropped = byte - 0x30 }
                    dropped = true
                    if !sawPoint { integerDropped += 1 }
                }
            } else {
                break
            }
            i += 1
        }
        guard digitCount > 0 else { return nil }
        var exponent = integerDropped - fraction
        if i < end {
            guard text[i] == UInt8(ascii: "e") || text[i] == UInt8(ascii: "E") else { return nil }
            i += 1
            var exponentNegative = false
            if i < end, text[i] == UInt8(ascii: "-") || text[i] == UInt8(ascii: "+") {
                exponentNegative = text[i] == UInt8(ascii: "-")
                i += 1
            }
            guard i < end else { return nil }
            var written = 0
            while i < end {
                let byte = text[i]
                guard byte >= 0x30 && byte <= 0x39, written < 1000 else { return nil }
                written = written * 10 + Int(byte - 0x30)
                i += 1
            }
            exponent += exponentNegative ? -written : written
        }
        // value = mantissa × 10^exponent (plus dropped digits); units = value × 10^scale.
        let shift = exponent + scale
        var units: Int128
        if shift >= 0 {
            guard mantissa == 0 || shift <= 38 else { return nil }
            let (product, overflow) = mantissa.multipliedReportingOverflow(by: mantissa == 0 ? 1 : powersOfTen[shift])
            guard !overflow else { return nil }
            units = product
            // Digits dropped past 38 significant ones can only round the last unit kept.
            if dropped && shift == 0 && firstDropped >= 5 { units += 1 }
        } else if -shift > 38 {
            units = 0
        } else {
            units = divideRounding(mantissa, powersOfTen[-shift])
        }
        if negative { units = -units }
        return fits(units, precision: precision) ? units : nil
    }

    /// Parses a Swift string as decimal units; see ``parse(_:precision:scale:)``.
    public static func parse(_ text: String, precision: Int, scale: Int) -> Int128? {
        var copy = text
        return copy.withUTF8 { parse(UnsafeRawBufferPointer($0), precision: precision, scale: scale) }
    }
}
