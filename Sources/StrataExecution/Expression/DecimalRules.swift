import StrataCore

// DuckDB's typing rules for DECIMAL operands.
//
// 1. An integer meets a decimal as DECIMAL(10,0) (int32) or DECIMAL(19,0) (int64); a float or double makes the
//    operation DOUBLE; decimals compare and combine at their common type: the larger scale and the most digits
//    before the point (at most 38 in all).
// 2. `+`/`-`: scale max(s1, s2), precision max(p1 - s1, p2 - s2) + scale + 1, at most 38; both operands are cast to
//    the result type first, so the kernel adds integers and checks the precision.
// 3. `*`: scale s1 + s2 (at most 38) and precision p1 + p2, at most 18 when both operands are at most 18 (else at
//    most 38); the operands keep their types and the product of their units is checked against the precision.
// 4. `%`: the operands' common type; `/` and `//` are DOUBLE.
enum DecimalRules {
    /// The decimal an integer or decimal type takes when it meets a decimal, `nil` for other types.
    static func asDecimal(_ type: DataType) -> (precision: Int, scale: Int)? {
        switch type {
        case let .decimal(precision, scale): (Int(precision), Int(scale))
        case .int32: (10, 0)
        case .int64: (19, 0)
        default: nil
        }
    }

    /// The common decimal of two integer-or-decimal types, at least one a decimal; `nil` otherwise.
    static func common(_ a: DataType, _ b: DataType) -> DataType? {
        guard a.isDecimal || b.isDecimal, let x = asDecimal(a), let y = asDecimal(b) else { return nil }
        let scale = max(x.scale, y.scale)
        let digits = max(x.precision - x.scale, y.precision - y.scale)
        return .decimal(precision: UInt8(min(38, digits + scale)), scale: UInt8(min(38, scale)))
    }

    /// The operand and result types of `left op right` when decimals are involved: `nil` when neither side is a
    /// decimal (other rules apply). Throws for a product whose scale exceeds 38.
    static func arithmetic(_ op: Expr.BinaryOperator, _ left: DataType, _ right: DataType,
                           text: String) throws(StrataError) -> (left: DataType, right: DataType, result: DataType)? {
        guard left.isDecimal || right.isDecimal else { return nil }
        let reals: Set<DataType> = [.float, .double]
        if op == .divide || op == .integerDivide || reals.contains(left) || reals.contains(right) {
            guard asDecimal(left) != nil || reals.contains(left), asDecimal(right) != nil || reals.contains(right)
            else { return nil }
            return (.double, .double, .double)
        }
        guard let x = asDecimal(left), let y = asDecimal(right) else { return nil }
        switch op {
        case .add, .subtract:
            let scale = max(x.scale, y.scale)
            let digits = max(x.precision - x.scale, y.precision - y.scale)
            let result = DataType.decimal(precision: UInt8(min(38, digits + scale + 1)), scale: UInt8(scale))
            return (result, result, result)
        case .multiply:
            let scale = x.scale + y.scale
            guard scale <= 38 else {
                throw StrataError(.invalidArgument, "the product's scale \(scale) exceeds DECIMAL's 38 in \(text)")
            }
            let narrow = x.precision <= 18 && y.precision <= 18
            let precision = max(scale, min(narrow && x.precision + y.precision > 18 ? 18 : 38, x.precision + y.precision))
            let result = DataType.decimal(precision: UInt8(precision), scale: UInt8(scale))
            // A wide product multiplies wide units: widen narrow operands (their own scale kept).
            let l = DataType.decimal(precision: UInt8(result.isWideDecimal ? 38 : x.precision), scale: UInt8(x.scale))
            let r = DataType.decimal(precision: UInt8(result.isWideDecimal ? 38 : y.precision), scale: UInt8(y.scale))
            return (l, r, result)
        case .modulo:
            guard let result = common(left, right) else { return nil }
            return (result, result, result)
        default:
            return nil
        }
    }
}
