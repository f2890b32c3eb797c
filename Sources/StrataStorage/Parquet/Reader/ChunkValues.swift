import StrataCore

/// The decoded values of one column chunk, in the stored (physical) representation, plus validity.
///
/// INT96 values are already microseconds; other conversions (ms → µs, UINT32 → Int64, UINT64 → Int128, TIME to
/// microseconds) happen in `finish`.
struct ChunkValues {
    var bools: [Bool] = []
    var ints32: [Int32] = []
    var ints64: [Int64] = []
    var floats: [Float] = []
    var doubles: [Double] = []
    var strings = StringBuffer()
    var validity = ValidityMask(count: 0, allValid: true)
    var hasNulls = false
    /// Whether the rows are held as dictionary codes (in `codes`, ``nullRow`` on null rows) instead of values.
    var coded = false
    var codes: [UInt32] = []

    /// Reserves room for `rows` values of `physicalType` (and about `bytes` of string data), so decoding a chunk
    /// grows no array.
    mutating func reserve(rows: Int, physicalType: PhysicalType, bytes: Int) {
        switch physicalType {
        case .boolean: bools.reserveCapacity(rows)
        case .int32: ints32.reserveCapacity(rows)
        case .int64, .int96: ints64.reserveCapacity(rows)
        case .float: floats.reserveCapacity(rows)
        case .double: doubles.reserveCapacity(rows)
        case .byteArray, .fixedLenByteArray: strings.reserve(count: rows, byteCount: max(0, bytes - 4 * rows))
        }
        validity.reserveCapacity(rows)
    }

    /// Rows decoded so far.
    var count: Int { validity.count }

    /// Records `rows` rows of validity: all valid when `mask` is nil.
    mutating func appendValidity(_ mask: ValidityMask?, rows: Int) {
        guard let mask else {
            validity.append(repeating: true, count: rows)
            return
        }
        hasNulls = true
        validity.append(contentsOf: mask)
    }

    /// Removes the first `n` rows (at most ``count``) and returns them as values of their own, copied into buffers
    /// of exactly their size: a caller's batch then weighs what its rows do (a buffer handed over whole would keep
    /// the capacity of every page decoded into it, and a memory reservation by row count would miss it). Self keeps
    /// the rows after `n`, moved to the front of its buffers, and their capacity for the next pages.
    mutating func take(_ n: Int, physicalType: PhysicalType) -> ChunkValues {
        let n = min(n, count)
        var head = ChunkValues()
        func prefix<T>(_ array: inout [T]) -> [T] {
            let first = array.exactPrefix(n)
            array.removeFirst(n)
            return first
        }
        if coded {
            // Coded rows hold no values (a page that is not coded turns them into values first).
            head.codes = prefix(&codes)
            head.coded = true
            // An emptied buffer takes the next page as it comes: as codes or as values.
            coded = !codes.isEmpty
        } else {
            switch physicalType {
            case .boolean: head.bools = prefix(&bools)
            case .int32: head.ints32 = prefix(&ints32)
            case .int64, .int96: head.ints64 = prefix(&ints64)
            case .float: head.floats = prefix(&floats)
            case .double: head.doubles = prefix(&doubles)
            case .byteArray, .fixedLenByteArray: head.strings = strings.removePrefix(n)
            }
        }
        var rest = ValidityMask(count: 0, allValid: true)
        if hasNulls {
            head.validity.reserveCapacity(n)
            for i in 0..<n { head.validity.append(validity.isValid(i)) }
            rest.reserveCapacity(count - n)
            for i in n..<count { rest.append(validity.isValid(i)) }
        } else {
            head.validity.append(repeating: true, count: n)
            rest.append(repeating: true, count: count - n)
        }
        head.hasNulls = head.validity.nullCount > 0
        validity = rest
        hasNulls = rest.nullCount > 0
        return head
    }

    /// Turns codes back into values gathered from `dictionary` (the chunk's dictionary page), when a page that is
    /// not dictionary-encoded follows coded rows (a writer whose dictionary grew too large falls back to PLAIN).
    mutating func materializeCodes(dictionary: ChunkValues, physicalType: PhysicalType) throws {
        guard coded else { return }
        coded = false
        let rows = codes
        codes = []
        func pick<T>(_ entries: [T], _ zero: T, _ target: inout [T]) {
            target.reserveCapacity(target.count + rows.count)
            for code in rows { target.append(code == nullRow ? zero : entries[Int(code)]) }
        }
        switch physicalType {
        case .boolean: pick(dictionary.bools, false, &bools)
        case .int32: pick(dictionary.ints32, 0, &ints32)
        case .int64, .int96: pick(dictionary.ints64, 0, &ints64)
        case .float: pick(dictionary.floats, 0, &floats)
        case .double: pick(dictionary.doubles, 0, &doubles)
        case .byteArray, .fixedLenByteArray:
            let gathered = try rows.withUnsafeBufferPointer { try dictionary.strings.gather(rows: $0) }
            try strings.append(contentsOf: gathered)
        }
    }

    /// The finished Strata column of `leaf`; coded rows become a column of codes into `dictionary` (or, when they
    /// could not be made flat within one batch's limits, are gathered now).
    func finish(_ leaf: ParquetSchemaMapping.Leaf, path: String, dictionary: ColumnDictionary? = nil) throws -> Column {
        if coded {
            guard let dictionary else {
                throw StrataError(.internal, "dictionary codes without a dictionary", path: path,
                                  column: leaf.field.name)
            }
            guard codes.count == validity.count else {
                throw StrataError(.corrupt, "decoded \(codes.count) values for \(validity.count) rows", path: path,
                                  column: leaf.field.name)
            }
            let mask = hasNulls ? validity : nil
            guard dictionary.canMaterialize(rows: codes.count) else {
                let flat = try codes.withUnsafeBufferPointer { try dictionary.values.gather(rows: $0) }
                return Column(unchecked: leaf.field.type, data: flat.data, validity: mask)
            }
            return Column(type: leaf.field.type, codes: DictionaryCodes(codes: codes, dictionary: dictionary),
                          validity: mask)
        }
        let data: ColumnData
        switch (leaf.physicalType, leaf.conversion) {
        case (_, .decimal): data = try decimals(leaf, path: path)
        case (.boolean, _): data = .bool(bools)
        case (.int32, .uint32ToInt64): data = .int64(ints32.map { Int64(UInt32(bitPattern: $0)) })
        case (.int32, .timeMillisToMicros): data = .int64(ints32.map { Int64($0) * 1000 })
        case (.int64, .timeNanosToMicros):
            // TIME(NANOS) is read as microseconds only when nothing is lost.
            if let row = ints64.firstIndex(where: { $0 % 1000 != 0 }) {
                throw StrataError(.unsupported, "TIME(NANOS) value \(ints64[row]) ns in row \(row) is no whole "
                    + "microsecond (Strata's TIME holds microseconds)", path: path, column: leaf.field.name)
            }
            data = .int64(ints64.map { $0 / 1000 })
        case (.int32, _): data = .int32(ints32)
        case (.int64, .millisToMicros):
            var out = ints64
            for i in out.indices {
                let (product, overflow) = out[i].multipliedReportingOverflow(by: 1000)
                guard !overflow else {
                    throw StrataError(.unsupported, "timestamp \(out[i]) ms is out of the microsecond range",
                                      path: path, column: leaf.field.name)
                }
                out[i] = product
            }
            data = .int64(out)
        case (.int64, .uint64ToDecimal): data = .int128(ints64.map { Int128(UInt64(bitPattern: $0)) })
        case (.int64, _), (.int96, _): data = .int64(ints64)
        case (.float, _): data = .float(floats)
        case (.double, _): data = .double(doubles)
        case (.byteArray, _): data = .string(strings)
        case (.fixedLenByteArray, _) where leaf.field.type == .blob: data = .string(strings)
        case (.fixedLenByteArray, .float16ToFloat): data = .float(try halfFloats(leaf, path: path))
        case (.fixedLenByteArray, _):
            throw StrataError(.unsupported, "FIXED_LEN_BYTE_ARRAY columns are not supported", path: path,
                              column: leaf.field.name)
        }
        guard data.count == validity.count else {
            throw StrataError(.corrupt, "decoded \(data.count) values for \(validity.count) rows", path: path,
                              column: leaf.field.name)
        }
        return Column(unchecked: leaf.field.type, data: data, validity: hasNulls ? validity : nil)
    }

    /// FLOAT16 values (2 bytes each, little-endian) as floats; null rows hold no bytes and become 0.
    private func halfFloats(_ leaf: ParquetSchemaMapping.Leaf, path: String) throws -> [Float] {
        var values = [Float](repeating: 0, count: strings.count)
        try strings.bytes.withUnsafeBytes { raw in
            for row in 0..<strings.count {
                let range = strings.range(row)
                if range.isEmpty, !validity.isValid(row) { continue }
                guard range.count == 2 else {
                    throw StrataError(.corrupt, "FLOAT16 value of \(range.count) bytes in row \(row)", path: path,
                                      column: leaf.field.name)
                }
                values[row] = HalfFloat.float(littleEndian: raw, at: range.lowerBound)
            }
        }
        return values
    }

    /// DECIMAL values in the storage of the leaf's decimal type; binary forms are big-endian two's complement of
    /// at most 16 bytes, checked against the declared precision.
    private func decimals(_ leaf: ParquetSchemaMapping.Leaf, path: String) throws -> ColumnData {
        let type = leaf.field.type
        func tooWide(_ row: Int) -> StrataError {
            StrataError(.corrupt, "row \(row) does not fit \(type)", path: path, column: leaf.field.name)
        }
        switch leaf.physicalType {
        case .int32 where type.isWideDecimal: return .int128(ints32.map { Int128($0) })
        case .int32: return .int64(ints32.map { Int64($0) })
        case .int64 where type.isWideDecimal: return .int128(ints64.map { Int128($0) })
        case .int64: return .int64(ints64)
        case .byteArray, .fixedLenByteArray:
            var values = [Int128](repeating: 0, count: strings.count)
            let precision: Int
            if case let .decimal(p, _) = type { precision = Int(p) } else { precision = 38 }
            try strings.bytes.withUnsafeBytes { raw in
                for row in 0..<strings.count {
                    let range = strings.range(row)
                    guard range.count <= 16 else { throw tooWide(row) }
                    guard !range.isEmpty else { continue }
                    // Sign-extend from the first byte, then shift in the rest.
                    var value = Int128(Int8(bitPattern: raw[range.lowerBound]))
                    for i in range.dropFirst() { value = value << 8 | Int128(raw[i]) }
                    guard !validity.isValid(row) || DecimalMath.fits(value, precision: precision) else {
                        throw tooWide(row)
                    }
                    values[row] = value
                }
            }
            if type.isWideDecimal { return .int128(values) }
            return .int64(values.map { Int64(truncatingIfNeeded: $0) })
        default:
            throw StrataError(.unsupported, "DECIMAL stored as \(leaf.physicalType)", path: path,
                              column: leaf.field.name)
        }
    }
}
