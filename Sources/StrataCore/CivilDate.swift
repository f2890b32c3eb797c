/// Conversions between days/microseconds/nanoseconds since the Unix epoch and proleptic Gregorian calendar dates.
///
/// Algorithm: Howard Hinnant's `days_from_civil` / `civil_from_days`, exact for every `Int32` day.
package enum CivilDate {
    /// Days since 1970-01-01 of the given calendar date (month 1...12, day 1...31; not validated).
    package static func days(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The calendar date of a day number.
    package static func civil(days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    /// Whether `day` exists in `month` of `year`.
    package static func isValid(year: Int, month: Int, day: Int) -> Bool {
        guard (1...12).contains(month), day >= 1 else { return false }
        let lengths = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
        return day <= (month == 2 && leap ? 29 : lengths[month - 1])
    }

    /// `YYYY-MM-DD` (years outside 0...9999 get a sign or more digits, as DuckDB prints them).
    package static func format(days: Int32) -> String {
        let (y, m, d) = civil(days: Int(days))
        return pad(y, 4) + "-" + pad(m, 2) + "-" + pad(d, 2)
    }

    /// ISO 8601 `YYYY-MM-DDTHH:MM:SS[.ffffff]Z` of microseconds since the epoch.
    package static func format(micros: Int64) -> String {
        format(ticks: micros, perSecond: 1_000_000)
    }

    /// ISO 8601 `YYYY-MM-DDTHH:MM:SS[.fffffffff]Z` of nanoseconds since the epoch.
    package static func format(nanos: Int64) -> String {
        format(ticks: nanos, perSecond: 1_000_000_000)
    }

    /// The day and the time of day (in ticks, 0 ..< a day) of `ticks` since the epoch, `perSecond` ticks a second.
    package static func split(ticks: Int64, perSecond: Int64) -> (days: Int64, time: Int64) {
        let perDay = perSecond * 86_400
        let (days, rest) = ticks.quotientAndRemainder(dividingBy: perDay)
        return rest < 0 ? (days - 1, rest + perDay) : (days, rest)
    }

    /// `HH:MM:SS[.f…]` of `time` ticks since midnight, the fraction (as many digits as `perSecond` has zeros)
    /// without trailing zeros, as DuckDB prints times of day.
    package static func formatTimeOfDay(_ time: Int64, perSecond: Int64) -> String {
        let seconds = time / perSecond, fraction = time % perSecond
        var text = pad(Int(seconds / 3600), 2) + ":" + pad(Int(seconds / 60 % 60), 2) + ":" + pad(Int(seconds % 60), 2)
        if fraction != 0 {
            var digits = pad(Int(fraction), String(perSecond).count - 1)
            while digits.hasSuffix("0") { digits.removeLast() }
            text += "." + digits
        }
        return text
    }

    private static func format(ticks: Int64, perSecond: Int64) -> String {
        let (days, time) = split(ticks: ticks, perSecond: perSecond)
        return format(days: Int32(truncatingIfNeeded: days)) + "T" + formatTimeOfDay(time, perSecond: perSecond) + "Z"
    }

    private static func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(abs(value))
        let padded = digits.count < width ? String(repeating: "0", count: width - digits.count) + digits : digits
        return value < 0 ? "-" + padded : padded
    }
}
