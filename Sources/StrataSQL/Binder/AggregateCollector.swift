import StrataCore
import StrataExecution

/// Gathers the group keys and aggregate calls of one SELECT while its expressions are translated, and rewrites
/// those expressions over the aggregate's output (see step 3 of `SQLBinder`).
final class AggregateCollector {
    private let expressions: ExpressionBinder
    private let source: BindScope
    /// Group keys: source expression, plan name, type.
    private var keys: [(expr: Expr, name: String, type: DataType)] = []
    /// Aggregate calls with their result types.
    private var calls: [(call: AggregateCall, type: DataType)] = []
    /// Joins subqueries in aggregate arguments to the aggregate's input (applied before the aggregate).
    var argumentJoiner: SubqueryJoiner?

    /// A collector over the input scope `source`.
    init(expressions: ExpressionBinder, source: BindScope) {
        self.expressions = expressions
        self.source = source
    }

    /// Adds a GROUP BY key (repeats are ignored).
    func addKey(_ key: (Expr, SourceLocation)) throws {
        let (expr, location) = key
        guard !keys.contains(where: { $0.expr == expr }) else { return }
        let type = try expressions.check(expr, against: argumentJoiner?.schema ?? source.schema, at: location)
        var name = "__group\(keys.count)"
        if case let .column(column) = expr { name = column }
        keys.append((expr, name, type))
    }

    /// The output column of the group key `expr`, if it is one.
    func keyName(of expr: Expr) -> String? {
        keys.first { $0.expr == expr }?.name
    }

    /// The schema of the aggregate's output: keys, then aggregates.
    var outputSchema: Schema {
        Schema(unchecked: keys.map { Field($0.name, $0.type) } + calls.map { Field($0.call.name, $0.type) })
    }

    /// The aggregate step over `input`.
    func plan(over input: LogicalPlan) throws -> LogicalPlan {
        .aggregate(keys: keys.map { NamedExpr($0.expr, as: $0.name) }, aggregates: calls.map(\.call), input)
    }

    /// The translation hook for `clause`.
    func hook(clause: String) -> ExpressionBinder.Hook {
        { [self] e in try replace(e, clause: clause) }
    }

    private func replace(_ e: SQLExpr, clause: String) throws -> Expr? {
        if case let .function(name, args, distinct, star, location) = e,
           star || ExpressionBinder.aggregateFunctions.contains(name.lowercased()) {
            return .column(try aggregate(name.lowercased(), args, distinct: distinct, star: star, at: location))
        }
        guard !ExpressionBinder.containsAggregate(e), !WindowCollector.containsWindow(e) else { return nil }
        if e.containsSubquery {
            // A group key holding a subquery (`GROUP BY x IN (SELECT …)`) was joined before the aggregate: the
            // same expression here is that key. Otherwise the subquery joins the aggregate's output.
            guard let joiner = argumentJoiner, !joiner.isEmpty,
                  let plain = try? expressions.translate(e, scope: source, clause: clause, hook: joiner.hook),
                  let key = keys.first(where: { $0.expr == plain }) else { return nil }
            return .column(key.name)
        }
        let plain = try expressions.translate(e, scope: source, clause: clause)
        if let key = keys.first(where: { $0.expr == plain }) { return .column(key.name) }
        if plain.referencedColumns.isEmpty { return plain }
        if case let .column(qualifier, name, location) = e {
            let written = qualifier.map { "\($0).\(name)" } ?? name
            throw expressions.error("column \"\(written)\" must appear in the GROUP BY clause or be used in an "
                + "aggregate function", at: location)
        }
        return nil
    }

    /// Registers an aggregate call (or finds an equal one) and returns its output column's name.
    private func aggregate(_ name: String, _ args: [SQLExpr], distinct: Bool, star: Bool,
                           at location: SourceLocation) throws -> String {
        if let nested = args.first(where: ExpressionBinder.containsAggregate) {
            throw expressions.error("aggregate function calls cannot be nested", at: nested.location)
        }
        func argument(_ e: SQLExpr) throws -> Expr {
            try expressions.translate(e, scope: source, clause: "aggregate arguments", hook: argumentJoiner?.hook)
        }
        let function: AggregateFunction
        var arguments: [Expr] = []
        var parameter: Double?
        var separator: String?
        var descending: [Bool] = []
        func arity(_ n: Int) throws {
            guard args.count == n else {
                throw expressions.error("\(name) takes \(n) argument\(n == 1 ? "" : "s"), not \(args.count)",
                                        at: location)
            }
        }
        if distinct && !(name == "count" && args.count == 1) {
            throw expressions.error("DISTINCT is only supported in count(DISTINCT x)", at: location)
        }
        switch name {
        case "count" where star || args.isEmpty:
            function = .countStar
        case "count":
            try arity(1)
            function = distinct ? .countDistinct : .count
        case "sum": function = .sum
        case "avg", "mean": function = .avg
        case "min": function = .min
        case "max": function = .max
        case "median": function = .median
        case "var_samp", "variance": function = .varSamp
        case "var_pop": function = .varPop
        case "stddev", "stddev_samp": function = .stddevSamp
        case "stddev_pop": function = .stddevPop
        case "corr":
            try arity(2)
            function = .corr
        case "approx_count_distinct":
            try arity(1)
            function = .approxCountDistinct
        case "quantile_cont", "approx_quantile":
            try arity(2)
            function = name == "approx_quantile" ? .approxQuantile : .quantile
            let q = try argument(args[1])
            switch q {
            case let .literal(.double(v)) where (0...1).contains(v): parameter = v
            case let .literal(.decimal(units, _, scale)) where (0...1).contains(DecimalMath.toDouble(units.value, scale: Int(scale))):
                parameter = DecimalMath.toDouble(units.value, scale: Int(scale))
            case let .literal(.int32(v)) where (0...1).contains(v): parameter = Double(v)
            case let .literal(.int64(v)) where (0...1).contains(v): parameter = Double(v)
            default:
                throw expressions.error("the quantile must be a constant between 0 and 1", at: args[1].location)
            }
        case "string_agg":
            function = .stringAgg
            // string_agg(x [, separator] [ORDER BY …]): the parser appended the ORDER BY keys as __asc/__desc calls.
            var rest = args.dropFirst()
            if let second = rest.first, !Self.isOrderKey(second) {
                guard case let .literal(.string(text)) = try argument(second) else {
                    throw expressions.error("the string_agg separator must be a constant string", at: second.location)
                }
                separator = text
                rest = rest.dropFirst()
            }
            guard let value = args.first else { throw expressions.error("string_agg needs a value", at: location) }
            arguments = [try argument(value)]
            for key in rest {
                guard case let .function(wrapper, inner, _, _, _) = key, inner.count == 1, Self.isOrderKey(key) else {
                    throw expressions.error("string_agg takes a value and a separator", at: key.location)
                }
                arguments.append(try argument(inner[0]))
                descending.append(wrapper == "__desc")
            }
        default:
            if star { throw expressions.error("\(name)(*) is not supported; only count(*)", at: location) }
            throw expressions.unknownFunction(name, at: location)
        }
        if star && function != .countStar {
            throw expressions.error("\(name)(*) is not supported; only count(*)", at: location)
        }
        if function != .countStar && function != .stringAgg {
            if function.arity == 1 && function != .quantile && function != .approxQuantile { try arity(1) }
            arguments = try args.prefix(function.arity).map(argument)
        }
        var types: [DataType] = []
        let input = argumentJoiner.map(\.schema) ?? source.schema
        for (arg, sql) in zip(arguments, args) {
            types.append(try expressions.check(arg, against: input, at: sql.location))
        }
        let callName = "__agg\(calls.count)"
        let call = AggregateCall(function, arguments, parameter: parameter, separator: separator,
                                 descending: descending, as: callName)
        if let existing = calls.first(where: {
            $0.call.function == function && $0.call.arguments == arguments && $0.call.parameter == parameter
                && $0.call.separator == separator && $0.call.descending == descending
        }) {
            return existing.call.name
        }
        let spec: AggregateSpec
        do {
            spec = try AggregateSpec(function, argumentTypes: types, parameter: parameter, separator: separator,
                                     descending: descending, name: callName)
        } catch {
            throw expressions.error(error.message, at: location, code: error.code)
        }
        calls.append((call, spec.resultType))
        return callName
    }

    /// Whether `e` is an ORDER BY key the parser wrapped for string_agg.
    private static func isOrderKey(_ e: SQLExpr) -> Bool {
        if case let .function(name, _, _, _, _) = e { return name == "__asc" || name == "__desc" }
        return false
    }
}
