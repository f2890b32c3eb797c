import StrataCore

// Rule-based rewrites of a logical plan before it is compiled.
//
// 1. Children are optimised first (bottom-up).
// 2. A filter above a projection moves below it, with the projection's expressions substituted for the columns
//    the predicate reads, so it reaches the scan (where it can prune row groups by their statistics).
// 3. A filter above an aggregate that reads only group keys moves below it (the keys' expressions substituted).
// 4. Adjacent filters are left as a chain: the pipeline applies them in turn and prunes with all of them.
// Filters never move below a sort or a limit (that would change which rows a LIMIT keeps).
// Projection pushdown (reading only the columns used) happens when the plan is compiled.

extension LogicalPlan {
    /// The plan after the rewrites above; the result is the same.
    public func optimized() -> LogicalPlan {
        switch self {
        case .scan, .parquet, .values: return self
        case let .project(named, input): return .project(named, input.optimized())
        case let .aggregate(keys, calls, input): return .aggregate(keys: keys, aggregates: calls, input.optimized())
        case let .sort(keys, input): return .sort(keys, input.optimized())
        case let .limit(count, offset, input): return .limit(count: count, offset: offset, input.optimized())
        case let .join(kind, left, right, condition): return .join(kind, left.optimized(), right.optimized(), on: condition)
        case let .filter(predicate, input):
            let child = input.optimized()
            switch child {
            case let .project(named, below):
                var map: [String: Expr] = [:]
                for item in named { map[item.name] = item.expr }
                return .project(named, LogicalPlan.filter(predicate.substituting(map), below).optimized())
            case let .aggregate(keys, calls, below):
                var map: [String: Expr] = [:]
                for key in keys { map[key.name] = key.expr }
                guard predicate.referencedColumns.allSatisfy({ map[$0] != nil }) else {
                    return .filter(predicate, child)
                }
                return .aggregate(keys: keys, aggregates: calls,
                                  LogicalPlan.filter(predicate.substituting(map), below).optimized())
            default:
                return .filter(predicate, child)
            }
        }
    }
}

/// Rewrites that need more than one node at a time.
enum PlanOptimizer {
    /// The AND-ed parts of `expr`.
    static func conjuncts(_ expr: Expr) -> [Expr] {
        if case let .binary(.and, a, b) = expr { return conjuncts(a) + conjuncts(b) }
        return [expr]
    }
}

extension Expr {
    /// The expression with each column named in `map` replaced by its expression.
    func substituting(_ map: [String: Expr]) -> Expr {
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
            case let .join(kind, left, right, condition):
                lines.append(pad + "Join \(kind)" + (condition.map { " ON \($0)" } ?? ""))
                visit(left, depth + 1)
                visit(right, depth + 1)
            }
        }
        visit(self, 0)
        return lines.joined(separator: "\n")
    }
}
