import StrataCore

// Three-valued logic.
//
// 1. AND: a row is FALSE when either side is a valid FALSE, TRUE when both are valid TRUE, otherwise NULL.
//    OR: TRUE when either side is a valid TRUE, FALSE when both are valid FALSE, otherwise NULL.
// 2. Each side is read as (value, valid) per row; a constant side is one scalar pair. The value written for a
//    NULL result is false; validity is packed into words as the loop goes, 64 rows at a time.
// 3. NOT flips the values and keeps the validity words; IS [NOT] NULL turns validity into a never-NULL bool.

/// Reads a bool operand's value and validity per row.
private struct TruthReader {
    let values: UnsafeBufferPointer<Bool>
    let words: UnsafeBufferPointer<UInt64>?
    /// For a constant: its value and validity for every row.
    let constant: (value: Bool, valid: Bool)?

    @inline(__always) func truth(_ i: Int) -> (value: Bool, valid: Bool) {
        if let constant { return constant }
        guard let words else { return (values[i], true) }
        return (values[i], (words[i &>> 6] &>> UInt64(i & 63)) & 1 == 1)
    }
}

private func withTruthReader<R>(_ vector: Vector, _ body: (TruthReader) -> R) -> R {
    let values: [Bool]
    if case let .bool(v) = vector.column.data { values = v } else { values = [] }
    if vector.isConstant {
        let constant = (values.first ?? false, !vector.column.isNull(0))
        return body(TruthReader(values: UnsafeBufferPointer(start: nil, count: 0), words: nil, constant: constant))
    }
    return values.withUnsafeBufferPointer { v in
        if let words = vector.column.validity?.words {
            return words.withUnsafeBufferPointer { body(TruthReader(values: v, words: $0, constant: nil)) }
        }
        return body(TruthReader(values: v, words: nil, constant: nil))
    }
}

/// Evaluates `left AND right` (or `OR` when `isOr`) with SQL's three-valued logic.
func evaluateConnective(isOr: Bool, _ left: Vector, _ right: Vector, count: Int) -> Vector {
    let constant = left.isConstant && right.isConstant
    let rows = constant ? 1 : count
    var words = [UInt64](repeating: 0, count: (rows + 63) >> 6)
    let values = withTruthReader(left) { a in
        withTruthReader(right) { b in
            [Bool](unsafeUninitializedCapacity: rows) { buffer, initialized in
                for i in 0..<rows {
                    let (x, vx) = a.truth(i), (y, vy) = b.truth(i)
                    let value: Bool, valid: Bool
                    if isOr {
                        value = (vx && x) || (vy && y)
                        valid = value || (vx && vy)
                    } else {
                        value = vx && x && vy && y
                        valid = value || (vx && !x) || (vy && !y) || (vx && vy)
                    }
                    buffer.initializeElement(at: i, to: value)
                    if valid { words[i &>> 6] |= 1 &<< UInt64(i & 63) }
                }
                initialized = rows
            }
        }
    }
    return Vector.make(.bool, .bool(values), words: words, constant: constant)
}

/// Evaluates `NOT operand` (NULL stays NULL).
func evaluateNot(_ operand: Vector) -> Vector {
    guard case let .bool(values) = operand.column.data else { return operand }
    let flipped = values.withUnsafeBufferPointer { v in
        [Bool](unsafeUninitializedCapacity: v.count) { buffer, initialized in
            for i in 0..<v.count { buffer.initializeElement(at: i, to: !v[i]) }
            initialized = v.count
        }
    }
    return Vector(column: Column(unchecked: .bool, data: .bool(flipped), validity: operand.column.validity),
                  isConstant: operand.isConstant)
}

/// Evaluates `operand IS NULL` (or `IS NOT NULL` when `negated`); never NULL.
func evaluateIsNull(_ operand: Vector, negated: Bool) -> Vector {
    let rows = operand.column.count
    let values: [Bool]
    if let mask = operand.column.validity {
        values = (0..<rows).map { mask.isValid($0) == negated }
    } else {
        values = Array(repeating: negated, count: rows)
    }
    return Vector(column: Column(unchecked: .bool, data: .bool(values), validity: nil), isConstant: operand.isConstant)
}
