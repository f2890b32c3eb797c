import StrataCore
import StrataExecution

/// The text of an expression as the default name of a result column, in DuckDB's style: `sum(v1)`, `(a + 1)`,
/// `count_star()`.
extension SQLExpr {
    /// The default column name.
    var displayText: String {
        switch self {
        case let .column(_, name, _): return name
        case let .literal(literal, _):
            switch literal {
            case .null: return "NULL"
            case let .bool(b): return b ? "true" : "false"
            case let .integer(v): return String(v)
            case let .decimal(d): return "\(d)"
            case let .exactDecimal(units, _, scale): return DecimalMath.format(units, scale: Int(scale))
            case let .string(s): return "'\(s)'"
            case let .typed(type, s): return "CAST('\(s)' AS \(type.name.uppercased()))"
            case let .interval(months, days, micros):
                return "INTERVAL '\(months) months \(days) days \(micros) microseconds'"
            }
        case let .parameter(index, _): return "$\(index)"
        case let .unary(op, a, _): return op == .not ? "(NOT \(a.displayText))" : "-(\(a.displayText))"
        case let .binary(op, a, b, _): return "(\(a.displayText) \(op.rawValue) \(b.displayText))"
        case let .isNull(a, negated, _): return "(\(a.displayText) IS \(negated ? "NOT " : "")NULL)"
        case let .inList(a, list, negated, _):
            return "(\(a.displayText) \(negated ? "NOT " : "")IN (\(list.map(\.displayText).joined(separator: ", "))))"
        case let .between(a, lo, hi, negated, _):
            return "(\(a.displayText) \(negated ? "NOT " : "")BETWEEN \(lo.displayText) AND \(hi.displayText))"
        case let .like(a, p, negated, ci, _):
            return "(\(a.displayText) \(negated ? "NOT " : "")\(ci ? "ILIKE" : "LIKE") \(p.displayText))"
        case let .cast(a, type, _): return "CAST(\(a.displayText) AS \(type.uppercased()))"
        case let .function(name, args, distinct, star, _):
            if star { return "count_star()" }
            if name == "||", args.count == 2 { return "(\(args[0].displayText) || \(args[1].displayText))" }
            // string_agg's ORDER BY keys (the parser's __asc / __desc wrappers) print as written.
            var plain: [String] = [], order: [String] = []
            for arg in args {
                if case let .function(wrapper, inner, _, _, _) = arg, inner.count == 1,
                   wrapper == "__asc" || wrapper == "__desc" {
                    order.append(inner[0].displayText + (wrapper == "__desc" ? " DESC" : ""))
                } else {
                    plain.append(arg.displayText)
                }
            }
            let orderBy = order.isEmpty ? "" : " ORDER BY " + order.joined(separator: ", ")
            return "\(name)(\(distinct ? "DISTINCT " : "")\(plain.joined(separator: ", "))\(orderBy))"
        case let .window(name, args, star, spec, _):
            var over: [String] = []
            if let base = spec.base { over.append(base) }
            if !spec.partitionBy.isEmpty {
                over.append("PARTITION BY " + spec.partitionBy.map(\.displayText).joined(separator: ", "))
            }
            if !spec.orderBy.isEmpty {
                over.append("ORDER BY " + spec.orderBy.map { $0.expr.displayText + ($0.ascending ? "" : " DESC") }
                    .joined(separator: ", "))
            }
            let call = star ? "count_star()" : "\(name)(\(args.map(\.displayText).joined(separator: ", ")))"
            return "\(call) OVER (\(over.joined(separator: " ")))"
        case let .subquery(_, text, _): return text
        case let .exists(_, text, _): return "EXISTS\(text)"
        case let .inSubquery(a, _, negated, text, _):
            let any = "(\(a.displayText) = ANY\(text))"
            return negated ? "(NOT \(any))" : any
        case let .quantified(op, a, _, all, text, _):
            return "(\(a.displayText) \(op.rawValue) \(all ? "ALL" : "ANY")\(text))"
        case let .caseWhen(operand, branches, otherwise, _):
            var text = "CASE"
            if let operand { text += " \(operand.displayText)" }
            for branch in branches { text += " WHEN \(branch.condition.displayText) THEN \(branch.result.displayText)" }
            if let otherwise { text += " ELSE \(otherwise.displayText)" }
            return text + " END"
        }
    }
}
