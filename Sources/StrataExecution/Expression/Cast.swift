import StrataCore

// CAST between the column types.
//
// 1. `Cast.isSupported` decides at bind time: any type to and from string; numeric and bool among each other;
//    among date, timestamp and timestamp_ns; a type to itself. As in DuckDB, timestamp_ns → timestamp rounds to the
//    nearest microsecond (half away from zero) and timestamp_ns → date takes the day of that rounded timestamp;
//    timestamp → timestamp_ns fails beyond 1677-09-21 … 2262-04-11. A blob casts only to and from VARCHAR, in
//    DuckDB's `\xHH` text (`BlobText`). A time casts to and from VARCHAR, and a timestamp to its time of day (as
//    DuckDB; nothing else casts to or from TIME).
// 2. Numeric conversions run as element operations: integers narrow with a range check, doubles round half to
//    even before becoming integers (DuckDB uses nearbyint: 2.5 → 2, -0.5 → 0; text such as '2.5' is parsed as a
//    decimal and rounds half away from zero, → 3), numbers become bools by `!= 0`, bools become 0/1.
// 3. Strings parse with `ValueText` (spaces trimmed) and format with DuckDB's spellings; casts to and from
//    decimals are `DecimalCast`'s.
// 4. A row that does not convert fails the whole cast with `.invalidData`, naming the value, unless the row is NULL.

/// CAST kernels.
enum Cast {
    /// Whether CAST from `from` to `to` exists.
    static func isSupported(from: DataType, to: DataType) -> Bool {
        if from == to || from == .string || to == .string { return true }
        if from == .blob || to == .blob { return false }
        if from.isDecimal || to.isDecimal { return DecimalCast.isSupported(from: from, to: to) }
        let numeric: Set<DataType> = [.bool, .int32, .int64, .float, .double]
        if numeric.contains(from) && numeric.contains(to) { return true }
        if to == .time { return from == .timestamp }
        return from.isTemporal && to.isTemporal
    }

    /// Evaluates CAST(`input` AS `to`); `text` names the expression in errors.
    static func evaluate(_ input: Vector, to: DataType, text: String) throws(StrataError) -> Vector {
        if input.type == to { return input }
        if input.isNullConstant { return .null(to) }
        if to == .string { return Vector(column: format(input), isConstant: input.isConstant) }
        let rows = input.column.count, words = input.words
        let out: Vector, failed: Int?
        switch input.type {
        case _ where input.type.isDecimal || to.isDecimal:
            (out, failed) = try DecimalCast.evaluate(input, to: to)
        case .string where to == .blob:
            (out, failed) = parseBlobs(input)
        case .string:
            let s = try input.stringOperand()
            switch to {
            case .bool: (out, failed) = finish(mapStrings(ParseBool(), s, count: rows, words: words), to, input)
            case .int32: (out, failed) = finish(mapStrings(ParseInteger<Int32>(), s, count: rows, words: words), to, input)
            case .int64: (out, failed) = finish(mapStrings(ParseInteger<Int64>(), s, count: rows, words: words), to, input)
            case .float: (out, failed) = finish(mapStrings(ParseReal<Float>(), s, count: rows, words: words), to, input)
            case .double: (out, failed) = finish(mapStrings(ParseReal<Double>(), s, count: rows, words: words), to, input)
            case .date: (out, failed) = finish(mapStrings(ParseDate(), s, count: rows, words: words), to, input)
            case .timestampNanos:
                (out, failed) = finish(mapStrings(ParseTimestampNanos(), s, count: rows, words: words), to, input)
            case .time: (out, failed) = finish(mapStrings(ParseTime(), s, count: rows, words: words), to, input)
            default: (out, failed) = finish(mapStrings(ParseTimestamp(), s, count: rows, words: words), to, input)
            }
        case .date:
            let ticks = DateToTicks(perDay: to == .timestampNanos ? 86_400_000_000_000 : 86_400_000_000)
            (out, failed) = finish(mapValues(ticks, try input.operand(Int32.self), count: rows, words: words), to, input)
        case .timestamp where to == .time:
            (out, failed) = finish(mapValues(TimestampToTime(), try input.operand(Int64.self), count: rows,
                                             words: words), to, input)
        case .timestamp where to == .timestampNanos:
            (out, failed) = finish(mapValues(MicrosToNanos(), try input.operand(Int64.self), count: rows, words: words),
                                   to, input)
        case .timestamp:
            (out, failed) = finish(mapValues(TimestampToDate(), try input.operand(Int64.self), count: rows, words: words),
                                   to, input)
        case .timestampNanos:
            let micros = mapValues(NanosToMicros(), try input.operand(Int64.self), count: rows, words: words)
            let vector = micros.vector(.timestamp, constant: input.isConstant)
            if to == .timestamp { return vector }
            (out, failed) = finish(mapValues(TimestampToDate(), try vector.operand(Int64.self), count: rows,
                                             words: words), to, input)
        case .bool:
            let b = try input.operand(Bool.self)
            switch to {
            case .int32: (out, failed) = finish(mapValues(FromBool<Int32>(), b, count: rows, words: words), to, input)
            case .int64: (out, failed) = finish(mapValues(FromBool<Int64>(), b, count: rows, words: words), to, input)
            case .float: (out, failed) = finish(mapValues(FromBool<Float>(), b, count: rows, words: words), to, input)
            default: (out, failed) = finish(mapValues(FromBool<Double>(), b, count: rows, words: words), to, input)
            }
        case .int32: (out, failed) = try fromInteger(try input.operand(Int32.self), to: to, input)
        case .int64: (out, failed) = try fromInteger(try input.operand(Int64.self), to: to, input)
        case .float: (out, failed) = try fromReal(try input.operand(Float.self), to: to, input)
        case .double: (out, failed) = try fromReal(try input.operand(Double.self), to: to, input)
        case .decimal, .blob, .time: throw StrataError(.internal, "no cast from \(input.type) to \(to)")
        }
        if let failed {
            let value = input.column.value(at: failed)
            let shown = input.type == .string ? "string \"\(value)\"" : "\(input.type) value \(value)"
            throw StrataError(.invalidData, "could not convert \(shown) to \(to) in \(text)")
        }
        return out
    }

    private static func finish<T: ColumnElement>(_ out: KernelOutput<T>, _ to: DataType,
                                                 _ input: Vector) -> (Vector, Int?) {
        (out.vector(to, constant: input.isConstant), out.failedRow)
    }

    private static func fromInteger<T: FixedWidthInteger & ColumnElement>(
        _ x: Operand<T>, to: DataType, _ input: Vector
    ) throws(StrataError) -> (Vector, Int?) {
        let rows = input.column.count, words = input.words
        switch to {
        case .bool: return finish(mapValues(ToBool<T>(), x, count: rows, words: words), to, input)
        case .int32: return finish(mapValues(IntegerToInteger<T, Int32>(), x, count: rows, words: words), to, input)
        case .int64: return finish(mapValues(IntegerToInteger<T, Int64>(), x, count: rows, words: words), to, input)
        case .float: return finish(mapValues(IntegerToReal<T, Float>(), x, count: rows, words: words), to, input)
        case .double: return finish(mapValues(IntegerToReal<T, Double>(), x, count: rows, words: words), to, input)
        default: throw StrataError(.internal, "no cast from \(input.type) to \(to)")
        }
    }

    private static func fromReal<T: BinaryFloatingPoint & ColumnElement>(
        _ x: Operand<T>, to: DataType, _ input: Vector
    ) throws(StrataError) -> (Vector, Int?) {
        let rows = input.column.count, words = input.words
        switch to {
        case .bool: return finish(mapValues(ToBool<T>(), x, count: rows, words: words), to, input)
        case .int32: return finish(mapValues(RealToInteger<T, Int32>(), x, count: rows, words: words), to, input)
        case .int64: return finish(mapValues(RealToInteger<T, Int64>(), x, count: rows, words: words), to, input)
        case .float: return finish(mapValues(RealToReal<T, Float>(), x, count: rows, words: words), to, input)
        case .double: return finish(mapValues(RealToReal<T, Double>(), x, count: rows, words: words), to, input)
        default: throw StrataError(.internal, "no cast from \(input.type) to \(to)")
        }
    }

    /// Every row's `\xHH` text as a blob, and the first row that is no such text.
    private static func parseBlobs(_ input: Vector) -> (Vector, Int?) {
        let column = input.column
        guard case let .string(text) = column.data else { return (input, 0) }
        var out = StringBuffer(), scratch: [UInt8] = [], failed: Int?
        out.reserve(count: text.count, byteCount: text.bytes.count)
        text.bytes.withUnsafeBytes { raw in
            for i in 0..<text.count {
                scratch.removeAll(keepingCapacity: true)
                if !column.isNull(i), !BlobText.parse(UnsafeRawBufferPointer(rebasing: raw[text.range(i)]),
                                                      into: &scratch) {
                    failed = failed ?? i
                }
                // The bytes are never more than their text, which fitted the batch's column.
                scratch.withUnsafeBytes { try? out.append($0) }
            }
        }
        let blobs = Column(unchecked: .blob, data: .string(out), validity: column.validity)
        return (Vector(column: blobs, isConstant: input.isConstant), failed)
    }

    /// Every row as DuckDB's text (NULL rows stay NULL).
    static func format(_ input: Vector) -> Column {
        let column = input.column
        if column.type == .string { return column }
        if column.type == .blob, case let .string(bytes) = column.data {
            var out = StringBuffer(), scratch: [UInt8] = []
            out.reserve(count: bytes.count, byteCount: bytes.bytes.count)
            for i in 0..<bytes.count {
                scratch.removeAll(keepingCapacity: true)
                if !column.isNull(i) { BlobText.append(bytes.bytes[bytes.range(i)], to: &scratch) }
                // Text of a batch's blobs (at most four bytes a byte) stays far below the 2 GiB a buffer holds.
                scratch.withUnsafeBytes { try? out.append($0) }
            }
            return Column(unchecked: .string, data: .string(out), validity: column.validity)
        }
        var out = StringBuffer()
        for i in 0..<column.count {
            if column.isNull(i) {
                out.appendEmpty()
                continue
            }
            let text: String
            switch column.value(at: i) {
            case let .double(v): text = ValueText.format(v)
            case let .float(v): text = ValueText.format(v)
            case let .date(v): text = ValueText.format(date: v)
            case let .timestamp(v): text = ValueText.format(timestamp: v)
            case let .timestampNanos(v): text = ValueText.format(timestampNanos: v)
            case let .time(v): text = TimeOfDay.format(micros: v)
            case let other: text = other.description
            }
            // Text of one fixed-width value cannot overflow the buffer of a batch's column.
            try? out.append(text)
        }
        return Column(unchecked: .string, data: .string(out), validity: column.validity)
    }
}

private struct IntegerToInteger<From: FixedWidthInteger, To: FixedWidthInteger>: UnaryOperation {
    @inline(__always) func apply(_ x: From) -> (To, RowStatus) {
        guard let v = To(exactly: x) else { return (0, .error) }
        return (v, .ok)
    }
}

private struct IntegerToReal<From: FixedWidthInteger, To: BinaryFloatingPoint>: UnaryOperation {
    @inline(__always) func apply(_ x: From) -> (To, RowStatus) { (To(x), .ok) }
}

private struct RealToInteger<From: BinaryFloatingPoint, To: FixedWidthInteger>: UnaryOperation {
    @inline(__always) func apply(_ x: From) -> (To, RowStatus) {
        guard x.isFinite, let v = To(exactly: x.rounded(.toNearestOrEven)) else { return (0, .error) }
        return (v, .ok)
    }
}

private struct RealToReal<From: BinaryFloatingPoint, To: BinaryFloatingPoint>: UnaryOperation {
    @inline(__always) func apply(_ x: From) -> (To, RowStatus) { (To(x), .ok) }
}

private struct ToBool<From: Numeric>: UnaryOperation {
    @inline(__always) func apply(_ x: From) -> (Bool, RowStatus) { (x != 0, .ok) }
}

private struct FromBool<To: Numeric>: UnaryOperation {
    @inline(__always) func apply(_ x: Bool) -> (To, RowStatus) { (x ? 1 : 0, .ok) }
}

/// A date's midnight in ticks of `perDay` a day.
private struct DateToTicks: UnaryOperation {
    let perDay: Int64

    @inline(__always) func apply(_ days: Int32) -> (Int64, RowStatus) {
        let (ticks, overflow) = Int64(days).multipliedReportingOverflow(by: perDay)
        return (ticks, overflow ? .error : .ok)
    }
}

private struct MicrosToNanos: UnaryOperation {
    @inline(__always) func apply(_ micros: Int64) -> (Int64, RowStatus) {
        let (nanos, overflow) = micros.multipliedReportingOverflow(by: 1000)
        return (nanos, overflow ? .error : .ok)
    }
}

/// Nanoseconds to the nearest microsecond, half away from zero (DuckDB's TIMESTAMP_NS → TIMESTAMP).
private struct NanosToMicros: UnaryOperation {
    @inline(__always) func apply(_ nanos: Int64) -> (Int64, RowStatus) {
        let (quotient, remainder) = nanos.quotientAndRemainder(dividingBy: 1000)
        if remainder >= 500 { return (quotient + 1, .ok) }
        if remainder <= -500 { return (quotient - 1, .ok) }
        return (quotient, .ok)
    }
}

private struct TimestampToDate: UnaryOperation {
    @inline(__always) func apply(_ micros: Int64) -> (Int32, RowStatus) {
        let perDay: Int64 = 86_400_000_000
        let days = micros / perDay - (micros % perDay < 0 ? 1 : 0)
        return (Int32(truncatingIfNeeded: days), .ok)
    }
}

private struct ParseInteger<To: FixedWidthInteger>: UnaryOperation {
    func apply(_ text: UnsafeRawBufferPointer) -> (To, RowStatus) {
        guard let v = ValueText.parseInteger(text).flatMap({ To(exactly: $0) }) else { return (0, .error) }
        return (v, .ok)
    }
}

private struct ParseReal<To: BinaryFloatingPoint>: UnaryOperation {
    func apply(_ text: UnsafeRawBufferPointer) -> (To, RowStatus) {
        guard let v = ValueText.parseDouble(text) else { return (0, .error) }
        return (To(v), .ok)
    }
}

private struct ParseBool: UnaryOperation {
    func apply(_ text: UnsafeRawBufferPointer) -> (Bool, RowStatus) {
        guard let v = ValueText.parseBool(text) else { return (false, .error) }
        return (v, .ok)
    }
}

private struct ParseDate: UnaryOperation {
    func apply(_ text: UnsafeRawBufferPointer) -> (Int32, RowStatus) {
        guard let v = ValueText.parseDate(text) else { return (0, .error) }
        return (v, .ok)
    }
}

private struct ParseTime: UnaryOperation {
    func apply(_ text: UnsafeRawBufferPointer) -> (Int64, RowStatus) {
        guard let v = TimeOfDay.parse(text) else { return (0, .error) }
        return (v, .ok)
    }
}

/// The time of day of a timestamp (microseconds since its midnight).
private struct TimestampToTime: UnaryOperation {
    @inline(__always) func apply(_ micros: Int64) -> (Int64, RowStatus) {
        (CivilDate.split(ticks: micros, perSecond: 1_000_000).time, .ok)
    }
}

private struct ParseTimestampNanos: UnaryOperation {
    func apply(_ text: UnsafeRawBufferPointer) -> (Int64, RowStatus) {
        guard let v = ValueText.parseTimestampNanos(text) else { return (0, .error) }
        return (v, .ok)
    }
}

private struct ParseTimestamp: UnaryOperation {
    func apply(_ text: UnsafeRawBufferPointer) -> (Int64, RowStatus) {
        guard let v = ValueText.parseTimestamp(text) else { return (0, .error) }
        return (v, .ok)
    }
}
