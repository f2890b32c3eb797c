import StrataCore
import StrataStorage

/// A ``LogicalPlan`` bound to a table snapshot and to types: what the executor runs.
///
/// Compilation:
/// 1. Peel a final projection, LIMIT and ORDER BY off the top.
/// 2. Walk down through filters and projections to an optional aggregate, and below it to the source. Anything
///    else met on the way (a second aggregate, a sort or limit) is compiled as a plan of its own whose result is
///    materialised and becomes this plan's source.
/// 3. Bind the operators bottom-up, each against the schema its input produces.
/// 4. Work out which table columns anything reads (projection pushdown) and which filters right above the scan
///    can prune row groups by their statistics (predicate pushdown).
package struct PhysicalPlan: Sendable {
    /// The aggregate step.
    package struct Aggregate: Sendable {
        /// Key expressions, over the output of ``PhysicalPlan/preOperators``.
        package var keys: [BoundExpr]
        /// Key output fields.
        package var keyFields: [Field]
        /// Per aggregate, its argument expressions.
        package var arguments: [[BoundExpr]]
        /// The aggregates.
        package var specs: [AggregateSpec]
        /// The logical form, for explain output.
        package var calls: [AggregateCall]
        /// Key names, for explain output.
        package var keyNames: [NamedExpr]
    }

    /// Where the scanned rows come from.
    package let source: ScanSource
    /// Table columns read, in table order.
    package let scanColumns: [String]
    /// The schema of scanned batches.
    package let scanSchema: Schema
    /// The row-group pruning predicate.
    package let pruning: ScanPredicate?
    /// Operators applied to scanned batches.
    package let preOperators: [StreamOperator]
    /// The aggregate, if any.
    package let aggregate: Aggregate?
    /// Operators applied to aggregate results.
    package let postOperators: [StreamOperator]
    /// ORDER BY keys (bound over the sort input) with their logical form.
    package let sort: [(BoundExpr, SortKey)]
    /// LIMIT / OFFSET.
    package let limit: (count: Int, offset: Int)?
    /// A projection applied last, after ORDER BY and LIMIT (it drops sort keys that are not selected).
    package let finalProjection: StreamOperator?
    /// The result schema.
    package let outputSchema: Schema

    /// Compiles `plan`, resolving table names with `resolve`.
    package init(_ plan: LogicalPlan, resolve: (String) throws -> TableSnapshot) throws {
        var node = plan
        var limit: (Int, Int)?
        var sortKeys: [SortKey] = []
        var final: [NamedExpr]?
        if case let .project(named, inner) = node {
            switch inner {
            case .sort, .limit:
                final = named
                node = inner
            default: break
            }
        }
        if case let .limit(count, offset, inner) = node {
            guard count >= 0, offset >= 0 else {
                throw StrataError(.invalidArgument, "LIMIT and OFFSET must not be negative")
            }
            limit = (count, offset)
            node = inner
        }
        if case let .sort(keys, inner) = node {
            sortKeys = keys
            node = inner
        }
        // 2. Operators above the aggregate, then the aggregate, then below it; collected top-down.
        var upper: [LogicalPlan] = []
        var lower: [LogicalPlan] = []
        var aggregateNode: (keys: [NamedExpr], calls: [AggregateCall])?
        var source: ScanSource?
        var tableColumns: [String]?
        walk: while true {
            switch node {
            case let .filter(_, inner), let .project(_, inner):
                if aggregateNode == nil { upper.append(node) } else { lower.append(node) }
                node = inner
            case let .aggregate(keys, calls, inner) where aggregateNode == nil:
                aggregateNode = (keys, calls)
                node = inner
            case let .scan(name, columns):
                source = ScanSource(snapshot: try resolve(name))
                tableColumns = columns
                break walk
            case let .parquet(paths, label):
                source = try ScanSource(parquetFiles: paths, name: label)
                break walk
            case let .values(schema, rows):
                var builders = schema.fields.map { ColumnBuilder(type: $0.type, capacity: rows.count) }
                for row in rows {
                    guard row.count == builders.count else {
                        throw StrataError(.invalidArgument,
                                          "a VALUES row has \(row.count) values, expected \(builders.count)")
                    }
                    for (i, value) in row.enumerated() { try builders[i].append(value) }
                }
                source = ScanSource(name: "values (\(rows.count) rows)", schema: schema,
                                    kind: .rows(try Batch(schema: schema, columns: builders.map { $0.finish() })))
                break walk
            case .aggregate, .sort, .limit:
                let child = try PhysicalPlan(node, resolve: resolve)
                source = ScanSource(name: "materialized subquery", schema: child.outputSchema,
                                    kind: .materialized(child))
                break walk
            }
        }
        if aggregateNode == nil { swap(&upper, &lower) }
        guard let source else { throw StrataError(.internal, "a plan without a source") }
        self.source = source
        let tableSchema = source.schema
        let table = source.name
        var visible = tableSchema
        if let tableColumns {
            var fields: [Field] = []
            for name in tableColumns {
                guard let index = tableSchema.index(of: name) else {
                    throw StrataError(.notFound, "column \"\(name)\" not found in table \(table)", column: name)
                }
                fields.append(tableSchema.fields[index])
            }
            visible = try Schema(fields)
        }
        // 4. Columns read: referenced by any operator below the aggregate, by the aggregate, or (without an
        //    aggregate or projection) all visible ones.
        let below = Array(lower.reversed())
        var referenced = Set<String>()
        var projectsBelow = false
        for op in below {
            switch op {
            case let .filter(e, _): referenced.formUnion(e.referencedColumns)
            case let .project(named, _):
                named.forEach { referenced.formUnion($0.expr.referencedColumns) }
                projectsBelow = true
            default: break
            }
        }
        if let aggregateNode {
            aggregateNode.keys.forEach { referenced.formUnion($0.expr.referencedColumns) }
            aggregateNode.calls.forEach { $0.arguments.forEach { referenced.formUnion($0.referencedColumns) } }
        }
        let readAll = aggregateNode == nil && !projectsBelow
        let columns = visible.fields.map(\.name).filter { readAll || referenced.contains($0) }
        // A scan must read at least one column to know its row counts (count(*) reads the narrowest one).
        let scanColumns = columns.isEmpty ? [PhysicalPlan.narrowest(visible)] : columns
        self.scanColumns = scanColumns
        scanSchema = Schema(unchecked: scanColumns.compactMap { name in visible.fields.first { $0.name == name } })
        // Filters directly above the scan (before any projection) prune row groups.
        var leadingFilters: [Expr] = []
        for op in below {
            guard case let .filter(e, _) = op else { break }
            leadingFilters.append(e)
        }
        pruning = PruningPredicate.derive(from: leadingFilters, schema: scanSchema)
        // 3. Bind bottom-up.
        var schema = scanSchema
        preOperators = try PhysicalPlan.bind(below, schema: &schema)
        if let aggregateNode {
            let keys = try aggregateNode.keys.map { try $0.expr.bind(to: schema) }
            let keyFields = zip(aggregateNode.keys, keys).map { Field($0.name, $1.type) }
            var arguments: [[BoundExpr]] = []
            var specs: [AggregateSpec] = []
            for call in aggregateNode.calls {
                let bound = try call.arguments.map { try $0.bind(to: schema) }
                arguments.append(bound)
                specs.append(try AggregateSpec(call.function, argumentTypes: bound.map(\.type),
                                               parameter: call.parameter, name: call.name))
            }
            aggregate = Aggregate(keys: keys, keyFields: keyFields, arguments: arguments, specs: specs,
                                  calls: aggregateNode.calls, keyNames: aggregateNode.keys)
            schema = try Schema(keyFields + specs.map { Field($0.name, $0.resultType) })
            postOperators = try PhysicalPlan.bind(Array(upper.reversed()), schema: &schema)
        } else {
            aggregate = nil
            postOperators = []
        }
        let sortInput = schema
        sort = try sortKeys.map { key in (try key.expr.bind(to: sortInput), key) }
        self.limit = limit.map { (count: $0.0, offset: $0.1) }
        if let final {
            let ops = try PhysicalPlan.bind([.project(final, .values(schema, []))], schema: &schema)
            finalProjection = ops.first
        } else {
            finalProjection = nil
        }
        outputSchema = schema
    }

    /// The schema of the rows ORDER BY and LIMIT see (before the final projection).
    package var sortSchema: Schema {
        if let aggregate {
            var schema = Schema(unchecked: aggregate.keyFields + aggregate.specs.map { Field($0.name, $0.resultType) })
            for op in postOperators { if case let .project(_, s, _) = op { schema = s } }
            return schema
        }
        var schema = scanSchema
        for op in preOperators { if case let .project(_, s, _) = op { schema = s } }
        return schema
    }

    private static func narrowest(_ schema: Schema) -> String {
        let widths: [DataType: Int] = [.bool: 1, .int32: 4, .date: 4, .float: 4, .int64: 8, .timestamp: 8, .double: 8]
        return schema.fields.min { (widths[$0.type] ?? 16) < (widths[$1.type] ?? 16) }?.name ?? ""
    }

    private static func bind(_ ops: [LogicalPlan], schema: inout Schema) throws -> [StreamOperator] {
        var bound: [StreamOperator] = []
        for op in ops {
            switch op {
            case let .filter(e, _):
                let predicate = try e.bind(to: schema)
                guard predicate.type == .bool else {
                    throw StrataError(.invalidArgument, "filter \(e) is \(predicate.type), not a boolean")
                }
                bound.append(.filter(predicate, e))
            case let .project(named, _):
                let exprs = try named.map { try $0.expr.bind(to: schema) }
                schema = try Schema(zip(named, exprs).map { Field($0.name, $1.type) })
                bound.append(.project(exprs, schema, named))
            default:
                throw StrataError(.internal, "unexpected operator in a pipeline")
            }
        }
        return bound
    }

    /// The operator tree, one operator per line, the result at the top.
    package func describe(rowGroups: (kept: Int, total: Int)? = nil) -> String {
        operatorLines(rowGroups: rowGroups).enumerated()
            .map { String(repeating: "  ", count: $0.offset) + $0.element }.joined(separator: "\n")
    }

    /// One line per operator, the result first (EXPLAIN indents them; EXPLAIN ANALYZE appends figures).
    package func operatorLines(rowGroups: (kept: Int, total: Int)? = nil) -> [String] {
        var lines: [String] = []
        if let finalProjection { lines.append(finalProjection.description) }
        if let limit { lines.append("Limit \(limit.count)" + (limit.offset > 0 ? " offset \(limit.offset)" : "")) }
        if !sort.isEmpty { lines.append("Sort " + sort.map(\.1.description).joined(separator: ", ")) }
        for op in postOperators.reversed() { lines.append(op.description) }
        if let aggregate {
            let keys = aggregate.keyNames.map(\.description).joined(separator: ", ")
            let calls = aggregate.calls.map(\.description).joined(separator: ", ")
            lines.append("HashAggregate keys [\(keys)] aggregates [\(calls)]")
        }
        for op in preOperators.reversed() { lines.append(op.description) }
        var scan = "Scan \(source.name) columns [\(scanColumns.joined(separator: ", "))]"
        if let pruning { scan += " prune \(pruning)" }
        if let rowGroups { scan += " row groups \(rowGroups.kept) of \(rowGroups.total)" }
        lines.append(scan)
        if case let .materialized(child) = source.kind { lines += child.operatorLines() }
        return lines
    }
}
