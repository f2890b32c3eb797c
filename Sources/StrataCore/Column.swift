/// An immutable column of one ``DataType``: a contiguous value buffer plus an optional validity mask.
///
/// Columns are value types backed by copy-on-write arrays, so passing them around copies no data. A column read
/// from a dictionary-encoded Parquet chunk may hold dictionary codes instead (``dictionaryCodes``); its ``data``
/// is then built on first use.
public struct Column: Sendable, Hashable {
    /// The logical type.
    public let type: DataType
    private let storage: Storage
    /// Which rows are valid; `nil` when the column has no nulls.
    public let validity: ValidityMask?

    private enum Storage: Sendable {
        case flat(ColumnData)
        case coded(DictionaryCodes)
    }

    /// The values; null rows hold placeholders.
    public var data: ColumnData {
        switch storage {
        case let .flat(data): data
        case let .coded(codes): codes.materialized
        }
    }

    /// The dictionary codes, when the column holds its values that way.
    package var dictionaryCodes: DictionaryCodes? {
        if case let .coded(codes) = storage { return codes }
        return nil
    }

    /// A column of dictionary codes (``nullRow`` on the null rows of `validity`); the caller guarantees the codes
    /// are in range and `codes.dictionary.canMaterialize(rows:)` holds.
    package init(type: DataType, codes: DictionaryCodes, validity: ValidityMask?) {
        self.type = type
        storage = .coded(codes)
        self.validity = validity.flatMap { $0.nullCount == 0 ? nil : $0 }
    }

    public static func == (lhs: Column, rhs: Column) -> Bool {
        lhs.type == rhs.type && lhs.validity == rhs.validity && lhs.data == rhs.data
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(type)
        hasher.combine(data)
        hasher.combine(validity)
    }

    /// Creates a column; throws when the buffer kind does not fit `type` or the mask length differs.
    public init(type: DataType, data: ColumnData, validity: ValidityMask? = nil) throws(StrataError) {
        guard data.matches(type) else {
            throw StrataError(.internal, "a \(type) column cannot hold this buffer kind")
        }
        if let validity, validity.count != data.count {
            throw StrataError(.internal, "validity mask covers \(validity.count) rows, buffer has \(data.count)")
        }
        self.type = type
        storage = .flat(data)
        self.validity = validity.flatMap { $0.nullCount == 0 ? nil : $0 }
    }

    /// Creates a column from scalar values (slow; for tests and small literals). `.null` entries become nulls.
    public init(type: DataType, values: [Value]) throws(StrataError) {
        var builder = ColumnBuilder(type: type, capacity: values.count)
        for value in values { try builder.append(value) }
        self = builder.finish()
    }

    /// Number of rows.
    public var count: Int {
        switch storage {
        case let .flat(data): data.count
        case let .coded(codes): codes.codes.count
        }
    }

    /// Number of null rows.
    public var nullCount: Int { validity?.nullCount ?? 0 }

    /// Whether row `i` is null.
    @inlinable
    public func isNull(_ i: Int) -> Bool {
        guard let validity else { return false }
        return !validity.isValid(i)
    }

    /// Row `i` as a scalar (slow; for tests, printing and API edges).
    public func value(at i: Int) -> Value {
        if isNull(i) { return .null }
        switch (type, data) {
        case let (.bool, .bool(v)): return .bool(v[i])
        case let (.date, .int32(v)): return .date(v[i])
        case let (_, .int32(v)): return .int32(v[i])
        case let (.timestamp, .int64(v)): return .timestamp(v[i])
        case let (.timestampNanos, .int64(v)): return .timestampNanos(v[i])
        case let (.time, .int64(v)): return .time(v[i])
        case let (.decimal(precision, scale), .int64(v)): return .decimal(Int128(v[i]), precision: precision, scale: scale)
        case let (.decimal(precision, scale), .int128(v)): return .decimal(v[i], precision: precision, scale: scale)
        case let (_, .int64(v)): return .int64(v[i])
        case let (_, .float(v)): return .float(v[i])
        case let (_, .double(v)): return .double(v[i])
        case let (.blob, .string(v)): return .blob(Array(v.bytes[v.range(i)]))
        case let (_, .string(v)): return .string(v[i])
        default: return .null
        }
    }

    /// All rows as scalars (slow; for tests).
    public var values: [Value] { (0..<count).map(value(at:)) }

    /// Approximate bytes held by the column.
    public var byteCount: Int {
        let values: Int
        switch storage {
        case let .flat(data): values = data.byteCount
        case let .coded(codes): values = codes.byteCount
        }
        return values + (validity?.words.count ?? 0) * 8
    }

    /// Rows `range` as a new column (copies the slice).
    public func slice(_ range: Range<Int>) -> Column {
        var mask: ValidityMask?
        if let validity {
            var m = ValidityMask(count: 0, allValid: true)
            for i in range { m.append(validity.isValid(i)) }
            mask = m
        }
        if case let .coded(codes) = storage {
            let part = DictionaryCodes(codes: Array(codes.codes[range]), dictionary: codes.dictionary)
            return Column(type: type, codes: part, validity: mask)
        }
        let sliced: ColumnData
        switch data {
        case let .bool(v): sliced = .bool(Array(v[range]))
        case let .int32(v): sliced = .int32(Array(v[range]))
        case let .int64(v): sliced = .int64(Array(v[range]))
        case let .int128(v): sliced = .int128(Array(v[range]))
        case let .float(v): sliced = .float(Array(v[range]))
        case let .double(v): sliced = .double(Array(v[range]))
        case let .string(v):
            var out = StringBuffer()
            let lo = Int(v.offsets[range.lowerBound]), hi = Int(v.offsets[range.upperBound])
            out.reserve(count: range.count, byteCount: hi - lo)
            v.bytes.withUnsafeBytes { raw in
                for i in range {
                    let r = v.range(i)
                    // Cannot exceed the source's size, which already fits.
                    try? out.append(UnsafeRawBufferPointer(rebasing: raw[r]))
                }
            }
            sliced = .string(out)
        }
        // The slice of a valid column is valid.
        return Column(unchecked: type, data: sliced, validity: mask)
    }

    /// Creates a column whose consistency the caller guarantees.
    package init(unchecked type: DataType, data: ColumnData, validity: ValidityMask?) {
        self.type = type
        storage = .flat(data)
        self.validity = validity.flatMap { $0.nullCount == 0 ? nil : $0 }
    }
}

extension Column {
    /// The rows of `columns`, one after another, as one column (all must share `type`).
    public static func concatenate(_ columns: [Column], type: DataType) throws(StrataError) -> Column {
        if columns.count == 1, let only = columns.first, only.type == type { return only }
        let total = columns.reduce(0) { $0 + $1.count }
        var validity: ValidityMask?
        if columns.contains(where: { $0.validity != nil }) {
            var mask = ValidityMask(count: 0, allValid: true)
            for column in columns {
                if let part = column.validity {
                    mask.append(contentsOf: part)
                } else {
                    mask.append(repeating: true, count: column.count)
                }
            }
            validity = mask
        }
        func gather<T>(_ extract: (ColumnData) -> [T]?) throws(StrataError) -> [T] {
            var out: [T] = []
            out.reserveCapacity(total)
            for column in columns {
                guard column.type == type, let values = extract(column.data) else {
                    throw StrataError(.internal, "cannot concatenate a \(column.type) column into \(type)")
                }
                out.append(contentsOf: values)
            }
            return out
        }
        let data: ColumnData
        switch type {
        case .bool: data = .bool(try gather { if case let .bool(v) = $0 { v } else { nil } })
        case .int32, .date: data = .int32(try gather { if case let .int32(v) = $0 { v } else { nil } })
        case .int64, .timestamp, .timestampNanos, .time: data = .int64(try gather { if case let .int64(v) = $0 { v } else { nil } })
        case .decimal where type.isWideDecimal:
            data = .int128(try gather { if case let .int128(v) = $0 { v } else { nil } })
        case .decimal: data = .int64(try gather { if case let .int64(v) = $0 { v } else { nil } })
        case .float: data = .float(try gather { if case let .float(v) = $0 { v } else { nil } })
        case .double: data = .double(try gather { if case let .double(v) = $0 { v } else { nil } })
        case .string, .blob:
            var offsets: [Int32] = [0]
            offsets.reserveCapacity(total + 1)
            var bytes: [UInt8] = []
            for column in columns {
                guard column.type == type, case let .string(buffer) = column.data else {
                    throw StrataError(.internal, "cannot concatenate a \(column.type) column into \(type)")
                }
                guard bytes.count + buffer.bytes.count <= Int(Int32.max) else {
                    throw StrataError(.outOfMemory, "a string column exceeds 2 GiB in one batch")
                }
                let base = Int32(bytes.count)
                bytes.append(contentsOf: buffer.bytes)
                offsets.append(contentsOf: buffer.offsets.dropFirst().lazy.map { $0 + base })
            }
            data = .string(try StringBuffer(offsets: offsets, bytes: bytes))
        }
        return Column(unchecked: type, data: data, validity: validity)
    }
}
