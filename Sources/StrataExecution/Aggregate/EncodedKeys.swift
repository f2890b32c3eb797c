/// Scratch buffers holding the encoded group keys of one slice of a batch, reused slice after slice.
package final class EncodedKeys {
    /// The encoded rows, back to back.
    package var bytes: [UInt8] = []
    /// Row `i` is `bytes[offsets[i]..<offsets[i + 1]]`.
    package var offsets: [Int] = [0]
    /// Row hashes (``KeyHasher``).
    package var hashes: [UInt64] = []
    /// Per-row write positions used while encoding.
    var cursors: [Int] = []
    /// Rows held.
    package var count = 0

    /// Creates empty buffers.
    package init() {}

    /// Sizes the per-row arrays for `rows` rows.
    func prepare(rows: Int) {
        if offsets.count < rows + 1 { offsets = [Int](repeating: 0, count: rows + 1) }
        if hashes.count < rows { hashes = [UInt64](repeating: 0, count: rows) }
        if cursors.count < rows { cursors = [Int](repeating: 0, count: rows) }
        offsets[0] = 0
    }

    /// Makes `bytes` at least `total` long.
    func ensureByteCapacity(_ total: Int) {
        // At least one byte, so keys of no columns (a cross join's) still have an address to hash.
        if bytes.count < Swift.max(1, total) {
            bytes = [UInt8](repeating: 0, count: Swift.max(total, bytes.count * 2, 8))
        }
    }

    /// Frees the buffers (they grow again on the next use).
    func release() {
        bytes = []
        offsets = [0]
        hashes = []
        cursors = []
        count = 0
    }

    /// Bytes held by the buffers.
    package var byteCount: Int { bytes.capacity + offsets.capacity * 8 + hashes.capacity * 8 + cursors.capacity * 8 }
}
