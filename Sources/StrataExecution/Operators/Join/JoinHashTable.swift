import StrataCore
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The hash table of a join's build rows: one batch of stored rows (key columns first, then the payload) and an
/// index over their keys.
///
/// 1. Keys are encoded 16 Ki rows at a time (``KeyEncoder``: the same bytes for equal values of the unified key
///    types) into one key arena; each row's hash is kept.
/// 2. A row with a NULL in any key is stored but never linked: SQL's `=` never matches NULL.
/// 3. Buckets (twice as many as rows, at least 16) hold the first row of a chain; a row's bucket is the low 32 bits
///    of its hash scaled to the bucket count (multiply and shift: no power of two needed, so no bucket array up to
///    twice too large). `next` links the rows of one bucket; rows are linked in reverse so each chain lists its
///    rows in row order.
/// 4. ``probe(_:rows:firstMatchOnly:cursor:probeOut:buildOut:capacity:)`` walks the chain of each probe row,
///    comparing stored hashes first and key bytes only when they agree, and writes (probe row, build row) pairs
///    until the output buffers are full; a cursor resumes it.
/// 5. Optional match bits (one per row, set atomically by any worker) record which rows found a partner, for
///    joins that return the unmatched build rows.
package final class JoinHashTable: @unchecked Sendable {
    // Safety: everything is written once in init; afterwards only the match bits change, through atomics.

    /// The stored rows: ``keyCount`` key columns, then the payload.
    package let batch: Batch
    /// The number of key columns.
    package let keyCount: Int
    /// Rows stored.
    package var rowCount: Int { batch.count }
    /// Rows whose key holds a NULL.
    package let nullKeyRows: Int
    private let encoder: KeyEncoder
    private let hashes: UnsafeMutablePointer<UInt64>
    private let arena: UnsafeMutableRawPointer
    private let arenaBytes: Int
    /// For variable-width keys, row r's key is `arena[offsets[r]..<offsets[r + 1]]`.
    private let offsets: UnsafeMutablePointer<Int>?
    private let next: UnsafeMutablePointer<UInt32>
    private let buckets: UnsafeMutablePointer<UInt32>
    private let bucketCount: Int
    private let matchBits: UnsafeMutablePointer<Atomic<UInt64>>?
    private let matchWords: Int

    /// Rows encoded per step while building.
    static let sliceRows = 16_384

    /// Buckets for `rows` rows.
    static func bucketCount(rows: Int) -> Int { max(16, 2 * rows) }

    /// The bucket of a key hash among `scale` buckets: the hash's low 32 bits times `scale`, over 2^32.
    @inline(__always)
    static func bucket(_ hash: UInt64, _ scale: UInt64) -> Int {
        Int(truncatingIfNeeded: ((hash & 0xFFFF_FFFF) &* scale) &>> 32)
    }

    /// Builds the table over `batch`, whose first `keyCount` columns are the keys encoded by `encoder`.
    package init(_ batch: Batch, keyCount: Int, encoder: KeyEncoder, tracksMatches: Bool) {
        self.batch = batch
        self.keyCount = keyCount
        self.encoder = encoder
        let rows = batch.count
        let keys = Array(batch.columns.prefix(keyCount))
        var bytes = rows * encoder.fixedWidth
        for key in keys {
            if case let .string(buffer) = key.data { bytes += buffer.bytes.count }
        }
        let arena = UnsafeMutableRawPointer.allocate(byteCount: max(1, bytes), alignment: 8)
        let hashes = UnsafeMutablePointer<UInt64>.allocate(capacity: max(1, rows))
        let offsets: UnsafeMutablePointer<Int>? = encoder.hasStrings ? .allocate(capacity: rows + 1) : nil
        let next = UnsafeMutablePointer<UInt32>.allocate(capacity: max(1, rows))
        let count = JoinHashTable.bucketCount(rows: rows)
        let buckets = UnsafeMutablePointer<UInt32>.allocate(capacity: count)
        buckets.initialize(repeating: 0, count: count)
        let words = tracksMatches ? (rows + 63) >> 6 : 0
        var matchBits: UnsafeMutablePointer<Atomic<UInt64>>?
        if tracksMatches {
            let bits = UnsafeMutablePointer<Atomic<UInt64>>.allocate(capacity: max(1, words))
            for word in 0..<words { (bits + word).initialize(to: Atomic(0)) }
            matchBits = bits
        }
        // 1. Encode and hash, a slice at a time.
        let scratch = EncodedKeys()
        var written = 0
        offsets?[0] = 0
        var start = 0
        while start < rows {
            let end = min(rows, start + JoinHashTable.sliceRows)
            encoder.encode(keys, rows: start..<end, into: scratch)
            let length = scratch.offsets[end - start]
            scratch.bytes.withUnsafeBytes { raw in
                if let base = raw.baseAddress { (arena + written).copyMemory(from: base, byteCount: length) }
            }
            for i in 0..<(end - start) {
                hashes[start + i] = scratch.hashes[i]
                offsets?[start + i + 1] = written + scratch.offsets[i + 1]
            }
            written += length
            start = end
        }
        // 2. and 3. Link the rows without NULL keys, last row first.
        let nulls = JoinHashTable.nullKeyFlags(keys, rows: 0..<rows)
        var nullCount = 0
        let scale = UInt64(count)
        var row = rows - 1
        while row >= 0 {
            if let nulls, nulls[row] {
                nullCount += 1
                next[row] = 0
            } else {
                let bucket = JoinHashTable.bucket(hashes[row], scale)
                next[row] = buckets[bucket]
                buckets[bucket] = UInt32(truncatingIfNeeded: row + 1)
            }
            row -= 1
        }
        nullKeyRows = nullCount
        arenaBytes = bytes
        self.arena = arena
        self.hashes = hashes
        self.offsets = offsets
        self.next = next
        self.buckets = buckets
        bucketCount = count
        matchWords = words
        self.matchBits = matchBits
    }

    deinit {
        arena.deallocate()
        hashes.deallocate()
        offsets?.deallocate()
        next.deallocate()
        buckets.deallocate()
        if let matchBits {
            matchBits.deinitialize(count: matchWords)
            matchBits.deallocate()
        }
    }

    /// Bytes a table over `rows` rows takes beside the stored batch: `keyBytes` of encoded keys (for a fixed-width
    /// encoder, `rows * fixedWidth`), hashes, links, buckets, offsets and match bits.
    package static func indexBytes(rows: Int, keyBytes: Int, variableWidth: Bool, tracksMatches: Bool) -> Int {
        return keyBytes + rows * 12 + bucketCount(rows: rows) * 4 + (variableWidth ? (rows + 1) * 8 : 0)
            + (tracksMatches ? ((rows + 63) >> 6) * 8 : 0)
    }

    /// Bytes the table holds, the stored batch included.
    package var byteCount: Int {
        batch.byteCount + arenaBytes + rowCount * 12 + bucketCount * 4 + (offsets == nil ? 0 : (rowCount + 1) * 8)
            + matchWords * 8
    }

    /// The key hash of build row `row`.
    package func hash(ofRow row: Int) -> UInt64 { hashes[row] }

    /// Where a ``probe(_:rows:firstMatchOnly:cursor:probeOut:buildOut:capacity:)`` call stopped: the probe row to
    /// continue with and the next build row of its chain (plus one; 0 to start at the bucket).
    package struct Cursor {
        /// The next probe row.
        package var row = 0
        /// The next chain entry of that row (build row + 1), or 0 to start at its bucket.
        package var chain: UInt32 = 0

        /// A cursor at the first row.
        package init() {}
    }

    /// Finds the build rows matching the probe rows of `keys` (one encoded slice) for which `eligible[row]` is
    /// true (all when nil), from `cursor` on; writes (probe row, build row) pairs to the buffers until `capacity`
    /// pairs are written, and returns how many. `firstMatchOnly` stops at a probe row's first match (semi, anti and
    /// mark joins). The cursor's row reaches `keys.count` when every row is done.
    package func probe(_ keys: EncodedKeys, eligible: UnsafePointer<Bool>?, firstMatchOnly: Bool,
                       cursor: inout Cursor, probeOut: UnsafeMutablePointer<UInt32>,
                       buildOut: UnsafeMutablePointer<UInt32>, capacity: Int) -> Int {
        let count = keys.count
        let scale = UInt64(bucketCount)
        let width = encoder.fixedWidth
        let hashes = self.hashes, next = self.next, buckets = self.buckets, arena = self.arena
        let offsets = self.offsets
        var row = cursor.row
        var chain = cursor.chain
        var written = 0
        keys.bytes.withUnsafeBytes { raw in
            keys.offsets.withUnsafeBufferPointer { keyOffsets in
                keys.hashes.withUnsafeBufferPointer { keyHashes in
                    guard let probeBase = raw.baseAddress else {
                        row = count
                        return
                    }
                    while row < count {
                        if let eligible, !eligible[row] {
                            row += 1
                            chain = 0
                            continue
                        }
                        let hash = keyHashes[row]
                        if chain == 0 { chain = buckets[JoinHashTable.bucket(hash, scale)] }
                        let key = probeBase + keyOffsets[row]
                        let length = keyOffsets[row + 1] - keyOffsets[row]
                        while chain != 0 {
                            let build = Int(chain &- 1)
                            chain = next[build]
                            guard hashes[build] == hash else { continue }
                            let stored: UnsafeMutableRawPointer
                            if let offsets {
                                guard offsets[build + 1] - offsets[build] == length else { continue }
                                stored = arena + offsets[build]
                            } else {
                                stored = arena + build * width
                            }
                            guard GroupHashTable.equal(stored, key, length) else { continue }
                            probeOut[written] = UInt32(truncatingIfNeeded: row)
                            buildOut[written] = UInt32(truncatingIfNeeded: build)
                            written += 1
                            if firstMatchOnly { chain = 0 }
                            if written == capacity {
                                if chain == 0 { row += 1 }
                                return
                            }
                        }
                        row += 1
                    }
                }
            }
        }
        cursor.row = row
        cursor.chain = chain
        return written
    }

    /// Records that build rows `rows` found a partner.
    package func markMatched(_ rows: UnsafeBufferPointer<UInt32>) {
        guard let matchBits else { return }
        for row in rows {
            let r = Int(row)
            let bit: UInt64 = 1 << UInt64(r & 63)
            if matchBits[r >> 6].load(ordering: .relaxed) & bit == 0 {
                matchBits[r >> 6].bitwiseOr(bit, ordering: .relaxed)
            }
        }
    }

    /// The build rows that never found a partner (NULL-key rows included), in row order.
    package func unmatchedRows() -> [UInt32] {
        var rows: [UInt32] = []
        for word in 0..<matchWords {
            var missing = ~(matchBits?[word].load(ordering: .relaxed) ?? 0)
            if word == matchWords - 1, rowCount & 63 != 0 { missing &= (1 << UInt64(rowCount & 63)) - 1 }
            while missing != 0 {
                rows.append(UInt32(truncatingIfNeeded: word << 6 + missing.trailingZeroBitCount))
                missing &= missing &- 1
            }
        }
        return rows
    }

    /// For `rows` of `keys`, whether some key is NULL (nil when no key column has a NULL).
    package static func nullKeyFlags(_ keys: [Column], rows: Range<Int>) -> [Bool]? {
        guard keys.contains(where: { $0.validity != nil }) else { return nil }
        var flags = [Bool](repeating: false, count: rows.count)
        for key in keys {
            guard let validity = key.validity else { continue }
            for i in 0..<rows.count where !validity.isValid(rows.lowerBound + i) { flags[i] = true }
        }
        return flags
    }
}
