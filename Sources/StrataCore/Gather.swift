extension Column {
    /// The rows at `indices` (each in `0..<count`), in that order, as a new column.
    package func gather(_ indices: [Int]) -> Column {
        let data: ColumnData
        switch self.data {
        case let .bool(v): data = .bool(indices.map { v[$0] })
        case let .int32(v): data = .int32(indices.map { v[$0] })
        case let .int64(v): data = .int64(indices.map { v[$0] })
        case let .int128(v): data = .int128(indices.map { v[$0] })
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

/// The row index that stands for NULL in ``Column/gather(rows:)``.
package let nullRow = UInt32.max

extension Column {
    /// The rows at `rows`, in that order, as a new column; an index equal to ``nullRow`` gives a NULL. Every other
    /// index must be in `0..<count`.
    ///
    /// One pass per buffer over raw pointers: values are copied row by row (strings: their total size is summed
    /// first so the byte buffer is allocated once), validity is rebuilt only when the column has nulls or an index
    /// asks for one.
    package func gather(rows: UnsafeBufferPointer<UInt32>) throws(StrataError) -> Column {
        let n = rows.count
        var asksNull = false
        for row in rows where row == nullRow {
            asksNull = true
            break
        }
        func pick<T>(_ values: [T], _ zero: T) -> [T] {
            values.withUnsafeBufferPointer { v in
                [T](unsafeUninitializedCapacity: n) { out, initialized in
                    for i in 0..<n {
                        let row = rows[i]
                        out.initializeElement(at: i, to: row == nullRow ? zero : v[Int(row)])
                    }
                    initialized = n
                }
            }
        }
        if let coded = dictionaryCodes, coded.dictionary.canMaterialize(rows: n) {
            // Codes stay codes: the gather moves 4 bytes a row and keeps the shared dictionary.
            let codes = pick(coded.codes, nullRow)
            return Column(type: type, codes: DictionaryCodes(codes: codes, dictionary: coded.dictionary),
                          validity: gatheredValidity(rows: rows, asksNull: asksNull))
        }
        let gathered: ColumnData
        switch data {
        case let .bool(v): gathered = .bool(pick(v, false))
        case let .int32(v): gathered = .int32(pick(v, 0))
        case let .int64(v): gathered = .int64(pick(v, 0))
        case let .int128(v): gathered = .int128(pick(v, 0))
        case let .float(v): gathered = .float(pick(v, 0))
        case let .double(v): gathered = .double(pick(v, 0))
        case let .string(buffer): gathered = .string(try buffer.gather(rows: rows))
        }
        return Column(unchecked: type, data: gathered, validity: gatheredValidity(rows: rows, asksNull: asksNull))
    }

    /// The validity of the rows at `rows`: nil when neither the column nor the indices hold a NULL.
    private func gatheredValidity(rows: UnsafeBufferPointer<UInt32>, asksNull: Bool) -> ValidityMask? {
        guard validity != nil || asksNull else { return nil }
        let n = rows.count
        var words = [UInt64](repeating: 0, count: (n + 63) >> 6)
        for i in 0..<n {
            let row = rows[i]
            if row != nullRow && !isNull(Int(row)) { words[i >> 6] |= 1 << UInt64(i & 63) }
        }
        return ValidityMask(words: words, count: n)
    }

    /// A column of `count` NULLs of `type`.
    package static func nulls(_ type: DataType, count: Int) -> Column {
        let data: ColumnData
        switch type.storage {
        case .bool: data = .bool([Bool](repeating: false, count: count))
        case .int32: data = .int32([Int32](repeating: 0, count: count))
        case .int64: data = .int64([Int64](repeating: 0, count: count))
        case .int128: data = .int128([Int128](repeating: 0, count: count))
        case .float: data = .float([Float](repeating: 0, count: count))
        case .double: data = .double([Double](repeating: 0, count: count))
        case .string:
            // Empty values: all offsets 0 and no bytes, which always agree.
            data = .string((try? StringBuffer(offsets: [Int32](repeating: 0, count: count + 1), bytes: []))
                ?? StringBuffer())
        }
        return Column(unchecked: type, data: data, validity: ValidityMask(count: count, allValid: false))
    }
}

extension StringBuffer {
    /// Values `rows` (``nullRow`` gives an empty value), in that order; throws when they exceed 2 GiB.
    package func gather(rows: UnsafeBufferPointer<UInt32>) throws(StrataError) -> StringBuffer {
        let n = rows.count
        var total = 0
        offsets.withUnsafeBufferPointer { o in
            for row in rows where row != nullRow { total += Int(o[Int(row) + 1] - o[Int(row)]) }
        }
        guard total <= Int(Int32.max) else {
            throw StrataError(.outOfMemory, "a string column exceeds 2 GiB in one batch")
        }
        // Strings of up to 16 bytes move as two 8-byte words instead of a memmove call each, while there are 16
        // bytes of room left in both buffers; offsets and bytes are written in the same pass (the rows' offsets
        // are random reads of a possibly large buffer: read them as few times as possible).
        var newOffsets: [Int32] = []
        let newBytes = [UInt8](unsafeUninitializedCapacity: total) { target, initialized in
            newOffsets = [Int32](unsafeUninitializedCapacity: n + 1) { ends, written in
                ends.initializeElement(at: 0, to: 0)
                offsets.withUnsafeBufferPointer { o in
                    bytes.withUnsafeBytes { source in
                        let from = source.baseAddress, to = target.baseAddress
                        let sourceEnd = source.count - 16, targetEnd = total - 16
                        var at = 0
                        for i in 0..<n {
                            let row = rows[i]
                            if row != nullRow, let from, let to {
                                let start = Int(o[Int(row)]), length = Int(o[Int(row) + 1]) - start
                                if length <= 16 && start <= sourceEnd && at <= targetEnd {
                                    let low = UnsafeRawPointer(from + start).loadUnaligned(as: UInt64.self)
                                    let high = UnsafeRawPointer(from + start + 8).loadUnaligned(as: UInt64.self)
                                    UnsafeMutableRawPointer(to + at).storeBytes(of: low, as: UInt64.self)
                                    UnsafeMutableRawPointer(to + at + 8).storeBytes(of: high, as: UInt64.self)
                                } else if length > 0 {
                                    UnsafeMutableRawPointer(to + at).copyMemory(from: from + start, byteCount: length)
                                }
                                at += length
                            }
                            ends.initializeElement(at: i + 1, to: Int32(truncatingIfNeeded: at))
                        }
                    }
                }
                written = n + 1
            }
            initialized = total
        }
        return try StringBuffer(offsets: newOffsets, bytes: newBytes)
    }
}

extension Batch {
    /// The rows at `rows` (``nullRow`` gives NULLs), in that order, as a new batch under `schema`.
    package func gather(rows: UnsafeBufferPointer<UInt32>) throws(StrataError) -> Batch {
        var gathered: [Column] = []
        gathered.reserveCapacity(columns.count)
        for column in columns { gathered.append(try column.gather(rows: rows)) }
        return try Batch(schema: schema, columns: gathered)
    }
}
