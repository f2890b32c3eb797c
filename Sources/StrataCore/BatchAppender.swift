/// Concatenates batches of one schema into one, appending each as it arrives, so the pieces can be freed one by one
/// (peak memory: the result plus one piece, instead of all pieces plus the result). Fixed-width buffers are
/// allocated once for the announced row count; string bytes grow by doubling.
package struct BatchAppender {
    /// The schema of every batch.
    package let schema: Schema
    private var columns: [ColumnAppender]
    /// Rows appended so far.
    package private(set) var count = 0

    /// An appender expecting about `rows` rows and, per column, `stringBytes` bytes of strings (nil: unknown).
    package init(schema: Schema, rows: Int, stringBytes: [Int]? = nil) {
        self.schema = schema
        columns = schema.fields.enumerated().map { i, field in
            ColumnAppender(type: field.type, rows: rows, stringBytes: stringBytes?[i] ?? 0)
        }
    }

    /// Appends every row of `batch`, which must have the appender's column types.
    package mutating func append(_ batch: Batch) throws(StrataError) {
        guard batch.columns.count == columns.count else {
            throw StrataError(.schemaMismatch, "a batch of \(batch.columns.count) columns appended to \(columns.count)")
        }
        for (i, column) in batch.columns.enumerated() { try columns[i].append(column) }
        count += batch.count
    }

    /// The concatenated rows.
    package func finish() throws(StrataError) -> Batch {
        try Batch(schema: schema, columns: columns.map { $0.finish(rows: count) })
    }
}

/// One column of a ``BatchAppender``: one typed array per buffer kind (only the column's own is used), appended to
/// in place.
private struct ColumnAppender {
    let type: DataType
    private var bools: [Bool] = []
    private var ints32: [Int32] = []
    private var ints64: [Int64] = []
    private var ints128: [Int128] = []
    private var floats: [Float] = []
    private var doubles: [Double] = []
    private var strings = StringBuffer()
    private var validity: ValidityMask?
    private var count = 0

    init(type: DataType, rows: Int, stringBytes: Int) {
        self.type = type
        switch type.storage {
        case .bool: bools.reserveCapacity(rows)
        case .int32: ints32.reserveCapacity(rows)
        case .int64: ints64.reserveCapacity(rows)
        case .int128: ints128.reserveCapacity(rows)
        case .float: floats.reserveCapacity(rows)
        case .double: doubles.reserveCapacity(rows)
        case .string: strings.reserve(count: rows, byteCount: stringBytes)
        }
    }

    mutating func append(_ column: Column) throws(StrataError) {
        guard column.type == type || column.data.matches(type) else {
            throw StrataError(.schemaMismatch, "a \(column.type) column appended to a \(type) column")
        }
        if column.validity != nil || validity != nil {
            var mask = validity ?? ValidityMask(count: count, allValid: true)
            validity = nil
            if let part = column.validity {
                mask.append(contentsOf: part)
            } else {
                mask.append(repeating: true, count: column.count)
            }
            validity = mask
        }
        switch column.data {
        case let .bool(v): bools.append(contentsOf: v)
        case let .int32(v): ints32.append(contentsOf: v)
        case let .int64(v): ints64.append(contentsOf: v)
        case let .int128(v): ints128.append(contentsOf: v)
        case let .float(v): floats.append(contentsOf: v)
        case let .double(v): doubles.append(contentsOf: v)
        case let .string(v): try strings.append(contentsOf: v)
        }
        count += column.count
    }

    func finish(rows: Int) -> Column {
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
        return Column(unchecked: type, data: data, validity: validity)
    }
}

extension StringBuffer {
    /// Appends every value of `other`; throws when the buffer would exceed 2 GiB.
    package mutating func append(contentsOf other: StringBuffer) throws(StrataError) {
        guard bytes.count + other.bytes.count <= Int(Int32.max) else {
            throw StrataError(.outOfMemory, "a string column exceeds 2 GiB in one batch")
        }
        if count == 0 && bytes.isEmpty {
            self = other  // shares the buffers, no copy
            return
        }
        let base = Int32(bytes.count)
        appendRaw(bytes: other.bytes, offsets: other.offsets.dropFirst().lazy.map { $0 + base })
    }
}
