/// The continuous quantile of an unsorted group of doubles, found by selection rather than by sorting.
///
/// 1. NaNs move to the end of the buffer (they order after every number, as in DuckDB); `n` numbers remain.
/// 2. With `count` values the quantile sits at position p = (count − 1) · q; lo = the value of rank ⌊p⌋ and
///    hi = the value of rank ⌈p⌉ (a NaN when that rank falls among the NaNs).
/// 3. Rank ⌊p⌋ is found by quickselect (median-of-three pivots, Hoare partitioning), which leaves every smaller
///    value before it and every larger one after; after 2·log₂(n) + 8 rounds without converging the remaining
///    range is sorted instead, so adversarial inputs stay O(n log n). Rank ⌈p⌉ is then the least value after ⌊p⌋.
/// 4. lo and hi interpolate as ``QuantileAccumulator/interpolate(_:_:)`` does for a sorted group.
enum QuantileSelection {
    /// The `quantile` (in [0, 1]) of `values` (not empty), which are reordered.
    static func quantile(_ values: UnsafeMutableBufferPointer<Double>, _ quantile: Double) -> Double {
        // 1. NaNs to the end.
        var n = values.count
        var i = 0
        while i < n {
            if values[i].isNaN {
                n -= 1
                values.swapAt(i, n)
            } else {
                i += 1
            }
        }
        // 2. The ranks.
        let position = Double(values.count - 1) * quantile
        let lower = position.rounded(.down)
        let lowRank = Int(lower), highRank = Int(position.rounded(.up))
        guard lowRank < n else { return .nan }
        // 3. Select.
        select(values, rank: lowRank, count: n)
        let lo = values[lowRank]
        var hi = lo
        if highRank != lowRank {
            guard highRank < n else { return .nan }
            hi = values[lowRank + 1]
            for j in (lowRank + 2)..<n where values[j] < hi { hi = values[j] }
        }
        // 4. Interpolate.
        let d = position - lower
        return lower == position ? lo : (hi * d).addingProduct(lo, 1 - d)
    }

    /// Reorders `values[0..<count]` (no NaNs) so that `values[rank]` holds the value of that rank, smaller or
    /// equal values before it and larger or equal ones after.
    static func select(_ values: UnsafeMutableBufferPointer<Double>, rank: Int, count: Int) {
        var low = 0, high = count - 1
        var budget = 8
        var span = count
        while span > 1 { budget += 2; span >>= 1 }
        while high > low {
            if budget == 0 || high - low < 16 {
                var rest = UnsafeMutableBufferPointer(rebasing: values[low...high])
                rest.sort()
                return
            }
            budget -= 1
            // Median of three as the pivot.
            let mid = low + (high - low) / 2
            if values[mid] < values[low] { values.swapAt(mid, low) }
            if values[high] < values[low] { values.swapAt(high, low) }
            if values[high] < values[mid] { values.swapAt(high, mid) }
            let pivot = values[mid]
            // Hoare partition: [low, j] ≤ pivot ≤ [j + 1, high].
            var a = low - 1, b = high + 1
            while true {
                repeat { a += 1 } while values[a] < pivot
                repeat { b -= 1 } while pivot < values[b]
                if a >= b { break }
                values.swapAt(a, b)
            }
            if rank <= b { high = b } else { low = b + 1 }
        }
    }
}
