import StrataCore

// Filtering a batch by a predicate.
//
// 1. The predicate is evaluated once; a constant predicate keeps all rows (TRUE) or none (FALSE or NULL).
// 2. The selected rows are those whose value is true and whose validity bit is set: for each 64-row block the
//    bool bytes are packed into a word, ANDed with the validity word, and the set bits enumerated.
// 3. Filtering gathers every column at the selected rows (strings: the output size is summed first so the byte
//    buffer is allocated once); when every row passes, the batch itself is returned.

/// The rows of `batch` for which `predicate` is TRUE (NULL and FALSE drop), in ascending order.
package func selection(of predicate: BoundExpr, in batch: Batch) throws(StrataError) -> [Int] {
    guard predicate.type == .bool else {
        throw StrataError(.invalidArgument, "a filter predicate must be bool, not \(predicate.type)")
    }
    let result = try predicate.vector(batch)
    guard case let .bool(values) = result.column.data else {
        throw StrataError(.internal, "a bool predicate produced a \(result.type) buffer")
    }
    if result.isConstant {
        return values.first == true && !result.column.isNull(0) ? Array(0..<batch.count) : []
    }
    let words = result.column.validity?.words
    var selected: [Int] = []
    selected.reserveCapacity(batch.count)
    values.withUnsafeBufferPointer { v in
        var base = 0
        while base < v.count {
            let end = min(base + 64, v.count)
            var word: UInt64 = 0
            for i in base..<end where v[i] { word |= 1 &<< UInt64(i - base) }
            if let words { word &= words[base >> 6] }
            while word != 0 {
                selected.append(base + word.trailingZeroBitCount)
                word &= word &- 1
            }
            base = end
        }
    }
    return selected
}

extension Batch {
    /// The rows for which `predicate` is TRUE; `self` when every row passes.
    package func filtered(by predicate: BoundExpr) throws(StrataError) -> Batch {
        let rows = try selection(of: predicate, in: self)
        if rows.count == count { return self }
        return try Batch(schema: schema, columns: columns.map { $0.gathered(rows) })
    }
}

extension Column {
    /// The rows at `indices` (each in `0..<count`), in that order.
    func gathered(_ indices: [Int]) -> Column {
        func pick<T>(_ values: [T]) -> [T] {
            values.withUnsafeBufferPointer { v in
                indices.withUnsafeBufferPointer { idx in
                    [T](unsafeUninitializedCapacity: idx.count) { out, n in
                        for (j, i) in idx.enumerated() { out.initializeElement(at: j, to: v[i]) }
                        n = idx.count
                    }
                }
            }
        }
        var mask: ValidityMask?
        if let validity {
            var words = [UInt64](repeating: 0, count: (indices.count + 63) >> 6)
            validity.words.withUnsafeBufferPointer { w in
                for (j, i) in indices.enumerated() where (w[i >> 6] >> UInt64(i & 63)) & 1 == 1 {
                    words[j >> 6] |= 1 << UInt64(j & 63)
                }
            }
            mask = ValidityMask(words: words, count: indices.count)
        }
        if let coded = dictionaryCodes {
            // Codes stay codes (a subset of rows that could be made flat can be too).
            return Column(type: type, codes: DictionaryCodes(codes: pick(coded.codes), dictionary: coded.dictionary),
                          validity: mask)
        }
        let data: ColumnData
        switch self.data {
        case let .bool(v): data = .bool(pick(v))
        case let .int32(v): data = .int32(pick(v))
        case let .int64(v): data = .int64(pick(v))
        case let .int128(v): data = .int128(pick(v))
        case let .float(v): data = .float(pick(v))
        case let .double(v): data = .double(pick(v))
        case let .string(v): data = .string(gatheredStrings(v, indices))
        }
        return Column(unchecked: type, data: data, validity: mask)
    }
}

private func gatheredStrings(_ source: StringBuffer, _ indices: [Int]) -> StringBuffer {
    var total = 0
    for i in indices { total += source.range(i).count }
    var out = StringBuffer()
    out.reserve(count: indices.count, byteCount: total)
    withStringReader(source) { reader in
        // The selected values are a subset of a buffer that fits, so they fit too.
        for i in indices { try? out.append(reader[i]) }
    }
    return out
}
