import StrataCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `corr(y, x)`: Pearson's correlation of the rows where both arguments are not NULL.
///
/// 1. Per pair: n += 1; dx = x − meanₓ; meanₓ += dx / n; meanᵧ += (y − meanᵧ) / n; C += dx · (y − meanᵧ), and
///    Welford's update of m2ₓ and m2ᵧ.
/// 2. Partial states merge with Chan's formulas (the co-moment gains dₓ · dᵧ · n₁ · n₂ / n).
/// 3. corr = (C / n) / (√(m2ₓ / n) · √(m2ᵧ / n)), NULL when n = 0 and NaN when a deviation is zero (as DuckDB).
final class CorrelationAccumulator: Accumulator {
    /// One group's moments, kept together for locality.
    struct Moments {
        var n: Int64 = 0
        var meanX = 0.0, meanY = 0.0, m2X = 0.0, m2Y = 0.0, coMoment = 0.0
    }

    private var moments: [Moments] = []

    var resultType: DataType { .double }
    var stateTypes: [DataType] { [.int64, .double, .double, .double, .double, .double] }
    var byteCount: Int { StateArray.bytes(moments) }
    func projectedBytes(groups: Int, rows: Int) -> Int { StateArray.projected(moments, count: groups) }
    func resize(groups: Int) { StateArray.extend(&moments, to: groups, with: Moments()) }

    func update(_ arguments: [Column], rows: Range<Int>, groupIds: UnsafePointer<UInt32>) throws(StrataError) {
        guard arguments.count == 2 else { throw StrataError(.internal, "corr needs two arguments") }
        let ys = try doubles(arguments[0], rows: rows), xs = try doubles(arguments[1], rows: rows)
        let validY = arguments[0].validity, validX = arguments[1].validity
        moments.withUnsafeMutableBufferPointer { m in
            var i = 0
            for r in rows {
                defer { i += 1 }
                if let validY, !validY.isValid(r) { continue }
                if let validX, !validX.isValid(r) { continue }
                let g = Int(groupIds[i]), x = xs[i], y = ys[i]
                m[g].n += 1
                let n = Double(m[g].n)
                let dx = x - m[g].meanX
                m[g].meanX += dx / n
                let dy = y - m[g].meanY
                m[g].meanY += dy / n
                m[g].coMoment += dx * (y - m[g].meanY)
                m[g].m2X += dx * (x - m[g].meanX)
                m[g].m2Y += dy * (y - m[g].meanY)
            }
        }
    }

    /// Rows `rows` of a numeric column as doubles (NULL rows hold 0).
    private func doubles(_ column: Column, rows: Range<Int>) throws(StrataError) -> [Double] {
        switch column.data {
        case let .double(v): return Array(v[rows])
        case let .float(v): return v[rows].map { Double($0) }
        case let .int64(v) where column.type == .int64: return v[rows].map { Double($0) }
        case let .int32(v) where column.type == .int32: return v[rows].map { Double($0) }
        default: throw StrataError(.invalidArgument, "corr of a \(column.type) argument; it needs numbers")
        }
    }

    func states(_ groups: [Int]?) -> [Column] {
        let picked = StateArray.gather(moments, groups)
        func real(_ field: (Moments) -> Double) -> Column {
            Column(unchecked: .double, data: .double(picked.map(field)), validity: nil)
        }
        return [Column(unchecked: .int64, data: .int64(picked.map(\.n)), validity: nil),
                real(\.meanX), real(\.meanY), real(\.m2X), real(\.m2Y), real(\.coMoment)]
    }

    func merge(states: ArraySlice<Column>, rows: Range<Int>, groupIds: UnsafePointer<UInt32>) throws(StrataError) {
        let columns = Array(states)
        guard columns.count == 6 else { throw StrataError(.corrupt, "corr state has the wrong shape") }
        let n2 = try int64Values(columns[0])
        let mx2 = try doubleValues(columns[1]), my2 = try doubleValues(columns[2])
        let qx2 = try doubleValues(columns[3]), qy2 = try doubleValues(columns[4]), c2 = try doubleValues(columns[5])
        moments.withUnsafeMutableBufferPointer { m in
            var i = 0
            for r in rows {
                let g = Int(groupIds[i])
                i += 1
                guard n2[r] > 0 else { continue }
                let n1 = Double(m[g].n), nb = Double(n2[r]), n = n1 + nb
                let dx = mx2[r] - m[g].meanX, dy = my2[r] - m[g].meanY
                m[g].coMoment += c2[r] + dx * dy * n1 * nb / n
                m[g].m2X += qx2[r] + dx * dx * n1 * nb / n
                m[g].m2Y += qy2[r] + dy * dy * n1 * nb / n
                m[g].meanX += dx * nb / n
                m[g].meanY += dy * nb / n
                m[g].n += n2[r]
            }
        }
    }

    func finalize(groups: Int) throws(StrataError) -> Column {
        resize(groups: groups)
        var values = [Double](repeating: 0, count: groups)
        var valid = [Bool](repeating: true, count: groups)
        for g in 0..<groups {
            let m = moments[g]
            guard m.n > 0 else { valid[g] = false; continue }
            let count = Double(m.n)
            let covariance = m.coMoment / count
            let sx = m.n > 1 ? sqrt(m.m2X / count) : 0
            let sy = m.n > 1 ? sqrt(m.m2Y / count) : 0
            values[g] = covariance / (sx * sy)
        }
        return makeColumn(.double, .double(values), valid: valid)
    }

    func reset() { moments = [] }
}
