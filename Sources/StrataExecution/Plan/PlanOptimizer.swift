import Foundation
import StrataCore
import StrataStorage

// Rule-based rewrites of a logical plan before it is compiled.
//
// 1. Sorts whose order nobody sees are dropped: a sort below an aggregate or a join (and not under a LIMIT).
// 2. Filters move down, children first (bottom-up):
//    - below a projection, with the projection's expressions substituted for the columns the predicate reads, so
//      they reach the scan (where they can prune row groups by their statistics);
//    - below an aggregate when they read only group keys (the keys' expressions substituted);
//    - into a join: a conjunct that reads one side only moves into that side when the join keeps that side's rows
//      as they are (either side of an inner join, the left of a left, semi, anti or mark join, the right of a
//      right join); over an inner join, a conjunct that reads both sides becomes part of the join condition (so
//      `FROM a, b WHERE a.k = b.k` is an equi-join, not a cross product);
//    - out of a join condition: a conjunct of one side moves into that side where that keeps the answer (either
//      side of an inner join, the right of a left join, the left of a right join, both of a semi join, the right
//      of an anti or mark join).
//    Filters never move below a sort or a limit (that would change which rows a LIMIT keeps). First, conjuncts
//    shared by every branch of an OR move out of it (`factorOr`), so a join key repeated in each branch is found.
// 3. Join order: a tree of three or more inner joins is flattened into its inputs and conditions and rebuilt
//    greedily: each step joins the pair of inputs that a condition connects with the smallest estimated result
//    (`CardinalityEstimator`: an equi-join keeps |R|·|S| / max(ndv) rows, distinct counts bounded by the value
//    ranges in the files' statistics); inputs no condition connects are crossed only when nothing else is left,
//    smallest first. Each condition goes to the lowest join that has its columns, and a projection restores the
//    original column order.
// 4. A semi or anti join over inner joins moves down onto the input whose columns its condition reads, when the
//    subquery is estimated smaller than that input (a selective filter).
// 5. A LEFT join whose right side aggregates by the join keys (a decorrelated scalar subquery) gets the left side's
//    distinct keys as a domain, semi-joined below the aggregate, when the left side is estimated small.
// 6. An aggregate whose calls are all `count(DISTINCT x)` of one `x` becomes a count over a DISTINCT of (keys, x):
//    the pairs are then deduplicated by the out-of-core hash aggregation, which partitions and spills them by the
//    pair's hash, instead of being held per group until the end (a group of millions of values cannot be split).
// Estimates: a table's row count from its manifest (a Parquet file's from its footer), a fifth per filter
// conjunct, an aggregate at most its keys' distinct combinations, a LIMIT its count. Projection pushdown (reading only the columns used)
// and the build side of each join are decided when the plan is compiled.

extension LogicalPlan {
    /// The plan after the rewrites that need no catalog (sorts dropped, filters pushed down where no join is
    /// involved); the result is the same.
    public func optimized() -> LogicalPlan {
        PlanOptimizer(catalog: nil).optimize(self)
    }
}

/// What the optimizer may know about the tables a plan reads.
package struct PlanCatalog {
    /// The schema of a table.
    package let schema: (String) throws -> Schema
    /// The rows of a table (nil when unknown).
    package let rows: (String) throws -> Int?
    /// Upper bounds of the distinct values of a table's columns, where statistics give one (see
    /// `CardinalityEstimator`).
    package let distinct: (String) -> [String: Double]

    /// A catalog over table snapshots.
    package init(resolve: @escaping (String) throws -> TableSnapshot) {
        schema = { try resolve($0).schema }
        rows = { Int(try resolve($0).rowCount) }
        let cache = DistinctCache()
        distinct = { table in
            if let known = cache.tables[table] { return known }
            let bounds = (try? resolve(table)).map(DistinctCache.bounds) ?? [:]
            cache.tables[table] = bounds
            return bounds
        }
    }
}

/// The distinct-value bounds of the tables one optimization looks at, read once per table.
private final class DistinctCache {
    var tables: [String: [String: Double]] = [:]

    /// max − min + 1 of each integer or date column over all row groups of `snapshot`'s files (a column missing
    /// statistics anywhere gets no bound).
    static func bounds(_ snapshot: TableSnapshot) -> [String: Double] {
        let fields = snapshot.schema.fields
        var low = [Int64?](repeating: nil, count: fields.count), high = low
        var usable = fields.map { [.int32, .int64, .date].contains($0.type) }
        for index in snapshot.partitions.indices {
            let wanted = Set(fields.indices.filter { usable[$0] }.map { fields[$0].name })
            guard let reader = try? snapshot.openPartition(index, columns: wanted) else { return [:] }
            for group in 0..<reader.rowGroupCount {
                for c in fields.indices where usable[c] {
                    guard let stats = reader.statistics(rowGroup: group, column: c),
                          let lo = integer(stats.min), let hi = integer(stats.max) else {
                        if reader.rowCount(ofRowGroup: group) > 0 { usable[c] = false }
                        continue
                    }
                    low[c] = min(low[c] ?? lo, lo)
                    high[c] = max(high[c] ?? hi, hi)
                }
            }
        }
        var result: [String: Double] = [:]
        for c in fields.indices where usable[c] {
            if let lo = low[c], let hi = high[c] { result[fields[c].name] = Double(hi) - Double(lo) + 1 }
        }
        return result
    }

    private static func integer(_ value: Value?) -> Int64? {
        switch value {
        case let .int32(v)?, let .date(v)?: Int64(v)
        case let .int64(v)?: v
        default: nil
        }
    }
}

/// Applies the rewrites above.
package struct PlanOptimizer {
    /// Schemas and row counts; without it, filters do not move into joins and joins keep their order.
    package let catalog: PlanCatalog?

    /// An optimizer.
    package init(catalog: PlanCatalog?) {
        self.catalog = catalog
    }

    /// The AND-ed parts of `expr`.
    static func conjuncts(_ expr: Expr) -> [Expr] {
        if case let .binary(.and, a, b) = expr { return conjuncts(a) + conjuncts(b) }
        return [expr]
    }

    /// `predicate` with the conjuncts every disjunct of an OR shares moved out of it: `(k = j AND a) OR (k = j AND
    /// b)` is `k = j AND (a OR b)`, so a join key written into each branch (TPC-H Q19) becomes a join condition.
    static func factorOr(_ predicate: Expr) -> Expr {
        let parts = conjuncts(predicate).map { part -> [Expr] in
            guard case .binary(.or, _, _) = part else { return [part] }
            let branches = disjuncts(part).map(conjuncts)
            guard let first = branches.first else { return [part] }
            // Equalities match either way round (`a = b` and `b = a`).
            func same(_ x: Expr, _ y: Expr) -> Bool {
                if x == y { return true }
                if case let .binary(.equal, a, b) = x, case let .binary(.equal, c, d) = y { return a == d && b == c }
                return false
            }
            var common: [Expr] = []
            for conjunct in first where !common.contains(where: { same($0, conjunct) })
                && branches.dropFirst().allSatisfy({ $0.contains(where: { same($0, conjunct) }) }) {
                common.append(conjunct)
            }
            guard !common.isEmpty else { return [part] }
            let rests = branches.map { branch in
                conjunction(branch.filter { conjunct in !common.contains(where: { same($0, conjunct) }) })
            }
            // A branch with nothing left is TRUE: the OR holds whenever the common part does.
            guard rests.allSatisfy({ $0 != nil }) else { return common }
            let remaining = rests.compactMap { $0 }
            return common + [remaining.dropFirst().reduce(remaining[0]) { .binary(.or, $0, $1) }]
        }
        return conjunction(parts.flatMap { $0 }) ?? predicate
    }

    /// The OR-ed parts of `expr`.
    static func disjuncts(_ expr: Expr) -> [Expr] {
        if case let .binary(.or, a, b) = expr { return disjuncts(a) + disjuncts(b) }
        return [expr]
    }

    /// The AND of `parts` (nil when there are none).
    static func conjunction(_ parts: [Expr]) -> Expr? {
        guard let first = parts.first else { return nil }
        return parts.dropFirst().reduce(first) { .binary(.and, $0, $1) }
    }

    /// `plan` rewritten.
    package func optimize(_ plan: LogicalPlan) -> LogicalPlan {
        let pushed = pushFilters(dropSorts(splitDistinctCounts(plan), orderMatters: true))
        return catalog == nil ? pushed : restrictAggregates(pushSemiJoins(reorderJoins(pushed)))
    }

    // MARK: - 6. count(DISTINCT x) as a count over DISTINCT (keys, x)

    /// `plan` with every aggregate of only `count(DISTINCT x)` calls over one `x` split into `count(v)` over
    /// `SELECT DISTINCT keys…, x AS v` (count skips the NULL that stands for a group whose x is all NULL).
    private func splitDistinctCounts(_ plan: LogicalPlan) -> LogicalPlan {
        let lowered = plan.mappingChildren(splitDistinctCounts)
        guard case let .aggregate(keys, calls, input) = lowered, let first = calls.first,
              first.function == .countDistinct, first.arguments.count == 1,
              calls.allSatisfy({ $0.function == .countDistinct && $0.arguments == first.arguments })
        else { return lowered }
        let value = "\u{1}distinct:\(first.arguments[0])"
        let inner = LogicalPlan.aggregate(keys: keys + [NamedExpr(first.arguments[0], as: value)], aggregates: [],
                                          input)
        return .aggregate(keys: keys.map { NamedExpr(.column($0.name), as: $0.name) },
                          aggregates: calls.map { AggregateCall(.count, [.column(value)], as: $0.name) }, inner)
    }

    // MARK: - 5. Aggregates restricted to the keys a left join asks for

    /// `plan` with each LEFT join whose right side aggregates by the join keys (a decorrelated scalar subquery:
    /// `LEFT JOIN (SELECT k, avg(x) … GROUP BY k) ON k = left.k`) given the left side's distinct keys as a domain:
    /// the aggregate's input is semi-joined to them, so only the groups some left row asks for are computed (DuckDB's
    /// delim join; TPC-H Q17 then aggregates the lineitems of a few thousand parts instead of all). The left side is
    /// computed twice, so this is done only when it is estimated at under a quarter of the aggregate's input.
    private func restrictAggregates(_ plan: LogicalPlan) -> LogicalPlan {
        guard case let .join(.left, left, right, condition?) = plan else { return plan.mappingChildren(restrictAggregates) }
        let (l, r) = (restrictAggregates(left), restrictAggregates(right))
        guard let leftColumns = columns(of: l), let rightColumns = columns(of: r) else {
            return .join(.left, l, r, on: condition)
        }
        // Equalities of a right column with a left expression.
        var pairs: [(inner: String, outer: Expr)] = []
        for conjunct in PlanOptimizer.conjuncts(condition) {
            guard case let .binary(.equal, a, b) = conjunct else { continue }
            if case let .column(name) = a, rightColumns.contains(name), Set(b.referencedColumns).isSubset(of: leftColumns) {
                pairs.append((name, b))
            } else if case let .column(name) = b, rightColumns.contains(name),
                      Set(a.referencedColumns).isSubset(of: leftColumns) {
                pairs.append((name, a))
            }
        }
        let estimator = CardinalityEstimator(catalog: catalog)
        guard !pairs.isEmpty, let restricted = withDomain(r, pairs, outer: l, leftRows: estimator.profile(l).rows,
                                                          estimator: estimator) else {
            return .join(.left, l, r, on: condition)
        }
        return .join(.left, l, restricted, on: condition)
    }

    /// `plan` (projections and filters over an aggregate) with the aggregate's input semi-joined to the distinct
    /// values of the `outer` expressions its key columns `pairs` meet; nil when the plan has another shape, a column
    /// is not a group key, or the domain would not be small enough.
    private func withDomain(_ plan: LogicalPlan, _ pairs: [(inner: String, outer: Expr)], outer: LogicalPlan,
                            leftRows: Double, estimator: CardinalityEstimator) -> LogicalPlan? {
        switch plan {
        case let .project(named, input):
            var below: [(inner: String, outer: Expr)] = []
            for pair in pairs {
                guard let item = named.first(where: { $0.name == pair.inner }), case let .column(source) = item.expr
                else { return nil }
                below.append((source, pair.outer))
            }
            return withDomain(input, below, outer: outer, leftRows: leftRows, estimator: estimator)
                .map { .project(named, $0) }
        case let .filter(predicate, input):
            return withDomain(input, pairs, outer: outer, leftRows: leftRows, estimator: estimator)
                .map { .filter(predicate, $0) }
        case let .aggregate(keys, calls, input) where !keys.isEmpty:
            guard leftRows * 4 < estimator.profile(input).rows else { return nil }
            var equalities: [Expr] = [], domainKeys: [NamedExpr] = []
            for (i, pair) in pairs.enumerated() {
                guard let key = keys.first(where: { $0.name == pair.inner }) else { return nil }
                let name = "\u{1}domain\(i):\(pair.inner)"
                equalities.append(.binary(.equal, key.expr, .column(name)))
                domainKeys.append(NamedExpr(pair.outer, as: name))
            }
            guard let on = PlanOptimizer.conjunction(equalities) else { return nil }
            let domain = LogicalPlan.aggregate(keys: domainKeys, aggregates: [], outer)
            return .aggregate(keys: keys, aggregates: calls, pushSemiJoins(.join(.semi, input, domain, on: on)))
        default:
            return nil
        }
    }

    // MARK: - 4. Semi and anti joins sink

    /// `plan` with each semi or anti join moved below the inner joins under it, onto the deepest input that holds
    /// the columns its condition reads on the left: a semi or anti join only drops rows of that input, so it
    /// filters before the inner join multiplies them (TPC-H Q18's `o_orderkey IN (…)` then runs on orders, not on
    /// their join with lineitem).
    private func pushSemiJoins(_ plan: LogicalPlan) -> LogicalPlan {
        guard case let .join(kind, left, right, condition) = plan else { return plan.mappingChildren(pushSemiJoins) }
        let (l, r) = (pushSemiJoins(left), pushSemiJoins(right))
        guard kind == .semi || kind == .anti, let condition else { return .join(kind, l, r, on: condition) }
        return sinkSemiJoin(kind, l, r, condition)
    }

    /// The semi or anti join of `left` with `sub` on `condition`, placed on the input of `left`'s inner joins
    /// whose columns the condition reads.
    private func sinkSemiJoin(_ kind: JoinKind, _ left: LogicalPlan, _ sub: LogicalPlan,
                              _ condition: Expr) -> LogicalPlan {
        guard case let .join(.inner, a, b, inner) = left, let subColumns = columns(of: sub),
              let aColumns = columns(of: a), let bColumns = columns(of: b) else {
            return .join(kind, left, sub, on: condition)
        }
        let used = Set(condition.referencedColumns).subtracting(subColumns)
        // Only a selective filter is worth applying to more rows: the subquery must be estimated smaller than the
        // input it would land on (TPC-H Q18's 624 big orders are; Q21's EXISTS over all of lineitem is not, and
        // stays above the joins that cut lineitem down first).
        let subRows = estimate(sub)
        if !used.isEmpty, used.isSubset(of: aColumns), used.isDisjoint(with: bColumns), subRows < estimate(a) {
            return .join(.inner, sinkSemiJoin(kind, a, sub, condition), b, on: inner)
        }
        if !used.isEmpty, used.isSubset(of: bColumns), used.isDisjoint(with: aColumns), subRows < estimate(b) {
            return .join(.inner, a, sinkSemiJoin(kind, b, sub, condition), on: inner)
        }
        return .join(kind, left, sub, on: condition)
    }

    // MARK: - 1. Sorts nobody sees

    private func dropSorts(_ plan: LogicalPlan, orderMatters: Bool) -> LogicalPlan {
        switch plan {
        case .scan, .parquet, .values: return plan
        case let .filter(p, input): return .filter(p, dropSorts(input, orderMatters: orderMatters))
        case let .project(named, input): return .project(named, dropSorts(input, orderMatters: orderMatters))
        case let .aggregate(keys, calls, input):
            return .aggregate(keys: keys, aggregates: calls, dropSorts(input, orderMatters: false))
        case let .sort(keys, input):
            let child = dropSorts(input, orderMatters: true)
            return orderMatters ? .sort(keys, child) : child
        case let .limit(count, offset, input):
            return .limit(count: count, offset: offset, dropSorts(input, orderMatters: true))
        case let .window(calls, input): return .window(calls, dropSorts(input, orderMatters: false))
        case let .union(inputs): return .union(inputs.map { dropSorts($0, orderMatters: false) })
        case let .join(kind, left, right, condition):
            return .join(kind, dropSorts(left, orderMatters: false), dropSorts(right, orderMatters: false),
                         on: condition)
        }
    }

    // MARK: - 2. Filters down

    private func pushFilters(_ plan: LogicalPlan) -> LogicalPlan {
        switch plan {
        case .scan, .parquet, .values: return plan
        case let .project(named, input): return .project(named, pushFilters(input))
        case let .aggregate(keys, calls, input): return .aggregate(keys: keys, aggregates: calls, pushFilters(input))
        case let .sort(keys, input): return .sort(keys, pushFilters(input))
        case let .limit(count, offset, input): return .limit(count: count, offset: offset, pushFilters(input))
        case let .window(calls, input): return .window(calls, pushFilters(input))
        case let .union(inputs): return .union(inputs.map(pushFilters))
        case let .join(kind, left, right, condition):
            return pushOutOfCondition(kind, pushFilters(left), pushFilters(right), condition)
        case let .filter(original, input):
            let predicate = PlanOptimizer.factorOr(original)
            let child = pushFilters(input)
            switch child {
            case let .project(named, below):
                var map: [String: Expr] = [:]
                for item in named { map[item.name] = item.expr }
                return .project(named, pushFilters(.filter(predicate.substituting(map), below)))
            case let .aggregate(keys, calls, below):
                var map: [String: Expr] = [:]
                for key in keys { map[key.name] = key.expr }
                guard predicate.referencedColumns.allSatisfy({ map[$0] != nil }) else {
                    return .filter(predicate, child)
                }
                return .aggregate(keys: keys, aggregates: calls,
                                  pushFilters(.filter(predicate.substituting(map), below)))
            case let .join(kind, left, right, condition):
                return pushIntoJoin(predicate, kind, left, right, condition) ?? .filter(predicate, child)
            case let .union(inputs):
                // Every input has the union's column names: the filter applies to each.
                return .union(inputs.map { pushFilters(.filter(predicate, $0)) })
            case let .window(calls, below):
                // A filter on columns every call partitions by removes whole partitions: the other rows' results
                // stay the same.
                let shared = calls.dropFirst().reduce(Set(calls.first?.partitionBy ?? [])) {
                    $0.intersection($1.partitionBy)
                }
                let keyColumns = Set(shared.compactMap { expr -> String? in
                    if case let .column(name) = expr { return name }
                    return nil
                })
                let (down, up) = PlanOptimizer.conjuncts(predicate).split {
                    !$0.referencedColumns.isEmpty && Set($0.referencedColumns).isSubset(of: keyColumns)
                }
                guard let pushed = PlanOptimizer.conjunction(down) else { return .filter(predicate, child) }
                let window = LogicalPlan.window(calls, pushFilters(.filter(pushed, below)))
                return PlanOptimizer.conjunction(up).map { .filter($0, window) } ?? window
            default:
                return .filter(predicate, child)
            }
        }
    }

    /// The join with the conjuncts of `predicate` moved into its sides or its condition where the answer stays the
    /// same, under a filter of the rest; nil when the columns of the sides are unknown.
    private func pushIntoJoin(_ predicate: Expr, _ kind: JoinKind, _ left: LogicalPlan, _ right: LogicalPlan,
                              _ condition: Expr?) -> LogicalPlan? {
        guard let leftColumns = columns(of: left), let rightColumns = columns(of: right) else { return nil }
        var toLeft: [Expr] = [], toRight: [Expr] = [], toCondition: [Expr] = [], above: [Expr] = []
        for conjunct in PlanOptimizer.conjuncts(predicate) {
            let used = Set(conjunct.referencedColumns)
            if used.isEmpty {
                above.append(conjunct)
            } else if used.isSubset(of: leftColumns), [.inner, .left, .semi, .anti].contains(kind) || kind.isMark {
                toLeft.append(conjunct)
            } else if used.isSubset(of: rightColumns), [.inner, .right].contains(kind) {
                toRight.append(conjunct)
            } else if kind == .inner, used.isSubset(of: leftColumns.union(rightColumns)) {
                toCondition.append(conjunct)
            } else {
                above.append(conjunct)
            }
        }
        guard above.count < PlanOptimizer.conjuncts(predicate).count else { return nil }
        let newLeft = PlanOptimizer.conjunction(toLeft).map { pushFilters(.filter($0, left)) } ?? left
        let newRight = PlanOptimizer.conjunction(toRight).map { pushFilters(.filter($0, right)) } ?? right
        let newCondition = PlanOptimizer.conjunction((condition.map(PlanOptimizer.conjuncts) ?? []) + toCondition)
        let join = LogicalPlan.join(kind, newLeft, newRight, on: newCondition)
        return PlanOptimizer.conjunction(above).map { .filter($0, join) } ?? join
    }

    /// The join with the conjuncts of its condition that read one side only moved into that side where the answer
    /// stays the same.
    private func pushOutOfCondition(_ kind: JoinKind, _ left: LogicalPlan, _ right: LogicalPlan,
                                    _ condition: Expr?) -> LogicalPlan {
        guard let written = condition, let leftColumns = columns(of: left), let rightColumns = columns(of: right) else {
            return .join(kind, left, right, on: condition.map(PlanOptimizer.factorOr))
        }
        let condition = PlanOptimizer.factorOr(written)
        var toLeft: [Expr] = [], toRight: [Expr] = [], kept: [Expr] = []
        for conjunct in PlanOptimizer.conjuncts(condition) {
            let used = Set(conjunct.referencedColumns)
            if !used.isEmpty, used.isSubset(of: leftColumns), [.inner, .right, .semi].contains(kind) {
                toLeft.append(conjunct)
            } else if !used.isEmpty, used.isSubset(of: rightColumns),
                      [.inner, .left, .semi, .anti].contains(kind) || kind.isMark {
                toRight.append(conjunct)
            } else {
                kept.append(conjunct)
            }
        }
        let newLeft = PlanOptimizer.conjunction(toLeft).map { pushFilters(.filter($0, left)) } ?? left
        let newRight = PlanOptimizer.conjunction(toRight).map { pushFilters(.filter($0, right)) } ?? right
        return .join(kind, newLeft, newRight, on: PlanOptimizer.conjunction(kept))
    }

    // MARK: - 3. Join order

    private func reorderJoins(_ plan: LogicalPlan) -> LogicalPlan {
        guard case let .join(kind, left, right, condition) = plan, kind == .inner else {
            return plan.mappingChildren(reorderJoins)
        }
        var inputs: [LogicalPlan] = []
        var conditions: [Expr] = []
        flatten(plan, into: &inputs, &conditions)
        guard inputs.count >= 3, let ordered = greedyOrder(inputs, conditions) else {
            return .join(kind, reorderJoins(left), reorderJoins(right), on: condition)
        }
        return ordered
    }

    /// The inputs and conditions of a tree of inner joins.
    private func flatten(_ plan: LogicalPlan, into inputs: inout [LogicalPlan], _ conditions: inout [Expr]) {
        if case let .join(.inner, left, right, condition) = plan {
            flatten(left, into: &inputs, &conditions)
            flatten(right, into: &inputs, &conditions)
            conditions += condition.map(PlanOptimizer.conjuncts) ?? []
        } else {
            inputs.append(reorderJoins(plan))
        }
    }

    /// The inputs joined greedily (see step 3), or nil when a column set or an estimate is unknown.
    private func greedyOrder(_ inputs: [LogicalPlan], _ conditions: [Expr]) -> LogicalPlan? {
        struct Item {
            var plan: LogicalPlan
            var columns: Set<String>
            var profile: PlanProfile
            var rows: Double { profile.rows }
        }
        let estimator = CardinalityEstimator(catalog: catalog)
        var items: [Item] = []
        var order: [String] = []
        for input in inputs {
            guard let names = try? input.columnNames(schema: { try catalogSchema($0) }) else { return nil }
            order += names
            items.append(Item(plan: input, columns: Set(names), profile: estimator.profile(input)))
        }
        var pending = conditions
        /// Removes and returns the pending conditions whose columns `columns` holds.
        func take(within columns: Set<String>) -> [Expr] {
            let (fit, rest) = pending.split { Set($0.referencedColumns).isSubset(of: columns) }
            pending = rest
            return fit
        }
        while items.count > 1 {
            var best: (i: Int, j: Int, profile: PlanProfile, connected: Bool)?
            for i in items.indices {
                for j in items.indices where j > i {
                    let both = items[i].columns.union(items[j].columns)
                    let connecting = pending.filter { condition in
                        let used = Set(condition.referencedColumns)
                        return used.isSubset(of: both) && !used.isDisjoint(with: items[i].columns)
                            && !used.isDisjoint(with: items[j].columns)
                    }
                    let connected = !connecting.isEmpty
                    let profile = estimator.joined(items[i].profile, items[j].profile, connecting, atLeast: 1)
                    let rows = profile.rows
                    let better: Bool
                    if let current = best {
                        better = connected != current.connected ? connected
                            : (rows, min(items[i].rows, items[j].rows))
                                < (current.profile.rows, min(items[current.i].rows, items[current.j].rows))
                    } else {
                        better = true
                    }
                    if better { best = (i, j, profile, connected) }
                }
            }
            guard let (i, j, profile, _) = best else { return nil }
            let both = items[i].columns.union(items[j].columns)
            let joined = LogicalPlan.join(.inner, items[i].plan, items[j].plan,
                                          on: PlanOptimizer.conjunction(take(within: both)))
            items[i] = Item(plan: joined, columns: both, profile: profile)
            items.remove(at: j)
        }
        guard var result = items.first?.plan else { return nil }
        if let rest = PlanOptimizer.conjunction(pending) { result = .filter(rest, result) }
        if let names = try? result.columnNames(schema: { try catalogSchema($0) }), names != order {
            result = .project(order.map(NamedExpr.column), result)
        }
        return result
    }

    // MARK: - Catalog and estimates

    private func catalogSchema(_ table: String) throws -> Schema {
        guard let catalog else { throw StrataError(.internal, "no catalog") }
        return try catalog.schema(table)
    }

    /// The column names of `plan`, or nil without a catalog (or when a table cannot be found).
    private func columns(of plan: LogicalPlan) -> Set<String>? {
        guard catalog != nil, let names = try? plan.columnNames(schema: { try catalogSchema($0) }) else {
            return nil
        }
        return Set(names)
    }

    /// The estimated rows of `plan` (see `CardinalityEstimator`).
    func estimate(_ plan: LogicalPlan) -> Double { CardinalityEstimator(catalog: catalog).profile(plan).rows }
}

extension LogicalPlan {
    /// The node with `transform` applied to each of its inputs.
    func mappingChildren(_ transform: (LogicalPlan) -> LogicalPlan) -> LogicalPlan {
        switch self {
        case .scan, .parquet, .values: self
        case let .filter(p, input): .filter(p, transform(input))
        case let .project(named, input): .project(named, transform(input))
        case let .aggregate(keys, calls, input): .aggregate(keys: keys, aggregates: calls, transform(input))
        case let .sort(keys, input): .sort(keys, transform(input))
        case let .limit(count, offset, input): .limit(count: count, offset: offset, transform(input))
        case let .window(calls, input): .window(calls, transform(input))
        case let .union(inputs): .union(inputs.map(transform))
        case let .join(kind, left, right, condition): .join(kind, transform(left), transform(right), on: condition)
        }
    }
}

extension JoinKind {
    /// Whether this is a mark join.
    var isMark: Bool {
        if case .mark = self { return true }
        return false
    }
}

private extension Array {
    /// The elements for which `belongs` holds, and the others.
    func split(_ belongs: (Element) -> Bool) -> ([Element], [Element]) {
        var yes: [Element] = [], no: [Element] = []
        for element in self { if belongs(element) { yes.append(element) } else { no.append(element) } }
        return (yes, no)
    }
}

extension Expr {
    /// The expression with each column named in `map` replaced by its expression.
    package func substituting(_ map: [String: Expr]) -> Expr {
        func s(_ e: Expr) -> Expr { e.substituting(map) }
        switch self {
        case let .column(name): return map[name] ?? self
        case .literal: return self
        case let .unary(op, a): return .unary(op, s(a))
        case let .binary(op, a, b): return .binary(op, s(a), s(b))
        case let .isNull(a, negated): return .isNull(s(a), negated: negated)
        case let .inList(a, list, negated): return .inList(s(a), list.map(s), negated: negated)
        case let .between(a, low, high, negated): return .between(s(a), low: s(low), high: s(high), negated: negated)
        case let .like(a, pattern, negated, ci):
            return .like(s(a), pattern: s(pattern), negated: negated, caseInsensitive: ci)
        case let .cast(a, type): return .cast(s(a), type)
        case let .function(name, args): return .function(name, args.map(s))
        case let .caseWhen(branches, otherwise):
            return .caseWhen(branches.map { WhenThen(when: s($0.when), then: s($0.then)) }, otherwise: otherwise.map(s))
        }
    }
}

extension LogicalPlan: CustomStringConvertible {
    /// The plan as an indented tree, the result at the top.
    public var description: String {
        var lines: [String] = []
        func visit(_ plan: LogicalPlan, _ depth: Int) {
            let pad = String(repeating: "  ", count: depth)
            switch plan {
            case let .scan(table, columns):
                lines.append(pad + "Scan \(table)" + (columns.map { " [\($0.joined(separator: ", "))]" } ?? ""))
            case let .parquet(paths, label):
                lines.append(pad + "ReadParquet \(label) (\(paths.count) files)")
            case let .values(_, rows):
                lines.append(pad + "Values (\(rows.count) rows)")
            case let .filter(predicate, input):
                lines.append(pad + "Filter \(predicate)")
                visit(input, depth + 1)
            case let .project(named, input):
                lines.append(pad + "Project " + named.map(\.description).joined(separator: ", "))
                visit(input, depth + 1)
            case let .aggregate(keys, calls, input):
                lines.append(pad + "Aggregate keys [" + keys.map(\.description).joined(separator: ", ")
                    + "] aggregates [" + calls.map(\.description).joined(separator: ", ") + "]")
                visit(input, depth + 1)
            case let .sort(keys, input):
                lines.append(pad + "Sort " + keys.map(\.description).joined(separator: ", "))
                visit(input, depth + 1)
            case let .limit(count, offset, input):
                lines.append(pad + "Limit \(count)" + (offset > 0 ? " offset \(offset)" : ""))
                visit(input, depth + 1)
            case let .window(calls, input):
                lines.append(pad + "Window " + calls.map { "\($0) AS \($0.name)" }.joined(separator: ", "))
                visit(input, depth + 1)
            case let .join(kind, left, right, condition):
                lines.append(pad + "Join \(kind)" + (condition.map { " ON \($0)" } ?? ""))
                visit(left, depth + 1)
                visit(right, depth + 1)
            case let .union(inputs):
                lines.append(pad + "UnionAll")
                for input in inputs { visit(input, depth + 1) }
            }
        }
        visit(self, 0)
        return lines.joined(separator: "\n")
    }
}
