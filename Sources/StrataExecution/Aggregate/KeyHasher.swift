/// The 64-bit hash of an encoded group key.
///
/// 1. Mix the key eight bytes at a time: xor the word in, multiply by an odd constant, fold the high bits down.
/// 2. Mix the last 1–7 bytes as one zero-padded word the same way.
/// 3. Finish with MurmurHash3's 64-bit finaliser so every input bit reaches every output bit.
///
/// Partitioning takes the top bits (six per level), hash-table slots the low bits and tags the middle bits, so the
/// three never depend on the same bits.
package enum KeyHasher {
    /// Hashes `count` bytes at `bytes`.
    @inline(__always)
    package static func hash(_ bytes: UnsafeRawPointer, count: Int) -> UInt64 {
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(truncatingIfNeeded: count)
        var i = 0
        while i + 8 <= count {
            let word = bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            h = (h ^ word) &* 0xBF58_476D_1CE4_E5B9
            h ^= h >> 31
            i += 8
        }
        if i < count {
            var word: UInt64 = 0
            var shift: UInt64 = 0
            while i < count {
                word |= UInt64(bytes.load(fromByteOffset: i, as: UInt8.self)) << shift
                shift += 8
                i += 1
            }
            h = (h ^ word) &* 0x94D0_49BB_1331_11EB
            h ^= h >> 29
        }
        h ^= h >> 33
        h &*= 0xFF51_AFD7_ED55_8CCD
        h ^= h >> 33
        h &*= 0xC4CE_B9FE_1A85_EC53
        h ^= h >> 33
        return h
    }

    /// Bits of the hash that choose a partition at each level of recursive partitioning.
    package static let partitionBits = 6
    /// Partitions per level.
    package static let partitionCount = 1 << partitionBits
    /// Deepest level: below it the hash has no fresh bits left for partitioning.
    package static let maxLevel = 5

    /// The partition of `hash` at recursion `level` (0 = the first split), `bits` hash bits a level.
    @inline(__always)
    package static func partition(_ hash: UInt64, level: Int, bits: Int = partitionBits) -> Int {
        Int(truncatingIfNeeded: (hash >> UInt64(64 - bits * (level + 1))) & ((1 << UInt64(bits)) - 1))
    }
}
