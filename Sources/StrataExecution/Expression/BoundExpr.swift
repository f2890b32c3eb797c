import StrataCore

/// An ``Expr`` bound to a schema: column names resolved to positions, types checked, literal patterns and `IN`
/// lists compiled. Evaluation runs a whole batch at a time through vectorised kernels.
package struct BoundExpr: Sendable {
    /// The type of the values the expression produces.
    package let type: DataType
    /// What the expression computes.
    let node: Node

    /// The bound operations.
    indirect enum Node: Sendable {
        /// The column at this position of the batch.
        case column(Int)
        /// A one-row constant column.
        case constant(Column)
        case arithmetic(Expr.BinaryOperator, ArithmeticPlan, BoundExpr, BoundExpr, text: String)
        case negate(BoundExpr, text: String)
        case comparison(mask: Int, ComparisonPlan, BoundExpr, BoundExpr)
        case connective(isOr: Bool, BoundExpr, BoundExpr)
        case not(BoundExpr)
        case isNull(BoundExpr, negated: Bool)
        /// `x IN (literals)` through a hash set.
        case inSet(BoundExpr, InListSet, negated: Bool)
        /// `x IN (expressions)` as an OR of equalities.
        case inList(BoundExpr, [BoundExpr], [ComparisonPlan], negated: Bool)
        case between(BoundExpr, low: BoundExpr, ComparisonPlan, high: BoundExpr, ComparisonPlan, negated: Bool)
        case like(BoundExpr, LikePattern, negated: Bool)
        case dynamicLike(BoundExpr, pattern: BoundExpr, negated: Bool, caseInsensitive: Bool)
        case cast(BoundExpr, text: String)
        case function(ScalarFunction, [BoundExpr], text: String)
        /// CASE: (condition, result) pairs and the ELSE result (nil: NULL), results already of the CASE's type.
        case caseWhen([(BoundExpr, BoundExpr)], otherwise: BoundExpr?)
    }

    /// Evaluates the expression over `batch`; the result has `batch.count` rows.
    package func evaluate(_ batch: Batch) throws(StrataError) -> Column {
        try vector(batch).materialize(count: batch.count)
    }

    /// Evaluates the expression, leaving constants unbroadcast; once per dictionary entry when it reads one
    /// dictionary-coded column (see DictionaryEvaluation.swift).
    func vector(_ batch: Batch) throws(StrataError) -> Vector {
        if let overDictionary = vectorOverDictionary(batch) { return overDictionary }
        return try vectorOverRows(batch)
    }

    /// Evaluates the expression row by row (operand by operand), leaving constants unbroadcast.
    func vectorOverRows(_ batch: Batch) throws(StrataError) -> Vector {
        let count = batch.count
        switch node {
        case let .column(index):
            guard index < batch.columns.count, batch.columns[index].type == type else {
                throw StrataError(.schemaMismatch, "the batch does not have the schema the expression was bound to")
            }
            return Vector(column: batch.columns[index], isConstant: false)
        case let .constant(column):
            return Vector(column: column, isConstant: true)
        case let .arithmetic(op, plan, a, b, text):
            return try evaluateArithmetic(op, plan, try a.vector(batch), try b.vector(batch), count: count,
                                          type: type, text: text)
        case let .negate(a, text):
            return try evaluateNegation(try a.vector(batch), text: text)
        case let .comparison(mask, plan, a, b):
            return try evaluateComparison(mask: mask, plan, try a.vector(batch), try b.vector(batch), count: count)
        case let .connective(isOr, a, b):
            return evaluateConnective(isOr: isOr, try a.vector(batch), try b.vector(batch), count: count)
        case let .not(a):
            return evaluateNot(try a.vector(batch))
        case let .isNull(a, negated):
            return evaluateIsNull(try a.vector(batch), negated: negated)
        case let .inSet(x, set, negated):
            return try set.evaluate(try x.vector(batch), negated: negated, count: count)
        case let .inList(x, items, plans, negated):
            let value = try x.vector(batch)
            var result: Vector?
            for (item, plan) in zip(items, plans) {
                let equal = try evaluateComparison(mask: 0b010, plan, value, try item.vector(batch), count: count)
                result = result.map { evaluateConnective(isOr: true, $0, equal, count: count) } ?? equal
            }
            let any = result ?? Vector.make(.bool, .bool([false]), words: nil, constant: true)
            return negated ? evaluateNot(any) : any
        case let .between(x, low, lowPlan, high, highPlan, negated):
            let value = try x.vector(batch)
            let lower = try evaluateComparison(mask: 0b110, lowPlan, value, try low.vector(batch), count: count)
            let upper = try evaluateComparison(mask: 0b011, highPlan, value, try high.vector(batch), count: count)
            let both = evaluateConnective(isOr: false, lower, upper, count: count)
            return negated ? evaluateNot(both) : both
        case let .like(x, pattern, negated):
            let text = try x.vector(batch)
            if text.isNullConstant { return .null(.bool) }
            return mapStrings(LikeMatch(pattern: pattern, negated: negated), try text.stringOperand(),
                              count: text.column.count, words: text.words).vector(.bool, constant: text.isConstant)
        case let .dynamicLike(x, pattern, negated, caseInsensitive):
            let (text, p) = (try x.vector(batch), try pattern.vector(batch))
            if text.isNullConstant || p.isNullConstant { return .null(.bool) }
            let constant = text.isConstant && p.isConstant
            return mapStringPairs(DynamicLikeMatch(negated: negated, caseInsensitive: caseInsensitive),
                                  try text.stringOperand(), try p.stringOperand(), count: constant ? 1 : count,
                                  words: Vector.combinedWords([text, p])).vector(.bool, constant: constant)
        case let .cast(a, text):
            return try Cast.evaluate(try a.vector(batch), to: type, text: text)
        case let .function(function, args, text):
            var values: [Vector] = []
            for arg in args { values.append(try arg.vector(batch)) }
            return try function.evaluate(values, type: type, count: count, text: text)
        case let .caseWhen(branches, otherwise):
            return Vector(column: try CaseWhen.evaluate(branches, otherwise: otherwise, type: type, batch: batch),
                          isConstant: false)
        }
    }
}
