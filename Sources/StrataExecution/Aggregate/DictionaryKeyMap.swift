import StrataCore

/// Group ids straight from the dictionary codes of a batch's key columns, so rows whose keys come from a
/// dictionary-encoded Parquet chunk are grouped without encoding, hashing or comparing a single key value.
///
/// 1. A slice qualifies when every key column holds dictionary codes (``Column/dictionaryCodes``) and the product
///    of the dictionaries' sizes, each plus one slot for NULL, is at most ``maxSlots``.
/// 2. Each row's codes combine into one number, `c0 + s0 · (c1 + s1 · (…))`, where `s` is a dictionary's size plus
///    one and a NULL key counts as code `s − 1`.
/// 3. The map holds one group id per combined number, ``unknown`` until looked up. It stays valid while the
///    dictionaries (by identity: every slice of a column chunk shares one; the map holds them, so a freed
///    dictionary's address cannot come back as another's) and the hash table's generation (a flush empties the
///    table) stay the same; otherwise it starts empty.
/// 4. The combined numbers not yet known are collected once each, in the order they first occur; their key values
///    are gathered from the dictionaries into ordinary key columns, which the caller inserts into the hash table
///    in one call (finding the groups other dictionaries already made) and hands back with ``record(_:groups:)``.
/// 5. Every row's group id is then one array read (``fill(_:)``).
final class DictionaryKeyMap {
    /// The most combined codes a map holds (1 MiB of group ids).
    static let maxSlots = 1 << 18
    /// A combined code whose group is not known yet.
    private static let unknown = UInt32.max
    /// A combined code collected in this slice, its group not known yet.
    private static let pending = UInt32.max - 1

    private var slots: [UInt32] = []
    /// The dictionaries the slots are for, held so that their identity cannot pass to a new dictionary.
    private var dictionaries: [ColumnDictionary] = []
    private var sizes: [Int] = []
    private var generation = -1
    /// The current slice's combined code per row.
    private var combined: [UInt32] = []

    /// Bytes held.
    var byteCount: Int { (slots.capacity + combined.capacity) * 4 }

    /// Frees the per-slice scratch (the map itself stays for the next batch).
    func releaseScratch() { combined = [] }

    /// Forgets every group id and frees the map (a slice that does not qualify, or whose needs the pool refused,
    /// takes the general path, which should have the memory).
    func release() {
        generation = -1
        dictionaries = []
        slots = []
        combined = []
    }

    /// Whether `keys` qualify (step 1); if so the map is made ready for them and `generation` of the table.
    func prepare(_ keys: [Column], generation: Int) -> Bool {
        guard !keys.isEmpty else { return false }
        var product = 1
        var same = dictionaries.count == keys.count
        for (k, key) in keys.enumerated() {
            guard let coded = key.dictionaryCodes else { return false }
            product *= coded.dictionary.count + 1
            guard product <= DictionaryKeyMap.maxSlots else { return false }
            if same && dictionaries[k] !== coded.dictionary { same = false }
        }
        if generation != self.generation || !same || slots.count != product {
            dictionaries = keys.compactMap { $0.dictionaryCodes?.dictionary }
            sizes = dictionaries.map { $0.count + 1 }
            self.generation = generation
            if slots.count == product {
                slots.withUnsafeMutableBufferPointer { $0.update(repeating: DictionaryKeyMap.unknown) }
            } else {
                slots = []
                slots = [UInt32](repeating: DictionaryKeyMap.unknown, count: product)
            }
        }
        return true
    }

    /// Bytes the map will hold for `rows` rows of the keys just prepared (its slots and a slice's scratch).
    func projectedBytes(rows: Int) -> Int { slots.capacity * 4 + max(combined.capacity, rows) * 4 }

    /// Steps 2 and 4: the combined codes of `rows` of `keys` (as prepared), and the distinct ones whose group is
    /// not known yet.
    func lookUp(_ keys: [Column], rows: Range<Int>) -> [UInt32] {
        let n = rows.count
        if combined.count < n { combined = [UInt32](repeating: 0, count: n) }
        var missing: [UInt32] = []
        combined.withUnsafeMutableBufferPointer { out in
            for k in stride(from: keys.count - 1, through: 0, by: -1) {
                guard let coded = keys[k].dictionaryCodes else { continue }
                let size = UInt32(truncatingIfNeeded: sizes[k])
                let nullCode = size - 1
                let first = k == keys.count - 1
                coded.codes.withUnsafeBufferPointer { codes in
                    for i in 0..<n {
                        let code = codes[rows.lowerBound + i]
                        let c = code == nullRow ? nullCode : code
                        out[i] = first ? c : out[i] &* size &+ c
                    }
                }
            }
            slots.withUnsafeMutableBufferPointer { slots in
                for i in 0..<n {
                    let code = Int(out[i])
                    if slots[code] == DictionaryKeyMap.unknown {
                        slots[code] = DictionaryKeyMap.pending
                        missing.append(out[i])
                    }
                }
            }
        }
        return missing
    }

    /// The key columns of the combined codes `missing`: each key's value gathered from its dictionary (NULL for
    /// the NULL slot), typed as `keys`.
    func keyColumns(_ missing: [UInt32], of keys: [Column]) throws(StrataError) -> [Column] {
        var columns: [Column] = []
        var divisor = 1
        for (k, key) in keys.enumerated() {
            guard let coded = key.dictionaryCodes else { throw StrataError(.internal, "key column lost its codes") }
            let size = sizes[k]
            let codes = missing.map { combinedCode -> UInt32 in
                let code = (Int(combinedCode) / divisor) % size
                return code == size - 1 ? nullRow : UInt32(truncatingIfNeeded: code)
            }
            let values = try codes.withUnsafeBufferPointer { (rows) throws(StrataError) in
                try coded.dictionary.values.gather(rows: rows)
            }
            columns.append(Column(unchecked: key.type, data: values.data, validity: values.validity))
            divisor *= size
        }
        return columns
    }

    /// Stores the group ids found for the combined codes `missing`.
    func record(_ missing: [UInt32], groups: UnsafePointer<UInt32>) {
        slots.withUnsafeMutableBufferPointer { slots in
            for (j, code) in missing.enumerated() { slots[Int(code)] = groups[j] }
        }
    }

    /// Step 5: the group id of each of the `n` rows of the last ``lookUp(_:rows:)``.
    func fill(_ groupIds: UnsafeMutablePointer<UInt32>, rows n: Int) {
        slots.withUnsafeBufferPointer { slots in
            combined.withUnsafeBufferPointer { combined in
                for i in 0..<n { groupIds[i] = slots[Int(combined[i])] }
            }
        }
    }
}
