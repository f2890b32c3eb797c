import StrataCore

/// Converts one column of a tokenized chunk into a typed ``Column`` (see ``ChunkParser`` for the rules).
///
/// Each type has its own loop (`convert(_:parse:)` is specialised per value type), reading field bytes in place;
/// only fields containing quotes are first unescaped into a reusable scratch buffer.
struct ColumnConverter {
    /// What converting one column produced.
    struct Result {
        /// The column, unless it widened or only types were inferred.
        var column: Column?
        /// The type state of a sniffed column, when it says more than the planned type: values that did not fit,
        /// or integers beyond ±2^53 in an int64 column.
        var state: ColumnTypeState?
        /// Row errors: index into the good rows, reason.
        var errors: [(row: Int, reason: String)] = []
    }

    /// How a field reads before type conversion.
    private enum FieldValue {
        case null
        case emptyString
        case text(UnsafePointer<UInt8>, Int)
    }

    private let bytes: UnsafeBufferPointer<UInt8>
    private let tokens: CSVTokenizer
    private let good: [Int32]
    private let dialect: CSVDialect
    private var scratch: [UInt8] = []

    init(bytes: UnsafeBufferPointer<UInt8>, tokens: CSVTokenizer, good: [Int32], dialect: CSVDialect) {
        self.bytes = bytes
        self.tokens = tokens
        self.good = good
        self.dialect = dialect
        scratch.reserveCapacity(256)
    }

    /// Converts column `c`.
    mutating func convert(column c: Int, plan: CSVParsePlan.ColumnPlan, inferOnly: Bool) -> Result {
        if inferOnly { return infer(column: c, plan: plan) }
        let fixed = plan.fixed
        switch plan.type {
        case .bool:
            return convert(c, plan, false, ColumnData.bool) { p, n in ValueParser.bool(p, n, lenient: fixed) }
        case .int32:
            return convert(c, plan, Int32(0), ColumnData.int32) { p, n in
                ValueParser.int64(p, n, lenient: fixed).flatMap { Int32(exactly: $0) }
            }
        case .int64:
            var result = convert(c, plan, Int64(0), ColumnData.int64) { p, n in
                ValueParser.int64(p, n, lenient: fixed)
            }
            // Large integers forbid a later widening to double: report them.
            if !fixed, result.state == nil, case let .int64(values)? = result.column?.data,
               values.contains(where: { $0.magnitude > 1 << 53 })
            {
                var state = ColumnTypeState(type: .int64)
                state.absorb(.largeInteger)
                result.state = state
            }
            return result
        case .float:
            return convert(c, plan, Float(0), ColumnData.float) { p, n in
                ValueParser.double(p, n, lenient: fixed).map { Float($0) }
            }
        case .double:
            if fixed {
                return convert(c, plan, 0.0, ColumnData.double) { p, n in ValueParser.double(p, n, lenient: true) }
            }
            // Sniffed doubles refuse integer text beyond ±2^53 (or beyond Int64), which a double would round: the
            // text decides, since 2^53 + 1 parses to exactly 2^53.
            return convert(c, plan, 0.0, ColumnData.double) { p, n in
                ValueParser.double(p, n, lenient: false).flatMap { value in
                    guard value.magnitude >= 9_007_199_254_740_992, ValueParser.isIntegerText(p, n) else { return value }
                    guard let integer = ValueParser.int64(p, n, lenient: false),
                          integer.magnitude <= 9_007_199_254_740_992
                    else { return nil }
                    return value
                }
            }
        case .date:
            return convert(c, plan, Int32(0), ColumnData.int32) { p, n in ValueParser.date(p, n) }
        case .timestamp:
            return convert(c, plan, Int64(0), ColumnData.int64) { p, n in ValueParser.timestamp(p, n, lenient: true) }
        case .timestampNanos:
            return convert(c, plan, Int64(0), ColumnData.int64) { p, n in
                ValueParser.timestampNanos(p, n, lenient: true)
            }
        case .time:
            return convert(c, plan, Int64(0), ColumnData.int64) { p, n in
                TimeOfDay.parse(UnsafeRawBufferPointer(start: p, count: n))
            }
        case .string, .blob:
            // A blob column holds the field's bytes as they are (its text: no `\x` escapes are decoded).
            return convertStrings(c)
        case let .decimal(precision, scale):
            let (p, s) = (Int(precision), Int(scale))
            if plan.type.isWideDecimal {
                return convert(c, plan, Int128(0), ColumnData.int128) { text, n in
                    DecimalMath.parse(UnsafeRawBufferPointer(start: text, count: n), precision: p, scale: s)
                }
            }
            return convert(c, plan, Int64(0), ColumnData.int64) { text, n in
                DecimalMath.parse(UnsafeRawBufferPointer(start: text, count: n), precision: p, scale: s)
                    .map { Int64(truncatingIfNeeded: $0) }
            }
        }
    }

    // MARK: - Fields

    /// Reads field `row` of column `c` and passes its value to `body`.
    @inline(__always)
    private mutating func withField<R>(_ row: Int, _ c: Int, _ body: (FieldValue) -> R) -> R {
        let f = Int(tokens.recordFields[Int(good[row])]) + c
        let start = Int(tokens.fieldStart[f])
        let end = Int(tokens.fieldEnd[f])
        let flags = tokens.fieldFlags[f]
        guard let base = bytes.baseAddress else { return body(.null) }
        if flags & CSVTokenizer.hasQuotes == 0 {
            let n = end - start
            if n == 0 || isNullToken(base + start, n) { return body(.null) }
            return body(.text(base + start, n))
        }
        scratch.removeAll(keepingCapacity: true)
        CSVTokenizer.unescape(UnsafeBufferPointer(start: base + start, count: end - start), quote: dialect.quote,
                              into: &scratch)
        if scratch.isEmpty {
            return body(flags & CSVTokenizer.quoted != 0 ? .emptyString : .null)
        }
        return scratch.withUnsafeBufferPointer { unescaped in
            guard let p = unescaped.baseAddress else { return body(.null) }
            return body(.text(p, unescaped.count))
        }
    }

    @inline(__always)
    private func isNullToken(_ p: UnsafePointer<UInt8>, _ n: Int) -> Bool {
        if dialect.nullTokens.isEmpty { return false }
        for token in dialect.nullTokens where token.count == n {
            if token.withUnsafeBufferPointer({ t in t.elementsEqual(UnsafeBufferPointer(start: p, count: n)) }) {
                return true
            }
        }
        return false
    }

    // MARK: - Typed loops

    private mutating func convert<T>(_ c: Int, _ plan: CSVParsePlan.ColumnPlan, _ placeholder: T,
                                     _ wrap: ([T]) -> ColumnData,
                                     _ parse: (UnsafePointer<UInt8>, Int) -> T?) -> Result
    {
        let rows = good.count
        var values: [T] = []
        values.reserveCapacity(rows)
        var validity = [UInt64](repeating: 0, count: (rows + 63) >> 6)
        var nulls = 0
        var result = Result()
        var row = 0
        while row < rows {
            let outcome: (value: T?, failed: Bool) = withField(row, c) { field in
                switch field {
                case .null, .emptyString: return (nil, false)
                case let .text(p, n):
                    if let value = parse(p, n) { return (value, false) }
                    return (nil, true)
                }
            }
            if let value = outcome.value {
                values.append(value)
                validity[row >> 6] |= 1 << UInt64(row & 63)
            } else {
                if outcome.failed {
                    // Steps 4: a row error, or the column widens.
                    let failure: (reason: String?, kind: ValueKind) = withField(row, c) { field in
                        guard case let .text(p, n) = field else { return (nil, .null) }
                        if !UTF8Validator.isValid(p, n) { return ("invalid UTF-8", .string) }
                        if plan.fixed {
                            let text = String(decoding: UnsafeBufferPointer(start: p, count: min(n, 100)), as: UTF8.self)
                            return ("cannot parse \"\(text)\" as \(plan.type)", .string)
                        }
                        return (nil, ValueParser.classify(p, n))
                    }
                    if let reason = failure.reason {
                        result.errors.append((row, reason))
                    } else {
                        // The rows before the misfit fit the type, but may hold facts the type alone does not say
                        // (integers beyond ±2^53): classify them too, then the misfit, then the rest.
                        var state = ColumnTypeState(type: plan.type)
                        state = classifyRange(c, 0..<row, state: state, errors: &result.errors)
                        state.absorb(failure.kind)
                        return classifyRest(c, from: row + 1, state: state, errors: result.errors)
                    }
                }
                nulls += 1
                values.append(placeholder)
            }
            row += 1
        }
        let data = wrap(values)
        let mask = nulls == 0 ? nil : ValidityMask(words: validity, count: rows)
        result.column = Column(unchecked: plan.type, data: data, validity: mask)
        return result
    }

    private mutating func convertStrings(_ c: Int) -> Result {
        let rows = good.count
        // The raw field lengths bound the value bytes (unescaping only shrinks), so one allocation holds them all.
        var capacity = 0
        for row in 0..<rows {
            let f = Int(tokens.recordFields[Int(good[row])]) + c
            capacity += Int(tokens.fieldEnd[f] - tokens.fieldStart[f])
        }
        var offsets: [Int32] = []
        offsets.reserveCapacity(rows + 1)
        offsets.append(0)
        var validity = [UInt64](repeating: 0, count: (rows + 63) >> 6)
        var nulls = 0
        var result = Result()
        let data = [UInt8](unsafeUninitializedCapacity: capacity) { buffer, initialized in
            var used = 0
            guard let out = buffer.baseAddress else {
                // Only empty values: offsets stay 0.
                for row in 0..<rows {
                    let isNull: Bool = withField(row, c) { field in
                        if case .null = field { return true }
                        return false
                    }
                    if isNull { nulls += 1 } else { validity[row >> 6] |= 1 << UInt64(row & 63) }
                    offsets.append(0)
                }
                initialized = 0
                return
            }
            for row in 0..<rows {
                let reason: String? = withField(row, c) { field in
                    switch field {
                    case .null:
                        nulls += 1
                        return nil
                    case .emptyString:
                        validity[row >> 6] |= 1 << UInt64(row & 63)
                        return nil
                    case let .text(p, n):
                        guard UTF8Validator.isValid(p, n) else {
                            nulls += 1
                            return "invalid UTF-8"
                        }
                        (out + used).update(from: p, count: n)
                        used += n
                        validity[row >> 6] |= 1 << UInt64(row & 63)
                        return nil
                    }
                }
                if let reason { result.errors.append((row, reason)) }
                offsets.append(Int32(truncatingIfNeeded: used))
            }
            initialized = used
        }
        // A chunk is far below 2 GiB, so offsets fit in Int32.
        let strings = (try? StringBuffer(offsets: offsets, bytes: data)) ?? StringBuffer()
        let mask = nulls == 0 ? nil : ValidityMask(words: validity, count: rows)
        result.column = Column(unchecked: .string, data: .string(strings), validity: mask)
        return result
    }

    // MARK: - Inference

    /// Classifies rows `from...` of a sniffed column that stopped fitting its type; row errors still count.
    private mutating func classifyRest(_ c: Int, from: Int, state: ColumnTypeState,
                                       errors: [(row: Int, reason: String)]) -> Result
    {
        var errors = errors
        let final = classifyRange(c, from..<max(from, good.count), state: state, errors: &errors)
        return Result(column: nil, state: final, errors: errors)
    }

    /// Absorbs the kinds of rows `range` of column `c` into `state`; invalid UTF-8 becomes a row error.
    private mutating func classifyRange(_ c: Int, _ range: Range<Int>, state: ColumnTypeState,
                                        errors: inout [(row: Int, reason: String)]) -> ColumnTypeState
    {
        var state = state
        for row in range {
            let failed: Bool = withField(row, c) { field in
                guard case let .text(p, n) = field else { return false }
                let kind = ValueParser.classify(p, n)
                if kind == .string && !UTF8Validator.isValid(p, n) { return true }
                state.absorb(kind)
                return false
            }
            if failed { errors.append((row, "invalid UTF-8")) }
        }
        return state
    }

    /// Classifies a whole column: sniffed columns report their type state, fixed ones their parse errors.
    private mutating func infer(column c: Int, plan: CSVParsePlan.ColumnPlan) -> Result {
        if plan.fixed {
            var result = convert(column: c, plan: plan, inferOnly: false)
            result.column = nil
            return result
        }
        var result = classifyRest(c, from: 0, state: ColumnTypeState(type: plan.type), errors: [])
        if result.state == ColumnTypeState(type: plan.type) { result.state = nil }
        return result
    }
}
