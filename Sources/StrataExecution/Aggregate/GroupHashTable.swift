import StrataCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Maps encoded group keys to dense group ids `0..<count`, storing each distinct key once.
///
/// 1. Slots are an open-addressing array (power-of-two size, linear probing, at most half full). A slot holds 0
///    when empty, else a 32-bit tag taken from the middle of the key's hash and the group id plus one.
/// 2. A lookup walks from `hash & mask` until an empty slot (a new group: its key is appended to the key arena)
///    or a slot whose tag matches and whose stored key is byte-equal (compared a word at a time, inline).
/// 3. When the table would pass half full, the slot array doubles and every group is re-inserted from its stored
///    hash; keys never move.
///
/// Buffers are allocated by hand and grow by explicit doubling, so ``projectedBytes(adding:keyBytes:)`` can tell
/// the memory pool, before anything is allocated, what a batch may cost, and the hot loop runs on raw pointers.
package final class GroupHashTable {
    /// How keys are encoded.
    package let encoder: KeyEncoder
    /// Number of groups.
    package private(set) var count = 0
    /// How many times the table was emptied (``reset()``): group ids of another generation mean nothing.
    package private(set) var generation = 0
    private var slots: UnsafeMutablePointer<UInt64>
    private var slotCount: Int
    private var keys: UnsafeMutableRawPointer
    private var keyCapacity: Int
    private var keyLength = 0
    /// `offsets[g]..<offsets[g + 1]` is group g's key (only when keys vary in width).
    private var offsets: UnsafeMutablePointer<Int>
    private var offsetCapacity: Int
    private var hashStore: UnsafeMutablePointer<UInt64>
    private var hashCapacity: Int

    /// Creates an empty table.
    package init(encoder: KeyEncoder, slotCapacity: Int = 256) {
        self.encoder = encoder
        var capacity = 16
        while capacity < slotCapacity { capacity <<= 1 }
        slotCount = capacity
        slots = .allocate(capacity: capacity)
        slots.initialize(repeating: 0, count: capacity)
        keyCapacity = 1024
        keys = .allocate(byteCount: keyCapacity, alignment: 8)
        offsetCapacity = encoder.hasStrings ? 256 : 1
        offsets = .allocate(capacity: offsetCapacity)
        offsets[0] = 0
        hashCapacity = 256
        hashStore = .allocate(capacity: hashCapacity)
    }

    deinit {
        slots.deallocate()
        keys.deallocate()
        offsets.deallocate()
        hashStore.deallocate()
    }

    /// The capacity a buffer needs to hold `needed` elements under the doubling policy.
    package static func grownCapacity(_ current: Int, toHold needed: Int) -> Int {
        needed <= current ? current : max(needed, current * 2, 1024)
    }

    /// Bytes held by the table's buffers.
    package var byteCount: Int { slotCount * 8 + keyCapacity + offsetCapacity * 8 + hashCapacity * 8 }

    /// Bytes the table would hold after adding up to `rows` new groups with `keyBytes` key bytes in all,
    /// counting the moment during a doubling when old and new buffers are both alive.
    package func projectedBytes(adding rows: Int, keyBytes added: Int) -> Int {
        let groups = count + rows
        var total = byteCount
        var capacity = slotCount
        while groups * 2 > capacity { capacity <<= 1 }
        if capacity != slotCount { total += capacity * 8 }
        func grow(_ current: Int, _ needed: Int, _ width: Int) {
            let next = GroupHashTable.grownCapacity(current, toHold: needed)
            if next != current { total += next * width }
        }
        grow(keyCapacity, keyLength + added, 1)
        grow(hashCapacity, groups, 8)
        if encoder.hasStrings { grow(offsetCapacity, groups + 1, 8) }
        return total
    }

    /// The hash of group `group`'s key.
    package func hash(ofGroup group: Int) -> UInt64 { hashStore[group] }

    /// Finds or inserts the group of each of the `keys.count` rows; writes their ids to `groupIds`.
    package func findOrInsert(_ encoded: EncodedKeys, groupIds: UnsafeMutablePointer<UInt32>) {
        let n = encoded.count
        guard n > 0 else { return }
        if (count + n) * 2 > slotCount { rehash(toHold: count + n) }
        reserve(groups: count + n, keyBytes: keyLength + encoded.offsets[n])
        let variable = encoder.hasStrings
        let width = encoder.fixedWidth
        let slots = self.slots, mask = slotCount - 1
        let keys = self.keys, offsets = self.offsets, hashStore = self.hashStore
        var count = self.count, keyLength = self.keyLength
        encoded.bytes.withUnsafeBytes { rawRows in
            encoded.offsets.withUnsafeBufferPointer { rowOffsets in
                encoded.hashes.withUnsafeBufferPointer { rowHashes in
                    guard let rowBase = rawRows.baseAddress else { return }
                    for i in 0..<n {
                        let key = rowBase + rowOffsets[i]
                        let length = rowOffsets[i + 1] - rowOffsets[i]
                        let hash = rowHashes[i]
                        let tag = (hash >> 24) & 0xFFFF_FFFF
                        var slot = Int(truncatingIfNeeded: hash) & mask
                        while true {
                            let entry = slots[slot]
                            if entry == 0 {
                                (keys + keyLength).copyMemory(from: key, byteCount: length)
                                keyLength += length
                                if variable { offsets[count + 1] = keyLength }
                                hashStore[count] = hash
                                slots[slot] = (tag << 32) | UInt64(count + 1)
                                groupIds[i] = UInt32(truncatingIfNeeded: count)
                                count += 1
                                break
                            }
                            if entry >> 32 == tag {
                                let group = Int(truncatingIfNeeded: entry & 0xFFFF_FFFF) - 1
                                let start = variable ? offsets[group] : group * width
                                let stored = variable ? offsets[group + 1] - start : width
                                if stored == length && GroupHashTable.equal(keys + start, key, length) {
                                    groupIds[i] = UInt32(truncatingIfNeeded: group)
                                    break
                                }
                            }
                            slot = (slot + 1) & mask
                        }
                    }
                }
            }
        }
        self.count = count
        self.keyLength = keyLength
    }

    /// Whether the `length` bytes at `a` and `b` are equal: word by word, inline (keys are short; a `memcmp` call
    /// per probe cost more than the comparison).
    @inline(__always)
    static func equal(_ a: UnsafeRawPointer, _ b: UnsafeRawPointer, _ length: Int) -> Bool {
        guard length >= 8 else {
            for i in 0..<length where a.load(fromByteOffset: i, as: UInt8.self) != b.load(fromByteOffset: i, as: UInt8.self) {
                return false
            }
            return true
        }
        var i = 0
        while i + 8 <= length {
            if a.loadUnaligned(fromByteOffset: i, as: UInt64.self) != b.loadUnaligned(fromByteOffset: i, as: UInt64.self) {
                return false
            }
            i += 8
        }
        // The last word overlaps the one before: the bytes it repeats were equal.
        return i == length || a.loadUnaligned(fromByteOffset: length - 8, as: UInt64.self)
            == b.loadUnaligned(fromByteOffset: length - 8, as: UInt64.self)
    }

    private func reserve(groups: Int, keyBytes needed: Int) {
        let newKeyCapacity = GroupHashTable.grownCapacity(keyCapacity, toHold: needed)
        if newKeyCapacity != keyCapacity {
            let grown = UnsafeMutableRawPointer.allocate(byteCount: newKeyCapacity, alignment: 8)
            grown.copyMemory(from: keys, byteCount: keyLength)
            keys.deallocate()
            keys = grown
            keyCapacity = newKeyCapacity
        }
        let newHashCapacity = GroupHashTable.grownCapacity(hashCapacity, toHold: groups)
        if newHashCapacity != hashCapacity {
            let grown = UnsafeMutablePointer<UInt64>.allocate(capacity: newHashCapacity)
            grown.update(from: hashStore, count: count)
            hashStore.deallocate()
            hashStore = grown
            hashCapacity = newHashCapacity
        }
        if encoder.hasStrings {
            let newOffsetCapacity = GroupHashTable.grownCapacity(offsetCapacity, toHold: groups + 1)
            if newOffsetCapacity != offsetCapacity {
                let grown = UnsafeMutablePointer<Int>.allocate(capacity: newOffsetCapacity)
                grown.update(from: offsets, count: count + 1)
                offsets.deallocate()
                offsets = grown
                offsetCapacity = newOffsetCapacity
            }
        }
    }

    private func rehash(toHold groups: Int) {
        var capacity = slotCount
        while groups * 2 > capacity { capacity <<= 1 }
        slots.deallocate()
        slots = .allocate(capacity: capacity)
        slots.initialize(repeating: 0, count: capacity)
        slotCount = capacity
        let mask = capacity - 1
        for group in 0..<count {
            let hash = hashStore[group]
            var slot = Int(truncatingIfNeeded: hash) & mask
            while slots[slot] != 0 { slot = (slot + 1) & mask }
            slots[slot] = (((hash >> 24) & 0xFFFF_FFFF) << 32) | UInt64(group + 1)
        }
    }

    private func keyStart(_ group: Int) -> Int {
        encoder.hasStrings ? offsets[group] : group * encoder.fixedWidth
    }

    /// The key columns of `groups` (all groups when nil), in that order.
    package func keyColumns(_ groups: [Int]? = nil) throws(StrataError) -> [Column] {
        let starts: [Int]
        if let groups {
            starts = groups.map { keyStart($0) }
        } else {
            starts = (0..<count).map { keyStart($0) }
        }
        return try encoder.decode(base: UnsafeRawPointer(keys), rowStarts: starts)
    }

    /// Forgets every group and returns the buffers to their initial size.
    package func reset() {
        generation += 1
        count = 0
        keyLength = 0
        slots.deallocate()
        slotCount = 256
        slots = .allocate(capacity: slotCount)
        slots.initialize(repeating: 0, count: slotCount)
        keys.deallocate()
        keyCapacity = 1024
        keys = .allocate(byteCount: keyCapacity, alignment: 8)
        offsets.deallocate()
        offsetCapacity = encoder.hasStrings ? 256 : 1
        offsets = .allocate(capacity: offsetCapacity)
        offsets[0] = 0
        hashStore.deallocate()
        hashCapacity = 256
        hashStore = .allocate(capacity: hashCapacity)
    }
}
