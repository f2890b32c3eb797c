import StrataCore

// Date and timestamp functions: fields (`quarter`, `dayofweek`, `hour`, …), `date_trunc` and adding an interval.
//
// 1. A date is days since 1970-01-01 (Int32), a timestamp microseconds (Int64); both are split into a day number
//    (floor division, so instants before 1970 fall on the right day) and the microseconds into that day.
// 2. Calendar fields come from the civil date of the day number (proleptic Gregorian, as DuckDB): ISO weeks start
//    on Monday, and week 1 is the one holding the year's first Thursday; `dayofweek` counts Sunday as 0,
//    `isodow` Monday as 1.
// 3. `date_trunc(part, x)` is the timestamp of the start of x's year, quarter, month, ISO week, day, hour, minute or
//    second (a timestamp for dates too, as in DuckDB 2.0).
// 4. Adding an interval of (months, days, microseconds) moves the month first (clamping the day to the month's
//    length: January 31 + 1 month is February 28 or 29), then adds the days and the microseconds; the result is a
//    timestamp. A result outside the timestamp range fails the query.

/// A calendar or clock field of a date or timestamp.
enum DateField: String, Sendable {
    case year, quarter, month, day, dayOfWeek = "dayofweek", isoDayOfWeek = "isodow", dayOfYear = "dayofyear"
    case week, hour, minute, second

    /// The field's value for a day number and the microseconds into that day.
    @inline(__always) func value(days: Int, micros: Int64) -> Int64 {
        switch self {
        case .hour: return micros / 3_600_000_000
        case .minute: return micros / 60_000_000 % 60
        case .second: return micros / 1_000_000 % 60
        case .dayOfWeek: return Int64(((days + 4) % 7 + 7) % 7)
        case .isoDayOfWeek: return Int64(((days + 3) % 7 + 7) % 7 + 1)
        default: break
        }
        let civil = CivilDate.civil(days: days)
        switch self {
        case .year: return Int64(civil.year)
        case .quarter: return Int64((civil.month - 1) / 3 + 1)
        case .month: return Int64(civil.month)
        case .day: return Int64(civil.day)
        case .dayOfYear: return Int64(days - CivilDate.days(year: civil.year, month: 1, day: 1) + 1)
        default: return Int64(DateField.isoWeek(days: days))
        }
    }

    /// The ISO 8601 week number of day `days`.
    static func isoWeek(days: Int) -> Int {
        let weekday = ((days + 3) % 7 + 7) % 7  // Monday 0
        let thursday = days - weekday + 3  // the Thursday of the same ISO week
        let year = CivilDate.civil(days: thursday).year
        let first = CivilDate.days(year: year, month: 1, day: 1)
        return (thursday - first) / 7 + 1
    }
}

/// Splits a date (`perDay` 1) or timestamp (`perDay` 86 400 000 000) into its day and the microseconds into it.
@inline(__always) private func split<T: FixedWidthInteger>(_ x: T, perDay: T) -> (days: Int, micros: Int64) {
    let days = x / perDay - (x % perDay < 0 ? 1 : 0)
    let micros = perDay == 1 ? 0 : Int64(x) - Int64(days) * 86_400_000_000
    return (Int(days), micros)
}

/// A field of dates or timestamps.
struct DateFieldOf<T: FixedWidthInteger>: UnaryOperation {
    let field: DateField
    let perDay: T
    @inline(__always) func apply(_ x: T) -> (Int64, RowStatus) {
        let (days, micros) = split(x, perDay: perDay)
        return (field.value(days: days, micros: micros), .ok)
    }
}

/// A clock field (hour, minute, second) of nanoseconds since the epoch, read from the nanoseconds (floor).
struct NanosFieldOf: UnaryOperation {
    let field: DateField
    @inline(__always) func apply(_ x: Int64) -> (Int64, RowStatus) {
        let (days, nanos) = CivilDate.split(ticks: x, perSecond: 1_000_000_000)
        return (field.value(days: Int(days), micros: nanos / 1000), .ok)
    }
}

/// The units `date_trunc` accepts.
enum TruncationUnit: String, Sendable {
    case year, quarter, month, week, day, hour, minute, second

    /// The unit named `name` (DuckDB's spellings, any case), or nil.
    init?(name: String) {
        let lowered = name.lowercased()
        let aliases = ["years": "year", "quarters": "quarter", "months": "month", "weeks": "week", "days": "day",
                       "hours": "hour", "minutes": "minute", "seconds": "second"]
        self.init(rawValue: aliases[lowered] ?? lowered)
    }
}

/// `date_trunc(unit, x)` as a timestamp.
struct TruncateDate<T: FixedWidthInteger>: UnaryOperation {
    let unit: TruncationUnit
    let perDay: T
    @inline(__always) func apply(_ x: T) -> (Int64, RowStatus) {
        let (days, micros) = split(x, perDay: perDay)
        let day: Int
        var within: Int64 = 0
        switch unit {
        case .year, .quarter, .month:
            let civil = CivilDate.civil(days: days)
            let month = unit == .year ? 1 : (unit == .quarter ? (civil.month - 1) / 3 * 3 + 1 : civil.month)
            day = CivilDate.days(year: civil.year, month: month, day: 1)
        case .week: day = days - ((days + 3) % 7 + 7) % 7
        case .day: day = days
        case .hour: (day, within) = (days, micros - micros % 3_600_000_000)
        case .minute: (day, within) = (days, micros - micros % 60_000_000)
        case .second: (day, within) = (days, micros - micros % 1_000_000)
        }
        let (scaled, overflow) = Int64(day).multipliedReportingOverflow(by: 86_400_000_000)
        guard !overflow else { return (0, .error) }
        return (scaled + within, .ok)
    }
}

/// `x + INTERVAL (months, days, micros)` as a timestamp.
struct AddInterval<T: FixedWidthInteger>: UnaryOperation {
    let months: Int64
    let days: Int64
    let micros: Int64
    let perDay: T
    /// Ticks of `x` and of the result in a microsecond: 1, or 1000 for timestamp_ns (whose `perDay` is then ignored).
    var perMicro: Int64 = 1
    @inline(__always) func apply(_ x: T) -> (Int64, RowStatus) {
        var (day, within) = perMicro == 1 ? split(x, perDay: perDay) : {
            let (days, time) = CivilDate.split(ticks: Int64(x), perSecond: 1_000_000_000)
            return (Int(days), time)
        }()
        if months != 0 {
            let civil = CivilDate.civil(days: day)
            let total = Int64(civil.year) * 12 + Int64(civil.month - 1) + months
            guard let year = Int(exactly: total >= 0 ? total / 12 : (total - 11) / 12), abs(year) < 300_000 else {
                return (0, .error)
            }
            let month = Int(total - Int64(year) * 12) + 1
            var dayOfMonth = civil.day
            while dayOfMonth > 28, !CivilDate.isValid(year: year, month: month, day: dayOfMonth) { dayOfMonth -= 1 }
            day = CivilDate.days(year: year, month: month, day: dayOfMonth)
        }
        let (shifted, o1) = Int64(day).addingReportingOverflow(days)
        let (scaled, o2) = shifted.multipliedReportingOverflow(by: 86_400_000_000 * perMicro)
        let (withTime, o3) = scaled.addingReportingOverflow(within)
        let (offset, o4) = micros.multipliedReportingOverflow(by: perMicro)
        let (result, o5) = withTime.addingReportingOverflow(offset)
        return o1 || o2 || o3 || o4 || o5 ? (0, .error) : (result, .ok)
    }
}

/// `strftime(x, format)`: a date or timestamp as text, by a constant format of DuckDB's specifiers (`%Y` `%y` `%m`
/// `%d` `%H` `%I` `%M` `%S` `%f` `%j` `%B` `%b` `%A` `%a` `%p` `%%`; `%-m` and the like drop the zero padding).
struct DateFormat: Sendable {
    /// A piece of the format.
    private enum Piece: Sendable {
        case text([UInt8])
        case field(Character, padded: Bool)
    }

    private let pieces: [Piece]
    private static let months = ["January", "February", "March", "April", "May", "June", "July", "August",
                                 "September", "October", "November", "December"].map { Array($0.utf8) }
    private static let weekdays = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday",
                                   "Saturday"].map { Array($0.utf8) }

    /// The format `text`, or an error naming an unknown specifier.
    init(_ text: String) throws(StrataError) {
        var pieces: [Piece] = []
        var literal: [UInt8] = []
        var characters = Array(text)[...]
        while let c = characters.popFirst() {
            guard c == "%" else {
                literal.append(contentsOf: Array(String(c).utf8))
                continue
            }
            var padded = true
            var spec = characters.popFirst()
            if spec == "-" {
                padded = false
                spec = characters.popFirst()
            }
            guard let spec else { throw StrataError(.invalidArgument, "strftime format ends with %") }
            if spec == "%" {
                literal.append(UInt8(ascii: "%"))
                continue
            }
            guard "YymdHIMSfjBbAap".contains(spec) else {
                throw StrataError(.invalidArgument, "strftime specifier %\(spec) is not supported")
            }
            if !literal.isEmpty { pieces.append(.text(literal)) }
            literal = []
            pieces.append(.field(spec, padded: padded))
        }
        if !literal.isEmpty { pieces.append(.text(literal)) }
        self.pieces = pieces
    }

    /// Appends day `days` at `micros` into it, formatted, to `out`.
    func append(days: Int, micros: Int64, to out: inout [UInt8]) {
        let civil = CivilDate.civil(days: days)
        // Digits written straight into `out`, no text per value.
        func number(_ value: Int, width: Int, padded: Bool) {
            if value < 0 { out.append(UInt8(ascii: "-")) }
            let magnitude = value.magnitude
            var digits = 1
            var probe = magnitude
            while probe >= 10 {
                probe /= 10
                digits += 1
            }
            if padded, digits < width { out.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: width - digits)) }
            let start = out.count
            out.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: digits))
            var rest = magnitude
            for i in stride(from: start + digits - 1, through: start, by: -1) {
                out[i] = UInt8(ascii: "0") + UInt8(rest % 10)
                rest /= 10
            }
        }
        for piece in pieces {
            switch piece {
            case let .text(bytes): out.append(contentsOf: bytes)
            case let .field(spec, padded):
                let hour = Int(micros / 3_600_000_000)
                switch spec {
                case "Y": number(civil.year, width: 4, padded: padded)
                case "y": number(((civil.year % 100) + 100) % 100, width: 2, padded: padded)
                case "m": number(civil.month, width: 2, padded: padded)
                case "d": number(civil.day, width: 2, padded: padded)
                case "H": number(hour, width: 2, padded: padded)
                case "I": number(hour % 12 == 0 ? 12 : hour % 12, width: 2, padded: padded)
                case "M": number(Int(micros / 60_000_000 % 60), width: 2, padded: padded)
                case "S": number(Int(micros / 1_000_000 % 60), width: 2, padded: padded)
                case "f": number(Int(micros % 1_000_000), width: 6, padded: padded)
                case "j":
                    number(days - CivilDate.days(year: civil.year, month: 1, day: 1) + 1, width: 3, padded: padded)
                case "B": out.append(contentsOf: DateFormat.months[civil.month - 1])
                case "b": out.append(contentsOf: DateFormat.months[civil.month - 1].prefix(3))
                case "A": out.append(contentsOf: DateFormat.weekdays[((days + 4) % 7 + 7) % 7])
                case "a": out.append(contentsOf: DateFormat.weekdays[((days + 4) % 7 + 7) % 7].prefix(3))
                default:
                    out.append(hour < 12 ? UInt8(ascii: "A") : UInt8(ascii: "P"))
                    out.append(UInt8(ascii: "M"))
                }
            }
        }
    }

    /// Every row of `x` (dates or timestamps) formatted.
    func format(_ x: Vector, rows: Int, words: [UInt64]?) throws(StrataError) -> StringBuffer {
        var out = StringBuffer()
        var row: [UInt8] = []
        let perDay: Int64 = x.type == .date ? 1 : 86_400_000_000
        let values: [Int64]
        switch x.column.data {
        case let .int32(v): values = v.map(Int64.init)
        // A timestamp_ns is formatted from its microsecond (floor), as DuckDB's `%f` shows it.
        case let .int64(v) where x.type == .timestampNanos:
            values = v.map { $0 / 1000 - ($0 % 1000 < 0 ? 1 : 0) }
        case let .int64(v): values = v
        default: throw StrataError(.internal, "strftime over \(x.type)")
        }
        for i in 0..<rows {
            if let words, (words[i >> 6] >> UInt64(i & 63)) & 1 == 0 {
                out.appendEmpty()
                continue
            }
            let value = values[x.isConstant ? 0 : i]
            let days = value / perDay - (value % perDay < 0 ? 1 : 0)
            row.removeAll(keepingCapacity: true)
            append(days: Int(days), micros: perDay == 1 ? 0 : value - days * perDay, to: &row)
            if row.withUnsafeBytes({ raw in (try? out.append(raw)) == nil }) { throw StringFunctions.tooLarge }
        }
        return out
    }
}
