import StrataCore
import StrataExecution

// Subqueries in expressions become joins: a correlated subquery is decorrelated, never run once per row.
//
// 1. A subquery is bound as a query of its own. WHERE conjuncts of it that name the enclosing query's columns are
//    kept out of it (its `Correlation`) and come back as join conditions over hidden output columns: the inner
//    columns they read or, for an aggregating subquery (whose correlations must be `inner = outer` equalities),
//    group keys made of their inner sides, so the subquery computes one row per outer key instead of one per row.
// 2. The subquery's output columns get fresh plan names (`__sqN`), so they never clash with the enclosing plan's.
// 3. A conjunct of WHERE that is `[NOT] EXISTS (…)` over a correlated subquery becomes a semi (anti) join on the
//    correlation; `x IN (…)` a semi join on `x = value` and the correlation. Over a correlated subquery,
//    `x NOT IN (…)` is an anti join on the correlation and `x = value OR x IS NULL OR value IS NULL` (a row
//    survives only when no value equals x or makes the answer NULL), `x op ANY (…)` a semi join on `x op value`,
//    and `x op ALL (…)` an anti join on `x op value` not being TRUE. The rows are filtered by the join.
// 4. Anywhere else a subquery becomes a column of a join, and the expression reads that column:
//    - `x [NOT] IN (…)` (also `= ANY`, `<> ALL`): a NULL-aware mark join on `x = value` (TRUE, FALSE or NULL
//      as SQL's IN; NOT IN negates it);
//    - EXISTS: correlated, a mark join on the correlation; uncorrelated, the count of at most one row of the
//      subquery, cross-joined, and `count > 0`;
//    - a scalar subquery: uncorrelated, an aggregate of count(*) and min(value) over it (one row, NULL for an
//      empty subquery) cross-joined, the value failing the query when the count is above 1; correlated, a left
//      join on its group keys, and where no group matches, its select expression over no rows (count is 0);
//    - `x op ANY | ALL (…)` for `<`, `<=`, `>`, `>=`, `=` (ALL), `<>` (ANY): min, max, count(*) and count(value)
//      of the subquery, cross-joined, give the three-valued answer (TRUE when some / every comparison holds,
//      NULL when that depends on a NULL, FALSE otherwise; ANY over no rows is FALSE, ALL TRUE).
// Unsupported forms (correlated IN, NOT IN, ANY or ALL outside a WHERE conjunct, correlated scalar subqueries that
// do not aggregate, correlation in a select list or across two levels) are errors naming the form.

/// The correlation of a subquery with its enclosing query, gathered while the subquery is bound.
final class Correlation {
    /// The prefix of the plan names that stand for the enclosing query's columns inside correlated conditions.
    static let outerPrefix = "\u{1}outer:"
    /// The enclosing query's columns, their plan names prefixed.
    let outer: [BindScope.Column]
    /// WHERE conjuncts that name outer columns, over the subquery's source columns and prefixed outer names.
    var conditions: [(expr: Expr, location: SourceLocation)] = []
    /// After binding: the join conditions over the subquery's output (its hidden columns) and prefixed outer names.
    var joinConditions: [Expr] = []
    /// After binding: the hidden output columns the join conditions read (plan name and type).
    var hiddenColumns: [Field] = []
    /// After binding: whether the subquery aggregates by its correlation keys (one row per outer key).
    var grouped = false

    /// The correlation context of a subquery whose enclosing query shows `outer`.
    init(outer: BindScope) {
        self.outer = outer.columns.map { column in
            var copy = column
            copy.planName = Correlation.outerPrefix + column.planName
            return copy
        }
    }

    /// Whether some WHERE conjunct named an outer column.
    var isCorrelated: Bool { !conditions.isEmpty }

    /// The outer plan name `name` stands for (nil when it is not an outer reference).
    static func outerName(_ name: String) -> String? {
        name.hasPrefix(outerPrefix) ? String(name.dropFirst(outerPrefix.count)) : nil
    }
}

/// Fresh plan names for the columns subqueries add, unique within one statement.
final class HiddenNames {
    private var next = 0

    /// A new name `__sqN` (`base` names what it holds, for plans and errors).
    func make(_ base: String = "sq") -> String {
        next += 1
        return "__\(base)\(next)"
    }
}

/// Binds the subqueries of one clause's expressions and records the joins that bring their values to the plan the
/// expressions read (see the algorithm above).
final class SubqueryJoiner {
    private let expressions: ExpressionBinder
    /// Binds a subquery with its correlation context.
    private let bindQuery: (SQLSelect, Correlation?) throws -> SQLBinder.Relation
    /// The enclosing query's columns.
    let scope: BindScope
    /// Whether subqueries may name the enclosing query's columns.
    private let correlate: Bool
    private let names: HiddenNames
    /// Translates an operand (`x` of `x IN (…)`) over the enclosing query; set by the caller.
    var operand: ((SQLExpr) throws -> Expr)?
    /// The joins, in order, each applied to the plan the previous ones made.
    private var joins: [(LogicalPlan) -> LogicalPlan] = []
    /// Columns the joins add to the plan (marks, values, counts).
    private(set) var added: [Field] = []

    /// A joiner for expressions over `scope`; `correlate` allows subqueries to name its columns.
    init(expressions: ExpressionBinder, scope: BindScope, correlate: Bool, names: HiddenNames,
         bindQuery: @escaping (SQLSelect, Correlation?) throws -> SQLBinder.Relation) {
        self.expressions = expressions
        self.scope = scope
        self.correlate = correlate
        self.names = names
        self.bindQuery = bindQuery
    }

    /// Whether any join was recorded.
    var isEmpty: Bool { joins.isEmpty }

    /// `plan` with the recorded joins.
    func apply(to plan: LogicalPlan) -> LogicalPlan {
        joins.reduce(plan) { $1($0) }
    }

    /// The scope's columns plus the added ones, for type checks.
    var schema: Schema { Schema(unchecked: scope.schema.fields + added) }

    // MARK: - WHERE conjuncts that filter by a join

    /// Records a semi or anti join for a WHERE conjunct that is `[NOT] EXISTS (…)` over a correlated subquery or
    /// `x IN (…)`; false when the conjunct has another form (the caller translates it with ``hook(_:)``).
    func filter(_ conjunct: SQLExpr) throws -> Bool {
        switch conjunct {
        case let .exists(query, _, location):
            return try existsJoin(query, anti: false, at: location)
        case let .unary(.not, .exists(query, _, location), _):
            return try existsJoin(query, anti: true, at: location)
        case let .inSubquery(x, query, false, _, location), let .quantified(.equal, x, query, false, _, location):
            let bound = try bind(query, at: location)
            let value = try singleColumn(bound, at: location)
            let key = Expr.binary(.equal, try translateOperand(x), .column(value.name))
            try check(key, with: bound.outputs, at: location)
            let condition = SubqueryJoiner.conjunction([key] + bound.conditions)
            let right = bound.plan
            joins.append { .join(.semi, $0, right, on: condition) }
            return true
        case let .inSubquery(x, query, true, _, location), let .quantified(.notEqual, x, query, true, _, location):
            // x NOT IN (correlated): no row of the subquery may equal x or be NULL against it.
            return try correlatedFilter(x, query, at: location, anti: true) { x, y in
                .binary(.or, .binary(.equal, x, y), .binary(.or, .isNull(x, negated: false), .isNull(y, negated: false)))
            }
        case let .quantified(op, x, query, false, _, location) where SubqueryJoiner.comparisons.contains(op):
            // x op ANY (correlated): some row satisfies the comparison.
            return try correlatedFilter(x, query, at: location, anti: false) { x, y in .binary(op, x, y) }
        case let .quantified(op, x, query, true, _, location) where SubqueryJoiner.comparisons.contains(op):
            // x op ALL (correlated): no row for which the comparison is not TRUE (FALSE or NULL).
            return try correlatedFilter(x, query, at: location, anti: true) { x, y in
                .caseWhen([Expr.WhenThen(when: .binary(op, x, y), then: .literal(.bool(false)))],
                          otherwise: .literal(.bool(true)))
            }
        default:
            return false
        }
    }

    /// A WHERE conjunct comparing `x` with a correlated subquery's rows, as a semi (or `anti`) join on the
    /// correlation and `condition(x, value)`; false when the subquery is not correlated (the hook then makes its
    /// cheaper uncorrelated form, with the binding kept for it).
    private func correlatedFilter(_ x: SQLExpr, _ query: SQLSelect, at location: SourceLocation, anti: Bool,
                                  _ condition: (Expr, Expr) -> Expr) throws -> Bool {
        let bound = try bind(query, at: location)
        guard !bound.conditions.isEmpty else {
            pendings[query] = bound
            return false
        }
        let value = try singleColumn(bound, at: location)
        let test = condition(try translateOperand(x), .column(value.name))
        try check(test, with: bound.outputs, at: location)
        let right = bound.plan
        let on = SubqueryJoiner.conjunction(bound.conditions + [test])
        joins.append { .join(anti ? .anti : .semi, $0, right, on: on) }
        return true
    }

    /// The operators of ANY / ALL comparisons.
    static let comparisons: Set<Expr.BinaryOperator> = [.equal, .notEqual, .less, .lessOrEqual, .greater, .greaterOrEqual]

    /// Subqueries bound by a WHERE conjunct's check that the hook is about to meet again (not bound twice).
    private var pendings: [SQLSelect: Bound] = [:]

    /// The binding of `query`: the one a WHERE check kept, or a new one.
    private func boundOnce(_ query: SQLSelect, at location: SourceLocation) throws -> Bound {
        if let kept = pendings.removeValue(forKey: query) { return kept }
        return try bind(query, at: location)
    }

    private func existsJoin(_ query: SQLSelect, anti: Bool, at location: SourceLocation) throws -> Bool {
        let bound = try bind(query, at: location)
        guard !bound.conditions.isEmpty else {
            // Uncorrelated: the hook's count of rows is cheaper than a join without keys.
            pendings[query] = bound
            return false
        }
        let condition = SubqueryJoiner.conjunction(bound.conditions)
        let right = bound.plan
        joins.append { .join(anti ? .anti : .semi, $0, right, on: condition) }
        return true
    }

    // MARK: - Subqueries as values

    /// Expressions already made for subquery nodes (the same node met twice, as a select item and the GROUP BY
    /// alias naming it, is joined once).
    private var made: [SQLExpr: Expr] = [:]

    /// The translation hook: a subquery form becomes an expression over the columns its join adds.
    func hook(_ e: SQLExpr) throws -> Expr? {
        if let known = made[e] { return known }
        guard let expr = try make(e) else { return nil }
        made[e] = expr
        return expr
    }

    private func make(_ e: SQLExpr) throws -> Expr? {
        switch e {
        case let .subquery(query, _, location):
            return try scalar(query, at: location)
        case let .exists(query, _, location):
            return try exists(query, at: location)
        case let .inSubquery(x, query, negated, _, location):
            return try membership(x, query, negated: negated, at: location)
        case let .quantified(op, x, query, all, _, location):
            if op == .equal && !all { return try membership(x, query, negated: false, at: location) }
            if op == .notEqual && all { return try membership(x, query, negated: true, at: location) }
            return try quantified(op, x, query, all: all, at: location)
        default:
            return nil
        }
    }

    /// `x [NOT] IN (subquery)` anywhere but a WHERE conjunct: a NULL-aware mark join.
    private func membership(_ x: SQLExpr, _ query: SQLSelect, negated: Bool, at location: SourceLocation) throws
        -> Expr {
        let bound = try boundOnce(query, at: location)
        guard bound.conditions.isEmpty else {
            throw expressions.error("a correlated subquery in \(negated ? "NOT IN" : "IN") is supported only as a "
                + "condition of WHERE", at: location, code: .unsupported)
        }
        let value = try singleColumn(bound, at: location)
        let key = Expr.binary(.equal, try translateOperand(x), .column(value.name))
        try check(key, with: bound.outputs, at: location)
        let mark = names.make("mark")
        let right = bound.plan
        joins.append { .join(.mark(column: mark, nullAware: true), $0, right, on: key) }
        added.append(Field(mark, .bool))
        return negated ? .unary(.not, .column(mark)) : .column(mark)
    }

    /// EXISTS anywhere but a WHERE conjunct with a correlated subquery.
    private func exists(_ query: SQLSelect, at location: SourceLocation) throws -> Expr {
        let bound = try boundOnce(query, at: location)
        if !bound.conditions.isEmpty {
            let condition = SubqueryJoiner.conjunction(bound.conditions)
            let mark = names.make("mark")
            let right = bound.plan
            joins.append { .join(.mark(column: mark, nullAware: false), $0, right, on: condition) }
            added.append(Field(mark, .bool))
            return .column(mark)
        }
        let count = names.make("count")
        let right = LogicalPlan.aggregate(keys: [], aggregates: [AggregateCall(.countStar, as: count)],
                                          .limit(count: 1, offset: 0, bound.plan))
        joins.append { .join(.inner, $0, right, on: nil) }
        added.append(Field(count, .int64))
        return .binary(.greater, .column(count), .literal(.int64(0)))
    }

    /// A scalar subquery's value.
    private func scalar(_ query: SQLSelect, at location: SourceLocation) throws -> Expr {
        let bound = try bind(query, at: location)
        let value = try singleColumn(bound, at: location)
        if bound.conditions.isEmpty {
            let count = names.make("count"), only = names.make("value")
            let spec = try aggregateSpec(.min, value.type, at: location)
            let right = LogicalPlan.aggregate(keys: [], aggregates: [
                AggregateCall(.countStar, as: count), AggregateCall(.min, [.column(value.name)], as: only),
            ], bound.plan)
            joins.append { .join(.inner, $0, right, on: nil) }
            added += [Field(count, .int64), Field(only, spec.resultType)]
            let failure = Expr.cast(.function("error", [.literal(.string(
                "More than one row returned by a subquery used as an expression - scalar subqueries can only "
                    + "return a single row."))]), spec.resultType)
            return .caseWhen([Expr.WhenThen(when: .binary(.greater, .column(count), .literal(.int64(1))),
                                            then: failure)], otherwise: .column(only))
        }
        guard bound.grouped, let key = bound.hidden.first?.name else {
            throw expressions.error("a correlated scalar subquery must aggregate (for example SELECT max(x) … "
                + "WHERE inner = outer); this one may return several rows per outer row", at: location,
                code: .unsupported)
        }
        let condition = SubqueryJoiner.conjunction(bound.conditions)
        let right = bound.plan
        joins.append { .join(.left, $0, right, on: condition) }
        added += bound.outputs + bound.hidden
        // Where no group matches, the select expression over no rows (count(*) is 0, other aggregates NULL).
        guard case let .expr(item, _) = query.items.first, let empty = try valueOverNoRows(item),
              !empty.isNullLiteral else { return .column(value.name) }
        return .caseWhen([Expr.WhenThen(when: .isNull(.column(key), negated: false),
                                        then: .cast(empty, value.type))], otherwise: .column(value.name))
    }

    /// `x op ANY (…)` or `x op ALL (…)` from the subquery's min, max and counts.
    private func quantified(_ op: Expr.BinaryOperator, _ x: SQLExpr, _ query: SQLSelect, all: Bool,
                            at location: SourceLocation) throws -> Expr {
        let bound = try boundOnce(query, at: location)
        guard bound.conditions.isEmpty else {
            throw expressions.error("a correlated subquery in ANY or ALL is supported only as a condition of WHERE",
                                    at: location, code: .unsupported)
        }
        let value = try singleColumn(bound, at: location)
        let left = try translateOperand(x)
        try check(.binary(op, left, .column(value.name)), with: bound.outputs, at: location)
        let rows = names.make("count"), values = names.make("count"), low = names.make("min"), high = names.make("max")
        let spec = try aggregateSpec(.min, value.type, at: location)
        let right = LogicalPlan.aggregate(keys: [], aggregates: [
            AggregateCall(.countStar, as: rows), AggregateCall(.count, [.column(value.name)], as: values),
            AggregateCall(.min, [.column(value.name)], as: low), AggregateCall(.max, [.column(value.name)], as: high),
        ], bound.plan)
        joins.append { .join(.inner, $0, right, on: nil) }
        added += [Field(rows, .int64), Field(values, .int64), Field(low, spec.resultType),
                  Field(high, spec.resultType)]
        let empty = Expr.binary(.equal, .column(rows), .literal(.int64(0)))
        let someNull = Expr.binary(.less, .column(values), .column(rows))
        let leftNull = Expr.isNull(left, negated: false)
        let null = Expr.cast(.literal(.null), .bool)
        // `decided`: the comparison that settles the answer (some value satisfies op for ANY; some value fails it
        // for ALL), over the extreme that matters.
        let decided: Expr
        switch (op, all) {
        case (.greater, false), (.greaterOrEqual, false): decided = .binary(op, left, .column(low))
        case (.less, false), (.lessOrEqual, false): decided = .binary(op, left, .column(high))
        case (.greater, true): decided = .binary(.lessOrEqual, left, .column(high))
        case (.greaterOrEqual, true): decided = .binary(.less, left, .column(high))
        case (.less, true): decided = .binary(.greaterOrEqual, left, .column(low))
        case (.lessOrEqual, true): decided = .binary(.greater, left, .column(low))
        case (.equal, true), (.notEqual, false):
            decided = .binary(.or, .binary(.notEqual, left, .column(low)), .binary(.notEqual, left, .column(high)))
        default:
            throw expressions.error("\(op.rawValue) \(all ? "ALL" : "ANY") needs a comparison operator", at: location)
        }
        return .caseWhen([
            Expr.WhenThen(when: empty, then: .literal(.bool(all))),
            Expr.WhenThen(when: leftNull, then: null),
            Expr.WhenThen(when: decided, then: .literal(.bool(!all))),
            Expr.WhenThen(when: someNull, then: null),
        ], otherwise: .literal(.bool(all)))
    }

    // MARK: - Binding

    /// A subquery ready to join: its plan with fresh output names, its visible outputs, and the correlation as
    /// join conditions over the enclosing plan's names and the fresh ones.
    private struct Bound {
        var plan: LogicalPlan
        var outputs: [Field]
        var conditions: [Expr]
        var grouped: Bool
        /// The hidden columns (correlation keys or inner columns) with their fresh names.
        var hidden: [Field]
    }

    private func bind(_ query: SQLSelect, at location: SourceLocation) throws -> Bound {
        let correlation = correlate ? Correlation(outer: scope) : nil
        let relation = try bindQuery(query, correlation)
        var renames: [String: Expr] = [:]
        var projection: [NamedExpr] = []
        var outputs: [Field] = []
        for column in relation.scope.columns {
            let fresh = names.make()
            renames[column.planName] = .column(fresh)
            projection.append(NamedExpr(.column(column.planName), as: fresh))
            outputs.append(Field(fresh, column.type))
        }
        var hiddenFields: [Field] = []
        var conditions: [Expr] = []
        if let correlation, correlation.isCorrelated {
            for hidden in correlation.hiddenColumns {
                let fresh = names.make()
                renames[hidden.name] = .column(fresh)
                projection.append(NamedExpr(.column(hidden.name), as: fresh))
                hiddenFields.append(Field(fresh, hidden.type))
            }
            for condition in correlation.joinConditions {
                var map = renames
                for name in condition.referencedColumns {
                    if let outer = Correlation.outerName(name) { map[name] = .column(outer) }
                }
                conditions.append(condition.substituting(map))
            }
        }
        return Bound(plan: .project(projection, relation.plan), outputs: outputs, conditions: conditions,
                     grouped: correlation?.grouped ?? false, hidden: hiddenFields)
    }

    private func singleColumn(_ bound: Bound, at location: SourceLocation) throws -> Field {
        guard bound.outputs.count == 1, let only = bound.outputs.first else {
            throw expressions.error("the subquery returns \(bound.outputs.count) columns; it must return one",
                                    at: location)
        }
        return only
    }

    private func translateOperand(_ x: SQLExpr) throws -> Expr {
        if let operand { return try operand(x) }
        return try expressions.translate(x, scope: scope, clause: "a subquery comparison", hook: hook)
    }

    /// Type-checks a comparison of the operand with a subquery's value (`outputs`: the subquery's columns).
    private func check(_ e: Expr, with outputs: [Field], at location: SourceLocation) throws {
        try expressions.check(e, against: Schema(unchecked: schema.fields + outputs), at: location)
    }

    /// `a AND b AND …` (nil for none).
    static func conjunction(_ parts: [Expr]) -> Expr? {
        guard let first = parts.first else { return nil }
        return parts.dropFirst().reduce(first) { .binary(.and, $0, $1) }
    }

    private func aggregateSpec(_ function: AggregateFunction, _ type: DataType,
                               at location: SourceLocation) throws -> AggregateSpec {
        do {
            return try AggregateSpec(function, argumentTypes: [type], parameter: nil, name: "value")
        } catch {
            throw expressions.error("a subquery of type \(type) cannot be used here: \(error.message)", at: location,
                                    code: .unsupported)
        }
    }

    /// `item` evaluated over no rows: count(…) is 0, other aggregates NULL; nil when that is not a constant.
    private func valueOverNoRows(_ item: SQLExpr) throws -> Expr? {
        let replaced = item.replacingAggregates { name in
            name == "count" ? .integer(0) : .null
        }
        guard let expr = try? expressions.translate(replaced, scope: BindScope(columns: [], label: "no rows"),
                                                    clause: "a scalar subquery"),
              expr.referencedColumns.isEmpty else { return nil }
        return expressions.fold(expr)
    }
}

extension Expr {
    /// Whether the expression is a NULL literal (possibly cast).
    var isNullLiteral: Bool {
        switch self {
        case .literal(.null), .cast(.literal(.null), _): true
        default: false
        }
    }
}

extension SQLExpr {
    /// The conjuncts of an AND tree.
    var conjuncts: [SQLExpr] {
        if case let .binary(.and, a, b, _) = self { return a.conjuncts + b.conjuncts }
        return [self]
    }

    /// The columns the expression names outside any subquery it holds, as `(qualifier, name)`.
    var columnReferences: [(qualifier: String?, name: String)] {
        switch self {
        case let .column(qualifier, name, _): return [(qualifier, name)]
        case .literal, .parameter, .subquery, .exists: return []
        case let .inSubquery(a, _, _, _, _), let .quantified(_, a, _, _, _, _): return a.columnReferences
        case let .unary(_, a, _), let .isNull(a, _, _), let .cast(a, _, _): return a.columnReferences
        case let .binary(_, a, b, _), let .like(a, b, _, _, _): return a.columnReferences + b.columnReferences
        case let .inList(a, list, _, _): return a.columnReferences + list.flatMap(\.columnReferences)
        case let .between(a, lo, hi, _, _): return [a, lo, hi].flatMap(\.columnReferences)
        case let .function(_, args, _, _, _): return args.flatMap(\.columnReferences)
        case let .window(_, args, _, spec, _):
            return args.flatMap(\.columnReferences) + spec.partitionBy.flatMap(\.columnReferences)
                + spec.orderBy.flatMap(\.expr.columnReferences)
        case let .caseWhen(operand, branches, otherwise, _):
            return (operand?.columnReferences ?? []) + (otherwise?.columnReferences ?? [])
                + branches.flatMap { $0.condition.columnReferences + $0.result.columnReferences }
        }
    }

    /// The expression with every aggregate call replaced by the literal `value(name)` gives for its name.
    func replacingAggregates(_ value: (String) -> SQLLiteral) -> SQLExpr {
        func sub(_ e: SQLExpr) -> SQLExpr { e.replacingAggregates(value) }
        switch self {
        case let .function(name, args, distinct, star, location):
            if star || ExpressionBinder.aggregateFunctions.contains(name.lowercased()) {
                return .literal(value(name.lowercased()), location)
            }
            return .function(name: name, arguments: args.map(sub), distinct: distinct, star: star, location)
        case .column, .literal, .parameter, .subquery, .exists, .window: return self
        case let .inSubquery(a, q, negated, text, l): return .inSubquery(sub(a), q, negated: negated, text: text, l)
        case let .quantified(op, a, q, all, text, l): return .quantified(op, sub(a), q, all: all, text: text, l)
        case let .unary(op, a, l): return .unary(op, sub(a), l)
        case let .isNull(a, negated, l): return .isNull(sub(a), negated: negated, l)
        case let .cast(a, type, l): return .cast(sub(a), typeName: type, l)
        case let .binary(op, a, b, l): return .binary(op, sub(a), sub(b), l)
        case let .like(a, p, negated, ci, l): return .like(sub(a), pattern: sub(p), negated: negated, caseInsensitive: ci, l)
        case let .inList(a, list, negated, l): return .inList(sub(a), list.map(sub), negated: negated, l)
        case let .between(a, lo, hi, negated, l): return .between(sub(a), low: sub(lo), high: sub(hi), negated: negated, l)
        case let .caseWhen(operand, branches, otherwise, l):
            return .caseWhen(operand: operand.map(sub),
                             branches: branches.map { SQLWhen(condition: sub($0.condition), result: sub($0.result)) },
                             otherwise: otherwise.map(sub), l)
        }
    }
}
