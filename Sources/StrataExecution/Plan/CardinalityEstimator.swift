import Foundation
import StrataCore
import StrataStorage

// Row and distinct-value estimates of a logical plan, for the join order.
//
// 1. A table's rows come from its manifest; the distinct values of an integer or date column are at most the width
//    of its value range (max − min + 1, from the row-group statistics of its files) and at most the rows. Columns
//    without such bounds count as distinct on every row (a key).
// 2. A filter keeps a fifth of its input per conjunct (`x = constant` leaves one distinct x); every column's
//    distinct count is capped by the rows that remain.
// 3. An inner equi-join of R and S on a = b keeps |R|·|S| / max(ndv(a), ndv(b)) rows (each S row meets |R| / ndv(a)
//    R rows when the values are spread evenly), using the most selective equality when there are several; other
//    conjuncts keep a fifth. A key/foreign-key join so gives its foreign side's rows, and a join on a column of
//    25 distinct values gives the product over 25.
// 4. Projections carry a column's estimate to its new name; an aggregate gives at most the product of its keys'
//    distinct counts. An equality whose columns a profile does not know (files read directly) counts as a fifth.

/// The estimated rows of a plan and the distinct values of its columns (by output name).
struct PlanProfile {
    /// Estimated rows.
    var rows: Double
    /// Estimated distinct values per column; a missing column counts as distinct on every row.
    var distinct: [String: Double]

    /// The distinct values of `column` (at most the rows).
    func distinctValues(_ column: String) -> Double { min(rows, distinct[column] ?? rows) }

    /// The profile with every distinct count capped at `rows`.
    func capped(at rows: Double) -> PlanProfile {
        PlanProfile(rows: rows, distinct: distinct.mapValues { min($0, rows) })
    }
}

/// Estimates plans against a catalog's row counts and column ranges.
struct CardinalityEstimator {
    let catalog: PlanCatalog?

    /// The profile of `plan`.
    func profile(_ plan: LogicalPlan) -> PlanProfile {
        switch plan {
        case let .scan(table, _):
            let rows = Double((try? catalog?.rows(table)) ?? nil ?? 1_000_000)
            var distinct = catalog?.distinct(table) ?? [:]
            for field in (try? catalog?.schema(table))?.fields ?? [] where distinct[field.name] == nil {
                distinct[field.name] = rows
            }
            return PlanProfile(rows: rows, distinct: distinct).capped(at: rows)
        case let .parquet(paths, _):
            var rows = 0.0
            for path in paths.prefix(64) {
                rows += Double((try? ParquetFileReader(path: path, columns: []).rowCount) ?? 0)
            }
            return PlanProfile(rows: paths.count > 64 ? rows / 64 * Double(paths.count) : rows, distinct: [:])
        case let .values(_, rows): return PlanProfile(rows: Double(rows.count), distinct: [:])
        case let .filter(predicate, input):
            var base = profile(input)
            let conjuncts = PlanOptimizer.conjuncts(predicate)
            for conjunct in conjuncts {
                if case let .binary(.equal, .column(c), .literal) = conjunct { base.distinct[c] = 1 }
                if case let .binary(.equal, .literal, .column(c)) = conjunct { base.distinct[c] = 1 }
            }
            let factor = pow(PhysicalPlanner.filterSelectivity, Double(conjuncts.count))
            return base.capped(at: max(1, base.rows * factor))
        case let .project(named, input):
            let base = profile(input)
            var distinct: [String: Double] = [:]
            for item in named {
                if case let .column(source) = item.expr, let d = base.distinct[source] {
                    distinct[item.name] = d
                } else {
                    distinct[item.name] = base.rows
                }
            }
            return PlanProfile(rows: base.rows, distinct: distinct)
        case let .sort(_, input), let .window(_, input): return profile(input)
        case let .aggregate(keys, _, input):
            let base = profile(input)
            guard !keys.isEmpty else { return PlanProfile(rows: 1, distinct: [:]) }
            var groups = 1.0
            var distinct: [String: Double] = [:]
            for key in keys {
                let d: Double
                if case let .column(source) = key.expr { d = base.distinctValues(source) } else { d = base.rows }
                distinct[key.name] = d
                groups *= d
            }
            return PlanProfile(rows: max(1, min(base.rows, groups)), distinct: distinct)
        case let .union(inputs):
            return PlanProfile(rows: inputs.reduce(0) { $0 + profile($1).rows }, distinct: [:])
        case let .limit(count, _, input):
            let base = profile(input)
            return base.capped(at: min(Double(count), base.rows))
        case let .join(kind, left, right, condition):
            let l = profile(left), r = profile(right)
            switch kind {
            case .semi, .anti, .mark: return l
            case .full: return PlanProfile(rows: l.rows + r.rows, distinct: l.distinct.merging(r.distinct) { max($0, $1) })
            case .left: return joined(l, r, condition.map(PlanOptimizer.conjuncts) ?? [], atLeast: l.rows)
            case .right: return joined(l, r, condition.map(PlanOptimizer.conjuncts) ?? [], atLeast: r.rows)
            case .inner: return joined(l, r, condition.map(PlanOptimizer.conjuncts) ?? [], atLeast: 1)
            }
        }
    }

    /// The profile of the join of `l` and `r` on `conditions` (step 3), at least `atLeast` rows.
    func joined(_ l: PlanProfile, _ r: PlanProfile, _ conditions: [Expr], atLeast: Double) -> PlanProfile {
        var divisor = 1.0, others = 0
        for condition in conditions {
            if case let .binary(.equal, .column(a), .column(b)) = condition,
               let (x, y) = sides(a, b, l, r) {
                divisor = max(divisor, max(l.distinctValues(x), r.distinctValues(y)))
            } else {
                others += 1
            }
        }
        let rows = max(atLeast, 1, l.rows * r.rows / divisor * pow(PhysicalPlanner.filterSelectivity, Double(others)))
        return PlanProfile(rows: rows, distinct: l.distinct.merging(r.distinct) { max($0, $1) }).capped(at: rows)
    }

    /// `a` and `b` as (left column, right column) when one is `l`'s and the other `r`'s (profiles of scans,
    /// projections and joins name every column); nil otherwise.
    private func sides(_ a: String, _ b: String, _ l: PlanProfile, _ r: PlanProfile) -> (String, String)? {
        if l.distinct[a] != nil && r.distinct[b] != nil { return (a, b) }
        if l.distinct[b] != nil && r.distinct[a] != nil { return (b, a) }
        return nil
    }
}
