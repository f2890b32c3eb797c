// Serializes a row range of a batch into a spill frame's body, and back. Layout (also in SpillFormat.swift):
//   1. row count u32, column count u32
//   2. per column: type u8, null flag u8, then ceil(rows / 64) validity words u64 when the flag is 1
//   3. the value buffer: fixed-width values copied as raw memory (bool as one byte 0/1 per row); strings as a byte
//      count u32, rows + 1 offsets i32 rebased to start at 0, then the bytes
// Decoding checks every length against the bytes left before it allocates, checks that string offsets rise from 0 to
// the byte count, and maps bool bytes to 0/1, so no file content can trap or produce an invalid value.
import StrataCore
import StrataStorage

/// Encodes batches into frame bodies and decodes them (layout at the top of this file).
enum SpillBatchCodec {
    /// Exact size of the body for `rows` of `batch`.
    static func encodedSize(of batch: Batch, rows: Range<Int>) -> Int {
        var size = 8
        for column in batch.columns {
            size += 2
            if column.validity != nil { size += ((rows.count + 63) >> 6) * 8 }
            switch column.data {
            case .bool: size += rows.count
            case .int32, .float: size += rows.count * 4
            case .int64, .double: size += rows.count * 8
            case .int128: size += rows.count * 16
            case let .string(strings):
                let bytes = Int(strings.offsets[rows.upperBound]) - Int(strings.offsets[rows.lowerBound])
                size += 4 + (rows.count + 1) * 4 + bytes
            }
        }
        return size
    }

    /// Writes the body for `rows` of `batch` into `buffer`, which must be empty with room for `encodedSize`.
    static func encode(_ batch: Batch, rows: Range<Int>, into buffer: SpillBuffer) {
        buffer.append(UInt32(rows.count))
        buffer.append(UInt32(batch.columns.count))
        for column in batch.columns {
            buffer.append(column.type.code)
            buffer.append(UInt8(column.validity == nil ? 0 : 1))
            if let validity = column.validity { appendValidity(validity, rows: rows, to: buffer) }
            switch column.data {
            case let .bool(values): buffer.append(values, rows)
            case let .int32(values): buffer.append(values, rows)
            case let .int64(values): buffer.append(values, rows)
            case let .int128(values): buffer.append(values, rows)
            case let .float(values): buffer.append(values, rows)
            case let .double(values): buffer.append(values, rows)
            case let .string(strings): appendStrings(strings, rows: rows, to: buffer)
            }
        }
    }

    /// Decodes a body written by `encode` under `schema`; throws `.corrupt` for anything malformed.
    static func decode(_ body: UnsafeRawBufferPointer, schema: Schema) throws(StrataError) -> Batch {
        var cursor = ByteCursor(body)
        let rows = Int(try cursor.readUInt32LE())
        let columnCount = Int(try cursor.readUInt32LE())
        guard columnCount == schema.count else {
            throw StrataError(.corrupt, "spill frame has \(columnCount) columns, the run's schema \(schema.count)")
        }
        var columns: [Column] = []
        columns.reserveCapacity(columnCount)
        for field in schema.fields {
            do {
                columns.append(try decodeColumn(&cursor, type: field.type, rows: rows))
            } catch {
                throw error.with(column: field.name)
            }
        }
        guard cursor.remaining == 0 else {
            throw StrataError(.corrupt, "spill frame has \(cursor.remaining) bytes after its last column")
        }
        do {
            return try Batch(schema: schema, columns: columns)
        } catch {
            throw StrataError(.corrupt, "spill frame does not match the run's schema: \(error.message)",
                              column: error.column)
        }
    }

    private static func decodeColumn(_ cursor: inout ByteCursor, type: DataType,
                                     rows: Int) throws(StrataError) -> Column {
        guard try cursor.readByte() == type.code else {
            throw StrataError(.corrupt, "spill frame column type differs from the run's schema")
        }
        var validity: ValidityMask?
        switch try cursor.readByte() {
        case 0: break
        case 1:
            var words: [UInt64] = try readArray(&cursor, count: (rows + 63) >> 6)
            if rows & 63 != 0, !words.isEmpty { words[words.count - 1] &= (1 << UInt64(rows & 63)) - 1 }
            validity = ValidityMask(words: words, count: rows)
        default:
            throw StrataError(.corrupt, "spill frame has a bad null flag")
        }
        let data: ColumnData
        switch type.storage {
        case .bool:
            let raw = try cursor.readBytes(rows)
            data = .bool(raw.map { $0 != 0 })
        case .int32: data = .int32(try readArray(&cursor, count: rows))
        case .int64: data = .int64(try readArray(&cursor, count: rows))
        case .int128: data = .int128(try readArray(&cursor, count: rows))
        case .float: data = .float(try readArray(&cursor, count: rows))
        case .double: data = .double(try readArray(&cursor, count: rows))
        case .string: data = .string(try readStrings(&cursor, rows: rows))
        }
        return Column(unchecked: type, data: data, validity: validity)
    }

    /// Copies the validity bits of `rows` so that the first row lands on bit 0, clearing bits past the range.
    private static func appendValidity(_ mask: ValidityMask, rows: Range<Int>, to buffer: SpillBuffer) {
        let wordCount = (rows.count + 63) >> 6
        let first = rows.lowerBound >> 6, shift = UInt64(rows.lowerBound & 63)
        mask.words.withUnsafeBufferPointer { words in
            for j in 0..<wordCount {
                var word = words[first + j] >> shift
                if shift != 0, first + j + 1 < words.count { word |= words[first + j + 1] << (64 - shift) }
                if j == wordCount - 1, rows.count & 63 != 0 { word &= (1 << UInt64(rows.count & 63)) - 1 }
                buffer.append(word)
            }
        }
    }

    private static func appendStrings(_ strings: StringBuffer, rows: Range<Int>, to buffer: SpillBuffer) {
        let base = strings.offsets[rows.lowerBound], end = strings.offsets[rows.upperBound]
        buffer.append(UInt32(end - base))
        if base == 0 {
            buffer.append(strings.offsets, rows.lowerBound ..< rows.upperBound + 1)
        } else {
            for i in rows.lowerBound ... rows.upperBound { buffer.append(strings.offsets[i] - base) }
        }
        buffer.append(strings.bytes, Int(base) ..< Int(end))
    }

    private static func readStrings(_ cursor: inout ByteCursor, rows: Int) throws(StrataError) -> StringBuffer {
        let byteCount = Int(try cursor.readUInt32LE())
        let offsets: [Int32] = try readArray(&cursor, count: rows + 1)
        var previous: Int32 = 0
        var ordered = offsets.first == 0
        for offset in offsets {
            ordered = ordered && offset >= previous
            previous = offset
        }
        guard ordered, Int(previous) == byteCount else {
            throw StrataError(.corrupt, "spill frame has string offsets that do not cover their bytes")
        }
        let bytes: [UInt8] = try readArray(&cursor, count: byteCount)
        do {
            return try StringBuffer(offsets: offsets, bytes: bytes)
        } catch {
            throw StrataError(.corrupt, "spill frame has inconsistent strings: \(error.message)")
        }
    }

    /// Reads `count` raw values of `T`, checking first that they are there.
    private static func readArray<T>(_ cursor: inout ByteCursor, count: Int) throws(StrataError) -> [T] {
        let raw = try cursor.readBytes(count * MemoryLayout<T>.stride)
        return [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            if count > 0 { UnsafeMutableRawBufferPointer(buffer).copyMemory(from: raw) }
            initialized = count
        }
    }
}
