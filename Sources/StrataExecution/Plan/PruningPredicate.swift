import StrataCore
import StrataStorage

/// Derives the row-group pruning predicate of a scan from the filters right above it.
///
/// 1. Split each filter into its AND-ed conjuncts.
/// 2. Keep the conjuncts a scan can check against min/max statistics: `column op literal` (either side),
///    `column IS NULL`, and `column BETWEEN literal AND literal` (as two comparisons).
/// 3. AND the kept ones. Rows of the surviving row groups are still filtered by the filter itself.
enum PruningPredicate {
    /// The pruning predicate for `filters` over `schema`, or nil when none of them helps.
    static func derive(from filters: [Expr], schema: Schema) -> ScanPredicate? {
        var parts: [ScanPredicate] = []
        for filter in filters {
            for conjunct in conjuncts(filter) {
                if let part = translate(conjunct, schema: schema) { parts.append(contentsOf: part) }
            }
        }
        return parts.isEmpty ? nil : .and(parts)
    }

    private static func conjuncts(_ expr: Expr) -> [Expr] {
        if case let .binary(.and, a, b) = expr { return conjuncts(a) + conjuncts(b) }
        return [expr]
    }

    private static func translate(_ expr: Expr, schema: Schema) -> [ScanPredicate]? {
        func known(_ name: String) -> Bool { schema.index(of: name) != nil }
        switch expr {
        case let .binary(op, .column(name), .literal(value)) where known(name) && !value.isNull:
            return operatorFor(op).map { [.compare(column: name, op: $0, value: value)] }
        case let .binary(op, .literal(value), .column(name)) where known(name) && !value.isNull:
            return mirrored(op).flatMap(operatorFor).map { [.compare(column: name, op: $0, value: value)] }
        case let .isNull(.column(name), negated) where known(name) && !negated:
            return [.isNull(column: name)]
        case let .between(.column(name), .literal(low), .literal(high), negated)
            where known(name) && !negated && !low.isNull && !high.isNull:
            return [.compare(column: name, op: .greaterOrEqual, value: low),
                    .compare(column: name, op: .lessOrEqual, value: high)]
        default:
            return nil
        }
    }

    private static func operatorFor(_ op: Expr.BinaryOperator) -> ScanPredicate.Operator? {
        switch op {
        case .equal: .equal
        case .notEqual: .notEqual
        case .less: .less
        case .lessOrEqual: .lessOrEqual
        case .greater: .greater
        case .greaterOrEqual: .greaterOrEqual
        default: nil
        }
    }

    private static func mirrored(_ op: Expr.BinaryOperator) -> Expr.BinaryOperator? {
        switch op {
        case .less: .greater
        case .lessOrEqual: .greaterOrEqual
        case .greater: .less
        case .greaterOrEqual: .lessOrEqual
        case .equal, .notEqual: op
        default: nil
        }
    }
}
