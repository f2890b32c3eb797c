import StrataCore
import StrataExecution

// Translating SQL expressions into executor expressions.
//
// 1. Every node is first offered to the caller's hook (the SELECT binder uses it to turn aggregate calls and
//    group keys into columns of the aggregate's output).
// 2. Columns resolve in the scope: an exact name first, else a case-insensitive one; a missing name gets a
//    "did you mean" hint, an ambiguous one an error.
// 3. Literals take DuckDB's types (integers that fit are int32, else int64; decimals are doubles); `DATE '…'`
//    and `TIMESTAMP '…'` are parsed now; parameters are replaced by their bound values.
// 4. `coalesce`, `ifnull` and `nullif` become CASE expressions; other functions must be known scalar functions.
// 5. Constant subexpressions are folded by evaluating them once on a one-row batch (when that fails, for instance
//    on an overflow in a CASE branch that may never be chosen, the expression is left for run time).
// 6. `check` binds a translated expression against its input schema, so type errors are reported with the
//    location of the SQL text they come from.

/// Translates ``SQLExpr`` trees into ``Expr`` trees over a ``BindScope``.
struct ExpressionBinder {
    /// The statement text (for error carets).
    let sql: String
    /// Values of `?` / `$n` parameters.
    let parameters: [Value]

    /// A node replacement: returns an expression for nodes it handles, nil for the rest.
    typealias Hook = (SQLExpr) throws -> Expr?

    /// Scalar functions the executor has (by lowercased name).
    static let scalarFunctions: Set<String> = [
        "lower", "upper", "length", "substr", "substring", "abs", "round", "pow", "power", "sqrt", "year",
        "month", "day", "concat", "||", "error", "quarter", "dayofweek", "isodow", "dayofyear", "week", "hour",
        "minute", "second", "date_trunc", "date_part", "datepart", "greatest", "least", "starts_with", "contains",
        "regexp_matches", "replace", "trim", "ltrim", "rtrim", "concat_ws", "strftime", "octet_length",
    ]
    /// `date_part` / EXTRACT parts and the function each becomes.
    static let dateParts: [String: String] = [
        "year": "year", "years": "year", "y": "year", "quarter": "quarter", "month": "month", "months": "month",
        "day": "day", "days": "day", "dayofmonth": "day", "dow": "dayofweek", "dayofweek": "dayofweek",
        "isodow": "isodow", "doy": "dayofyear", "dayofyear": "dayofyear", "week": "week", "weeks": "week",
        "weekofyear": "week", "hour": "hour", "hours": "hour", "minute": "minute", "minutes": "minute",
        "second": "second", "seconds": "second",
    ]
    /// Functions rewritten into CASE.
    static let rewrittenFunctions: Set<String> = ["coalesce", "ifnull", "nullif"]
    /// Aggregate functions (by lowercased name).
    static let aggregateFunctions: Set<String> = [
        "count", "sum", "avg", "mean", "min", "max", "median", "var_samp", "variance", "var_pop", "stddev",
        "stddev_samp", "stddev_pop", "quantile_cont", "corr", "string_agg", "approx_count_distinct",
        "approx_quantile",
    ]

    /// A binder error at `location`.
    func error(_ message: String, at location: SourceLocation, code: StrataError.Code = .invalidArgument)
        -> StrataError {
        SQLError.make(code, "binder error", message, at: location, in: sql)
    }

    /// Whether `e` contains an aggregate call.
    static func containsAggregate(_ e: SQLExpr) -> Bool {
        switch e {
        case let .function(name, args, _, star, _):
            if aggregateFunctions.contains(name.lowercased()) || star { return true }
            return args.contains(where: containsAggregate)
        case .column, .literal, .parameter, .subquery, .exists: return false
        case let .inSubquery(a, _, _, _, _), let .quantified(_, a, _, _, _, _): return containsAggregate(a)
        case let .window(_, args, _, spec, _):
            // The call itself is not an aggregate; its parts may hold some (`rank() OVER (ORDER BY sum(x))`).
            return args.contains(where: containsAggregate) || spec.partitionBy.contains(where: containsAggregate)
                || spec.orderBy.contains { containsAggregate($0.expr) }
        case let .unary(_, a, _), let .isNull(a, _, _), let .cast(a, _, _): return containsAggregate(a)
        case let .binary(_, a, b, _), let .like(a, b, _, _, _): return containsAggregate(a) || containsAggregate(b)
        case let .inList(a, list, _, _): return containsAggregate(a) || list.contains(where: containsAggregate)
        case let .between(a, lo, hi, _, _): return [a, lo, hi].contains(where: containsAggregate)
        case let .caseWhen(operand, branches, otherwise, _):
            return (operand.map(containsAggregate) ?? false)
                || branches.contains { containsAggregate($0.condition) || containsAggregate($0.result) }
                || (otherwise.map(containsAggregate) ?? false)
        }
    }

    /// Translates `e` over `scope`; `clause` names where it appears, for messages.
    func translate(_ e: SQLExpr, scope: BindScope, clause: String, hook: Hook? = nil) throws -> Expr {
        if let hook, let replaced = try hook(e) { return replaced }
        func sub(_ x: SQLExpr) throws -> Expr { try translate(x, scope: scope, clause: clause, hook: hook) }
        switch e {
        case let .column(qualifier, name, location):
            return .column(try resolve(name, qualifier: qualifier, in: scope, at: location).planName)
        case let .literal(literal, location):
            return try self.literal(literal, at: location)
        case let .parameter(index, location):
            guard index >= 1, index <= parameters.count else {
                throw error("no value is bound to parameter $\(index) (\(parameters.count) given)", at: location)
            }
            return .literal(parameters[index - 1])
        case let .unary(op, a, _):
            return fold(.unary(op, try sub(a)))
        case let .binary(op, a, .literal(.interval(months, days, micros), _), _) where op == .add || op == .subtract:
            let sign: Int64 = op == .add ? 1 : -1
            return fold(.function("__add_interval", [try sub(a), .literal(.int64(sign &* months)),
                                                     .literal(.int64(sign &* days)), .literal(.int64(sign &* micros))]))
        case let .binary(.add, .literal(.interval(months, days, micros), _), b, _):
            return fold(.function("__add_interval", [try sub(b), .literal(.int64(months)), .literal(.int64(days)),
                                                     .literal(.int64(micros))]))
        case let .binary(op, a, b, _):
            return fold(.binary(op, try sub(a), try sub(b)))
        case let .isNull(a, negated, _):
            return fold(.isNull(try sub(a), negated: negated))
        case let .inList(a, list, negated, _):
            return fold(.inList(try sub(a), try list.map(sub), negated: negated))
        case let .between(a, low, high, negated, _):
            return fold(.between(try sub(a), low: try sub(low), high: try sub(high), negated: negated))
        case let .like(a, pattern, negated, caseInsensitive, _):
            return fold(.like(try sub(a), pattern: try sub(pattern), negated: negated,
                              caseInsensitive: caseInsensitive))
        case let .cast(a, typeName, location):
            return fold(.cast(try sub(a), try type(named: typeName, at: location)))
        case let .function(name, args, distinct, star, location):
            let lowered = name.lowercased()
            if ExpressionBinder.aggregateFunctions.contains(lowered) || star {
                throw error("aggregate function \(lowered) is not allowed in \(clause)", at: location)
            }
            if distinct { throw error("DISTINCT is only supported in count(DISTINCT x)", at: location) }
            let translated = try args.map(sub)
            switch lowered {
            case "coalesce", "ifnull":
                guard !translated.isEmpty, lowered != "ifnull" || translated.count == 2 else {
                    throw error("\(lowered) needs \(lowered == "ifnull" ? "two arguments" : "an argument")",
                                at: location)
                }
                let branches = translated.dropLast().map { Expr.WhenThen(when: .isNull($0, negated: true), then: $0) }
                guard let last = translated.last else { throw error("\(lowered) needs an argument", at: location) }
                return branches.isEmpty ? last : fold(.caseWhen(branches, otherwise: last))
            case "date_part", "datepart":
                guard translated.count == 2, case let .literal(.string(part)) = translated[0],
                      let function = ExpressionBinder.dateParts[part.lowercased()] else {
                    throw error("date_part needs a constant part (year, quarter, month, day, dow, isodow, doy, week, "
                        + "hour, minute or second) and a date or timestamp", at: location)
                }
                return fold(.function(function, [translated[1]]))
            case "greatest", "least":
                // The first non-NULL argument beating every other non-NULL one (NULL only when all are NULL).
                guard !translated.isEmpty, translated.count <= 8 else {
                    throw error("\(lowered) takes 1 to 8 arguments", at: location)
                }
                let beats: Expr.BinaryOperator = lowered == "greatest" ? .greaterOrEqual : .lessOrEqual
                var result = translated[0]
                for next in translated.dropFirst() {
                    result = .caseWhen([
                        Expr.WhenThen(when: .isNull(result, negated: false), then: next),
                        Expr.WhenThen(when: .isNull(next, negated: false), then: result),
                        Expr.WhenThen(when: .binary(beats, result, next), then: result),
                    ], otherwise: next)
                }
                return fold(result)
            case "nullif":
                guard translated.count == 2 else { throw error("nullif needs two arguments", at: location) }
                return fold(.caseWhen([Expr.WhenThen(when: .binary(.equal, translated[0], translated[1]),
                                                     then: .literal(.null))], otherwise: translated[0]))
            default:
                guard ExpressionBinder.scalarFunctions.contains(lowered) else {
                    throw unknownFunction(name, at: location)
                }
                return fold(.function(lowered, translated))
            }
        case let .window(name, _, _, _, location):
            throw error("window function \(name.lowercased()) is not allowed in \(clause)", at: location)
        case let .subquery(_, _, location), let .exists(_, _, location), let .inSubquery(_, _, _, _, location),
             let .quantified(_, _, _, _, _, location):
            throw error("subqueries are not supported in \(clause)", at: location, code: .unsupported)
        case let .caseWhen(operand, branches, otherwise, _):
            let subject = try operand.map(sub)
            var whens: [Expr.WhenThen] = []
            for branch in branches {
                let condition = try sub(branch.condition)
                whens.append(Expr.WhenThen(when: subject.map { .binary(.equal, $0, condition) } ?? condition,
                                           then: try sub(branch.result)))
            }
            return fold(.caseWhen(whens, otherwise: try otherwise.map(sub)))
        }
    }

    /// The error for a function name that is neither scalar nor aggregate.
    func unknownFunction(_ name: String, at location: SourceLocation) -> StrataError {
        let known = ExpressionBinder.scalarFunctions.union(ExpressionBinder.aggregateFunctions)
            .union(ExpressionBinder.rewrittenFunctions).filter { $0 != "||" }
        var message = "unknown function \(name)"
        if let hint = BindScope.closest(to: name, among: known.sorted()) { message += "; did you mean \(hint)?" }
        return error(message, at: location, code: .notFound)
    }

    /// The column `name` resolves to.
    func resolve(_ name: String, qualifier: String?, in scope: BindScope,
                 at location: SourceLocation) throws -> BindScope.Column {
        let matches = scope.find(name, qualifier: qualifier)
        if matches.count == 1 { return matches[0] }
        let written = qualifier.map { "\($0).\(name)" } ?? name
        if matches.isEmpty {
            if let qualifier, !scope.columns.contains(where: { $0.qualifier?.lowercased() == qualifier.lowercased() }) {
                throw error("table \"\(qualifier)\" not found in FROM (\(scope.label))", at: location, code: .notFound)
            }
            var message = "column \"\(written)\" not found in \(scope.label)"
            if let hint = scope.suggestion(for: name) { message += "; did you mean \"\(hint)\"?" }
            throw error(message, at: location, code: .notFound)
        }
        var tables: [String] = []
        for match in matches { if let q = match.qualifier, !tables.contains(q) { tables.append(q) } }
        var message = "column reference \"\(written)\" is ambiguous"
        if tables.count > 1 {
            let listed = tables.dropLast().joined(separator: ", ") + " and " + (tables.last ?? "")
            message += ": it is in \(listed) (write " + tables.map { "\($0).\(name)" }.joined(separator: " or ") + ")"
        }
        throw error(message, at: location)
    }

    /// A literal's expression.
    func literal(_ literal: SQLLiteral, at location: SourceLocation) throws -> Expr {
        switch literal {
        case .null: return .literal(.null)
        case let .bool(b): return .literal(.bool(b))
        case let .integer(v):
            if let small = Int32(exactly: v) { return .literal(.int32(small)) }
            return .literal(.int64(v))
        case let .decimal(d): return .literal(.double(d))
        case let .exactDecimal(units, precision, scale):
            return .literal(.decimal(units, precision: precision, scale: scale))
        case let .string(s): return .literal(.string(s))
        case .interval:
            throw error("an INTERVAL can only be added to or subtracted from a date or timestamp", at: location,
                        code: .unsupported)
        case let .typed(type, text):
            let folded = fold(.cast(.literal(.string(text)), type))
            guard case .literal = folded else {
                throw error("'\(text)' is not a valid \(type)", at: location)
            }
            return folded
        }
    }

    /// The type a SQL type name means.
    func type(named name: String, at location: SourceLocation) throws -> DataType {
        if let type = SQLTypeName.type(name) { return type }
        var message = "type \(name) is not supported"
        let lowered = name.lowercased()
        if lowered.hasPrefix("decimal") || lowered.hasPrefix("numeric") { message += "; use DOUBLE" }
        throw error(message, at: location, code: .unsupported)
    }

    /// Binds `expr` against `schema` for its type, reporting any type error at `location`.
    @discardableResult
    func check(_ expr: Expr, against schema: Schema, at location: SourceLocation) throws -> DataType {
        do {
            return try expr.bind(to: schema).type
        } catch {
            throw self.error(error.message, at: location, code: error.code)
        }
    }

    /// Binds `expr` (over `scope`'s plan names) for its type; a type error names the columns as the user wrote
    /// them (`p.name`, not a plan name such as `name_1`) and points at `location`.
    @discardableResult
    func check(_ expr: Expr, in scope: BindScope, at location: SourceLocation) throws -> DataType {
        do {
            return try expr.bind(to: scope.schema).type
        } catch {
            var names: [String: Expr] = [:]
            var fields: [Field] = []
            var uses: [String: Int] = [:]
            for column in scope.columns { uses[column.name.lowercased(), default: 0] += 1 }
            for column in scope.columns where names[column.planName] == nil {
                let unique = uses[column.name.lowercased()] == 1
                let shown = unique ? column.name : column.qualifier.map { "\($0).\(column.name)" } ?? column.name
                names[column.planName] = .column(shown)
                fields.append(Field(shown, column.type))
            }
            var message = error.message
            do {
                _ = try expr.substituting(names).bind(to: Schema(unchecked: fields))
            } catch let shown {
                if shown.code == error.code { message = shown.message }
            }
            throw self.error(message, at: location, code: error.code)
        }
    }

    /// `e` with constant subexpressions evaluated (see step 5 above).
    func fold(_ e: Expr) -> Expr {
        if case .literal = e { return e }
        guard e.referencedColumns.isEmpty else { return e }
        guard let row = ExpressionBinder.oneRow, let bound = try? e.bind(to: row.schema),
              let column = try? bound.evaluate(row), column.count == 1 else { return e }
        let value = column.value(at: 0)
        if case .null = value { return .cast(.literal(.null), bound.type) }
        return .literal(value)
    }

    /// A batch of one row for constant folding.
    private static let oneRow: Batch? = try? Batch(
        schema: Schema(unchecked: [Field("__row", .bool)]),
        columns: [Column(unchecked: .bool, data: .bool([true]), validity: nil)])
}
