import StrataCore

/// `approx_quantile(x, q)`: a continuous quantile estimated from a uniform sample of at most 8,192 values per group,
/// so memory stays fixed however many rows a group has (SUMMARIZE's q25, q50 and q75 use it).
///
/// 1. Every non-null value gets a pseudo-random 64-bit key (SplitMix64 over a counter); a group keeps the values with
///    the smallest keys seen: a bottom-k sample, uniform without replacement. New pairs are appended while their
///    key is below the group's threshold; when 16,384 are held, they are sorted by key, the 8,192 smallest kept and
///    the threshold set to the largest kept key, so each value costs one comparison once the sample is full.
/// 2. Merging two samples (workers, spilled partitions) keeps the smallest keys of their union, which is again a
///    uniform sample of the union; the state column is one blob per group of its (key, value) pairs.
/// 3. The result interpolates the sample's values exactly as `quantile_cont` does (``QuantileAccumulator``), so a
///    group of at most 8,192 values gets the exact answer; beyond that the rank error is about 1/√8192 ≈ 1.1 % of
///    the group's rows.
final class ApproxQuantileAccumulator: Accumulator {
    /// Values kept per group.
    static let sampleSize = 8_192

    private let quantile: Double
    private var keys: [[UInt64]] = []
    private var values: [[Double]] = []
    private var thresholds: [UInt64] = []
    private var counter: UInt64 = 0
    private var held = 0

    init(quantile: Double) { self.quantile = quantile }

    var resultType: DataType { .double }
    var stateTypes: [DataType] { [.blob] }
    var byteCount: Int { held * 16 + keys.count * 64 }

    func projectedBytes(groups: Int, rows: Int) -> Int {
        let groupsAfter = max(keys.count, groups)
        return min(held + rows, groupsAfter * 2 * Self.sampleSize) * 16 + groupsAfter * 64
            + 2 * Self.sampleSize * 16
    }

    func resize(groups: Int) {
        guard groups > keys.count else { return }
        let added = groups - keys.count
        keys.append(contentsOf: repeatElement([], count: added))
        values.append(contentsOf: repeatElement([], count: added))
        thresholds.append(contentsOf: repeatElement(UInt64.max, count: added))
    }

    /// The next pseudo-random key (SplitMix64).
    @inline(__always)
    private func nextKey() -> UInt64 {
        counter &+= 0x9E37_79B9_7F4A_7C15
        var z = counter
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Step 1: offers one (key, value) pair to group `g`.
    @inline(__always)
    private func offer(_ key: UInt64, _ value: Double, group g: Int) {
        guard key < thresholds[g] else { return }
        keys[g].append(key)
        values[g].append(value)
        held += 1
        if keys[g].count >= 2 * Self.sampleSize { compact(g) }
    }

    /// Keeps group `g`'s `sampleSize` smallest keys and sets its threshold.
    private func compact(_ g: Int) {
        guard keys[g].count > Self.sampleSize else { return }
        let order = keys[g].indices.sorted { keys[g][$0] < keys[g][$1] }.prefix(Self.sampleSize)
        let keptKeys = order.map { keys[g][$0] }
        let keptValues = order.map { values[g][$0] }
        held -= keys[g].count - keptKeys.count
        keys[g] = keptKeys
        values[g] = keptValues
        thresholds[g] = keptKeys.last ?? UInt64.max
    }

    func update(_ arguments: [Column], rows: Range<Int>, groupIds ids: UnsafePointer<UInt32>) throws(StrataError) {
        guard let column = arguments.first else { throw StrataError(.internal, "approx_quantile without an argument") }
        try NumericInput.forEachDouble(column, rows: rows, groupIds: ids) { g, x in
            offer(nextKey(), x, group: g)
        }
    }

    func states(_ groups: [Int]?) throws(StrataError) -> [Column] {
        let chosen = groups ?? Array(keys.indices)
        for g in chosen { compact(g) }
        return [try StateArray.blobColumn(chosen, aggregate: "approx_quantile") { g, bytes in
            for (key, value) in zip(keys[g], values[g]) {
                withUnsafeBytes(of: key.littleEndian) { bytes.append(contentsOf: $0) }
                withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes.append(contentsOf: $0) }
            }
        }]
    }

    func merge(states: ArraySlice<Column>, rows: Range<Int>, groupIds ids: UnsafePointer<UInt32>) throws(StrataError) {
        try StateArray.forEachBlob(states, rows: rows, groupIds: ids, aggregate: "approx_quantile") {
            (group, state) throws(StrataError) in
            guard state.count % 16 == 0 else {
                throw StrataError(.corrupt, "approx_quantile state of \(state.count) bytes is not whole pairs")
            }
            var offset = 0
            while offset < state.count {
                let key = UInt64(littleEndian: state.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
                let bits = UInt64(littleEndian: state.loadUnaligned(fromByteOffset: offset + 8, as: UInt64.self))
                offer(key, Double(bitPattern: bits), group: group)
                offset += 16
            }
        }
    }

    func finalize(groups: Int) throws(StrataError) -> Column {
        resize(groups: groups)
        var result = [Double](repeating: 0, count: groups)
        var valid = [Bool](repeating: true, count: groups)
        for g in 0..<groups {
            compact(g)
            var sample = values[g]
            guard !sample.isEmpty else {
                valid[g] = false
                continue
            }
            sample.sort()
            result[g] = sample.withUnsafeBufferPointer { QuantileAccumulator.interpolate($0, quantile) }
        }
        reset()
        return makeColumn(.double, .double(result), valid: valid)
    }

    func reset() {
        keys = []
        values = []
        thresholds = []
        held = 0
    }
}
