#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import StrataCore

// Scalar functions by name.
//
// 1. Binding looks the name up case-insensitively (aliases substring → substr, power → pow), checks the arity
//    and argument types and fixes the result type (see `ScalarFunction.bind`).
// 2. String functions work on UTF-8 bytes: `length` counts Unicode scalars (bytes that are not continuation
//    bytes); `lower`/`upper` map ASCII bytes directly and fall back to Unicode case mapping for other text,
//    keeping a character whose mapping is not a single scalar (an approximation of utf8proc's simple mapping);
//    `substr` takes DuckDB's 1-based window, counted in Unicode scalars:
//    start = offset - 1 for offset ≥ 0 (so 0 is one before the first character), size + offset for offset < 0;
//    the window is [start, start + length) for length ≥ 0 and [start + length, start) for length < 0, clipped
//    to the string.
// 3. `round` rounds half away from zero; with digits d it computes round(x·10^d)/10^d (d ≥ 0) or
//    round(x/10^-d)·10^-d (d < 0) like DuckDB, returning x (or 0 for d < 0) when that is not finite; integers
//    round to a power of ten for d < 0 and are unchanged otherwise.

/// A built-in scalar function.
enum ScalarFunction: String, Sendable {
    case lower, upper, length, substr, abs, round, pow, sqrt, year, month, day
    /// `concat(a, …)`: NULL arguments skipped.
    case concat
    /// `a || b`: NULL when either is.
    case concatStrict = "||"
    /// `error(message)`: fails the query with `message` when evaluated on any row (as DuckDB's `error`); typed
    /// as a string that is never produced. A CASE branch evaluates it only on the rows that choose it.
    case error
    /// Calendar and clock fields of dates and timestamps (see DateFunctions.swift).
    case quarter, dayofweek, isodow, dayofyear, week, hour, minute, second
    /// `date_trunc(unit, x)`: the start of x's unit, a timestamp.
    case dateTrunc = "date_trunc"
    /// String functions (see StringFunctions.swift).
    case startsWith = "starts_with", contains, replace, trim, ltrim, rtrim
    /// `concat_ws(separator, a, …)`: the non-NULL arguments joined by the separator.
    case concatWs = "concat_ws"
    /// `octet_length(x)`: the bytes of a blob (or of a string's UTF-8).
    case octetLength = "octet_length"
    /// `strftime(x, format)`: a date or timestamp as text.
    case strftime
    /// `regexp_matches(s, pattern [, options])`: whether the constant regular expression matches part of s.
    case regexpMatches = "regexp_matches"
    /// `__add_interval(x, months, days, micros)`: x plus the interval, a timestamp (the binder's form of
    /// `x ± INTERVAL …`).
    case addInterval = "__add_interval"

    /// Whether the function reads dates and timestamps in microseconds, so that the binder casts a timestamp_ns
    /// argument to timestamp, rounding to the nearest microsecond (the calendar parts and `date_trunc`, whose result
    /// is a timestamp, as in DuckDB; `hour`, `minute` and `second` read the nanoseconds themselves).
    static func readsMicroseconds(_ name: String) -> Bool {
        ["year", "month", "day", "quarter", "dayofweek", "isodow", "dayofyear", "week", "date_trunc"]
            .contains(name.lowercased())
    }

    /// Whether the function takes text arguments, to which the binder casts any other type.
    static func takesText(_ name: String) -> Bool { ["concat", "||", "concat_ws"].contains(name.lowercased()) }

    /// The function called `name` (any case) applied to arguments of `types`, with its result type.
    static func bind(_ name: String, _ types: [DataType], text: String) throws(StrataError) -> (ScalarFunction, DataType) {
        let lowered = name.lowercased()
        let aliases = ["substring": "substr", "power": "pow"]
        guard let function = ScalarFunction(rawValue: aliases[lowered] ?? lowered) else {
            throw StrataError(.invalidArgument, "unknown function \(name) in \(text)")
        }
        let integers: Set<DataType> = [.int32, .int64]
        let numbers: Set<DataType> = [.int32, .int64, .float, .double]
        let type: DataType?
        switch (function, types.count) {
        case (.lower, 1), (.upper, 1): type = types[0] == .string ? .string : nil
        case (.length, 1): type = types[0] == .string ? .int64 : nil
        case (.octetLength, 1): type = types[0].storage == .string ? .int64 : nil
        case (.substr, 2), (.substr, 3):
            type = types[0] == .string && types.dropFirst().allSatisfy(integers.contains) ? .string : nil
        case (.abs, 1): type = numbers.contains(types[0]) || types[0].isDecimal ? types[0] : nil
        case (.round, 1): type = numbers.contains(types[0]) ? types[0] : nil
        case (.round, 2): type = numbers.contains(types[0]) && integers.contains(types[1]) ? types[0] : nil
        case (.pow, 2): type = types.allSatisfy { numbers.contains($0) || $0.isDecimal } ? .double : nil
        case (.sqrt, 1): type = numbers.contains(types[0]) || types[0].isDecimal ? .double : nil
        case (.year, 1), (.month, 1), (.day, 1): type = types[0] == .date || types[0] == .timestamp ? .int64 : nil
        case (.concat, 1...), (.concatStrict, 2): type = types.allSatisfy { $0 == .string } ? .string : nil
        case (.error, 1): type = types[0] == .string ? .string : nil
        case (.startsWith, 2), (.contains, 2): type = types.allSatisfy { $0 == .string } ? .bool : nil
        case (.strftime, 2): type = types[0].isTemporal && types[1] == .string ? .string : nil
        case (.regexpMatches, 2), (.regexpMatches, 3): type = types.allSatisfy { $0 == .string } ? .bool : nil
        case (.replace, 3), (.trim, 1), (.trim, 2), (.ltrim, 1), (.ltrim, 2), (.rtrim, 1), (.rtrim, 2), (.concatWs, 2...):
            type = types.allSatisfy { $0 == .string } ? .string : nil
        case (.quarter, 1), (.dayofweek, 1), (.isodow, 1), (.dayofyear, 1), (.week, 1):
            type = types[0] == .date || types[0] == .timestamp ? .int64 : nil
        case (.hour, 1), (.minute, 1), (.second, 1): type = types[0].isTemporal || types[0] == .time ? .int64 : nil
        case (.dateTrunc, 2): type = types[0] == .string && [.date, .timestamp].contains(types[1]) ? .timestamp : nil
        case (.addInterval, 4):
            // A date or timestamp gives a timestamp; a timestamp_ns keeps its nanoseconds, as in DuckDB.
            type = types[0].isTemporal && types.dropFirst().allSatisfy(integers.contains)
                ? (types[0] == .timestampNanos ? .timestampNanos : .timestamp) : nil
        default:
            throw StrataError(.invalidArgument, "\(function.rawValue) does not take \(types.count) arguments in \(text)")
        }
        guard let type else {
            throw StrataError(.invalidArgument, "\(function.rawValue) does not accept arguments of type "
                + "(\(types.map(\.name).joined(separator: ", "))) in \(text)")
        }
        return (function, type)
    }

    /// Evaluates the function over `args` (already type-checked) into `type`.
    func evaluate(_ args: [Vector], type: DataType, count: Int, text: String) throws(StrataError) -> Vector {
        if self == .concat || self == .concatStrict {
            return try Concat.evaluate(args, strict: self == .concatStrict, count: count)
        }
        if self == .concatWs {
            return try StringFunctions.concatWithSeparator(args, rows: args.allSatisfy(\.isConstant) ? 1 : count)
        }
        if self == .error {
            guard count > 0 else { return .null(type) }
            let message = args[0].column.isNull(0) ? "error() called" : args[0].column.value(at: 0).description
            throw StrataError(.invalidArgument, message)
        }
        if args.contains(where: \.isNullConstant) { return .null(type) }
        let constant = args.allSatisfy(\.isConstant)
        let rows = constant ? 1 : count
        let words = Vector.combinedWords(args)
        let x = args[0]
        switch self {
        case .lower, .upper:
            return Vector(column: changeCase(x.column, upper: self == .upper), isConstant: x.isConstant)
        case .length:
            return mapStrings(ScalarCount(), try x.stringOperand(), count: rows, words: words)
                .vector(.int64, constant: constant)
        case .octetLength:
            return mapStrings(ByteCount(), try x.stringOperand(), count: rows, words: words)
                .vector(.int64, constant: constant)
        case .substr:
            return try substring(args, rows: rows, words: words, constant: constant)
        case .abs:
            return try absolute(x, text: text)
        case .round:
            let digits: Operand<Int64> = args.count > 1 ? try args[1].int64Operand() : .scalar(0)
            return try round(x, digits: digits, rows: rows, words: words, constant: constant, text: text)
        case .pow:
            return mapPairs(RealArithmetic<PowerOperator>(), try x.doubleOperand(), try args[1].doubleOperand(),
                            count: rows, words: words).vector(.double, constant: constant)
        case .sqrt:
            return mapValues(SquareRoot(), try x.doubleOperand(), count: rows, words: words)
                .vector(.double, constant: constant)
        case .concat, .concatStrict, .error, .concatWs:
            return try Concat.evaluate(args, strict: self == .concatStrict, count: count)
        case .strftime:
            guard args[1].isConstant, case let .string(pattern) = args[1].column.value(at: 0) else {
                throw StrataError(.invalidArgument, "strftime needs a constant format in \(text)")
            }
            let out = try DateFormat(pattern).format(x, rows: rows, words: words)
            return Vector.make(.string, .string(out), words: words, constant: constant)
        case .regexpMatches:
            guard args.dropFirst().allSatisfy(\.isConstant), case let .string(pattern) = args[1].column.value(at: 0)
            else {
                throw StrataError(.invalidArgument, "regexp_matches needs a constant pattern in \(text)")
            }
            var options = ""
            if args.count > 2, case let .string(given) = args[2].column.value(at: 0) { options = given }
            let matcher = try RegexMatcher(pattern, options: options, text: text)
            return mapStrings(matcher, try x.stringOperand(), count: rows, words: words)
                .vector(.bool, constant: constant)
        case .startsWith, .contains:
            let (a, b) = (try x.stringOperand(), try args[1].stringOperand())
            let out = self == .startsWith ? mapStringPairs(StartsWith(), a, b, count: rows, words: words)
                : mapStringPairs(Contains(), a, b, count: rows, words: words)
            return out.vector(.bool, constant: constant)
        case .replace:
            let out = try StringFunctions.replace(try x.stringOperand(), try args[1].stringOperand(),
                                                  try args[2].stringOperand(), rows: rows, words: words)
            return Vector.make(.string, .string(out), words: words, constant: constant)
        case .trim, .ltrim, .rtrim:
            var characters: [UInt8]?
            if args.count > 1 {
                guard args[1].isConstant, case let .string(set) = args[1].column.value(at: 0) else {
                    throw StrataError(.invalidArgument, "\(rawValue) needs constant characters in \(text)")
                }
                characters = Array(set.utf8)
            }
            let out = try StringFunctions.trim(try x.stringOperand(), characters: characters, start: self != .rtrim,
                                               end: self != .ltrim, rows: rows, words: words)
            return Vector.make(.string, .string(out), words: words, constant: constant)
        case .quarter, .dayofweek, .isodow, .dayofyear, .week, .hour, .minute, .second:
            guard let field = DateField(rawValue: rawValue) else {
                throw StrataError(.internal, "no date field \(rawValue)")
            }
            if x.type == .date {
                return mapValues(DateFieldOf<Int32>(field: field, perDay: 1), try x.operand(Int32.self), count: rows,
                                 words: words).vector(.int64, constant: constant)
            }
            if x.type == .timestampNanos {
                return mapValues(NanosFieldOf(field: field), try x.operand(Int64.self), count: rows, words: words)
                    .vector(.int64, constant: constant)
            }
            return mapValues(DateFieldOf<Int64>(field: field, perDay: 86_400_000_000), try x.operand(Int64.self),
                             count: rows, words: words).vector(.int64, constant: constant)
        case .dateTrunc:
            let value = args[0].column.value(at: 0)
            guard args[0].isConstant, case let .string(name) = value, let unit = TruncationUnit(name: name) else {
                throw StrataError(.invalidArgument, "date_trunc needs a constant unit (year, quarter, month, week, "
                    + "day, hour, minute or second) in \(text)")
            }
            let y = args[1]
            let out = y.type == .date
                ? mapValues(TruncateDate<Int32>(unit: unit, perDay: 1), try y.operand(Int32.self), count: rows,
                            words: words)
                : mapValues(TruncateDate<Int64>(unit: unit, perDay: 86_400_000_000), try y.operand(Int64.self),
                            count: rows, words: words)
            if out.failedRow != nil { throw StrataError(.invalidData, "timestamp out of range in \(text)") }
            return out.vector(.timestamp, constant: constant)
        case .addInterval:
            var parts: [Int64] = []
            for arg in args.dropFirst() {
                let value = arg.column.value(at: 0)
                let part: Int64?
                switch value {
                case let .int32(v): part = Int64(v)
                case let .int64(v): part = v
                default: part = nil
                }
                guard arg.isConstant, let part else {
                    throw StrataError(.invalidArgument, "an interval must be constant in \(text)")
                }
                parts.append(part)
            }
            let out = x.type == .date
                ? mapValues(AddInterval<Int32>(months: parts[0], days: parts[1], micros: parts[2], perDay: 1),
                            try x.operand(Int32.self), count: rows, words: words)
                : mapValues(AddInterval<Int64>(months: parts[0], days: parts[1], micros: parts[2],
                                               perDay: 86_400_000_000, perMicro: x.type == .timestampNanos ? 1000 : 1),
                            try x.operand(Int64.self), count: rows, words: words)
            if out.failedRow != nil { throw StrataError(.invalidData, "timestamp out of range in \(text)") }
            return out.vector(type, constant: constant)
        case .year, .month, .day:
            let part = self == .year ? 0 : (self == .month ? 1 : 2)
            if x.type == .date {
                return mapValues(DatePart<Int32>(part: part, perDay: 1), try x.operand(Int32.self), count: rows,
                                 words: words).vector(.int64, constant: constant)
            }
            return mapValues(DatePart<Int64>(part: part, perDay: 86_400_000_000), try x.operand(Int64.self),
                             count: rows, words: words).vector(.int64, constant: constant)
        }
    }

    private func absolute(_ x: Vector, text: String) throws(StrataError) -> Vector {
        let rows = x.column.count, words = x.words
        switch x.type {
        case .int32:
            let out = mapValues(Absolute<Int32>(minimum: .min), try x.operand(Int32.self), count: rows, words: words)
            if out.failedRow != nil { throw StrataError(.invalidData, "integer overflow in \(text)") }
            return out.vector(.int32, constant: x.isConstant)
        case .int64:
            let out = mapValues(Absolute<Int64>(minimum: .min), try x.operand(Int64.self), count: rows, words: words)
            if out.failedRow != nil { throw StrataError(.invalidData, "integer overflow in \(text)") }
            return out.vector(.int64, constant: x.isConstant)
        case .float:
            return mapValues(Absolute<Float>(minimum: nil), try x.operand(Float.self), count: rows, words: words)
                .vector(.float, constant: x.isConstant)
        case .decimal where x.type.isWideDecimal:
            return mapValues(Absolute<Int128>(minimum: nil), try x.operand(Int128.self), count: rows, words: words)
                .vector(x.type, constant: x.isConstant)
        case .decimal:
            return mapValues(Absolute<Int64>(minimum: nil), try x.operand(Int64.self), count: rows, words: words)
                .vector(x.type, constant: x.isConstant)
        default:
            return mapValues(Absolute<Double>(minimum: nil), try x.operand(Double.self), count: rows, words: words)
                .vector(.double, constant: x.isConstant)
        }
    }

    private func round(_ x: Vector, digits: Operand<Int64>, rows: Int, words: [UInt64]?, constant: Bool,
                       text: String) throws(StrataError) -> Vector {
        switch x.type {
        case .int32:
            let out = mapPairs(RoundInteger<Int32>(), try x.operand(Int32.self), digits, count: rows, words: words)
            if out.failedRow != nil { throw StrataError(.invalidData, "integer overflow in \(text)") }
            return out.vector(.int32, constant: constant)
        case .int64:
            let out = mapPairs(RoundInteger<Int64>(), try x.operand(Int64.self), digits, count: rows, words: words)
            if out.failedRow != nil { throw StrataError(.invalidData, "integer overflow in \(text)") }
            return out.vector(.int64, constant: constant)
        default:
            let out = mapPairs(RoundReal(), try x.doubleOperand(), digits, count: rows, words: words)
            if x.type == .float {
                return Vector.make(.float, .float(out.values.map { Float($0) }), words: out.words, constant: constant)
            }
            return out.vector(.double, constant: constant)
        }
    }

    private func substring(_ args: [Vector], rows: Int, words: [UInt64]?,
                           constant: Bool) throws(StrataError) -> Vector {
        let text = try args[0].stringOperand()
        let starts = try args[1].int64Operand()
        let lengths: Operand<Int64>? = args.count > 2 ? try args[2].int64Operand() : nil
        var out = StringBuffer()
        func pick(_ bytes: UnsafeRawBufferPointer, _ i: Int) {
            if let words, (words[i >> 6] >> UInt64(i & 63)) & 1 == 0 {
                out.appendEmpty()
                return
            }
            let range = SubstringWindow.window(bytes, start: starts.value(at: i), length: lengths?.value(at: i))
            // A slice of a value that fits the buffer fits it again.
            try? out.append(UnsafeRawBufferPointer(rebasing: bytes[range]))
        }
        switch text {
        case let .buffer(buffer):
            withStringReader(buffer) { reader in
                for i in 0..<rows { pick(reader[i], i) }
            }
        case let .scalar(bytes):
            bytes.withUnsafeBytes { raw in
                for i in 0..<rows { pick(raw, i) }
            }
        }
        return Vector.make(.string, .string(out), words: words, constant: constant)
    }

    private func changeCase(_ column: Column, upper: Bool) -> Column {
        guard case let .string(buffer) = column.data else { return column }
        var out = StringBuffer()
        out.reserve(count: buffer.count, byteCount: buffer.bytes.count)
        var scratch: [UInt8] = []
        withStringReader(buffer) { reader in
            for i in 0..<buffer.count {
                let bytes = reader[i]
                scratch.removeAll(keepingCapacity: true)
                if bytes.allSatisfy({ $0 < 0x80 }) {
                    for b in bytes {
                        let isLetter = upper ? (b &- 97 < 26) : (b &- 65 < 26)
                        scratch.append(isLetter ? b ^ 0x20 : b)
                    }
                } else {
                    for scalar in String(decoding: bytes, as: UTF8.self).unicodeScalars {
                        scratch.append(contentsOf: String(ScalarFunction.simpleCase(scalar, upper: upper)).utf8)
                    }
                }
                // Case mapping keeps the text within a few bytes per character of a value that fit.
                scratch.withUnsafeBytes { try? out.append($0) }
            }
        }
        return Column(unchecked: .string, data: .string(out), validity: column.validity)
    }
}

extension ScalarFunction {
    /// One scalar's case mapping as utf8proc's simple mapping gives it: Swift's full mapping when that is one
    /// scalar; otherwise the scalar itself, except ß → ẞ (upper) and İ → i (lower, the only multi-scalar
    /// lowercase mapping).
    static func simpleCase(_ scalar: Unicode.Scalar, upper: Bool) -> Unicode.Scalar {
        let mapped = (upper ? scalar.properties.uppercaseMapping : scalar.properties.lowercaseMapping).unicodeScalars
        if mapped.count == 1, let only = mapped.first { return only }
        if upper && scalar == "\u{DF}" { return "\u{1E9E}" }
        if !upper, let first = mapped.first { return first }
        return scalar
    }
}

extension Operand {
    /// Row `i` (any row of a scalar).
    @inline(__always) func value(at i: Int) -> Element {
        switch self {
        case let .array(values): values[i]
        case let .scalar(value): value
        }
    }
}

/// DuckDB's substring window over UTF-8 text.
enum SubstringWindow {
    /// The byte range of the characters [start, end) that `substr(text, offset, length)` selects.
    static func window(_ text: UnsafeRawBufferPointer, start offset: Int64, length: Int64?) -> Range<Int> {
        var size: Int64 = 0
        for b in text where b & 0xC0 != 0x80 { size += 1 }
        let clampedOffset = Swift.min(Swift.max(offset, -(1 << 40)), 1 << 40)
        let start = clampedOffset >= 0 ? clampedOffset - 1 : size + clampedOffset
        var lo = start, hi = size
        if let length {
            let clampedLength = Swift.min(Swift.max(length, -(1 << 40)), 1 << 40)
            (lo, hi) = clampedLength >= 0 ? (start, start + clampedLength) : (start + clampedLength, start)
        }
        lo = Swift.min(Swift.max(lo, 0), size)
        hi = Swift.min(Swift.max(hi, lo), size)
        return byteOffset(text, character: lo) ..< byteOffset(text, character: hi)
    }

    /// The byte offset of character `n` (the end when `n` is the character count).
    private static func byteOffset(_ text: UnsafeRawBufferPointer, character n: Int64) -> Int {
        var seen: Int64 = -1
        for (i, b) in text.enumerated() where b & 0xC0 != 0x80 {
            seen += 1
            if seen == n { return i }
        }
        return text.count
    }
}

/// The number of Unicode scalars of UTF-8 text.
private struct ScalarCount: UnaryOperation {
    @inline(__always) func apply(_ text: UnsafeRawBufferPointer) -> (Int64, RowStatus) {
        var n: Int64 = 0
        for b in text where b & 0xC0 != 0x80 { n += 1 }
        return (n, .ok)
    }
}

private struct ByteCount: UnaryOperation {
    @inline(__always) func apply(_ bytes: UnsafeRawBufferPointer) -> (Int64, RowStatus) { (Int64(bytes.count), .ok) }
}

/// |x|; `minimum` (an integer type's least value) has no absolute value in its type.
private struct Absolute<T: SignedNumeric & Comparable>: UnaryOperation {
    let minimum: T?
    @inline(__always) func apply(_ x: T) -> (T, RowStatus) {
        if x > 0 { return (x, .ok) }
        if x == 0 { return (0, .ok) }  // also turns -0.0 into 0.0, as DuckDB does
        if let minimum, x == minimum { return (x, .error) }
        return (-x, .ok)
    }
}

/// pow(x, y) as C's `pow`.
enum PowerOperator: ArithmeticOperator {
    static func integer<T: FixedWidthInteger>(_ a: T, _ b: T) -> (T, RowStatus) { (0, .error) }
    @inline(__always) static func real(_ a: Double, _ b: Double) -> (Double, RowStatus) { (pow(a, b), .ok) }
}

private struct SquareRoot: UnaryOperation {
    @inline(__always) func apply(_ x: Double) -> (Double, RowStatus) { (x.squareRoot(), .ok) }
}

private struct RoundReal: PairOperation {
    @inline(__always) func apply(_ x: Double, _ digits: Int64) -> (Double, RowStatus) {
        if digits == 0 { return (x.rounded(.toNearestOrAwayFromZero), .ok) }
        let scale = pow(10, Double(digits.magnitude))
        let r = digits > 0 ? (x * scale).rounded(.toNearestOrAwayFromZero) / scale
            : (x / scale).rounded(.toNearestOrAwayFromZero) * scale
        if r.isFinite { return (r, .ok) }
        return (digits > 0 ? x : 0, .ok)
    }
}

private struct RoundInteger<T: FixedWidthInteger>: PairOperation {
    @inline(__always) func apply(_ x: T, _ digits: Int64) -> (T, RowStatus) {
        guard digits < 0 else { return (x, .ok) }
        guard digits > -19 else { return (0, .ok) }
        var p: Int64 = 1
        for _ in 0 ..< -digits { p *= 10 }
        let v = Int64(x)
        var q = v / p
        let r = v % p
        if r.magnitude * 2 >= p.magnitude { q += v < 0 ? -1 : 1 }
        let (result, overflow) = q.multipliedReportingOverflow(by: p)
        guard !overflow, let narrowed = T(exactly: result) else { return (0, .error) }
        return (narrowed, .ok)
    }
}

/// year (0), month (1) or day (2) of a day number or of microseconds (`perDay` units a day).
private struct DatePart<T: FixedWidthInteger>: UnaryOperation {
    let part: Int
    let perDay: T
    @inline(__always) func apply(_ x: T) -> (Int64, RowStatus) {
        let days = x / perDay - (x % perDay < 0 ? 1 : 0)
        let civil = CivilDate.civil(days: Int(days))
        return (Int64(part == 0 ? civil.year : (part == 1 ? civil.month : civil.day)), .ok)
    }
}
