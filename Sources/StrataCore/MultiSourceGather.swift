/// Rows picked from several batches of one schema, in a given order (the output of a merge).
///
/// 1. The picks (source batch, row) are bucketed by source with a counting sort, remembering each pick's output
///    position, so every source's buffers are opened once per column.
/// 2. Fixed-width columns: per source, each pick's value is stored at its output position.
/// 3. Strings: per source, each pick's length is stored at its output position; a prefix sum gives the offsets;
///    per source again, each pick's bytes are copied to its offset.
/// 4. Validity is built only when a source column has nulls.
package struct MultiSourceGather: Sendable {
    /// Rows picked.
    package let count: Int
    /// Per source, where its picks start in `positions`/`rows` (one more entry than there are sources).
    private let starts: [Int]
    /// The output position of each pick, bucketed by source.
    private let positions: [Int32]
    /// The source row of each pick, bucketed by source.
    private let rows: [UInt32]

    /// Packs a pick of row `row` of source `source`.
    @inline(__always)
    package static func pick(source: Int, row: Int) -> UInt64 { UInt64(source) << 32 | UInt64(row) }

    /// The picks `picks` (from ``pick(source:row:)``) over `sources` source batches.
    package init(sources: Int, picks: UnsafeBufferPointer<UInt64>) {
        count = picks.count
        var starts = [Int](repeating: 0, count: sources + 1)
        for pick in picks { starts[Int(pick >> 32) + 1] += 1 }
        for s in 0..<sources { starts[s + 1] += starts[s] }
        var next = starts
        var positions = [Int32](repeating: 0, count: picks.count)
        var rows = [UInt32](repeating: 0, count: picks.count)
        positions.withUnsafeMutableBufferPointer { p in
            rows.withUnsafeMutableBufferPointer { r in
                for (i, pick) in picks.enumerated() {
                    let source = Int(pick >> 32)
                    let at = next[source]
                    next[source] = at + 1
                    p[at] = Int32(truncatingIfNeeded: i)
                    r[at] = UInt32(truncatingIfNeeded: pick)
                }
            }
        }
        self.starts = starts
        self.positions = positions
        self.rows = rows
    }

    /// The picked rows of `sources` (all of `schema`, as many as given at init) as one batch.
    package func gather(_ sources: [Batch], schema: Schema) throws(StrataError) -> Batch {
        guard sources.count + 1 == starts.count else {
            throw StrataError(.internal, "a gather over \(starts.count - 1) sources got \(sources.count)")
        }
        var columns: [Column] = []
        columns.reserveCapacity(schema.fields.count)
        for (index, field) in schema.fields.enumerated() {
            columns.append(try column(index, type: field.type, of: sources))
        }
        return try Batch(schema: schema, columns: columns)
    }

    /// The picked rows of column `index` (of type `type`) of `sources`.
    package func column(_ index: Int, type: DataType, of sources: [Batch]) throws(StrataError) -> Column {
        guard sources.count + 1 == starts.count else {
            throw StrataError(.internal, "a gather over \(starts.count - 1) sources got \(sources.count)")
        }
        let data: ColumnData
        switch type.storage {
        case .bool: data = .bool(try fixed(index, sources, false) { if case let .bool(v) = $0 { v } else { nil } })
        case .int32:
            data = .int32(try fixed(index, sources, 0) { if case let .int32(v) = $0 { v } else { nil } })
        case .int64:
            data = .int64(try fixed(index, sources, 0) { if case let .int64(v) = $0 { v } else { nil } })
        case .int128:
            data = .int128(try fixed(index, sources, 0) { if case let .int128(v) = $0 { v } else { nil } })
        case .float: data = .float(try fixed(index, sources, 0) { if case let .float(v) = $0 { v } else { nil } })
        case .double:
            data = .double(try fixed(index, sources, 0) { if case let .double(v) = $0 { v } else { nil } })
        case .string: data = .string(try strings(index, sources))
        }
        guard sources.contains(where: { $0.columns[index].validity != nil }) else {
            return Column(unchecked: type, data: data, validity: nil)
        }
        var words = [UInt64](repeating: 0, count: (count + 63) >> 6)
        words.withUnsafeMutableBufferPointer { w in
            for (s, source) in sources.enumerated() {
                let column = source.columns[index]
                for k in starts[s]..<starts[s + 1] where !column.isNull(Int(rows[k])) {
                    let at = Int(positions[k])
                    w[at >> 6] |= 1 << UInt64(at & 63)
                }
            }
        }
        return Column(unchecked: type, data: data, validity: ValidityMask(words: words, count: count))
    }

    private func fixed<T>(_ index: Int, _ sources: [Batch], _ zero: T,
                          _ values: (ColumnData) -> [T]?) throws(StrataError) -> [T] {
        var out = [T](repeating: zero, count: count)
        var failed = false
        out.withUnsafeMutableBufferPointer { o in
            positions.withUnsafeBufferPointer { p in
                rows.withUnsafeBufferPointer { r in
                    for (s, source) in sources.enumerated() {
                        guard let v = values(source.columns[index].data) else {
                            failed = true
                            return
                        }
                        v.withUnsafeBufferPointer { v in
                            for k in starts[s]..<starts[s + 1] { o[Int(p[k])] = v[Int(r[k])] }
                        }
                    }
                }
            }
        }
        if failed { throw StrataError(.internal, "gather sources differ in column \(index)'s type") }
        return out
    }

    private func strings(_ index: Int, _ sources: [Batch]) throws(StrataError) -> StringBuffer {
        var buffers: [StringBuffer] = []
        for source in sources {
            guard case let .string(buffer) = source.columns[index].data else {
                throw StrataError(.internal, "gather sources differ in column \(index)'s type")
            }
            buffers.append(buffer)
        }
        var offsets = [Int32](repeating: 0, count: count + 1)
        offsets.withUnsafeMutableBufferPointer { ends in
            for (s, buffer) in buffers.enumerated() {
                buffer.offsets.withUnsafeBufferPointer { o in
                    for k in starts[s]..<starts[s + 1] {
                        let row = Int(rows[k])
                        ends[Int(positions[k]) + 1] = o[row + 1] - o[row]
                    }
                }
            }
        }
        var total = 0
        offsets.withUnsafeMutableBufferPointer { ends in
            for i in 0..<count {
                total += Int(ends[i + 1])
                ends[i + 1] = Int32(truncatingIfNeeded: total)
            }
        }
        guard total <= Int(Int32.max) else {
            throw StrataError(.outOfMemory, "a string column exceeds 2 GiB in one batch")
        }
        let bytes = [UInt8](unsafeUninitializedCapacity: total) { target, initialized in
            offsets.withUnsafeBufferPointer { ends in
                for (s, buffer) in buffers.enumerated() {
                    buffer.offsets.withUnsafeBufferPointer { o in
                        buffer.bytes.withUnsafeBytes { source in
                            guard let from = source.baseAddress, let to = target.baseAddress else { return }
                            for k in starts[s]..<starts[s + 1] {
                                let row = Int(rows[k]), start = Int(o[row]), length = Int(o[row + 1]) - start
                                if length > 0 {
                                    UnsafeMutableRawPointer(to + Int(ends[Int(positions[k])]))
                                        .copyMemory(from: from + start, byteCount: length)
                                }
                            }
                        }
                    }
                }
            }
            initialized = total
        }
        return try StringBuffer(offsets: offsets, bytes: bytes)
    }
}
