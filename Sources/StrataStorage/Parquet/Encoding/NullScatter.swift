import StrataCore

// Spreads densely decoded values over the rows of a column, leaving placeholders in null slots.
//
// Algorithm:
// 1. Check that the number of dense values equals the number of valid rows in the mask (else `.corrupt`).
// 2. Walk the mask one 64-row word at a time: an all-valid word copies 64 dense values at once, an all-null word
//    writes 64 placeholders, a mixed word goes row by row.
// 3. Strings: append the next dense value's bytes for a valid row, an empty string for a null row, after
//    reserving the dense byte total once.

/// Scatters `n` dense decoded values into a column buffer of `rows` rows according to a validity mask.
package enum NullScatter {
    /// Appends `validity.count` rows to `out`: dense values in valid rows, `placeholder` in null rows.
    package static func scatter<T: BitwiseCopyable>(_ dense: [T], validity: ValidityMask, placeholder: T,
                                                   appendingTo out: inout [T]) throws(StrataError) {
        let rows = validity.count
        guard dense.count == rows - validity.nullCount else {
            throw StrataError(.corrupt, "\(dense.count) values for \(rows - validity.nullCount) non-null rows")
        }
        let spread = [T](unsafeUninitializedCapacity: rows) { dest, initialized in
            guard let to = dest.baseAddress else { return }
            dense.withUnsafeBufferPointer { src in
                validity.words.withUnsafeBufferPointer { words in
                    var j = 0
                    var row = 0
                    while row < rows {
                        let word = words[row &>> 6]
                        let n = Swift.min(64, rows &- row)
                        if word == ~0, n == 64, let from = src.baseAddress {
                            (to + row).initialize(from: from + j, count: 64)
                            j &+= 64
                        } else if word == 0 {
                            (to + row).initialize(repeating: placeholder, count: n)
                        } else {
                            for k in 0 ..< n {
                                if (word &>> UInt64(k)) & 1 == 1 {
                                    (to + (row &+ k)).initialize(to: src[j])
                                    j &+= 1
                                } else {
                                    (to + (row &+ k)).initialize(to: placeholder)
                                }
                            }
                        }
                        row &+= n
                    }
                }
            }
            initialized = rows
        }
        if out.isEmpty { out = spread } else { out.append(contentsOf: spread) }
    }

    /// Appends `validity.count` rows to `out`: dense strings in valid rows, empty strings in null rows.
    package static func scatter(_ dense: StringBuffer, validity: ValidityMask,
                                appendingTo out: inout StringBuffer) throws(StrataError) {
        let rows = validity.count
        guard dense.count == rows - validity.nullCount else {
            throw StrataError(.corrupt, "\(dense.count) values for \(rows - validity.nullCount) non-null rows")
        }
        out.reserve(count: rows, byteCount: dense.bytes.count)
        var j = 0
        let result: Result<Void, StrataError> = dense.bytes.withUnsafeBytes { bytes in
            do throws(StrataError) {
                for row in 0 ..< rows {
                    if validity.isValid(row) {
                        try out.append(UnsafeRawBufferPointer(rebasing: bytes[dense.range(j)]))
                        j += 1
                    } else {
                        out.appendEmpty()
                    }
                }
                return .success(())
            } catch {
                return .failure(error)
            }
        }
        try result.get()
    }
}
