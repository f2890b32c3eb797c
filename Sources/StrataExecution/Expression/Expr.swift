import StrataCore

/// A scalar expression over the columns of a batch, evaluated a whole column at a time.
///
/// Semantics follow SQL as DuckDB implements it: any arithmetic or comparison with a NULL operand is NULL;
/// AND/OR use three-valued logic; integer arithmetic that overflows is an error; `/` on integers is real
/// division (a double) and division or modulo by zero is NULL; comparisons between integers and doubles compare
/// numerically; strings compare by their UTF-8 bytes.
public indirect enum Expr: Sendable, Hashable, CustomStringConvertible {
    /// The column called `name` of the input.
    case column(String)
    /// A constant; `.null` is an untyped NULL.
    case literal(Value)
    /// A unary operator.
    case unary(UnaryOperator, Expr)
    /// A binary operator.
    case binary(BinaryOperator, Expr, Expr)
    /// `e IS NULL` (or `IS NOT NULL` when `negated`).
    case isNull(Expr, negated: Bool)
    /// `e IN (list…)` (or `NOT IN`), with SQL's NULL rules.
    case inList(Expr, [Expr], negated: Bool)
    /// `e BETWEEN low AND high` (or `NOT BETWEEN`), inclusive.
    case between(Expr, low: Expr, high: Expr, negated: Bool)
    /// `e LIKE pattern` (or `NOT LIKE`, `ILIKE` when `caseInsensitive`): `%` any run, `_` one character.
    case like(Expr, pattern: Expr, negated: Bool, caseInsensitive: Bool)
    /// `CAST(e AS type)`; a value that does not convert is an error.
    case cast(Expr, DataType)
    /// A scalar function by name: `lower`, `upper`, `length`, `substr`, `abs`, `round`, `pow`, `sqrt`, `year`,
    /// `month`, `day`, `concat` (NULL arguments skipped) and `||` (NULL if any argument is).
    case function(String, [Expr])
    /// `CASE WHEN c1 THEN r1 … [ELSE e] END`: the result of the first branch whose condition is TRUE, else `e`
    /// (NULL when absent). Each result is evaluated only on the rows that choose it.
    case caseWhen([WhenThen], otherwise: Expr?)

    /// One `WHEN condition THEN result` branch of ``Expr/caseWhen(_:otherwise:)``.
    public struct WhenThen: Sendable, Hashable {
        /// The condition (a bool expression).
        public var when: Expr
        /// The value for rows whose condition is TRUE.
        public var then: Expr

        /// Creates a branch.
        public init(when: Expr, then: Expr) {
            self.when = when
            self.then = then
        }
    }

    /// Unary operators.
    public enum UnaryOperator: String, Sendable, Hashable {
        /// Arithmetic negation.
        case negate = "-"
        /// Logical NOT (three-valued).
        case not = "NOT"
    }

    /// Binary operators.
    public enum BinaryOperator: String, Sendable, Hashable {
        case add = "+", subtract = "-", multiply = "*", divide = "/", modulo = "%"
        case equal = "=", notEqual = "<>", less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="
        case and = "AND", or = "OR"
        /// `a // b`: integer division (truncating) for integers, division for reals; by zero an error.
        case integerDivide = "//"
    }

    /// The expression in SQL-like text (used by explain output and default column names).
    public var description: String {
        switch self {
        case let .column(name): return name
        case let .literal(value):
            switch value {
            case .null: return "NULL"
            case let .string(s): return "'" + s.replacingAll("'", with: "''") + "'"
            default: return value.description
            }
        case let .unary(op, e): return op == .not ? "(NOT \(e))" : "(-\(e))"
        case let .binary(op, a, b): return "(\(a) \(op.rawValue) \(b))"
        case let .isNull(e, negated): return "(\(e) IS \(negated ? "NOT " : "")NULL)"
        case let .inList(e, list, negated):
            return "(\(e) \(negated ? "NOT " : "")IN (\(list.map(\.description).joined(separator: ", "))))"
        case let .between(e, low, high, negated):
            return "(\(e) \(negated ? "NOT " : "")BETWEEN \(low) AND \(high))"
        case let .like(e, pattern, negated, ci):
            return "(\(e) \(negated ? "NOT " : "")\(ci ? "ILIKE" : "LIKE") \(pattern))"
        case let .cast(e, type): return "CAST(\(e) AS \(type.name))"
        case let .function(name, args):
            if name == "||", args.count == 2 { return "(\(args[0]) || \(args[1]))" }
            return "\(name)(\(args.map(\.description).joined(separator: ", ")))"
        case let .caseWhen(branches, otherwise):
            let body = branches.map { "WHEN \($0.when) THEN \($0.then)" }.joined(separator: " ")
            return "CASE \(body)" + (otherwise.map { " ELSE \($0)" } ?? "") + " END"
        }
    }

    /// The names of the input columns the expression reads, in first-use order without repeats.
    public var referencedColumns: [String] {
        var names: [String] = []
        func visit(_ e: Expr) {
            switch e {
            case let .column(name): if !names.contains(name) { names.append(name) }
            case .literal: break
            case let .unary(_, a), let .isNull(a, _), let .cast(a, _): visit(a)
            case let .binary(_, a, b): visit(a); visit(b)
            case let .inList(a, list, _): visit(a); list.forEach(visit)
            case let .between(a, low, high, _): visit(a); visit(low); visit(high)
            case let .like(a, pattern, _, _): visit(a); visit(pattern)
            case let .function(_, args): args.forEach(visit)
            case let .caseWhen(branches, otherwise):
                for branch in branches {
                    visit(branch.when)
                    visit(branch.then)
                }
                if let otherwise { visit(otherwise) }
            }
        }
        visit(self)
        return names
    }
}

private extension String {
    func replacingAll(_ target: String, with replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
