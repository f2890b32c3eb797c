extension Column {
    /// The rows at `indices` (each in `0..<count`), in that order, as a new column.
    package func gather(_ indices: [Int]) -> Column {
        let data: ColumnData
        switch self.data {
        case let .bool(v): data = .bool(indices.map { v[$0] })
        case let .int32(v): data = .int32(indices.map { v[$0] })
        case let .int64(v): data = .int64(indices.map { v[$0] })
        case let .float(v): data = .float(indices.map { v[$0] })
        case let .double(v): data = .double(indices.map { v[$0] })
        case let .string(v):
            var out = StringBuffer()
            v.bytes.withUnsafeBytes { raw in
                for i in indices {
                    // Cannot exceed the source's size, which already fits.
                    try? out.append(UnsafeRawBufferPointer(rebasing: raw[v.range(i)]))
                }
            }
            data = .string(out)
        }
        let mask = validity.map { validity in ValidityMask(indices.map { validity.isValid($0) }) }
        return Column(unchecked: type, data: data, validity: mask)
    }
}

extension Batch {
    /// The rows at `indices`, in that order, as a new batch.
    package func gather(_ indices: [Int]) throws(StrataError) -> Batch {
        try Batch(schema: schema, columns: columns.map { $0.gather(indices) })
    }
}
