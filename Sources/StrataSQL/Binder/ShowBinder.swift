import StrataCore
import StrataExecution

// Binding DESCRIBE, SHOW TABLES and SUMMARIZE into plans whose rows and columns are DuckDB's.
//
// DESCRIBE target: the target is bound as a query; its output columns become constant rows (column_name,
// column_type in DuckDB's spelling, null — "NO" only for a NOT NULL column of a table named directly — and the
// NULL key, default and extra). Nothing of the target runs.
//
// SHOW TABLES: the store's table names, sorted by their bytes, as one constant column `name`.
//
// SUMMARIZE target, as one pass of the engine's aggregation over the target's rows (so it spills like any GROUP BY
// and never loads the rows):
// 1. Bind the target; for each of its n columns c add the aggregates min(c), max(c), approx_count_distinct(c)
//    and count(c), and for numeric columns avg(c), stddev_samp(c) and approx_quantile(c, 0.25 | 0.5 | 0.75) (as
//    DuckDB estimates them; both in fixed memory, so SUMMARIZE stays within the limit on any table); one count(*)
//    serves every column. The aggregation has no keys, so it yields one row.
// 2. Cross-join that row with n constant rows (index, column_name, column_type).
// 3. Project each output column as a CASE on the index that picks column i's aggregate (min, max and the
//    quantiles cast to the column's type and then to VARCHAR, as DuckDB shows them; NULL where the statistic does
//    not apply), and null_percentage = CAST(CASE WHEN count(*) > 0 THEN (1 − count(c) / count(*)) · 100 END AS
//    DECIMAL(9,2)).
// 4. Sort by the index (the join may reorder rows) and drop it.

extension SQLBinder {
    /// The output columns of DESCRIBE.
    static let describeColumns = ["column_name", "column_type", "null", "key", "default", "extra"]
    /// The output columns of SUMMARIZE.
    static let summarizeColumns = ["column_name", "column_type", "min", "max", "approx_unique", "avg", "std", "q25",
                                   "q50", "q75", "count", "null_percentage"]

    /// `DESCRIBE …`, `SHOW TABLES` or `SUMMARIZE …` as a FROM source.
    func bindShow(_ show: SQLShow, ctes: [String: Relation]) throws -> Relation {
        switch show.kind {
        case .tables:
            let names = try catalog.tableNames().sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            return constantRelation(columns: ["name"], rows: names.map { [.string($0)] }, label: "SHOW TABLES")
        case .describe:
            let target = try boundTarget(show, ctes: ctes)
            var notNull = Set<String>()
            if let name = show.table, ctes[name.lowercased()] == nil,
               let schema = try catalog.tableSchema(try existingTable(name, at: show.location)) {
                notNull = Set(schema.fields.filter { !$0.nullable }.map(\.name))
            }
            let rows: [[Value]] = target.scope.columns.map { column in
                [.string(column.name), .string(SQLTypeName.name(of: column.type)),
                 .string(notNull.contains(column.name) ? "NO" : "YES"), .null, .null, .null]
            }
            return constantRelation(columns: Self.describeColumns, rows: rows, label: "DESCRIBE")
        case .summarize:
            return try summarize(try boundTarget(show, ctes: ctes))
        }
    }

    /// The target of DESCRIBE or SUMMARIZE, bound.
    private func boundTarget(_ show: SQLShow, ctes: [String: Relation]) throws -> Relation {
        guard let target = show.target else {
            throw expressions.error("\(show.kind.rawValue) needs a table or a query", at: show.location)
        }
        return try bindSelect(target, ctes: ctes)
    }

    /// A relation of constant VARCHAR columns.
    private func constantRelation(columns: [String], rows: [[Value]], label: String) -> Relation {
        let schema = Schema(unchecked: columns.map { Field($0, .string) })
        let scope = columns.map { BindScope.Column(qualifier: nil, name: $0, planName: $0, type: .string) }
        return Relation(plan: .values(schema, rows), scope: BindScope(columns: scope, label: label))
    }

    /// SUMMARIZE over `target` (see steps 1–4 above).
    private func summarize(_ target: Relation) throws -> Relation {
        let index = "__summarize_index"
        let countAll = "__summarize_rows"
        var calls = [AggregateCall(.countStar, as: countAll)]
        var picks = [String: [(Int, Expr)]]()
        // 1. The aggregates of every column.
        for (i, column) in target.scope.columns.enumerated() {
            let input = Expr.column(column.planName)
            func add(_ statistic: String, _ function: AggregateFunction, parameter: Double? = nil) -> Expr {
                let name = "__summarize_\(statistic)_\(i)"
                calls.append(AggregateCall(function, [input], parameter: parameter, as: name))
                return .column(name)
            }
            let text = { (e: Expr) in Expr.cast(e, .string) }
            picks["min", default: []].append((i, text(add("min", .min))))
            picks["max", default: []].append((i, text(add("max", .max))))
            picks["approx_unique", default: []].append((i, add("unique", .approxCountDistinct)))
            let count = add("count", .count)
            let fraction = Expr.binary(.divide, .cast(count, .double), .cast(.column(countAll), .double))
            let percentage = Expr.caseWhen(
                [Expr.WhenThen(when: .binary(.greater, .column(countAll), .literal(.int64(0))),
                               then: .binary(.multiply, .binary(.subtract, .literal(.double(1)), fraction),
                                             .literal(.double(100))))],
                otherwise: nil)
            picks["null_percentage", default: []].append((i, .cast(percentage, .decimal(precision: 9, scale: 2))))
            guard [.int32, .int64, .float, .double].contains(column.type) || column.type.isDecimal else { continue }
            picks["avg", default: []].append((i, text(add("avg", .avg))))
            picks["std", default: []].append((i, text(add("std", .stddevSamp))))
            for (statistic, q) in [("q25", 0.25), ("q50", 0.5), ("q75", 0.75)] {
                picks[statistic, default: []].append((i, text(.cast(add(statistic, .approxQuantile, parameter: q),
                                                                    column.type))))
            }
        }
        // 2. One row per column, joined to the aggregates' row.
        let names = Schema(unchecked: [Field(index, .int32), Field("column_name", .string),
                                       Field("column_type", .string)])
        let rows: [[Value]] = target.scope.columns.enumerated().map { i, column in
            [.int32(Int32(truncatingIfNeeded: i)), .string(column.name), .string(SQLTypeName.name(of: column.type))]
        }
        let joined = LogicalPlan.join(.inner, .aggregate(keys: [], aggregates: calls, target.plan),
                                      .values(names, rows), on: nil)
        // 3. Each statistic picked by the index.
        var outputs = [NamedExpr.column(index), NamedExpr.column("column_name"), NamedExpr.column("column_type")]
        var types: [DataType] = [.string, .string]
        for statistic in Self.summarizeColumns.dropFirst(2) {
            let type: DataType = switch statistic {
            case "approx_unique", "count": .int64
            case "null_percentage": .decimal(precision: 9, scale: 2)
            default: .string
            }
            let value: Expr
            if statistic == "count" {
                value = .column(countAll)
            } else if let branches = picks[statistic] {
                value = .caseWhen(branches.map {
                    Expr.WhenThen(when: .binary(.equal, .column(index), .literal(.int32(Int32(truncatingIfNeeded: $0.0)))),
                                  then: $0.1)
                }, otherwise: nil)
            } else {
                value = .cast(.literal(.null), type)
            }
            outputs.append(NamedExpr(value, as: statistic))
            types.append(type)
        }
        // 4. In the columns' order.
        let sorted = LogicalPlan.sort([SortKey(.column(index))], .project(outputs, joined))
        let plan = LogicalPlan.project(Self.summarizeColumns.map { NamedExpr.column($0) }, sorted)
        let scope = zip(Self.summarizeColumns, types).map {
            BindScope.Column(qualifier: nil, name: $0, planName: $0, type: $1)
        }
        return Relation(plan: plan, scope: BindScope(columns: scope, label: "SUMMARIZE"))
    }
}
