import StrataCore

/// Sorts rows held in several batches by their normalized keys (``SortKeyEncoder``), stably.
///
/// 1. The prefix all keys share is found by comparing each key with the first one; it decides nothing.
/// 2. Each row becomes an entry: the 8 key bytes after the shared prefix (zero-padded) as a big-endian integer,
///    and the row's pick (batch << 32 | row).
/// 3. An LSD radix sort orders the entries by those 8 bytes, one pass per byte from the least significant; one
///    histogram pass over the entries finds every byte position on which all rows agree, and those passes are
///    skipped. LSD passes are stable, so rows keep their input order for now.
/// 4. Where keys are longer than the prefix plus 8 bytes, each group of entries with equal 8 bytes is sorted by
///    the rest of the key, then by pick (input order).
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
        let n = keys.reduce(0) { $0 + $1.count }
        guard n > 0 else { return [] }
        let shared = sharedPrefix(keys)
        var entries = [Entry](repeating: Entry(prefix: 0, pick: 0), count: n)
        var longest = 0
        entries.withUnsafeMutableBufferPointer { out in
            var at = 0
            for (b, buffer) in keys.enumerated() {
                buffer.offsets.withUnsafeBufferPointer { o in
                    buffer.bytes.withUnsafeBytes { raw in
                        for r in 0..<buffer.count {
                            let start = Int(o[r]), end = Int(o[r + 1])
                            longest = max(longest, end - start)
                            out[at] = Entry(prefix: load8(raw, from: start + shared, end: end),
                                            pick: MultiSourceGather.pick(source: b, row: r))
                            at += 1
                        }
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

    /// Stable LSD radix sort on `prefix`, skipping the bytes on which every entry agrees.
    static func radixSort(_ entries: inout [Entry]) {
        let n = entries.count
        var counts = [Int](repeating: 0, count: 8 * 256)
        entries.withUnsafeBufferPointer { e in
            counts.withUnsafeMutableBufferPointer { c in
                for entry in e {
                    let p = entry.prefix
                    for byte in 0..<8 { c[byte << 8 | Int((p >> UInt64(8 * byte)) & 0xFF)] += 1 }
                }
            }
        }
        var other = [Entry](repeating: Entry(prefix: 0, pick: 0), count: n)
        for byte in 0..<8 {
            let histogram = counts[(byte << 8)..<((byte + 1) << 8)]
            if histogram.contains(n) { continue }
            var next = [Int](repeating: 0, count: 256)
            var sum = 0
            for (value, count) in histogram.enumerated() {
                next[value] = sum
                sum += count
            }
            let shift = UInt64(8 * byte)
            entries.withUnsafeBufferPointer { from in
                other.withUnsafeMutableBufferPointer { to in
                    next.withUnsafeMutableBufferPointer { next in
                        for entry in from {
                            let bucket = Int((entry.prefix >> shift) & 0xFF)
                            to[next[bucket]] = entry
                            next[bucket] += 1
                        }
                    }
                }
            }
            swap(&entries, &other)
        }
    }

    /// Sorts each group of entries with equal prefixes by the key bytes from `offset` on, then by pick.
    static func sortTies(_ entries: inout [Entry], keys: [StringBuffer], from offset: Int) {
        let n = entries.count
        entries.withUnsafeMutableBufferPointer { e in
            var start = 0
            while start < n {
                var end = start + 1
                while end < n && e[end].prefix == e[start].prefix { end += 1 }
                if end - start > 1 {
                    var group = UnsafeMutableBufferPointer(rebasing: e[start..<end])
                    group.sort { a, b in
                        let order = compare(keys, a.pick, b.pick, from: offset)
                        return order != 0 ? order < 0 : a.pick < b.pick
                    }
                }
                start = end
            }
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
