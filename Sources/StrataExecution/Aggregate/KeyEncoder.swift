import StrataCore

/// Turns the group-key columns of a batch into one byte string per row, and back.
///
/// Encoding, per key column in order:
/// 1. one byte: 0 when the value is present, 1 when it is NULL (so NULL is a group of its own);
/// 2. the value: bool 1 byte, int32/date/float 4 bytes, int64/timestamp/double/decimal(≤18) 8 bytes, wide
///    decimals 16 bytes (little-endian; doubles
///    normalised so -0.0 equals 0.0 and all NaNs are one NaN, as SQL groups them); strings a 4-byte length and
///    their UTF-8 bytes. A NULL writes zeros (length 0 for strings).
///
/// Two rows are in the same group exactly when their encodings are byte-equal, so the hash table compares keys
/// with one `memcmp` whatever the key types.
package struct KeyEncoder: Sendable {
    /// The key column types.
    package let types: [DataType]
    /// Bytes every row takes whatever its strings (null flags plus fixed-width values and string lengths).
    package let fixedWidth: Int
    /// Whether some key is a string (rows then differ in width).
    package let hasStrings: Bool

    /// Creates the encoder for keys of `types`.
    package init(types: [DataType]) {
        self.types = types
        fixedWidth = types.reduce(0) { $0 + 1 + KeyEncoder.valueWidth($1) }
        hasStrings = types.contains { $0.storage == .string }
    }

    /// Bytes a value of `type` takes after its null flag (the length prefix for strings).
    static func valueWidth(_ type: DataType) -> Int {
        switch type.storage {
        case .bool: 1
        case .int32, .float: 4
        case .int64, .double: 8
        case .int128: 16
        case .string: 4
        }
    }

    /// Encodes rows `rows` of `columns` (one per key type) into `out`, and hashes them.
    package func encode(_ columns: [Column], rows: Range<Int>, into out: EncodedKeys) {
        let n = rows.count
        out.prepare(rows: n)
        // 1. Row offsets: fixed width plus each row's string bytes.
        out.offsets.withUnsafeMutableBufferPointer { offsets in
            if !hasStrings {
                for i in 0...n { offsets[i] = i * fixedWidth }
                return
            }
            for i in 0..<n { offsets[i + 1] = fixedWidth }
            for column in columns {
                guard case let .string(buffer) = column.data else { continue }
                buffer.offsets.withUnsafeBufferPointer { so in
                    for i in 0..<n {
                        let r = rows.lowerBound + i
                        offsets[i + 1] += Int(so[r + 1] - so[r])
                    }
                }
            }
            offsets[0] = 0
            for i in 0..<n { offsets[i + 1] += offsets[i] }
        }
        let total = out.offsets[n]
        out.ensureByteCapacity(total)
        // 2. Each column writes its part of every row at the row's cursor.
        out.cursors.withUnsafeMutableBufferPointer { cursors in
            out.offsets.withUnsafeBufferPointer { offsets in
                for i in 0..<n { cursors[i] = offsets[i] }
            }
            out.bytes.withUnsafeMutableBytes { raw in
                guard let base = raw.baseAddress else { return }
                for column in columns {
                    KeyEncoder.write(column, rows: rows, base: base, cursors: UnsafeMutableBufferPointer(rebasing: cursors[0..<n]))
                }
            }
        }
        // 3. Hashes.
        out.bytes.withUnsafeBytes { raw in
            guard let base = raw.baseAddress else { return }
            out.offsets.withUnsafeBufferPointer { offsets in
                out.hashes.withUnsafeMutableBufferPointer { hashes in
                    for i in 0..<n {
                        hashes[i] = KeyHasher.hash(base + offsets[i], count: offsets[i + 1] - offsets[i])
                    }
                }
            }
        }
        out.count = n
    }

    private static func write(_ column: Column, rows: Range<Int>, base: UnsafeMutableRawPointer,
                              cursors: UnsafeMutableBufferPointer<Int>) {
        let validity = column.validity
        let lo = rows.lowerBound
        @inline(__always) func fixed<T>(_ values: [T], zero: T, normalise: (T) -> T) {
            let width = MemoryLayout<T>.size
            values.withUnsafeBufferPointer { v in
                if let validity {
                    for i in 0..<cursors.count {
                        let c = cursors[i]
                        let valid = validity.isValid(lo + i)
                        base.storeBytes(of: valid ? 0 : 1, toByteOffset: c, as: UInt8.self)
                        base.storeBytes(of: valid ? normalise(v[lo + i]) : zero, toByteOffset: c + 1, as: T.self)
                        cursors[i] = c + 1 + width
                    }
                } else {
                    for i in 0..<cursors.count {
                        let c = cursors[i]
                        base.storeBytes(of: 0, toByteOffset: c, as: UInt8.self)
                        base.storeBytes(of: normalise(v[lo + i]), toByteOffset: c + 1, as: T.self)
                        cursors[i] = c + 1 + width
                    }
                }
            }
        }
        switch column.data {
        case let .bool(v): fixed(v.map { $0 ? UInt8(1) : 0 }, zero: UInt8(0)) { $0 }
        case let .int32(v): fixed(v, zero: 0) { $0 }
        case let .int64(v): fixed(v, zero: 0) { $0 }
        case let .int128(v): fixed(v, zero: 0) { $0 }
        case let .float(v): fixed(v, zero: 0) { $0.isNaN ? Float.nan : ($0 == 0 ? 0 : $0) }
        case let .double(v): fixed(v, zero: 0) { $0.isNaN ? Double.nan : ($0 == 0 ? 0 : $0) }
        case let .string(buffer):
            buffer.offsets.withUnsafeBufferPointer { so in
                buffer.bytes.withUnsafeBytes { sb in
                    for i in 0..<cursors.count {
                        let c = cursors[i]
                        let r = lo + i
                        let valid = validity?.isValid(r) ?? true
                        let start = Int(so[r]), length = valid ? Int(so[r + 1]) - start : 0
                        base.storeBytes(of: valid ? 0 : 1, toByteOffset: c, as: UInt8.self)
                        base.storeBytes(of: UInt32(length), toByteOffset: c + 1, as: UInt32.self)
                        if length > 0, let source = sb.baseAddress {
                            (base + c + 5).copyMemory(from: source + start, byteCount: length)
                        }
                        cursors[i] = c + 5 + length
                    }
                }
            }
        }
    }

    /// Decodes encoded keys into columns: row i's key starts at `base + rowStarts[i]`.
    package func decode(base: UnsafeRawPointer, rowStarts: [Int]) throws(StrataError) -> [Column] {
        let count = rowStarts.count
        var cursor = rowStarts
        var columns: [Column] = []
        columns.reserveCapacity(types.count)
        for type in types {
            var nulls: [Int] = []
            @inline(__always) func fixed<T>(_ zero: T) -> [T] {
                var values = [T](repeating: zero, count: count)
                values.withUnsafeMutableBufferPointer { v in
                    cursor.withUnsafeMutableBufferPointer { c in
                        for i in 0..<count {
                            let p = base + c[i]
                            if p.load(as: UInt8.self) != 0 {
                                nulls.append(i)
                            } else {
                                v[i] = p.loadUnaligned(fromByteOffset: 1, as: T.self)
                            }
                            c[i] += 1 + MemoryLayout<T>.size
                        }
                    }
                }
                return values
            }
            let data: ColumnData
            switch type.storage {
            case .bool: data = .bool(fixed(UInt8(0)).map { $0 != 0 })
            case .int32: data = .int32(fixed(Int32(0)))
            case .int64: data = .int64(fixed(Int64(0)))
            case .int128: data = .int128(fixed(Int128(0)))
            case .float: data = .float(fixed(Float(0)))
            case .double: data = .double(fixed(Double(0)))
            case .string:
                var offsets = [Int32](repeating: 0, count: count + 1)
                var total = 0
                cursor.withUnsafeBufferPointer { c in
                    for i in 0..<count {
                        let p = base + c[i]
                        if p.load(as: UInt8.self) != 0 { nulls.append(i) }
                        total += Int(p.loadUnaligned(fromByteOffset: 1, as: UInt32.self))
                        offsets[i + 1] = Int32(truncatingIfNeeded: total)
                    }
                }
                var bytes = [UInt8](repeating: 0, count: total)
                bytes.withUnsafeMutableBytes { out in
                    cursor.withUnsafeMutableBufferPointer { c in
                        guard let dst = out.baseAddress else {
                            for i in 0..<count { c[i] += 5 }
                            return
                        }
                        var at = 0
                        for i in 0..<count {
                            let p = base + c[i]
                            let length = Int(p.loadUnaligned(fromByteOffset: 1, as: UInt32.self))
                            (dst + at).copyMemory(from: p + 5, byteCount: length)
                            at += length
                            c[i] += 5 + length
                        }
                    }
                }
                guard total <= Int(Int32.max) else {
                    throw StrataError(.unsupported, "group keys of more than 2 GiB of text in one batch")
                }
                data = .string(try StringBuffer(offsets: offsets, bytes: bytes))
            }
            var validity: ValidityMask?
            if !nulls.isEmpty {
                var mask = ValidityMask(count: count, allValid: true)
                for i in nulls { mask.set(i, valid: false) }
                validity = mask
            }
            columns.append(Column(unchecked: type, data: data, validity: validity))
        }
        return columns
    }
}
