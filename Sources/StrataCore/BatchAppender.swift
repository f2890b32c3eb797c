/// Concatenates batches of one schema into one, appending each as it arrives, so the pieces can be freed one by one
/// (peak memory: the result plus one piece, instead of all pieces plus the result). Fixed-width buffers are
/// allocated once for the announced row count; string bytes grow by doubling.
package struct BatchAppender {
    /// The schema of every batch.
    package let schema: Schema
    private var columns: [ColumnAppender]
    /// Rows appended so far.
    package private(set) var count = 0

    /// An appender expecting about `rows` rows.
    package init(schema: Schema, rows: Int) {
        self.schema = schema
        columns = schema.fields.map { ColumnAppender(type: $0.type, rows: rows) }
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

/// One column of a ``BatchAppender``.
private struct ColumnAppender {
    let type: DataType
    var data: ColumnData
    var validity: ValidityMask?

    init(type: DataType, rows: Int) {
        self.type = type
        func reserved<T>(_ zero: [T]) -> [T] {
            var array = zero
            array.reserveCapacity(rows)
            return array
        }
        switch type {
        case .bool: data = .bool(reserved([]))
        case .int32, .date: data = .int32(reserved([]))
        case .int64, .timestamp: data = .int64(reserved([]))
        case .float: data = .float(reserved([]))
        case .double: data = .double(reserved([]))
        case .string:
            var buffer = StringBuffer()
            buffer.reserve(count: rows, byteCount: 0)
            data = .string(buffer)
        }
    }

    mutating func append(_ column: Column) throws(StrataError) {
        let before = data.count
        if column.validity != nil || validity != nil {
            var mask = validity ?? ValidityMask(count: before, allValid: true)
            if let part = column.validity {
                mask.append(contentsOf: part)
            } else {
                mask.append(repeating: true, count: column.count)
            }
            validity = mask
        }
        switch (data, column.data) {
        case (.bool(var a), let .bool(b)):
            data = .bool([])
            a.append(contentsOf: b)
            data = .bool(a)
        case (.int32(var a), let .int32(b)):
            data = .int32([])
            a.append(contentsOf: b)
            data = .int32(a)
        case (.int64(var a), let .int64(b)):
            data = .int64([])
            a.append(contentsOf: b)
            data = .int64(a)
        case (.float(var a), let .float(b)):
            data = .float([])
            a.append(contentsOf: b)
            data = .float(a)
        case (.double(var a), let .double(b)):
            data = .double([])
            a.append(contentsOf: b)
            data = .double(a)
        case (.string(var a), let .string(b)):
            data = .string(StringBuffer())
            try a.append(contentsOf: b)
            data = .string(a)
        default:
            throw StrataError(.schemaMismatch, "a \(column.type) column appended to a \(type) column")
        }
    }

    func finish(rows: Int) -> Column {
        Column(unchecked: type, data: data, validity: validity)
    }
}

extension StringBuffer {
    /// Appends every value of `other`; throws when the buffer would exceed 2 GiB.
    package mutating func append(contentsOf other: StringBuffer) throws(StrataError) {
        guard bytes.count + other.bytes.count <= Int(Int32.max) else {
            throw StrataError(.outOfMemory, "a string column exceeds 2 GiB in one batch")
        }
        let base = Int32(bytes.count)
        appendRaw(bytes: other.bytes, offsets: other.offsets.dropFirst().lazy.map { $0 + base })
    }
}
