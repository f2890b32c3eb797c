import StrataCore

/// Sorts rows held in several batches by their normalized keys (``SortKeyEncoder``), stably.
///
/// 1. The prefix all keys share is found by comparing each key with the first one; it decides nothing. (A sort
///    split by key ranges takes only the rows of its range.)
/// 2. Each row becomes an entry: the 8 key bytes after the shared prefix (zero-padded) as a big-endian integer,
///    and the row's pick (batch << 32 | row).
/// 3. An MSD radix sort orders the entries by those 8 bytes: into 256 buckets by the most significant byte, each
///    bucket by the next byte, down to buckets of 32 entries or fewer, which insertion sort finishes (by the bytes,
///    then the pick). The scatters are stable, so rows with equal bytes keep their input order.
/// 4. Where keys are longer than the prefix plus 8 bytes, each group of entries with equal 8 bytes is sorted by
///    the rest of the key, then by pick (input order): a large group radix sorts on its next 8 key bytes, and so
///    on, a small one compares the rest of the keys.
package enum KeySorter {
    /// One row being sorted.
    struct Entry {
        var prefix: UInt64
        var pick: UInt64
    }

    /// Bytes per row the sort needs besides the keys: the entries and the radix sort's second buffer.
    package static let bytesPerRow = 2 * MemoryLayout<Entry>.stride

    /// The picks (``MultiSourceGather/pick(source:row:)``) of every row of `keys` (one buffer per batch), in key
    /// order; rows with equal keys keep their order (batch by batch).
    package static func sort(_ keys: [StringBuffer]) -> [UInt64] {
        sort(keys, from: nil, below: nil)
    }

    /// The picks of the rows of `keys` whose key is at least `lower` and below `upper` (nil: no bound), in key
    /// order, ties in their order: one part of a sort split by key ranges.
    package static func sort(_ keys: [StringBuffer], from lower: [UInt8]?, below upper: [UInt8]?) -> [UInt64] {
        let total = keys.reduce(0) { $0 + $1.count }
        guard total > 0 else { return [] }
        let shared = sharedPrefix(keys)
        var entries: [Entry] = []
        entries.reserveCapacity(lower == nil && upper == nil ? total : total / 2 + 1024)
        var longest = 0
        for (b, buffer) in keys.enumerated() {
            buffer.offsets.withUnsafeBufferPointer { o in
                buffer.bytes.withUnsafeBytes { raw in
                    for r in 0..<buffer.count {
                        let start = Int(o[r]), end = Int(o[r + 1])
                        if let lower, lower.withUnsafeBytes({ SortKeyCompare.compare(raw, start, end, $0, 0, $0.count) }) < 0 {
                            continue
                        }
                        if let upper, upper.withUnsafeBytes({ SortKeyCompare.compare(raw, start, end, $0, 0, $0.count) }) >= 0 {
                            continue
                        }
                        longest = max(longest, end - start)
                        entries.append(Entry(prefix: load8(raw, from: start + shared, end: end),
                                             pick: MultiSourceGather.pick(source: b, row: r)))
                    }
                }
            }
        }
        radixSort(&entries)
        if longest > shared + 8 { sortTies(&entries, keys: keys, from: shared + 8) }
        return entries.map(\.pick)
    }

    /// The number of leading bytes every key shares with the first.
    static func sharedPrefix(_ keys: [StringBuffer]) -> Int {
        guard let first = keys.first(where: { $0.count > 0 }) else { return 0 }
        let model = Array(first.bytes[Int(first.offsets[0])..<Int(first.offsets[1])])
        var shared = model.count
        model.withUnsafeBytes { m in
            for buffer in keys {
                buffer.offsets.withUnsafeBufferPointer { o in
                    buffer.bytes.withUnsafeBytes { raw in
                        for r in 0..<buffer.count where shared > 0 {
                            let start = Int(o[r]), length = min(shared, Int(o[r + 1]) - start)
                            var same = 0
                            while same < length && raw[start + same] == m[same] { same += 1 }
                            shared = same
                        }
                    }
                }
            }
        }
        return shared
    }

    /// The 8 bytes at `start` (zeros past `end`) as a big-endian integer.
    @inline(__always)
    static func load8(_ raw: UnsafeRawBufferPointer, from start: Int, end: Int) -> UInt64 {
        if end - start >= 8 { return UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: start, as: UInt64.self)) }
        var value: UInt64 = 0
        var shift: UInt64 = 56
        var i = start
        while i < end {
            value |= UInt64(raw[i]) << shift
            shift &-= 8
            i += 1
        }
        return value
    }

    /// Stable MSD radix sort on `prefix`: by its most significant byte into 256 buckets, each bucket then by the
    /// next byte, and so on; a bucket of a few entries is finished by insertion sort, a byte on which a whole
    /// bucket agrees costs one counting pass and no move. Entries with equal prefixes keep their order.
    static func radixSort(_ entries: inout [Entry]) {
        let n = entries.count
        guard n > 1 else { return }
        var other = [Entry](repeating: Entry(prefix: 0, pick: 0), count: n)
        entries.withUnsafeMutableBufferPointer { e in
            other.withUnsafeMutableBufferPointer { tmp in
                msdSort(e, tmp, 0, n, byte: 0)
            }
        }
    }

    /// Sorts `e[lo..<hi]` by the prefix bytes from `byte` on (the bytes before it are equal), using `tmp` for
    /// the scatter.
    private static func msdSort(_ e: UnsafeMutableBufferPointer<Entry>, _ tmp: UnsafeMutableBufferPointer<Entry>,
                                _ lo: Int, _ hi: Int, byte: Int) {
        var byte = byte
        while byte < 8 {
            let count = hi - lo
            if count <= 32 {
                insertionSort(e, lo, hi)
                return
            }
            let shift = UInt64(56 - 8 * byte)
            let done: Bool = withUnsafeTemporaryAllocation(of: Int.self, capacity: 256) { counts in
                counts.initialize(repeating: 0)
                for i in lo..<hi { counts[Int((e[i].prefix >> shift) & 0xFF)] += 1 }
                if counts.contains(count) { return false }
                withUnsafeTemporaryAllocation(of: Int.self, capacity: 256) { next in
                    var sum = lo
                    for b in 0..<256 {
                        next[b] = sum
                        sum += counts[b]
                    }
                    for i in lo..<hi {
                        let bucket = Int((e[i].prefix >> shift) & 0xFF)
                        tmp[next[bucket]] = e[i]
                        next[bucket] += 1
                    }
                }
                if let source = UnsafeMutableBufferPointer(rebasing: tmp[lo..<hi]).baseAddress,
                   let target = e.baseAddress {
                    (target + lo).update(from: source, count: count)
                }
                var start = lo
                for b in 0..<256 where counts[b] > 0 {
                    if counts[b] > 1 { msdSort(e, tmp, start, start + counts[b], byte: byte + 1) }
                    start += counts[b]
                }
                return true
            }
            if done { return }
            // The whole range agrees on this byte: go on with the next one in place.
            byte += 1
        }
    }

    /// Insertion sort of `e[lo..<hi]` by prefix, then pick.
    private static func insertionSort(_ e: UnsafeMutableBufferPointer<Entry>, _ lo: Int, _ hi: Int) {
        guard hi - lo > 1 else { return }
        for i in (lo + 1)..<hi {
            let x = e[i]
            var j = i
            while j > lo && (e[j - 1].prefix > x.prefix || (e[j - 1].prefix == x.prefix && e[j - 1].pick > x.pick)) {
                e[j] = e[j - 1]
                j -= 1
            }
            e[j] = x
        }
    }

    /// Sorts each group of entries with equal prefixes by the key bytes from `offset` on, then by pick: a large
    /// group takes the next 8 key bytes as its prefixes and is radix sorted again (and so on while keys go on), a
    /// small one is sorted by comparing the rest of the keys.
    static func sortTies(_ entries: inout [Entry], keys: [StringBuffer], from offset: Int) {
        let n = entries.count
        var scratch = [Entry](repeating: Entry(prefix: 0, pick: 0), count: n)
        entries.withUnsafeMutableBufferPointer { e in
            scratch.withUnsafeMutableBufferPointer { tmp in
                refine(e, tmp, 0, n, keys: keys, from: offset)
            }
        }
    }

    private static func refine(_ e: UnsafeMutableBufferPointer<Entry>, _ tmp: UnsafeMutableBufferPointer<Entry>,
                               _ lo: Int, _ hi: Int, keys: [StringBuffer], from offset: Int) {
        var start = lo
        while start < hi {
            var end = start + 1
            while end < hi && e[end].prefix == e[start].prefix { end += 1 }
            if end - start > 32 {
                var longer = false
                for i in start..<end {
                    let pick = e[i].pick
                    let buffer = keys[Int(pick >> 32)]
                    let range = buffer.range(Int(pick & 0xFFFF_FFFF))
                    if range.count > offset + 8 { longer = true }
                    e[i].prefix = buffer.bytes.withUnsafeBytes { raw in
                        range.count > offset ? load8(raw, from: range.lowerBound + offset, end: range.upperBound) : 0
                    }
                }
                msdSort(e, tmp, start, end, byte: 0)
                if longer { refine(e, tmp, start, end, keys: keys, from: offset + 8) }
            } else if end - start > 1 {
                var group = UnsafeMutableBufferPointer(rebasing: e[start..<end])
                group.sort { a, b in
                    let order = compare(keys, a.pick, b.pick, from: offset)
                    return order != 0 ? order < 0 : a.pick < b.pick
                }
            }
            start = end
        }
    }

    /// memcmp order of the keys of picks `a` and `b` from byte `offset` on (-1, 0, 1).
    static func compare(_ keys: [StringBuffer], _ a: UInt64, _ b: UInt64, from offset: Int) -> Int {
        let ka = keys[Int(a >> 32)], kb = keys[Int(b >> 32)]
        let ra = ka.range(Int(a & 0xFFFF_FFFF)), rb = kb.range(Int(b & 0xFFFF_FFFF))
        return ka.bytes.withUnsafeBytes { x in
            kb.bytes.withUnsafeBytes { y in
                SortKeyCompare.compare(x, ra.lowerBound + offset, ra.upperBound,
                                       y, rb.lowerBound + offset, rb.upperBound)
            }
        }
    }
}

/// Byte-wise comparison of normalized keys.
package enum SortKeyCompare {
    /// memcmp order of `x[xs..<xe]` and `y[ys..<ye]` (a proper prefix first): -1, 0 or 1.
    @inline(__always)
    package static func compare(_ x: UnsafeRawBufferPointer, _ xs: Int, _ xe: Int,
                                _ y: UnsafeRawBufferPointer, _ ys: Int, _ ye: Int) -> Int {
        let lx = max(0, xe - xs), ly = max(0, ye - ys)
        let common = min(lx, ly)
        var i = 0
        while i + 8 <= common {
            let a = UInt64(bigEndian: x.loadUnaligned(fromByteOffset: xs + i, as: UInt64.self))
            let b = UInt64(bigEndian: y.loadUnaligned(fromByteOffset: ys + i, as: UInt64.self))
            if a != b { return a < b ? -1 : 1 }
            i += 8
        }
        while i < common {
            let a = x[xs + i], b = y[ys + i]
            if a != b { return a < b ? -1 : 1 }
            i += 1
        }
        return lx == ly ? 0 : (lx < ly ? -1 : 1)
    }
}
