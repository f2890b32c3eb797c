import StrataCore

// Binding an `Expr` to a schema.
//
// 1. Columns resolve to their position; a missing name is `.notFound`.
// 2. Literals become one-row constant columns. An untyped NULL takes the type its context gives it (the other
//    operand of a binary operator, comparison, IN or BETWEEN, the target of a CAST, the argument type a function
//    expects); alone it is a bool NULL.
// 3. A string literal compared with (or listed in IN / BETWEEN against) an operand of another type is cast to
//    that type now; text that does not convert is `.invalidArgument`.
// 4. Each operator checks its operand types and picks its evaluation plan (arithmetic, comparison, cast,
//    function); a mismatch is `.invalidArgument` naming the expression.
// 5. LIKE with a literal pattern compiles it once; IN with only literals that convert exactly to x's type builds a
//    hash set; other IN lists become an OR of equalities.

extension Expr {
    /// Resolves columns against `schema`, checks types and compiles the expression for evaluation.
    package func bind(to schema: Schema) throws(StrataError) -> BoundExpr {
        try ExprBinder(schema: schema).bind(self)
    }

    /// Whether this is the untyped literal NULL.
    var isUntypedNull: Bool {
        if case .literal(.null) = self { return true }
        return false
    }
}

/// Binds expressions against one schema.
struct ExprBinder {
    let schema: Schema

    func bind(_ expr: Expr) throws(StrataError) -> BoundExpr {
        let text = expr.description
        switch expr {
        case let .column(name):
            guard let index = schema.index(of: name) else {
                throw StrataError(.notFound, "column \"\(name)\" not found", column: name)
            }
            return BoundExpr(type: schema.fields[index].type, node: .column(index))
        case let .literal(value):
            return ExprBinder.constant(value)
        case let .unary(.negate, operand):
            let a = try bind(operand, defaultType: .int32)
            guard [.int32, .int64, .float, .double].contains(a.type) || a.type.isDecimal else {
                throw mismatch("cannot negate a \(a.type) value", text)
            }
            return BoundExpr(type: a.type, node: .negate(a, text: text))
        case let .unary(.not, operand):
            let a = try bind(operand, defaultType: .bool)
            guard a.type == .bool else { throw mismatch("NOT needs a bool operand, not \(a.type)", text) }
            return BoundExpr(type: .bool, node: .not(a))
        case let .binary(op, left, right):
            return try bindBinary(op, left, right, text: text)
        case let .isNull(operand, negated):
            return BoundExpr(type: .bool, node: .isNull(try bind(operand), negated: negated))
        case let .inList(operand, list, negated):
            return try bindIn(operand, list, negated: negated, text: text)
        case let .between(operand, low, high, negated):
            let (x, lo, lowPlan) = try bindComparable(operand, low, text: text)
            let (_, hi, highPlan) = try bindComparable(operand, high, text: text)
            return BoundExpr(type: .bool, node: .between(x, low: lo, lowPlan, high: hi, highPlan, negated: negated))
        case let .like(operand, pattern, negated, caseInsensitive):
            let x = try bind(operand, defaultType: .string)
            let p = try bind(pattern, defaultType: .string)
            guard x.type == .string, p.type == .string else {
                throw mismatch("LIKE needs string operands, not \(x.type) and \(p.type)", text)
            }
            if case let .literal(.string(literal)) = pattern {
                let compiled = Array(literal.utf8).withUnsafeBytes {
                    LikePattern($0, caseInsensitive: caseInsensitive)
                }
                return BoundExpr(type: .bool, node: .like(x, compiled, negated: negated))
            }
            return BoundExpr(type: .bool, node: .dynamicLike(x, pattern: p, negated: negated,
                                                             caseInsensitive: caseInsensitive))
        case let .cast(operand, type):
            let a = try bind(operand, defaultType: type)
            guard Cast.isSupported(from: a.type, to: type) else {
                throw mismatch("cannot cast \(a.type) to \(type)", text)
            }
            if a.type == type { return a }
            return BoundExpr(type: type, node: .cast(a, text: text))
        case let .function(name, args):
            if name.lowercased() == "round", let first = args.first, case let .decimal(precision, scale) = try bind(first).type {
                return try bindDecimalRound(first, args, precision: Int(precision), scale: Int(scale), text: text)
            }
            var bound: [BoundExpr] = []
            for (i, arg) in args.enumerated() {
                bound.append(try bind(arg, defaultType: ExprBinder.argumentDefault(name, position: i)))
            }
            if ScalarFunction.takesText(name) {
                bound = try bound.map { (arg) throws(StrataError) in
                    guard arg.type != .string else { return arg }
                    return BoundExpr(type: .string, node: .cast(arg, text: text))
                }
            } else if ScalarFunction.readsMicroseconds(name) {
                // DuckDB casts a TIMESTAMP_NS to TIMESTAMP (the nearest microsecond) for these.
                bound = bound.map { $0.type == .timestampNanos ? ExprBinder.cast($0, to: .timestamp, text: text) : $0 }
            }
            let (function, type) = try ScalarFunction.bind(name, bound.map(\.type), text: text)
            return BoundExpr(type: type, node: .function(function, bound, text: text))
        case let .caseWhen(branches, otherwise):
            return try bindCase(branches, otherwise: otherwise, text: text)
        }
    }

    /// `round(x)` / `round(x, d)` of a decimal: DECIMAL(p, d) rounded half away from zero (x itself when d is at
    /// least its scale), as DuckDB; a digit count that is not a literal, or is negative, rounds the double.
    private func bindDecimalRound(_ first: Expr, _ args: [Expr], precision: Int, scale: Int,
                                  text: String) throws(StrataError) -> BoundExpr {
        let x = try bind(first)
        var digits: Int64 = 0
        if args.count == 2 {
            switch args[1] {
            case let .literal(.int32(d)): digits = Int64(d)
            case let .literal(.int64(d)): digits = d
            default: digits = -1
            }
        } else if args.count != 1 {
            throw mismatch("round takes 1 or 2 arguments", text)
        }
        guard digits >= 0 else {
            let double = ExprBinder.cast(x, to: .double, text: text)
            let d = try bind(args[1], defaultType: .int32)
            let (function, type) = try ScalarFunction.bind("round", [.double, d.type], text: text)
            return BoundExpr(type: type, node: .function(function, [double, d], text: text))
        }
        if digits >= Int64(scale) { return x }
        let target = DataType.decimal(precision: UInt8(precision), scale: UInt8(digits))
        return BoundExpr(type: target, node: .cast(x, text: text))
    }

    /// Binds a CASE: conditions must be bool; results are cast to their common type (numbers widen to the widest,
    /// a date meets a timestamp as a timestamp, NULLs and string literals take the others' type).
    private func bindCase(_ branches: [Expr.WhenThen], otherwise: Expr?, text: String) throws(StrataError) -> BoundExpr {
        var conditions: [BoundExpr] = []
        for branch in branches {
            let condition = try bind(branch.when, defaultType: .bool)
            guard condition.type == .bool else {
                throw mismatch("a CASE condition must be bool, not \(condition.type)", text)
            }
            conditions.append(condition)
        }
        let resultExprs = branches.map(\.then) + (otherwise.map { [$0] } ?? [])
        var typed: [BoundExpr?] = []
        var common: DataType?
        var stringLiterals = false
        for e in resultExprs {
            guard !e.isUntypedNull else {
                typed.append(nil)
                continue
            }
            let bound = try bind(e)
            typed.append(bound)
            if case .literal(.string) = e {
                // A string literal takes the others' type, as DuckDB's STRING_LITERAL does.
                stringLiterals = true
                continue
            }
            guard let current = common else {
                common = bound.type
                continue
            }
            guard let merged = ExprBinder.commonType(current, bound.type) else {
                throw mismatch("CASE results of types \(current) and \(bound.type) do not mix", text)
            }
            common = merged
        }
        let type = common ?? (stringLiterals ? .string : .bool)
        var results: [BoundExpr] = []
        for (e, bound) in zip(resultExprs, typed) {
            guard let bound else {
                results.append(ExprBinder.constant(.null, type: type))
                continue
            }
            if case let .literal(.string(s)) = e, type != .string {
                results.append(try castLiteral(s, to: type, text: text))
            } else {
                results.append(bound.type == type ? bound : BoundExpr(type: type, node: .cast(bound, text: text)))
            }
        }
        let pairs = Array(zip(conditions, results.prefix(branches.count)))
        return BoundExpr(type: type, node: .caseWhen(pairs, otherwise: otherwise == nil ? nil : results.last))
    }

    /// The type two values meet in (CASE results, COALESCE arguments), or nil when they do not mix.
    package static func commonType(_ a: DataType, _ b: DataType) -> DataType? {
        if a == b { return a }
        if a.isDecimal || b.isDecimal {
            if let decimal = DecimalRules.common(a, b) { return decimal }
            let reals: Set<DataType> = [.float, .double]
            return reals.contains(a) || reals.contains(b) ? .double : nil
        }
        let numbers: [DataType] = [.int32, .int64, .float, .double]
        if let i = numbers.firstIndex(of: a), let j = numbers.firstIndex(of: b) {
            // int64 and float meet as double (a float cannot hold every int64).
            if Set([a, b]) == [.int64, .float] { return .double }
            return numbers[max(i, j)]
        }
        if Set([a, b]) == [.blob, .string] { return .blob }
        return DataType.commonTemporal(a, b)
    }

    /// Binds `expr`, giving an untyped NULL the type `defaultType`.
    private func bind(_ expr: Expr, defaultType: DataType) throws(StrataError) -> BoundExpr {
        expr.isUntypedNull ? ExprBinder.constant(.null, type: defaultType) : try bind(expr)
    }

    /// The type an untyped NULL argument of a function takes.
    private static func argumentDefault(_ name: String, position: Int) -> DataType {
        switch name.lowercased() {
        case "lower", "upper", "length", "substr", "substring": position == 0 ? .string : .int64
        case "regexp_matches", "starts_with", "contains", "replace", "trim", "ltrim", "rtrim": .string
        case "year", "month", "day": .date
        case "round": position == 0 ? .double : .int32
        case "concat", "||": .string
        default: .double
        }
    }

    /// A one-row constant; `type` overrides the value's own type (only for NULL).
    static func constant(_ value: Value, type: DataType? = nil) -> BoundExpr {
        let valueType: DataType
        switch value {
        case .null: valueType = .bool
        case .bool: valueType = .bool
        case .int32: valueType = .int32
        case .int64: valueType = .int64
        case .float: valueType = .float
        case .double: valueType = .double
        case .string: valueType = .string
        case .date: valueType = .date
        case .timestamp: valueType = .timestamp
        case .timestampNanos: valueType = .timestampNanos
        case .blob: valueType = .blob
        case .time: valueType = .time
        case let .decimal(_, precision, scale): valueType = .decimal(precision: precision, scale: scale)
        }
        var builder = ColumnBuilder(type: type ?? valueType, capacity: 1)
        if case .null = value { builder.appendNull() } else { try? builder.append(value) }
        return BoundExpr(type: type ?? valueType, node: .constant(builder.finish()))
    }

    private func mismatch(_ message: String, _ text: String) -> StrataError {
        StrataError(.invalidArgument, message + " in " + text)
    }

    /// Binds both sides of a binary operator; an untyped NULL takes the other side's type.
    private func bindPair(_ left: Expr, _ right: Expr, defaultType: DataType) throws(StrataError) -> (BoundExpr, BoundExpr) {
        switch (left.isUntypedNull, right.isUntypedNull) {
        case (true, true):
            return (ExprBinder.constant(.null, type: defaultType), ExprBinder.constant(.null, type: defaultType))
        case (true, false):
            let b = try bind(right)
            return (ExprBinder.constant(.null, type: b.type), b)
        case (false, true):
            let a = try bind(left)
            return (a, ExprBinder.constant(.null, type: a.type))
        case (false, false):
            return (try bind(left), try bind(right))
        }
    }

    private func bindBinary(_ op: Expr.BinaryOperator, _ left: Expr, _ right: Expr,
                            text: String) throws(StrataError) -> BoundExpr {
        if let mask = op.comparisonMask {
            let (a, b, plan) = try bindComparable(left, right, text: text)
            return BoundExpr(type: .bool, node: .comparison(mask: mask, plan, a, b))
        }
        if op == .and || op == .or {
            let (a, b) = try bindPair(left, right, defaultType: .bool)
            guard a.type == .bool, b.type == .bool else {
                throw mismatch("\(op.rawValue) needs bool operands, not \(a.type) and \(b.type)", text)
            }
            return BoundExpr(type: .bool, node: .connective(isOr: op == .or, a, b))
        }
        let (a, b) = try bindPair(left, right, defaultType: .int32)
        if let (leftType, rightType, result) = try DecimalRules.arithmetic(op, a.type, b.type, text: text) {
            let l = ExprBinder.cast(a, to: leftType, text: text), r = ExprBinder.cast(b, to: rightType, text: text)
            let plan: ArithmeticPlan = result == .double ? .double
                : .decimal(wide: result.isWideDecimal, precision: result.decimalPrecision)
            return BoundExpr(type: result, node: .arithmetic(op, plan, l, r, text: text))
        }
        guard let (plan, type) = ArithmeticPlan.plan(op, a.type, b.type) else {
            throw mismatch("cannot apply \(op.rawValue) to \(a.type) and \(b.type)", text)
        }
        return BoundExpr(type: type, node: .arithmetic(op, plan, a, b, text: text))
    }

    /// Binds two operands to be compared: NULLs and string literals take the other side's type.
    private func bindComparable(_ left: Expr, _ right: Expr,
                                text: String) throws(StrataError) -> (BoundExpr, BoundExpr, ComparisonPlan) {
        var (a, b) = try bindPair(left, right, defaultType: .bool)
        if case let .literal(.string(s)) = right, a.type != .string {
            b = try castLiteral(s, to: a.type, text: text)
        } else if case let .literal(.string(s)) = left, b.type != .string {
            a = try castLiteral(s, to: b.type, text: text)
        }
        if a.type.isDecimal || b.type.isDecimal, a.type != b.type {
            let target = DecimalRules.common(a.type, b.type) ?? .double
            a = ExprBinder.cast(a, to: target, text: text)
            b = ExprBinder.cast(b, to: target, text: text)
        } else if a.type != b.type, DataType.commonTemporal(a.type, b.type) == .timestampNanos {
            // A date or timestamp meets a timestamp_ns in nanoseconds, as in DuckDB.
            a = ExprBinder.cast(a, to: .timestampNanos, text: text)
            b = ExprBinder.cast(b, to: .timestampNanos, text: text)
        }
        guard let plan = ComparisonPlan.plan(a.type, b.type) else {
            throw mismatch("cannot compare \(a.type) with \(b.type)", text)
        }
        return (a, b, plan)
    }

    /// `expr` cast to `type` (itself when it has that type already).
    static func cast(_ expr: BoundExpr, to type: DataType, text: String) -> BoundExpr {
        expr.type == type ? expr : BoundExpr(type: type, node: .cast(expr, text: text))
    }

    /// The string literal `s` as a constant of `type`.
    private func castLiteral(_ s: String, to type: DataType, text: String) throws(StrataError) -> BoundExpr {
        let literal = ExprBinder.constant(.string(s))
        guard case let .constant(column) = literal.node,
              let cast = try? Cast.evaluate(Vector(column: column, isConstant: true), to: type, text: text) else {
            throw mismatch("cannot convert '\(s)' to \(type)", text)
        }
        return BoundExpr(type: type, node: .constant(cast.column))
    }

    private func bindIn(_ operand: Expr, _ list: [Expr], negated: Bool, text: String) throws(StrataError) -> BoundExpr {
        var xType = DataType.bool
        if operand.isUntypedNull, let first = list.first(where: { !$0.isUntypedNull }) { xType = try bind(first).type }
        let x = try bind(operand, defaultType: xType)
        var literals: [Value] = []
        for item in list {
            guard case let .literal(value) = item, let key = try setKey(value, for: x.type, text: text) else { break }
            literals.append(key)
        }
        if literals.count == list.count, !list.isEmpty, let set = InListSet(literals, type: x.type) {
            return BoundExpr(type: .bool, node: .inSet(x, set, negated: negated))
        }
        var items: [BoundExpr] = [], plans: [ComparisonPlan] = []
        for item in list {
            let (_, bound, plan) = try bindComparable(operand, item, text: text)
            items.append(bound)
            plans.append(plan)
        }
        return BoundExpr(type: .bool, node: .inList(x, items, plans, negated: negated))
    }

    /// A literal as a hash-set key for an `IN` over `type`, or `nil` when it needs the general comparison path.
    private func setKey(_ value: Value, for type: DataType, text: String) throws(StrataError) -> Value? {
        switch (value, type) {
        case (.null, _): return .null
        case let (.string(s), _) where type != .string:
            guard case let .constant(column) = try castLiteral(s, to: type, text: text).node else { return nil }
            return column.value(at: 0)
        case (.int32, .int32), (.int32, .int64), (.int64, .int32), (.int64, .int64), (.date, .date),
             (.timestamp, .timestamp), (.timestampNanos, .timestampNanos), (.string, .string), (.blob, .blob), (.time, .time), (.bool, .bool), (.double, .double), (.float, .float),
             (.double, .float), (.float, .double):
            return value
        case let (.date(d), .timestamp):
            let (micros, overflow) = Int64(d).multipliedReportingOverflow(by: 86_400_000_000)
            return overflow ? nil : .timestamp(micros)
        case let (.int32(v), .double), let (.int32(v), .float):
            return .double(Double(v))
        case let (.int64(v), .double), let (.int64(v), .float):
            return v.magnitude < 1 << 53 ? .double(Double(v)) : nil
        case let (.decimal(units, _, from), .decimal(precision, scale)):
            // Only exact members: a literal with more digits than x's scale can equal no value of x.
            guard let rescaled = DecimalMath.rescale(units.value, from: Int(from), to: Int(scale)),
                  DecimalMath.rescale(rescaled, from: Int(scale), to: Int(from)) == units.value,
                  DecimalMath.fits(rescaled, precision: Int(precision)) else { return nil }
            return .decimal(rescaled, precision: precision, scale: scale)
        case let (.int32(v), .decimal(precision, scale)):
            return try setKey(.decimal(Int128(v), precision: 10, scale: 0), for: .decimal(precision: precision, scale: scale), text: text)
        case let (.int64(v), .decimal(precision, scale)):
            return try setKey(.decimal(Int128(v), precision: 19, scale: 0), for: .decimal(precision: precision, scale: scale), text: text)
        default:
            return nil
        }
    }
}

extension DataType {
    /// The type two values meet in (CASE results, COALESCE arguments: decimals widened to hold both), or nil.
    package static func common(_ a: DataType, _ b: DataType) -> DataType? { ExprBinder.commonType(a, b) }
}
