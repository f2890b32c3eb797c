import StrataCore
import StrataSQL
import Testing

// Helpers of the SQL tests: a location-free text form of the syntax tree, so expected trees read as one line, and
// checks of syntax errors down to the caret.

extension SQLExpr {
    /// The expression as an S-expression without locations: `(+ 1 (* 2 3))`, `t.a`, `count(DISTINCT a)`.
    var rendered: String {
        switch self {
        case let .column(qualifier, name, _):
            return qualifier.map { "\($0).\(name)" } ?? name
        case let .literal(literal, _):
            return literal.rendered
        case let .parameter(number, _):
            return "$\(number)"
        case let .unary(op, operand, _):
            return "(\(op.rawValue) \(operand.rendered))"
        case let .binary(op, left, right, _):
            return "(\(op.rawValue) \(left.rendered) \(right.rendered))"
        case let .isNull(operand, negated, _):
            return "(IS \(negated ? "NOT " : "")NULL \(operand.rendered))"
        case let .inList(operand, list, negated, _):
            return "(\(negated ? "NOT " : "")IN \(operand.rendered) \(list.map(\.rendered).joined(separator: " ")))"
        case let .between(operand, low, high, negated, _):
            return "(\(negated ? "NOT " : "")BETWEEN \(operand.rendered) \(low.rendered) \(high.rendered))"
        case let .like(operand, pattern, negated, caseInsensitive, _):
            let op = (negated ? "NOT " : "") + (caseInsensitive ? "ILIKE" : "LIKE")
            return "(\(op) \(operand.rendered) \(pattern.rendered))"
        case let .cast(operand, typeName, _):
            return "(CAST \(operand.rendered) \(typeName))"
        case let .function(name, arguments, distinct, star, _):
            let list = star ? "*" : (distinct ? "DISTINCT " : "") + arguments.map(\.rendered).joined(separator: ", ")
            return "\(name)(\(list))"
        case let .window(name, arguments, star, spec, _):
            var over: [String] = []
            if let base = spec.base { over.append(base) }
            if !spec.partitionBy.isEmpty {
                over.append("PARTITION BY " + spec.partitionBy.map(\.rendered).joined(separator: ", "))
            }
            if !spec.orderBy.isEmpty {
                over.append("ORDER BY " + spec.orderBy.map { $0.expr.rendered + ($0.ascending ? "" : " DESC") }
                    .joined(separator: ", "))
            }
            if let frame = spec.frame {
                func bound(_ b: SQLFrameBound) -> String {
                    switch b {
                    case .unboundedPreceding: "UNBOUNDED PRECEDING"
                    case let .preceding(e): "\(e.rendered) PRECEDING"
                    case .currentRow: "CURRENT ROW"
                    case let .following(e): "\(e.rendered) FOLLOWING"
                    case .unboundedFollowing: "UNBOUNDED FOLLOWING"
                    }
                }
                over.append("\(frame.rows ? "ROWS" : "RANGE") \(bound(frame.start)) \(bound(frame.end))")
            }
            let list = star ? "*" : arguments.map(\.rendered).joined(separator: ", ")
            return "\(name)(\(list)) OVER (\(over.joined(separator: "; ")))"
        case let .subquery(_, text, _):
            return "(SUBQUERY \(text))"
        case let .exists(_, text, _):
            return "(EXISTS \(text))"
        case let .inSubquery(operand, _, negated, text, _):
            return "(\(negated ? "NOT " : "")IN \(operand.rendered) \(text))"
        case let .quantified(op, operand, _, all, text, _):
            return "(\(op.rawValue) \(all ? "ALL" : "ANY") \(operand.rendered) \(text))"
        case let .caseWhen(operand, branches, otherwise, _):
            var text = "(CASE"
            if let operand { text += " " + operand.rendered }
            for branch in branches { text += " (WHEN \(branch.condition.rendered) \(branch.result.rendered))" }
            if let otherwise { text += " (ELSE \(otherwise.rendered))" }
            return text + ")"
        }
    }
}

extension SQLLiteral {
    /// The literal as SQL-like text; a decimal always shows a `.` or an exponent, an integer never does.
    var rendered: String {
        switch self {
        case .null: "NULL"
        case let .bool(value): value ? "TRUE" : "FALSE"
        case let .integer(value): "\(value)"
        case let .decimal(value): "\(value)"
        case let .exactDecimal(units, _, scale): DecimalMath.format(units, scale: Int(scale))
        case let .string(text): "'\(text)'"
        case let .typed(type, text): "\(type.name.uppercased()) '\(text)'"
        case let .interval(months, days, micros): "INTERVAL(\(months), \(days), \(micros))"
        }
    }
}

extension SQLSelect {
    /// The query in a canonical SQL-like form with every expression rendered.
    var rendered: String {
        var parts: [String] = []
        if !ctes.isEmpty {
            let list = ctes.map { cte in
                let columns = cte.columns.map { "(" + $0.joined(separator: ", ") + ")" } ?? ""
                return "\(cte.name)\(columns) AS (\(cte.query.rendered))"
            }
            parts.append("WITH " + list.joined(separator: ", "))
        }
        if let operation = setOperation {
            parts.append("[\(operation.left.rendered)] \(operation.kind.rawValue)\(operation.all ? " ALL" : "") "
                + "[\(operation.right.rendered)]")
        } else {
            parts.append(body)
        }
        if !orderBy.isEmpty {
            let keys = orderBy.map { item in
                item.expr.rendered + (item.ascending ? "" : " DESC")
                    + (item.nullsFirst.map { $0 ? " NULLS FIRST" : " NULLS LAST" } ?? "")
            }
            parts.append("ORDER BY " + keys.joined(separator: ", "))
        }
        if let limit { parts.append("LIMIT " + limit.rendered) }
        if let offset { parts.append("OFFSET " + offset.rendered) }
        return parts.joined(separator: " ")
    }

    /// SELECT … up to HAVING.
    private var body: String {
        var parts: [String] = []
        let list = items.map { item -> String in
            switch item {
            case let .star(qualifier, _): return qualifier.map { "\($0).*" } ?? "*"
            case let .expr(expr, alias): return expr.rendered + (alias.map { " AS \($0)" } ?? "")
            }
        }
        parts.append((distinct ? "SELECT DISTINCT " : "SELECT ") + list.joined(separator: ", "))
        if let from { parts.append("FROM " + from.rendered) }
        if let whereClause { parts.append("WHERE " + whereClause.rendered) }
        if !groupBy.isEmpty { parts.append("GROUP BY " + groupBy.map(\.rendered).joined(separator: ", ")) }
        if let having { parts.append("HAVING " + having.rendered) }
        return parts.joined(separator: " ")
    }
}

extension SQLTableRef {
    /// The source as SQL-like text.
    var rendered: String {
        switch self {
        case let .table(name, alias, _):
            return name + (alias.map { " AS \($0)" } ?? "")
        case let .versionedTable(name, version, alias, _):
            return name + " AT (VERSION => \(version))" + (alias.map { " AS \($0)" } ?? "")
        case let .function(name, arguments, alias, _):
            return "\(name)(\(arguments.map(\.rendered).joined(separator: ", ")))" + (alias.map { " AS \($0)" } ?? "")
        case let .subquery(query, alias, _):
            return "(\(query.rendered))" + (alias.map { " AS \($0)" } ?? "")
        case let .file(path, alias, _):
            return "'\(path)'" + (alias.map { " AS \($0)" } ?? "")
        case let .show(show):
            return "(\(show.kind.rawValue)" + (show.target.map { " " + $0.rendered } ?? "") + ")"
        case let .join(join):
            var text = "(" + join.left.rendered + (join.natural ? " NATURAL" : "") + " \(join.kind.rawValue) JOIN "
                + join.right.rendered
            switch join.condition {
            case let .on(condition): text += " ON " + condition.rendered
            case let .using(names): text += " USING (" + names.map(\.0).joined(separator: ", ") + ")"
            case nil: break
            }
            return text + ")"
        }
    }
}

/// The query `sql` holds (not an EXPLAIN).
func parseSelect(_ sql: String) throws -> SQLSelect {
    guard case let .select(select) = try SQLParser.parse(sql) else { throw StrataError(.internal, "not a query") }
    return select
}

/// The only select item of `SELECT <text>`, rendered.
func expression(_ text: String) throws -> String {
    try expressionNode(text).rendered
}

/// The only select item of `SELECT <text>`.
func expressionNode(_ text: String) throws -> SQLExpr {
    let select = try parseSelect("SELECT " + text)
    guard select.items.count == 1, case let .expr(expr, nil) = select.items[0] else {
        throw StrataError(.internal, "not one unaliased expression: \(select.rendered)")
    }
    return expr
}

/// Checks that each `SELECT <text>` parses to the single expression rendered as `tree`.
func expectTrees(_ cases: [(text: String, tree: String)], sourceLocation: Testing.SourceLocation = #_sourceLocation) {
    for (text, tree) in cases {
        do {
            #expect(try expression(text) == tree, "\(text)", sourceLocation: sourceLocation)
        } catch {
            Issue.record("\(text): \(error)", sourceLocation: sourceLocation)
        }
    }
}

/// The error parsing `sql` fails with, or nil when it parses.
func parseError(_ sql: String) -> StrataError? {
    do {
        _ = try SQLParser.parseWithParameters(sql)
        return nil
    } catch {
        return error
    }
}

/// Checks that parsing `sql` fails with the syntax error `message` at `line` and `column`, rendered with the text of
/// that line and a caret under the column.
func expectSyntaxError(_ sql: String, _ message: String, line: Int, column: Int,
                       sourceLocation: Testing.SourceLocation = #_sourceLocation) {
    guard let error = parseError(sql) else {
        Issue.record("\(sql) parsed", sourceLocation: sourceLocation)
        return
    }
    expectSyntaxError(error, in: sql, message, line: line, column: column, sourceLocation: sourceLocation)
}

/// Checks that `error` is the syntax error `message` at `line` and `column` of `sql`, with the caret line.
func expectSyntaxError(_ error: StrataError, in sql: String, _ message: String, line: Int, column: Int,
                       sourceLocation: Testing.SourceLocation = #_sourceLocation) {
    let lines = sql.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
    let text = lines.indices.contains(line - 1) ? String(lines[line - 1]) : "?"
    let expected = "syntax error at line \(line), column \(column): \(message)\n" + text + "\n"
        + String(repeating: " ", count: column - 1) + "^"
    #expect(error.message == expected, sourceLocation: sourceLocation)
    #expect(error.line == line, sourceLocation: sourceLocation)
    #expect(error.code == .invalidArgument, sourceLocation: sourceLocation)
}
