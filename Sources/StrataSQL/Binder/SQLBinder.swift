import StrataCore
import StrataExecution

// Binding a SELECT into a logical plan.
//
// 1. FROM: a CTE, a store table, a table function (read_parquet, read_csv) or a subquery becomes the source plan
//    and the scope of visible columns (no FROM: one row of no visible columns). A subquery's or CTE's duplicate
//    column names get DuckDB's `_1`, `_2` suffixes. Joins combine two scopes: the right side's plan names are
//    renamed where they collide with the left's (so every plan name stays unique), ON is translated over both,
//    USING and NATURAL compare same-named columns and show each once (from the left input, the right one for
//    RIGHT JOIN, the first non-NULL for FULL JOIN) while `a.k` and `b.k` still reach each side's own; commas are
//    cross joins, which the optimizer turns into equi-joins with the WHERE conditions.
// 2. WHERE is translated over that scope (aggregates are refused there).
// 3. The query aggregates when it has GROUP BY or an aggregate call anywhere in SELECT, HAVING or ORDER BY.
//    GROUP BY items may be expressions, output aliases or 1-based ordinals. Then every select, HAVING and ORDER BY
//    expression is rewritten over the aggregate's output: aggregate calls become columns (equal calls shared),
//    expressions equal to a group key become that key, and any other source column is an error.
// 3b. Window calls (in SELECT, QUALIFY, ORDER BY) become columns of a window step after the aggregate and
//    HAVING; QUALIFY filters its output.
// 4. The select list becomes a projection with unique plan names; users see the names they wrote (or DuckDB-style
//    defaults such as `sum(v1)`).
// 5. DISTINCT groups by every output column.
// 6. ORDER BY items may be ordinals, output aliases or expressions; an expression that is not an output is
//    computed as a hidden column, sorted on and dropped by a final projection.
// 7. LIMIT / OFFSET must fold to non-negative integers.
// A set operation (UNION, INTERSECT, EXCEPT) binds both operands this way and combines them (see
// `bindSetOperation`); subqueries in expressions become joins (see `SubqueryJoiner`).
// Each translated expression is bound against its input schema at once, so type errors point into the SQL.

/// Turns parsed statements into logical plans, resolving names and types against a catalog.
package struct SQLBinder {
    private let sql: String
    let catalog: any SQLCatalog
    let expressions: ExpressionBinder
    /// Names for the columns subqueries add (shared by every copy of the binder for one statement).
    private let hiddenNames = HiddenNames()

    /// A binder for statement text `sql` with parameter values `parameters`.
    package init(sql: String, parameters: [Value] = [], catalog: any SQLCatalog) {
        self.sql = sql
        self.catalog = catalog
        expressions = ExpressionBinder(sql: sql, parameters: parameters)
    }

    /// Binds `statement`.
    package func bind(_ statement: SQLStatement) throws -> BoundStatement {
        switch statement {
        case let .select(select):
            let relation = try bindSelect(select, ctes: [:])
            return BoundStatement(plan: relation.plan, action: .query, columnNames: relation.scope.columns.map(\.name))
        case let .explain(select, analyze, format, _):
            let relation = try bindSelect(select, ctes: [:])
            return BoundStatement(plan: relation.plan,
                                  action: analyze ? .explainAnalyze(format: format) : .explain,
                                  columnNames: relation.scope.columns.map(\.name))
        case let .vacuum(name, hours, dryRun, location):
            let table = try existingTable(name, at: location)
            let schema = Schema(unchecked: [Field("path", .string), Field("bytes", .int64)])
            return BoundStatement(plan: .values(schema, []), action: .vacuum(table: table, retainHours: hours,
                                                                             dryRun: dryRun),
                                  columnNames: ["path", "bytes"])
        case let .createTable(create):
            return try bindCreateTable(create)
        case let .insert(table, columns, query, location):
            return try bindInsert(table: table, columns: columns, query: query, at: location)
        case let .delete(table, alias, condition, location):
            return try bindDelete(table: table, alias: alias, condition: condition, at: location)
        case let .update(table, alias, assignments, condition, location):
            return try bindUpdate(table: table, alias: alias, assignments: assignments, condition: condition,
                                  at: location)
        case let .dropTable(name, ifExists, location):
            let table = ifExists ? name : try existingTable(name, at: location)
            return BoundStatement(plan: .values(Schema(unchecked: []), []),
                                  action: .dropTable(table: table, ifExists: ifExists), columnNames: [])
        case let .copyTo(query, path, options, _):
            let relation = try bindSelect(query, ctes: [:])
            return BoundStatement(plan: relation.plan, action: .copyTo(path: path, options: try copyOptions(options)),
                                  columnNames: ["Count"])
        case let .copyFrom(name, path, options, location):
            let table = try existingTable(name, at: location)
            return BoundStatement(plan: .values(Schema(unchecked: []), []),
                                  action: .copyFrom(table: table, path: path, options: try copyOptions(options)),
                                  columnNames: ["Count"])
        }
    }

    /// A bound query: its plan and its output columns (unqualified).
    struct Relation {
        var plan: LogicalPlan
        var scope: BindScope
    }

    // MARK: - SELECT

    /// Binds `select`; with `correlation` (a subquery's), WHERE conjuncts that name the enclosing query's columns
    /// are kept out and handed back through it (see `SubqueryJoiner`).
    func bindSelect(_ select: SQLSelect, ctes outer: [String: Relation],
                            correlation: Correlation? = nil) throws -> Relation {
        var ctes = outer
        for cte in select.ctes {
            var relation = try bindSelect(cte.query, ctes: ctes)
            if let names = cte.columns {
                guard names.count <= relation.scope.columns.count else {
                    throw expressions.error("\(cte.name) names \(names.count) columns but its query has "
                        + "\(relation.scope.columns.count)", at: cte.location)
                }
                for (i, name) in names.enumerated() { relation.scope.columns[i].name = name }
            }
            relation.scope.label = "CTE \(cte.name)"
            ctes[cte.name.lowercased()] = relation
        }
        if let operation = select.setOperation {
            return try bindSetOperation(operation, select: select, ctes: ctes)
        }
        if !select.values.isEmpty {
            guard select.orderBy.isEmpty, select.limit == nil, select.offset == nil else {
                // `VALUES … ORDER BY …`: the clauses apply to the rows.
                var rows = select
                (rows.orderBy, rows.limit, rows.offset, rows.ctes) = ([], nil, nil, [])
                var outer = select
                outer.values = []
                outer.ctes = []
                outer.items = [.star(qualifier: nil, select.location)]
                outer.from = .subquery(rows, alias: nil, select.location)
                return try bindSelect(outer, ctes: ctes)
            }
            return try bindValues(select.values, at: select.location)
        }
        // 1.
        let source = try bindFrom(select.from, ctes: ctes)
        var plan = source.plan
        let scope = source.scope
        // 2.
        if let condition = select.whereClause {
            var conjuncts: [SQLExpr] = []
            for conjunct in condition.conjuncts {
                if let correlation, try readsOuter(conjunct, scope: scope, correlation: correlation) {
                    try correlate(conjunct, scope: scope, correlation: correlation)
                } else {
                    conjuncts.append(conjunct)
                }
            }
            plan = try applyWhere(conjuncts, to: plan, scope: scope, ctes: ctes)
        }
        // 3.
        let items = select.items
        let aggregating = !select.groupBy.isEmpty
            || items.contains { item in
                if case let .expr(e, _) = item { return ExpressionBinder.containsAggregate(e) }
                return false
            }
            || (select.having.map(ExpressionBinder.containsAggregate) ?? false)
            || (select.qualify.map(ExpressionBinder.containsAggregate) ?? false)
            || select.orderBy.contains { ExpressionBinder.containsAggregate($0.expr) }
        var collector: AggregateCollector?
        var projectionInput = scope.schema
        if aggregating {
            let aggregate = AggregateCollector(expressions: expressions, source: scope)
            aggregate.argumentJoiner = subqueryJoiner(scope: scope, correlate: true, ctes: ctes)
            for item in select.groupBy {
                let keyExpr = try groupKeyExpression(item, items: items, scope: scope, joiner: aggregate.argumentJoiner)
                try aggregate.addKey(keyExpr)
            }
            collector = aggregate
        } else if let having = select.having {
            throw expressions.error("HAVING needs GROUP BY or an aggregate", at: having.location)
        }
        // Select items, expanded.
        var outputs: [(sql: SQLExpr, name: String)] = []
        for item in items {
            switch item {
            case let .star(qualifier, location):
                let columns = scope.columns.filter { column in
                    qualifier.map { column.qualifier?.lowercased() == $0.lowercased() } ?? !column.hiddenFromStar
                }
                if columns.isEmpty {
                    if let qualifier {
                        throw expressions.error("table \"\(qualifier)\" not found in FROM", at: location)
                    }
                    throw expressions.error("SELECT * with no FROM clause", at: location)
                }
                for column in columns {
                    outputs.append((.column(qualifier: column.qualifier, name: column.name, location), column.name))
                }
            case let .expr(e, alias):
                outputs.append((e, alias ?? e.displayText))
            }
        }
        // 3b. Window calls in SELECT, QUALIFY and ORDER BY become columns of a window step over the aggregate's
        //     output (or the source), whose arguments are translated like the select list's.
        let windows = try WindowCollector(expressions: expressions, windows: select.windows)
        // Subqueries in SELECT, HAVING, QUALIFY and ORDER BY join the plan those clauses read: the source (they
        // may correlate with it) or, when the query aggregates, the aggregate's output (uncorrelated only).
        let joiner = subqueryJoiner(scope: scope, correlate: !aggregating, ctes: ctes)
        // The operand closure set below reaches the joiner through translateOutput: clear it, or the two keep each
        // other (and the catalog with its scratch files) alive.
        defer { joiner.operand = nil }
        func translateInner(_ e: SQLExpr, clause: String) throws -> Expr {
            if let collector {
                return try expressions.translate(e, scope: scope, clause: clause, hook: collector.hook(clause: clause))
            }
            return try expressions.translate(e, scope: scope, clause: clause)
        }
        func translateOutput(_ e: SQLExpr, clause: String) throws -> Expr {
            let aggregateHook = collector?.hook(clause: clause)
            joiner.operand = { try translateOutput($0, clause: clause) }
            return try expressions.translate(e, scope: scope, clause: clause) { node in
                if let subquery = try joiner.hook(node) { return subquery }
                if case .window = node {
                    return try windows.add(node, translate: { try translateInner($0, clause: "window functions") },
                                           check: { expr, location in
                        try expressions.check(expr, against: collector?.outputSchema ?? scope.schema, at: location)
                    })
                }
                return try aggregateHook?(node)
            }
        }
        var projected: [Expr] = []
        for output in outputs { projected.append(try translateOutput(output.sql, clause: "SELECT")) }
        var having: Expr?
        if let condition = select.having {
            if WindowCollector.containsWindow(condition) {
                throw expressions.error("window functions are not allowed in HAVING; use QUALIFY",
                                        at: condition.location)
            }
            having = try translateOutput(condition, clause: "HAVING")
        }
        var qualify: Expr?
        if let condition = select.qualify { qualify = try translateOutput(condition, clause: "QUALIFY") }
        // ORDER BY keys that are not outputs are translated now, so their aggregates join the aggregate step.
        enum OrderTarget { case output(Int), hidden(Expr), overOutput(SQLExpr) }
        var orderTargets: [OrderTarget] = []
        for item in select.orderBy {
            if case let .literal(.integer(k), location) = item.expr {
                guard k >= 1, k <= outputs.count else {
                    throw expressions.error(
                        "ORDER BY position \(k) is out of range (the select list has \(outputs.count))", at: location)
                }
                orderTargets.append(.output(Int(k) - 1))
                continue
            }
            if case let .column(nil, name, _) = item.expr {
                let byAlias = outputs.indices.filter { outputs[$0].name == name }
                let byAliasCI = outputs.indices.filter { outputs[$0].name.lowercased() == name.lowercased() }
                let matches = byAlias.isEmpty ? byAliasCI : byAlias
                if let first = matches.first, matches.allSatisfy({ projected[$0] == projected[first] }) {
                    orderTargets.append(.output(first))
                    continue
                }
            }
            do {
                let expr = try translateOutput(item.expr, clause: "ORDER BY")
                if let index = projected.firstIndex(of: expr) {
                    orderTargets.append(.output(index))
                } else if select.distinct {
                    throw expressions.error("for SELECT DISTINCT, ORDER BY expressions must appear in the select list",
                                            at: item.expr.location)
                } else {
                    orderTargets.append(.hidden(expr))
                }
            } catch let error as StrataError where error.code == .notFound {
                // An expression over output aliases (`ORDER BY total * 2`).
                orderTargets.append(.overOutput(item.expr))
            }
        }
        if let correlation, correlation.isCorrelated {
            try finishCorrelation(correlation, select: select, collector: collector, windows: !windows.isEmpty)
        }
        if let collector {
            if let arguments = collector.argumentJoiner, !arguments.isEmpty { plan = arguments.apply(to: plan) }
            plan = try collector.plan(over: plan)
            projectionInput = collector.outputSchema
            if !joiner.isEmpty {
                plan = joiner.apply(to: plan)
                projectionInput = Schema(unchecked: projectionInput.fields + joiner.added)
            }
            if let having, let condition = select.having {
                try requireBool(having, against: projectionInput, at: condition.location, clause: "HAVING")
                plan = .filter(having, plan)
            }
        }
        if collector == nil, !joiner.isEmpty {
            plan = joiner.apply(to: plan)
            projectionInput = Schema(unchecked: projectionInput.fields + joiner.added)
        }
        if !windows.isEmpty {
            plan = windows.plan(over: plan)
            projectionInput = Schema(unchecked: projectionInput.fields + windows.fields)
        }
        if let qualify, let condition = select.qualify {
            guard !windows.isEmpty else {
                throw expressions.error("QUALIFY needs a window function", at: condition.location)
            }
            try requireBool(qualify, against: projectionInput, at: condition.location, clause: "QUALIFY")
            plan = .filter(qualify, plan)
        }
        // 4.
        var names = UniqueNames()
        var columns: [BindScope.Column] = []
        var named: [NamedExpr] = []
        for (output, expr) in zip(outputs, projected) {
            let type = try expressions.check(expr, against: projectionInput, at: output.sql.location)
            let planName = names.make(output.name)
            columns.append(BindScope.Column(qualifier: nil, name: output.name, planName: planName, type: type))
            named.append(NamedExpr(expr, as: planName))
        }
        if let correlation, correlation.isCorrelated {
            try addCorrelationOutputs(correlation, collector: collector, named: &named, names: &names,
                                      input: projectionInput)
        }
        let keptCount = named.count
        var sortKeys: [SortKey] = []
        var outputScope = BindScope(columns: columns, label: "the select list")
        for (target, item) in zip(orderTargets, select.orderBy) {
            let key: Expr
            switch target {
            case let .output(index):
                key = .column(named[index].name)
            case let .hidden(expr):
                let type = try expressions.check(expr, against: projectionInput, at: item.expr.location)
                let planName = names.make("__order\(sortKeys.count)")
                named.append(NamedExpr(expr, as: planName))
                outputScope.columns.append(BindScope.Column(qualifier: nil, name: planName, planName: planName,
                                                            type: type))
                key = .column(planName)
            case let .overOutput(e):
                key = try expressions.translate(e, scope: outputScope, clause: "ORDER BY")
            }
            sortKeys.append(SortKey(key, ascending: item.ascending, nullsFirst: item.nullsFirst ?? false))
        }
        plan = .project(named, plan)
        // 5.
        if select.distinct {
            plan = .aggregate(keys: named.map { NamedExpr.column($0.name) }, aggregates: [], plan)
        }
        // 6.
        if !sortKeys.isEmpty {
            for (key, item) in zip(sortKeys, select.orderBy) {
                try expressions.check(key.expr, against: outputScope.schema, at: item.expr.location)
            }
            plan = .sort(sortKeys, plan)
        }
        // 7.
        if select.limit != nil || select.offset != nil {
            let count = try select.limit.map { try constantInteger($0, clause: "LIMIT") } ?? Int(Int64.max)
            let offset = try select.offset.map { try constantInteger($0, clause: "OFFSET") } ?? 0
            plan = .limit(count: count, offset: offset, plan)
        }
        if named.count > keptCount {
            plan = .project(named.prefix(keptCount).map { NamedExpr.column($0.name) }, plan)
        }
        return Relation(plan: plan, scope: BindScope(columns: columns, label: "the subquery"))
    }

    // MARK: - Set operations

    /// `left UNION | INTERSECT | EXCEPT [ALL] right`, then the select's ORDER BY and LIMIT over the result.
    ///
    /// 1. Both sides are bound; their column counts must agree, and each column takes the type both sides' values
    ///    fit (numbers the wider one, date with timestamp a timestamp, anything with text text; an untyped NULL
    ///    the other side's), each side projected to it under the left side's names.
    /// 2. UNION ALL concatenates the sides; UNION groups the concatenation by every column (a hash aggregation,
    ///    which spills, and which treats NULLs as equal as set operations do).
    /// 3. INTERSECT and EXCEPT mark each row with its side, group by every column and keep the groups found on
    ///    both sides (INTERSECT) or on the left only (EXCEPT). With ALL, each side's rows are first numbered
    ///    within their group of equal rows (`row_number()` partitioned by every column), and the number joins the
    ///    group key: the k-th copy of a row survives when the other side has a k-th copy (INTERSECT ALL: min(m, n)
    ///    copies) or has not (EXCEPT ALL: max(m − n, 0) copies).
    private func bindSetOperation(_ operation: SQLSetOperation, select: SQLSelect,
                                  ctes: [String: Relation]) throws -> Relation {
        let left = try bindSelect(operation.left, ctes: ctes)
        let right = try bindSelect(operation.right, ctes: ctes)
        let (l, r) = (left.scope.columns, right.scope.columns)
        guard l.count == r.count else {
            throw expressions.error("set operations can only apply to queries with the same number of result "
                + "columns (\(l.count) and \(r.count))", at: operation.location)
        }
        let leftNulls = Self.nullColumns(left.plan), rightNulls = Self.nullColumns(right.plan)
        var names = UniqueNames()
        var outputs: [BindScope.Column] = []
        for i in l.indices {
            let type: DataType
            if leftNulls.contains(l[i].planName) {
                type = r[i].type
            } else if rightNulls.contains(r[i].planName) {
                type = l[i].type
            } else if let unified = Self.unifyTypes(l[i].type, r[i].type) {
                type = unified
            } else {
                throw expressions.error("\(operation.kind.rawValue) cannot combine column \(i + 1) of types "
                    + "\(l[i].type) and \(r[i].type)", at: operation.location)
            }
            let planName = names.make(l[i].name)
            outputs.append(BindScope.Column(qualifier: nil, name: l[i].name, planName: planName, type: type))
        }
        func side(_ relation: Relation, marker: Int32?) -> LogicalPlan {
            let nulls = Self.nullColumns(relation.plan)
            var named = zip(relation.scope.columns, outputs).map { column, output in
                let value: Expr
                if column.type == output.type {
                    value = .column(column.planName)
                } else if nulls.contains(column.planName) {
                    value = .cast(.literal(.null), output.type)
                } else {
                    value = .cast(.column(column.planName), output.type)
                }
                return NamedExpr(value, as: output.planName)
            }
            if let marker { named.append(NamedExpr(.literal(.int32(marker)), as: "__side")) }
            return .project(named, relation.plan)
        }
        let keys = outputs.map { NamedExpr.column($0.planName) }
        var plan: LogicalPlan
        switch (operation.kind, operation.all) {
        case (.union, true):
            plan = .union([side(left, marker: nil), side(right, marker: nil)])
        case (.union, false):
            plan = .aggregate(keys: keys, aggregates: [], .union([side(left, marker: nil), side(right, marker: nil)]))
        case (.intersect, _), (.except, _):
            func numbered(_ plan: LogicalPlan) -> LogicalPlan {
                guard operation.all else { return plan }
                let number = WindowCall(.rowNumber, [], partitionBy: outputs.map { .column($0.planName) }, orderBy: [],
                                        as: "__copy")
                return .window([number], plan)
            }
            let both = LogicalPlan.union([numbered(side(left, marker: 1)), numbered(side(right, marker: 2))])
            let groupKeys = keys + (operation.all ? [NamedExpr.column("__copy")] : [])
            let onLeft = Expr.caseWhen([Expr.WhenThen(when: .binary(.equal, .column("__side"), .literal(.int32(1))),
                                                      then: .literal(.int32(1)))], otherwise: .literal(.int32(0)))
            let onRight = Expr.caseWhen([Expr.WhenThen(when: .binary(.equal, .column("__side"), .literal(.int32(2))),
                                                       then: .literal(.int32(1)))], otherwise: .literal(.int32(0)))
            let grouped = LogicalPlan.aggregate(keys: groupKeys, aggregates: [
                AggregateCall(.max, [onLeft], as: "__in_left"), AggregateCall(.max, [onRight], as: "__in_right"),
            ], both)
            let rightPresence: Int32 = operation.kind == .intersect ? 1 : 0
            let keep = Expr.binary(.and, .binary(.equal, .column("__in_left"), .literal(.int32(1))),
                                   .binary(.equal, .column("__in_right"), .literal(.int32(rightPresence))))
            plan = .project(keys, .filter(keep, grouped))
        }
        // ORDER BY and LIMIT of the whole: over the output columns (names, ordinals or expressions of them).
        let scope = BindScope(columns: outputs, label: "the \(operation.kind.rawValue) result")
        if !select.orderBy.isEmpty {
            var sortKeys: [SortKey] = []
            for item in select.orderBy {
                let key: Expr
                if case let .literal(.integer(k), location) = item.expr {
                    guard k >= 1, k <= outputs.count else {
                        throw expressions.error("ORDER BY position \(k) is out of range (the result has "
                            + "\(outputs.count) columns)", at: location)
                    }
                    key = .column(outputs[Int(k) - 1].planName)
                } else {
                    key = try expressions.translate(item.expr, scope: scope, clause: "ORDER BY")
                    try expressions.check(key, in: scope, at: item.expr.location)
                }
                sortKeys.append(SortKey(key, ascending: item.ascending, nullsFirst: item.nullsFirst ?? false))
            }
            plan = .sort(sortKeys, plan)
        }
        if select.limit != nil || select.offset != nil {
            let count = try select.limit.map { try constantInteger($0, clause: "LIMIT") } ?? Int(Int64.max)
            let offset = try select.offset.map { try constantInteger($0, clause: "OFFSET") } ?? 0
            plan = .limit(count: count, offset: offset, plan)
        }
        return Relation(plan: plan, scope: scope)
    }

    /// The type both `a` and `b` convert to in a set operation, as DuckDB chooses it; nil when there is none.
    static func unifyTypes(_ a: DataType, _ b: DataType) -> DataType? {
        if a == b { return a }
        // Decimals meet as DuckDB's CASE and COALESCE make them meet: enough integer digits and scale for both.
        if a.isDecimal || b.isDecimal, a != .string, b != .string, let common = DataType.common(a, b) {
            return common
        }
        // A blob with text is a blob (the text parsed as DuckDB's `\xHH` form), as in DuckDB.
        if Set([a, b]) == [.blob, .string] { return .blob }
        if a == .string || b == .string { return .string }
        let numbers: [DataType] = [.bool, .int32, .int64, .float, .double]
        if let i = numbers.firstIndex(of: a), let j = numbers.firstIndex(of: b) { return numbers[max(i, j)] }
        return DataType.commonTemporal(a, b)
    }

    /// The output columns of a bound query that are an untyped NULL literal (`SELECT NULL`).
    private static func nullColumns(_ plan: LogicalPlan) -> Set<String> {
        switch plan {
        case let .limit(_, _, input), let .sort(_, input): return nullColumns(input)
        case let .project(named, input):
            var below = nullColumns(input)
            var result = Set<String>()
            for item in named {
                switch item.expr {
                case .literal(.null): result.insert(item.name)
                case let .column(name) where below.contains(name): result.insert(item.name)
                default: break
                }
            }
            below = result
            return below
        default: return []
        }
    }

    // MARK: - Subqueries

    /// A joiner for subqueries in expressions over `scope`.
    private func subqueryJoiner(scope: BindScope, correlate: Bool, ctes: [String: Relation]) -> SubqueryJoiner {
        SubqueryJoiner(expressions: expressions, scope: scope, correlate: correlate, names: hiddenNames) {
            [self] query, correlation in try bindSelect(query, ctes: ctes, correlation: correlation)
        }
    }

    /// WHERE's conjuncts over `plan`: subqueries become joins (semi and anti joins filter by themselves), the rest a
    /// filter.
    private func applyWhere(_ conjuncts: [SQLExpr], to plan: LogicalPlan, scope: BindScope,
                            ctes: [String: Relation]) throws -> LogicalPlan {
        guard !conjuncts.isEmpty else { return plan }
        let joiner = subqueryJoiner(scope: scope, correlate: true, ctes: ctes)
        var predicates: [(Expr, SourceLocation)] = []
        for conjunct in conjuncts {
            if conjunct.containsSubquery, try joiner.filter(conjunct) { continue }
            let predicate = try expressions.translate(conjunct, scope: scope, clause: "WHERE", hook: joiner.hook)
            predicates.append((predicate, conjunct.location))
        }
        var checked = scope
        checked.columns += joiner.added.map {
            BindScope.Column(qualifier: nil, name: $0.name, planName: $0.name, type: $0.type, qualifiedOnly: true,
                             hiddenFromStar: true)
        }
        for (predicate, location) in predicates {
            let type = try expressions.check(predicate, in: checked, at: location)
            guard type == .bool else {
                throw expressions.error("WHERE needs a boolean condition, not \(type)", at: location)
            }
        }
        var result = joiner.apply(to: plan)
        if let condition = SubqueryJoiner.conjunction(predicates.map(\.0)) { result = .filter(condition, result) }
        return result
    }

    /// Whether a WHERE conjunct of a subquery names a column of the enclosing query (one its own FROM lacks).
    private func readsOuter(_ conjunct: SQLExpr, scope: BindScope, correlation: Correlation) throws -> Bool {
        let outer = BindScope(columns: correlation.outer, label: "the enclosing query")
        return conjunct.columnReferences.contains { reference in
            !scope.hasOwn(reference.name, qualifier: reference.qualifier)
                && !outer.find(reference.name, qualifier: reference.qualifier).isEmpty
        }
    }

    /// Records a correlated WHERE conjunct of a subquery.
    private func correlate(_ conjunct: SQLExpr, scope: BindScope, correlation: Correlation) throws {
        if conjunct.containsSubquery {
            throw expressions.error("a correlated condition holding another subquery is not supported",
                                    at: conjunct.location, code: .unsupported)
        }
        var wide = scope
        wide.outer = correlation.outer
        let expr = try expressions.translate(conjunct, scope: wide, clause: "WHERE")
        let fields = scope.schema.fields + correlation.outer.map { Field($0.planName, $0.type) }
        try requireBool(expr, against: Schema(unchecked: fields), at: conjunct.location, clause: "WHERE")
        correlation.conditions.append((expr, conjunct.location))
    }

    /// Before an aggregating subquery's aggregate is planned: its correlations, which must be `inner = outer`
    /// equalities, become group keys (one group per outer key).
    private func finishCorrelation(_ correlation: Correlation, select: SQLSelect, collector: AggregateCollector?,
                                   windows: Bool) throws {
        let location = correlation.conditions[0].location
        if windows || select.limit != nil || select.offset != nil {
            throw expressions.error("a correlated subquery with window functions, LIMIT or OFFSET is not supported",
                                    at: location, code: .unsupported)
        }
        guard let collector else { return }
        if !select.groupBy.isEmpty {
            throw expressions.error("a correlated subquery with GROUP BY is not supported", at: location,
                                    code: .unsupported)
        }
        for (condition, location) in correlation.conditions {
            guard let (inner, _) = Self.splitEquality(condition) else {
                throw expressions.error("in an aggregating subquery, a condition on the enclosing query's columns must "
                    + "be an equality of an inner and an outer expression", at: location, code: .unsupported)
            }
            try collector.addKey((inner, location))
        }
        correlation.grouped = true
    }

    /// After the select list: the hidden outputs the correlation's join conditions read, and those conditions.
    private func addCorrelationOutputs(_ correlation: Correlation, collector: AggregateCollector?,
                                       named: inout [NamedExpr], names: inout UniqueNames, input: Schema) throws {
        if let collector {
            for (condition, location) in correlation.conditions {
                guard let (inner, outer) = Self.splitEquality(condition), let key = collector.keyName(of: inner) else {
                    throw expressions.error("cannot correlate this condition", at: location, code: .unsupported)
                }
                let name = names.make("__key")
                let type = try expressions.check(.column(key), against: input, at: location)
                named.append(NamedExpr(.column(key), as: name))
                correlation.hiddenColumns.append(Field(name, type))
                correlation.joinConditions.append(.binary(.equal, .column(name), outer))
            }
            return
        }
        var renames: [String: Expr] = [:]
        for (condition, location) in correlation.conditions {
            for column in condition.referencedColumns where Correlation.outerName(column) == nil
                && renames[column] == nil {
                let name = names.make("__corr")
                let type = try expressions.check(.column(column), against: input, at: location)
                named.append(NamedExpr(.column(column), as: name))
                correlation.hiddenColumns.append(Field(name, type))
                renames[column] = .column(name)
            }
        }
        correlation.joinConditions = correlation.conditions.map { $0.expr.substituting(renames) }
    }

    /// `(inner, outer)` for `inner = outer` or `outer = inner`, where one side reads only the subquery's columns
    /// and the other only the enclosing query's.
    private static func splitEquality(_ e: Expr) -> (Expr, Expr)? {
        guard case let .binary(.equal, a, b) = e else { return nil }
        func side(_ x: Expr) -> Bool? {
            let columns = x.referencedColumns
            guard !columns.isEmpty else { return nil }
            let outer = columns.filter { Correlation.outerName($0) != nil }
            if outer.isEmpty { return false }
            return outer.count == columns.count ? true : nil
        }
        switch (side(a), side(b)) {
        case (false?, true?): return (a, b)
        case (true?, false?): return (b, a)
        default: return nil
        }
    }

    /// The source expression a GROUP BY item stands for.
    private func groupKeyExpression(_ item: SQLExpr, items: [SQLSelectItem], scope: BindScope,
                                    joiner: SubqueryJoiner?) throws -> (Expr, SourceLocation) {
        var target = item
        if case let .literal(.integer(k), location) = item {
            guard k >= 1, k <= items.count, case let .expr(e, _) = items[Int(k) - 1] else {
                throw expressions.error(
                    "GROUP BY position \(k) is out of range or not an expression of the select list", at: location)
            }
            target = e
        } else if case let .column(nil, name, _) = item, scope.find(name, qualifier: nil).isEmpty {
            for case let .expr(e, alias?) in items where alias.lowercased() == name.lowercased() {
                target = e
                break
            }
        }
        if ExpressionBinder.containsAggregate(target) {
            throw expressions.error("aggregate functions are not allowed in GROUP BY", at: target.location)
        }
        let expr = try expressions.translate(target, scope: scope, clause: "GROUP BY", hook: joiner?.hook)
        try expressions.check(expr, against: joiner?.schema ?? scope.schema, at: target.location)
        return (expr, target.location)
    }

    private func requireBool(_ e: Expr, against schema: Schema, at location: SourceLocation, clause: String) throws {
        let type = try expressions.check(e, against: schema, at: location)
        guard type == .bool else {
            throw expressions.error("\(clause) needs a boolean condition, not \(type)", at: location)
        }
    }

    private func constantInteger(_ e: SQLExpr, clause: String) throws -> Int {
        let expr = try expressions.translate(e, scope: BindScope(columns: [], label: clause), clause: clause)
        switch expr {
        case let .literal(.int32(v)) where v >= 0: return Int(v)
        case let .literal(.int64(v)) where v >= 0: return Int(v)
        default: throw expressions.error("\(clause) must be a non-negative integer constant", at: e.location)
        }
    }

    // MARK: - FROM

    private func bindFrom(_ ref: SQLTableRef?, ctes: [String: Relation]) throws -> Relation {
        guard let ref else {
            let schema = Schema(unchecked: [Field("__row", .bool)])
            return Relation(plan: .values(schema, [[.bool(true)]]), scope: BindScope(columns: [], label: "no FROM"))
        }
        switch ref {
        case let .table(name, alias, location):
            if let cte = ctes[name.lowercased()] {
                return requalified(cte, as: alias ?? name)
            }
            var tableName = name
            var schema = try catalog.tableSchema(name)
            if schema == nil,
               let match = try catalog.tableNames().first(where: { $0.lowercased() == name.lowercased() }) {
                tableName = match
                schema = try catalog.tableSchema(match)
            }
            guard let schema else {
                var message = "table \"\(name)\" does not exist"
                if let hint = BindScope.closest(to: name, among: try catalog.tableNames() + ctes.keys.sorted()) {
                    message += "; did you mean \"\(hint)\"?"
                }
                throw expressions.error(message, at: location, code: .notFound)
            }
            let columns = schema.fields.map {
                BindScope.Column(qualifier: alias ?? tableName, name: $0.name, planName: $0.name, type: $0.type)
            }
            return Relation(plan: .scan(table: tableName, columns: nil),
                            scope: BindScope(columns: columns, label: "table \(tableName)"))
        case let .versionedTable(name, version, alias, location):
            let table = try existingTable(name, at: location)
            let (reference, schema) = try catalog.tableVersion(table, version: version)
            let columns = schema.fields.map {
                BindScope.Column(qualifier: alias ?? table, name: $0.name, planName: $0.name, type: $0.type)
            }
            return Relation(plan: .scan(table: reference, columns: nil),
                            scope: BindScope(columns: columns, label: "table \(table) at version \(version)"))
        case let .function(name, arguments, alias, location):
            return try bindTableFunction(name, arguments, alias: alias, at: location)
        case let .file(path, alias, location):
            return try bindFile(path, alias: alias, at: location)
        case let .show(show):
            return try bindShow(show, ctes: ctes)
        case let .subquery(select, alias, _):
            var relation = try bindSelect(select, ctes: ctes)
            relation.scope.label = alias.map { "subquery \($0)" } ?? "the subquery"
            return requalified(relation, as: alias)
        case let .join(join):
            return try bindJoin(join, ctes: ctes)
        }
    }

    /// Binds `left JOIN right` (see step 1).
    private func bindJoin(_ join: SQLJoin, ctes: [String: Relation]) throws -> Relation {
        let left = try bindFrom(join.left, ctes: ctes)
        var right = try bindFrom(join.right, ctes: ctes)
        let leftTables = Set(left.scope.columns.compactMap { $0.qualifier?.lowercased() })
        for column in right.scope.columns {
            guard let qualifier = column.qualifier, leftTables.contains(qualifier.lowercased()) else { continue }
            throw expressions.error("duplicate alias \"\(qualifier)\" in FROM; give one of the tables another name "
                + "with AS", at: join.location)
        }
        // Unique plan names across both sides.
        var names = UniqueNames()
        for column in left.scope.columns { _ = names.make(column.planName) }
        var renamed = false
        var projection: [NamedExpr] = []
        for i in right.scope.columns.indices {
            let old = right.scope.columns[i].planName
            let new = names.make(old)
            renamed = renamed || new != old
            projection.append(NamedExpr(.column(old), as: new))
            right.scope.columns[i].planName = new
        }
        if renamed { right.plan = .project(projection, right.plan) }
        let kind: JoinKind = switch join.kind {
        case .inner, .cross: .inner
        case .left: .left
        case .right: .right
        case .full: .full
        }
        var combined = BindScope(columns: left.scope.columns + right.scope.columns,
                                 label: "\(left.scope.label), \(right.scope.label)")
        var using: [(String, SourceLocation)]?
        if join.natural {
            let rightNames = Set(right.scope.columns.filter { !$0.qualifiedOnly }.map { $0.name.lowercased() })
            using = left.scope.columns.filter { !$0.qualifiedOnly && rightNames.contains($0.name.lowercased()) }
                .map { ($0.name, join.location) }
        } else if case let .using(names) = join.condition {
            using = names
        }
        guard let using else {
            var condition: Expr?
            if case let .on(e) = join.condition {
                let translated = try expressions.translate(e, scope: combined, clause: "ON")
                let type = try expressions.check(translated, in: combined, at: e.location)
                guard type == .bool else {
                    throw expressions.error("ON needs a boolean condition, not \(type)", at: e.location)
                }
                condition = translated
            }
            return Relation(plan: .join(kind, left.plan, right.plan, on: condition), scope: combined)
        }
        // USING / NATURAL.
        var condition: Expr?
        var merged: [(left: String, right: String, column: BindScope.Column)] = []
        for (name, location) in using {
            func side(_ scope: BindScope, _ which: String) throws -> BindScope.Column {
                let found = scope.find(name, qualifier: nil)
                guard found.count == 1, let column = found.first else {
                    throw expressions.error(found.isEmpty
                        ? "column \"\(name)\" named in USING is not in the \(which) side of the join"
                        : "column \"\(name)\" named in USING is ambiguous in the \(which) side of the join",
                        at: location, code: found.isEmpty ? .notFound : .invalidArgument)
                }
                return column
            }
            let l = try side(left.scope, "left"), r = try side(right.scope, "right")
            let equal = Expr.binary(.equal, .column(l.planName), .column(r.planName))
            try expressions.check(equal, in: combined, at: location)
            condition = condition.map { .binary(.and, $0, equal) } ?? equal
            merged.append((l.planName, r.planName, l))
        }
        var plan = LogicalPlan.join(kind, left.plan, right.plan, on: condition)
        var extra: [NamedExpr] = []
        var columns: [BindScope.Column] = []
        let usingLeft = Set(merged.map(\.left)), usingRight = Set(merged.map(\.right))
        for column in left.scope.columns {
            if usingLeft.contains(column.planName), let entry = merged.first(where: { $0.left == column.planName }) {
                var shown = entry.column
                shown.qualifier = nil
                switch kind {
                case .right:
                    shown.planName = entry.right
                case .full:
                    let value = Expr.caseWhen([Expr.WhenThen(when: .isNull(.column(entry.left), negated: true),
                                                             then: .column(entry.left))],
                                              otherwise: .column(entry.right))
                    shown.planName = names.make("__using_\(column.name)")
                    shown.type = try expressions.check(value, against: combined.schema, at: join.location)
                    extra.append(NamedExpr(value, as: shown.planName))
                default:
                    break
                }
                columns.append(shown)
                var own = column
                own.qualifiedOnly = true
                own.hiddenFromStar = true
                columns.append(own)
            } else {
                columns.append(column)
            }
        }
        for column in right.scope.columns {
            var own = column
            if usingRight.contains(column.planName) {
                own.qualifiedOnly = true
                own.hiddenFromStar = true
            }
            columns.append(own)
        }
        if !extra.isEmpty {
            plan = .project(combined.columns.map { NamedExpr.column($0.planName) } + extra, plan)
        }
        combined.columns = columns
        return Relation(plan: plan, scope: combined)
    }

    /// `relation` as a FROM source called `qualifier`: its columns reached as `qualifier.name`, duplicate names
    /// made unique as DuckDB does (`k`, `k_1`).
    func requalified(_ relation: Relation, as qualifier: String?) -> Relation {
        var copy = relation
        var names = UniqueNames()
        for i in copy.scope.columns.indices {
            copy.scope.columns[i].qualifier = qualifier
            copy.scope.columns[i].name = names.make(copy.scope.columns[i].name)
        }
        return copy
    }

    /// `FROM 'path'`: the file read by the table function its extension names, as DuckDB's replacement scans do
    /// (`.parquet` by read_parquet; `.csv`, `.tsv`, `.txt` and `.tbl`, also gzip- or zstd-compressed, by
    /// read_csv), qualified by its name without folder and extensions unless an alias is given.
    private func bindFile(_ path: String, alias: String?, at location: SourceLocation) throws -> Relation {
        var name = path.split(separator: "/").last.map(String.init) ?? path
        var lowered = name.lowercased()
        for compression in [".gz", ".zst"] where lowered.hasSuffix(compression) {
            lowered.removeLast(compression.count)
        }
        let function: String
        if lowered.hasSuffix(".parquet") {
            function = "read_parquet"
        } else if [".csv", ".tsv", ".txt", ".tbl"].contains(where: { lowered.hasSuffix($0) }) {
            function = "read_csv"
        } else {
            throw expressions.error("cannot tell how to read '\(path)' from its extension; name a reader: "
                + "read_parquet('…'), read_csv('…') or delta_scan('…')", at: location)
        }
        if let dot = name.firstIndex(of: "."), dot > name.startIndex { name = String(name[..<dot]) }
        return try bindTableFunction(function, [.literal(.string(path), location)], alias: alias ?? name,
                                     at: location)
    }

    private func bindTableFunction(_ name: String, _ arguments: [SQLExpr], alias: String?,
                                   at location: SourceLocation) throws -> Relation {
        let lowered = name.lowercased()
        var positional: [Value] = []
        var options: [String: Value] = [:]
        for argument in arguments {
            if case let .binary(.equal, .column(nil, key, _), value, _) = argument {
                options[key.lowercased()] = try constant(value)
            } else {
                positional.append(try constant(argument))
            }
        }
        guard positional.count == 1, case let .string(path) = positional[0] else {
            throw expressions.error("\(lowered) needs one path string argument", at: location)
        }
        let files: (paths: [String], schema: Schema)
        let label = "\(lowered)('\(path)')"
        do {
            switch lowered {
            case "read_parquet", "parquet_scan":
                guard options.isEmpty else {
                    throw expressions.error("read_parquet takes no options", at: location)
                }
                files = try catalog.parquetFiles(path)
            case "read_csv", "read_csv_auto":
                files = try catalog.csvFile(path, options: options)
            case "delta_scan", "read_delta":
                var version: Int?
                for (key, value) in options {
                    let number: Int64? = switch value {
                    case let .int64(number): number
                    case let .int32(number): Int64(number)
                    default: nil
                    }
                    guard key == "version", let number, number >= 0 else {
                        throw expressions.error("\(lowered) takes one option, version = <number>", at: location)
                    }
                    version = Int(number)
                }
                files = try catalog.deltaTable(path, version: version)
            default:
                throw expressions.error("unknown table function \(name); use read_parquet, read_csv or delta_scan",
                                        at: location, code: .notFound)
            }
        } catch let error as StrataError where error.line == nil {
            throw expressions.error(error.description, at: location, code: error.code)
        }
        let columns = files.schema.fields.map {
            BindScope.Column(qualifier: alias ?? lowered, name: $0.name, planName: $0.name, type: $0.type)
        }
        return Relation(plan: .parquet(paths: files.paths, label: label),
                        scope: BindScope(columns: columns, label: label))
    }

    /// A constant argument's value.
    private func constant(_ e: SQLExpr) throws -> Value {
        let expr = try expressions.translate(e, scope: BindScope(columns: [], label: "table function arguments"),
                                             clause: "table function arguments")
        switch expr {
        case let .literal(value): return value
        case .cast(.literal(.null), _): return .null
        default: throw expressions.error("table function arguments must be constants", at: e.location)
        }
    }
}

/// Unique plan names for output columns: the user's name when free, else `name_1`, `name_2`, ….
struct UniqueNames {
    private var used = Set<String>()

    /// A name not handed out before, based on `name`.
    mutating func make(_ name: String) -> String {
        var candidate = name.isEmpty ? "column" : name
        var n = 0
        while used.contains(candidate) {
            n += 1
            candidate = "\(name)_\(n)"
        }
        used.insert(candidate)
        return candidate
    }
}
