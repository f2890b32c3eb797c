/// Builds a ``Column`` one value at a time. Typed `append` overloads avoid the ``Value`` enum on hot paths.
public struct ColumnBuilder: Sendable {
    /// The type being built.
    public let type: DataType
    private var bools: [Bool] = []
    private var ints32: [Int32] = []
    private var ints64: [Int64] = []
    private var ints128: [Int128] = []
    private var floats: [Float] = []
    private var doubles: [Double] = []
    private var strings = StringBuffer()
    private var validity: ValidityMask
    private var hasNull = false

    /// Creates a builder, reserving room for `capacity` rows.
    public init(type: DataType, capacity: Int = 0) {
        self.type = type
        validity = ValidityMask(count: 0, allValid: true)
        switch type.storage {
        case .bool: bools.reserveCapacity(capacity)
        case .int32: ints32.reserveCapacity(capacity)
        case .int64: ints64.reserveCapacity(capacity)
        case .int128: ints128.reserveCapacity(capacity)
        case .float: floats.reserveCapacity(capacity)
        case .double: doubles.reserveCapacity(capacity)
        case .string: strings.reserve(count: capacity, byteCount: capacity * 8)
        }
    }

    /// Number of rows appended so far.
    public var count: Int { validity.count }

    /// Appends a null row.
    public mutating func appendNull() {
        hasNull = true
        validity.append(false)
        switch type.storage {
        case .bool: bools.append(false)
        case .int32: ints32.append(0)
        case .int64: ints64.append(0)
        case .int128: ints128.append(0)
        case .float: floats.append(0)
        case .double: doubles.append(0)
        case .string: strings.appendEmpty()
        }
    }

    /// Appends a scalar; throws when its kind does not fit the column type.
    public mutating func append(_ value: Value) throws(StrataError) {
        switch (type, value) {
        case (_, .null): appendNull()
        case let (.bool, .bool(v)): append(v)
        case let (.int32, .int32(v)), let (.date, .date(v)): append(v)
        case let (.int64, .int64(v)), let (.timestamp, .timestamp(v)), let (.timestampNanos, .timestampNanos(v)),
             let (.time, .time(v)):
            append(v)
        case let (.int64, .int32(v)): append(Int64(v))
        case let (.float, .float(v)): append(v)
        case let (.double, .double(v)): append(v)
        case let (.string, .string(v)): try append(v)
        case let (.blob, .blob(v)):
            var failure: StrataError?
            v.withUnsafeBytes { raw in
                do throws(StrataError) { try append(utf8: raw) } catch { failure = error }
            }
            if let failure { throw failure }
        case let (.decimal(precision, scale), .decimal(units, _, from)):
            guard let rescaled = DecimalMath.rescale(units.value, from: Int(from), to: Int(scale)),
                  DecimalMath.fits(rescaled, precision: Int(precision)) else {
                throw StrataError(.invalidData, "value \(value) does not fit a \(type) column")
            }
            append(decimalUnits: rescaled)
        default:
            throw StrataError(.schemaMismatch, "value \(value) does not fit a \(type) column")
        }
    }

    /// Appends a boolean.
    public mutating func append(_ v: Bool) {
        bools.append(v)
        validity.append(true)
    }

    /// Appends an `Int32` (also for `date` columns).
    public mutating func append(_ v: Int32) {
        ints32.append(v)
        validity.append(true)
    }

    /// Appends an `Int64` (also for `timestamp` columns).
    public mutating func append(_ v: Int64) {
        ints64.append(v)
        validity.append(true)
    }

    /// Appends a decimal as units of the column's scale (the caller checks its precision).
    public mutating func append(decimalUnits v: Int128) {
        if type.isWideDecimal {
            ints128.append(v)
        } else {
            ints64.append(Int64(truncatingIfNeeded: v))
        }
        validity.append(true)
    }

    /// Appends an `Int128` (a decimal column of precision above 18).
    public mutating func append(_ v: Int128) {
        ints128.append(v)
        validity.append(true)
    }

    /// Appends a `Float`.
    public mutating func append(_ v: Float) {
        floats.append(v)
        validity.append(true)
    }

    /// Appends a `Double`.
    public mutating func append(_ v: Double) {
        doubles.append(v)
        validity.append(true)
    }

    /// Appends a string.
    public mutating func append(_ v: String) throws(StrataError) {
        try strings.append(v)
        validity.append(true)
    }

    /// Appends raw UTF-8 bytes as a string value.
    public mutating func append(utf8 v: UnsafeRawBufferPointer) throws(StrataError) {
        try strings.append(v)
        validity.append(true)
    }

    /// The finished column.
    public func finish() -> Column {
        let data: ColumnData
        switch type.storage {
        case .bool: data = .bool(bools)
        case .int32: data = .int32(ints32)
        case .int64: data = .int64(ints64)
        case .int128: data = .int128(ints128)
        case .float: data = .float(floats)
        case .double: data = .double(doubles)
        case .string: data = .string(strings)
        }
        return Column(unchecked: type, data: data, validity: hasNull ? validity : nil)
    }
}
