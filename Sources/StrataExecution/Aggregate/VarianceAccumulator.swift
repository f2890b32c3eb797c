import StrataCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `var_samp`, `stddev_samp`, `var_pop`, `stddev_pop`, by Welford's streaming update.
///
/// 1. Per value: n += 1; d = x − mean; mean += d / n; m2 += d · (x − mean).
/// 2. Two partial states merge with Chan's formula: n = n₁ + n₂, d = mean₂ − mean₁,
///    mean = mean₁ + d · n₂ / n, m2 = m2₁ + m2₂ + d² · n₁ · n₂ / n.
/// 3. Sample variance is m2 / (n − 1) (NULL when n < 2); population variance m2 / n (NULL when n = 0).
final class VarianceAccumulator: Accumulator {
    /// One group's running moments.
    struct Moments {
        var n: Int64 = 0
        var mean = 0.0
        var m2 = 0.0
    }

    private let function: AggregateFunction
    private var moments: [Moments] = []

    init(function: AggregateFunction) { self.function = function }

    var resultType: DataType { .double }
    var stateTypes: [DataType] { [.int64, .double, .double] }
    var byteCount: Int { StateArray.bytes(moments) }
    func projectedBytes(groups: Int, rows: Int) -> Int { StateArray.projected(moments, count: groups) }
    func resize(groups: Int) { StateArray.extend(&moments, to: groups, with: Moments()) }

    func update(_ arguments: [Column], rows: Range<Int>, groupIds: UnsafePointer<UInt32>) throws(StrataError) {
        guard let column = arguments.first else { throw StrataError(.internal, "variance without an argument") }
        try moments.withUnsafeMutableBufferPointer { (m) throws(StrataError) in
            try NumericInput.forEachDouble(column, rows: rows, groupIds: groupIds) { g, x in
                m[g].n += 1
                let d = x - m[g].mean
                m[g].mean += d / Double(m[g].n)
                m[g].m2 += d * (x - m[g].mean)
            }
        }
    }

    func states(_ groups: [Int]?) -> [Column] {
        let picked = StateArray.gather(moments, groups)
        return [Column(unchecked: .int64, data: .int64(picked.map(\.n)), validity: nil),
                Column(unchecked: .double, data: .double(picked.map(\.mean)), validity: nil),
                Column(unchecked: .double, data: .double(picked.map(\.m2)), validity: nil)]
    }

    func merge(states: ArraySlice<Column>, rows: Range<Int>, groupIds: UnsafePointer<UInt32>) throws(StrataError) {
        let columns = Array(states)
        guard columns.count == 3 else { throw StrataError(.corrupt, "variance state has the wrong shape") }
        let n2 = try int64Values(columns[0]), mean2 = try doubleValues(columns[1]), m22 = try doubleValues(columns[2])
        moments.withUnsafeMutableBufferPointer { m in
            var i = 0
            for r in rows {
                let g = Int(groupIds[i])
                i += 1
                guard n2[r] > 0 else { continue }
                let n1 = Double(m[g].n), nb = Double(n2[r]), n = n1 + nb
                let d = mean2[r] - m[g].mean
                m[g].mean += d * nb / n
                m[g].m2 += m22[r] + d * d * n1 * nb / n
                m[g].n += n2[r]
            }
        }
    }

    func finalize(groups: Int) throws(StrataError) -> Column {
        resize(groups: groups)
        var values = [Double](repeating: 0, count: groups)
        var valid = [Bool](repeating: true, count: groups)
        for g in 0..<groups {
            let n = moments[g].n
            switch function {
            case .varSamp, .stddevSamp:
                guard n > 1 else { valid[g] = false; continue }
                values[g] = moments[g].m2 / Double(n - 1)
            default:
                guard n > 0 else { valid[g] = false; continue }
                values[g] = moments[g].m2 / Double(n)
            }
            if function == .stddevSamp || function == .stddevPop { values[g] = sqrt(values[g]) }
        }
        return makeColumn(.double, .double(values), valid: valid)
    }

    func reset() { moments = [] }
}
