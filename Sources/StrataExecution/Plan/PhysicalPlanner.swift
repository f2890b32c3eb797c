import StrataCore
import StrataStorage

/// Compiles an optimized ``LogicalPlan`` into a tree of physical operators, one case per logical node.
///
/// 1. The walk goes down with the set of columns the parent needs (nil: all of them), so each scan reads only the
///    columns something above it uses (projection pushdown) and projections drop outputs nobody reads; a batch
///    always keeps at least one column, which carries its row count.
/// 2. Filters directly above a scan become its row-group pruning predicate too (predicate pushdown).
/// 3. Operators are built bottom-up, each bound against the schema its input produces, with the planner's
///    estimate of its output rows (a scan knows its rows after pruning; a filter keeps a fifth; an equi-join gives
///    its larger input; an aggregate at most its input).
/// 4. LIMIT directly above ORDER BY becomes a top-N sort; a join builds its hash table on the smaller input;
///    window calls become one window operator per distinct PARTITION BY and ORDER BY.
package struct PhysicalPlanner {
    /// The query's shared resources.
    package let context: ExecutionContext
    /// Resolves a table name to the snapshot the query reads.
    package let resolve: (String) throws -> TableSnapshot

    /// A planner for one query.
    package init(context: ExecutionContext, resolve: @escaping (String) throws -> TableSnapshot) {
        self.context = context
        self.resolve = resolve
    }

    /// The operators of `plan`, under the result sink.
    package func plan(_ plan: LogicalPlan) throws -> ResultSink {
        ResultSink(try build(plan, required: nil))
    }

    /// The share of rows a filter is assumed to keep.
    static let filterSelectivity = 0.2

    private func build(_ node: LogicalPlan, required: Set<String>?) throws -> any PhysicalOperator {
        switch node {
        case .scan, .parquet, .values:
            return try scan(node, required: required, filters: [])
        case let .filter(predicate, input):
            var filters = [predicate]
            var below = input
            while case let .filter(inner, rest) = below {
                filters.append(inner)
                below = rest
            }
            let needed = required.map { $0.union(filters.flatMap(\.referencedColumns)) }
            var child: any PhysicalOperator
            switch below {
            case .scan, .parquet, .values: child = try scan(below, required: needed, filters: filters)
            case let .window(calls, input):
                child = try window(calls, input, required: needed, rowLimits: PhysicalPlanner.rowLimits(filters))
            default: child = try build(below, required: needed)
            }
            for filter in filters.reversed() {
                child = try Filter(filter, over: child, estimatedRows: PhysicalPlanner.filtered(child))
            }
            return child
        case let .project(named, input):
            var kept = named
            if let required {
                kept = named.filter { required.contains($0.name) }
                if kept.isEmpty, let first = named.first { kept = [first] }
            }
            let child = try build(input, required: Set(kept.flatMap(\.expr.referencedColumns)))
            return try Projection(kept, over: child, estimatedRows: child.metrics.estimatedRows)
        case let .aggregate(keys, calls, input):
            var needed = Set(keys.flatMap(\.expr.referencedColumns))
            for call in calls { needed.formUnion(call.arguments.flatMap(\.referencedColumns)) }
            let child = try build(input, required: needed)
            let estimate = keys.isEmpty ? 1 : child.metrics.estimatedRows
            return try HashAggregate(keys: keys, aggregates: calls, over: child, context: context,
                                     estimatedRows: estimate)
        case let .sort(keys, input):
            return try sort(keys, limit: nil, input, required: required)
        case let .limit(count, offset, .sort(keys, input)):
            return try sort(keys, limit: (count, offset), input, required: required)
        case let .limit(count, offset, input):
            return try Limit(count: count, offset: offset, over: try build(input, required: required))
        case let .join(kind, left, right, condition):
            return try join(kind, left, right, condition, required: required)
        case let .window(calls, input):
            return try window(calls, input, required: required)
        case let .union(inputs):
            return try union(inputs, required: required)
        }
    }

    /// UNION ALL: every input built for the same columns, each projected to the first one's column order.
    private func union(_ inputs: [LogicalPlan], required: Set<String>?) throws -> any PhysicalOperator {
        var children = try inputs.map { try build($0, required: required) }
        guard let first = children.first else { throw StrataError(.internal, "a union without inputs") }
        let names = first.schema.fields.map(\.name)
        for i in children.indices where children[i].schema.fields.map(\.name) != names {
            children[i] = try Projection(names.map { NamedExpr.column($0) }, over: children[i],
                                         estimatedRows: children[i].metrics.estimatedRows)
        }
        return try UnionAll(children)
    }

    /// The largest value each column may take under the conjuncts of `filters` that bound it by an integer
    /// constant (`rn <= 2`, `rn < 3`, `rn = 1`, `2 >= rn`).
    static func rowLimits(_ filters: [Expr]) -> [String: Int] {
        var limits: [String: Int] = [:]
        func integer(_ e: Expr) -> Int? {
            switch e {
            case let .literal(.int32(v)): Int(v)
            case let .literal(.int64(v)): Int(exactly: v)
            default: nil
            }
        }
        for conjunct in filters.flatMap(PlanOptimizer.conjuncts) {
            guard case let .binary(op, a, b) = conjunct else { continue }
            var column: String?, limit: Int?
            switch (op, a, b) {
            case let (.lessOrEqual, .column(c), v): (column, limit) = (c, integer(v))
            case let (.less, .column(c), v): (column, limit) = (c, integer(v).map { $0.subtractingReportingOverflow(1).partialValue })
            case let (.equal, .column(c), v) where integer(v) == 1: (column, limit) = (c, 1)
            case let (.equal, v, .column(c)) where integer(v) == 1: (column, limit) = (c, 1)
            case let (.greaterOrEqual, v, .column(c)): (column, limit) = (c, integer(v))
            case let (.greater, v, .column(c)): (column, limit) = (c, integer(v).map { $0.subtractingReportingOverflow(1).partialValue })
            default: break
            }
            if let column, let limit { limits[column] = min(limits[column] ?? Int.max, limit) }
        }
        return limits
    }

    /// Window calls, one ``Window`` operator per distinct PARTITION BY and ORDER BY (in the order they first
    /// appear), each passing its input's columns on; calls nobody reads are dropped. When a filter above keeps
    /// only the first k rows of a window whose calls are all `row_number` (`rowLimits`), that window goes last
    /// and a ``TopKPrefilter`` below it drops the rows that cannot be among them.
    private func window(_ calls: [WindowCall], _ input: LogicalPlan, required: Set<String>?,
                        rowLimits: [String: Int] = [:]) throws -> any PhysicalOperator {
        let used = calls.filter { required?.contains($0.name) ?? true }
        let names = Set(calls.map(\.name))
        var needed = required.map { $0.subtracting(names) }
        for call in used {
            needed?.formUnion(call.arguments.flatMap(\.referencedColumns))
            needed?.formUnion(call.partitionBy.flatMap(\.referencedColumns))
            needed?.formUnion(call.orderBy.flatMap(\.expr.referencedColumns))
        }
        var child = try build(input, required: needed)
        var groups: [[WindowCall]] = []
        for call in used {
            if let index = groups.firstIndex(where: { $0[0].partitionBy == call.partitionBy && $0[0].orderBy == call.orderBy }) {
                groups[index].append(call)
            } else {
                groups.append([call])
            }
        }
        // The window a row limit applies to, moved last: the rows it drops are gone for no other window.
        var limited: (group: [WindowCall], k: Int)?
        if let index = groups.firstIndex(where: { group in
            group.allSatisfy { $0.function == .rowNumber } && group.contains { rowLimits[$0.name] != nil }
        }) {
            let group = groups.remove(at: index)
            let k = group.compactMap { rowLimits[$0.name] }.min() ?? Int.max
            groups.append(group)
            limited = (group, k)
        }
        for group in groups {
            if let limited, group == limited.group, limited.k >= 1, limited.k <= 1 << 16 {
                let partitionTypes = try group[0].partitionBy.map { try $0.bind(to: child.schema).type }
                var orderKeys: [SortKeyEncoder.Key] = []
                for key in group[0].orderBy {
                    orderKeys.append(.init(type: try key.expr.bind(to: child.schema).type, ascending: key.ascending,
                                           nullsFirst: key.nullsFirst))
                }
                if TopKPrefilter.fits(partitionTypes: partitionTypes, orderKeys: orderKeys) {
                    child = try TopKPrefilter(k: limited.k, partitionBy: group[0].partitionBy,
                                              orderBy: group[0].orderBy, over: child, context: context)
                }
            }
            child = try Window(group, over: child, context: context, estimatedRows: child.metrics.estimatedRows)
        }
        return child
    }

    /// A hash join: equality conjuncts between the two sides become its keys (cast to common types), the rest its
    /// residual condition; the smaller input (by estimate) is hashed, except for semi, anti and mark joins, which
    /// hash their right input; only the columns something needs are carried.
    private func join(_ kind: JoinKind, _ left: LogicalPlan, _ right: LogicalPlan, _ condition: Expr?,
                      required: Set<String>?) throws -> any PhysicalOperator {
        let leftNames = try columns(of: left), rightNames = try columns(of: right)
        let leftSet = Set(leftNames), rightSet = Set(rightNames)
        var leftKeys: [Expr] = [], rightKeys: [Expr] = [], rest: [Expr] = []
        for conjunct in condition.map(PlanOptimizer.conjuncts) ?? [] {
            if case let .binary(.equal, a, b) = conjunct {
                let ra = Set(a.referencedColumns), rb = Set(b.referencedColumns)
                if !ra.isEmpty, !rb.isEmpty, ra.isSubset(of: leftSet), rb.isSubset(of: rightSet) {
                    leftKeys.append(a)
                    rightKeys.append(b)
                    continue
                }
                if !ra.isEmpty, !rb.isEmpty, rb.isSubset(of: leftSet), ra.isSubset(of: rightSet) {
                    leftKeys.append(b)
                    rightKeys.append(a)
                    continue
                }
            }
            rest.append(conjunct)
        }
        let residual = rest.isEmpty ? nil : rest.dropFirst().reduce(rest[0]) { .binary(.and, $0, $1) }
        if case .mark(_, true) = kind, leftKeys.count != 1 || residual != nil {
            throw StrataError(.unsupported, "a mark join with IN semantics needs one equality and nothing else")
        }
        let keepsRight = kind.keepsRightColumns
        var outputLeft = leftNames.filter { required?.contains($0) ?? true }
        let outputRight = keepsRight ? rightNames.filter { required?.contains($0) ?? true } : []
        var markName: String?
        if case let .mark(column, _) = kind { markName = column }
        // Something must carry the row count: a column read anyway for the keys when there is one.
        if outputLeft.isEmpty && outputRight.isEmpty && markName == nil,
           let first = leftKeys.flatMap(\.referencedColumns).first ?? leftNames.first {
            outputLeft = [first]
        }
        let residualColumns = residual?.referencedColumns ?? []
        var needLeft = Set(outputLeft).union(leftKeys.flatMap(\.referencedColumns))
        needLeft.formUnion(residualColumns.filter(leftSet.contains))
        var needRight = Set(outputRight).union(rightKeys.flatMap(\.referencedColumns))
        needRight.formUnion(residualColumns.filter(rightSet.contains))
        let l = try build(left, required: needLeft), r = try build(right, required: needRight)
        // Keys of both sides in one type, so equal values encode to equal bytes.
        for i in leftKeys.indices {
            let a = try leftKeys[i].bind(to: l.schema).type, b = try rightKeys[i].bind(to: r.schema).type
            guard a != b else { continue }
            guard let common = PhysicalPlanner.commonKeyType(a, b) else {
                throw StrataError(.invalidArgument, "cannot join on \(leftKeys[i]) = \(rightKeys[i]): \(a) and \(b) do not compare")
            }
            if a != common { leftKeys[i] = .cast(leftKeys[i], common) }
            if b != common { rightKeys[i] = .cast(rightKeys[i], common) }
        }
        let leftRows = l.metrics.estimatedRows ?? Int.max, rightRows = r.metrics.estimatedRows ?? Int.max
        let buildIsLeft: Bool
        switch kind {
        case .semi, .anti, .mark: buildIsLeft = false
        default: buildIsLeft = leftRows < rightRows
        }
        let (probe, hashed) = buildIsLeft ? (r, l) : (l, r)
        let (probeKeys, buildKeys) = buildIsLeft ? (rightKeys, leftKeys) : (leftKeys, rightKeys)
        let buildNames = hashed.schema.fields.map(\.name)
        let buildOutput = buildIsLeft ? outputLeft : outputRight
        var payload: [Int] = []
        for (index, name) in buildNames.enumerated()
            where buildOutput.contains(name) || residualColumns.contains(name) { payload.append(index) }
        // Without keys or payload the build rows would have no column to be counted by (a cross join whose
        // right side only multiplies the left rows): carry one.
        if payload.isEmpty && buildKeys.isEmpty && !buildNames.isEmpty { payload = [0] }
        func source(_ name: String, fromLeft: Bool) throws -> JoinOutputColumn {
            if fromLeft != buildIsLeft {
                guard let index = probe.schema.index(of: name) else {
                    throw StrataError(.internal, "join input lacks column \(name)")
                }
                return .probe(index)
            }
            guard let index = buildNames.firstIndex(of: name), let position = payload.firstIndex(of: index) else {
                throw StrataError(.internal, "join input lacks column \(name)")
            }
            return .build(buildKeys.count + position)
        }
        var output: [JoinOutputColumn] = []
        for name in outputLeft { output.append(try source(name, fromLeft: true)) }
        for name in outputRight { output.append(try source(name, fromLeft: false)) }
        if markName != nil { output.append(.mark) }
        var estimate: Int?
        if leftRows != Int.max, rightRows != Int.max {
            switch kind {
            case .semi, .anti, .mark: estimate = leftRows
            default:
                estimate = leftKeys.isEmpty ? leftRows.multipliedReportingOverflow(by: rightRows).partialValue
                    : max(leftRows, rightRows)
            }
        }
        let keysText = zip(leftKeys, rightKeys).map { "\($0) = \($1)" }
        var text = "\(kind)"
        if !keysText.isEmpty { text += " keys [\(keysText.joined(separator: ", "))]" }
        if let residual { text += " on \(residual)" }
        if keysText.isEmpty && residual == nil { text += " (cross product)" }
        text += ", build \(buildIsLeft ? "left" : "right")"
        return try HashJoin(probe: probe, build: hashed, semantics: JoinSemantics(kind, buildIsLeft: buildIsLeft),
                            probeKeys: probeKeys, buildKeys: buildKeys, payload: payload, residual: residual,
                            output: output, names: outputLeft + outputRight + (markName.map { [$0] } ?? []),
                            description: text, context: context, estimatedRows: estimate)
    }

    /// The type both sides of a join key are cast to, or nil when they do not compare.
    static func commonKeyType(_ a: DataType, _ b: DataType) -> DataType? {
        if a == b { return a }
        if a.isDecimal || b.isDecimal { return ExprBinder.commonType(a, b) }
        let integers: Set<DataType> = [.int32, .int64]
        let numbers: Set<DataType> = [.int32, .int64, .float, .double]
        if integers.contains(a) && integers.contains(b) { return .int64 }
        if numbers.contains(a) && numbers.contains(b) { return .double }
        return DataType.commonTemporal(a, b)
    }

    /// The output column names of `node`.
    private func columns(of node: LogicalPlan) throws -> [String] {
        try node.columnNames { try resolve($0).schema }
    }

    private func sort(_ keys: [SortKey], limit: (count: Int, offset: Int)?, _ input: LogicalPlan,
                      required: Set<String>?) throws -> any PhysicalOperator {
        let child = try build(input, required: required.map { $0.union(keys.flatMap(\.expr.referencedColumns)) })
        var estimate = child.metrics.estimatedRows
        if let limit, let rows = estimate { estimate = min(rows, limit.count) }
        return try Sort(keys, limit: limit, over: child, context: context, estimatedRows: estimate)
    }

    /// The scan of a leaf, reading the `required` columns (all when nil) and pruning row groups with `filters`.
    private func scan(_ leaf: LogicalPlan, required: Set<String>?, filters: [Expr]) throws -> any PhysicalOperator {
        let source: ScanSource
        var visible: Schema
        switch leaf {
        case let .scan(name, columns):
            source = ScanSource(snapshot: try resolve(name))
            visible = source.schema
            if let columns {
                var fields: [Field] = []
                for column in columns {
                    guard let index = source.schema.index(of: column) else {
                        throw StrataError(.notFound, "column \"\(column)\" not found in table \(source.name)",
                                          column: column)
                    }
                    fields.append(source.schema.fields[index])
                }
                visible = try Schema(fields)
            }
        case let .parquet(paths, label):
            source = try ScanSource(parquetFiles: paths, name: label)
            visible = source.schema
        case let .values(schema, rows):
            var builders = schema.fields.map { ColumnBuilder(type: $0.type, capacity: rows.count) }
            for row in rows {
                guard row.count == builders.count else {
                    throw StrataError(.invalidArgument, "a VALUES row has \(row.count) values, expected \(builders.count)")
                }
                for (i, value) in row.enumerated() { try builders[i].append(value) }
            }
            source = ScanSource(name: "values (\(rows.count) rows)", schema: schema,
                                kind: .rows(try Batch(schema: schema, columns: builders.map { $0.finish() })))
            visible = schema
        default:
            throw StrataError(.internal, "not a scan: \(leaf)")
        }
        var columns = visible.fields.map(\.name).filter { required?.contains($0) ?? true }
        // A scan must read at least one column to know its row counts (count(*) reads the narrowest one).
        if columns.isEmpty, let narrowest = PhysicalPlanner.narrowest(visible) { columns = [narrowest] }
        let scanSchema = Schema(unchecked: columns.compactMap { name in visible.fields.first { $0.name == name } })
        return try TableScan(source, columns: columns,
                             pruning: PruningPredicate.derive(from: filters, schema: scanSchema),
                             memoryBudget: context.pool.limit)
    }

    private static func narrowest(_ schema: Schema) -> String? {
        let widths: [DataType: Int] = [.bool: 1, .int32: 4, .date: 4, .float: 4, .int64: 8, .timestamp: 8, .double: 8]
        return schema.fields.min { (widths[$0.type] ?? 16) < (widths[$1.type] ?? 16) }?.name
    }

    /// The estimate for a filter over `child`.
    static func filtered(_ child: any PhysicalOperator) -> Int? {
        child.metrics.estimatedRows.map { max(1, Int((Double($0) * filterSelectivity).rounded(.up))) }
    }
}
