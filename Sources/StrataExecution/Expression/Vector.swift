import StrataCore

/// An evaluated operand: either a whole column of the batch's row count, or a one-row column that stands for
/// every row (a literal, or an expression over literals only). Kernels read constants as scalars, so a literal
/// is never broadcast into a full column until an expression's final result is returned.
struct Vector {
    /// The values: `count` rows, or exactly one row when `isConstant`.
    let column: Column
    /// Whether `column` holds one value that applies to every row.
    let isConstant: Bool

    var type: DataType { column.type }

    /// Whether this is a constant NULL.
    var isNullConstant: Bool { isConstant && column.isNull(0) }

    /// A constant NULL of `type`.
    static func null(_ type: DataType) -> Vector {
        var builder = ColumnBuilder(type: type, capacity: 1)
        builder.appendNull()
        return Vector(column: builder.finish(), isConstant: true)
    }

    /// A column (or a constant when `constant`) from a value buffer and optional validity words.
    static func make(_ type: DataType, _ data: ColumnData, words: [UInt64]?, constant: Bool) -> Vector {
        let mask = words.map { ValidityMask(words: $0, count: data.count) }
        return Vector(column: Column(unchecked: type, data: data, validity: mask), isConstant: constant)
    }

    /// The column with `count` rows, broadcasting a constant.
    func materialize(count: Int) -> Column {
        guard isConstant else { return column }
        if column.isNull(0) {
            return Column(unchecked: type, data: ColumnData.placeholders(type, count: count),
                          validity: ValidityMask(count: count, allValid: false))
        }
        let data: ColumnData
        switch column.data {
        case let .bool(v): data = .bool(Array(repeating: v[0], count: count))
        case let .int32(v): data = .int32(Array(repeating: v[0], count: count))
        case let .int64(v): data = .int64(Array(repeating: v[0], count: count))
        case let .int128(v): data = .int128(Array(repeating: v[0], count: count))
        case let .float(v): data = .float(Array(repeating: v[0], count: count))
        case let .double(v): data = .double(Array(repeating: v[0], count: count))
        case let .string(v):
            var out = StringBuffer()
            let bytes = v.bytes
            out.reserve(count: count, byteCount: bytes.count * count)
            bytes.withUnsafeBytes { raw in
                // A repeated value larger than a column's 2 GiB limit is cut short; the count check below reports it.
                for _ in 0..<count { try? out.append(raw) }
            }
            data = .string(out)
        }
        return Column(unchecked: type, data: data, validity: nil)
    }

    /// The validity words of a full column, `nil` when it has no nulls (or is a constant).
    var words: [UInt64]? { isConstant ? nil : column.validity?.words }

    /// The row count a kernel over `vectors` produces: 1 when all are constants, else `count`.
    static func rows(_ vectors: [Vector], count: Int) -> Int {
        vectors.allSatisfy(\.isConstant) ? 1 : count
    }

    /// The word-wise AND of the validity of the non-constant `vectors`, `nil` when none has a null.
    static func combinedWords(_ vectors: [Vector]) -> [UInt64]? {
        var result: [UInt64]?
        for vector in vectors {
            guard let words = vector.words else { continue }
            guard var combined = result else {
                result = words
                continue
            }
            combined.withUnsafeMutableBufferPointer { out in
                words.withUnsafeBufferPointer { w in
                    for i in 0..<out.count { out[i] &= w[i] }
                }
            }
            result = combined
        }
        return result
    }
}

extension ColumnData {
    /// A buffer of `count` zero (or empty-string) placeholders for a column of `type`.
    static func placeholders(_ type: DataType, count: Int) -> ColumnData {
        switch type.storage {
        case .bool: .bool(Array(repeating: false, count: count))
        case .int32: .int32(Array(repeating: 0, count: count))
        case .int64: .int64(Array(repeating: 0, count: count))
        case .int128: .int128(Array(repeating: 0, count: count))
        case .float: .float(Array(repeating: 0, count: count))
        case .double: .double(Array(repeating: 0, count: count))
        case .string:
            .string((try? StringBuffer(offsets: Array(repeating: 0, count: count + 1), bytes: [])) ?? StringBuffer())
        }
    }
}

/// Validity words for `count` rows, all valid.
func allValidWords(_ count: Int) -> [UInt64] {
    ValidityMask(count: count, allValid: true).words
}

/// Whether row `i` is valid under `words` (`nil` = every row valid).
@inline(__always)
func isValid(_ words: UnsafeMutableBufferPointer<UInt64>?, _ i: Int) -> Bool {
    guard let words else { return true }
    return (words[i &>> 6] &>> UInt64(i & 63)) & 1 == 1
}
