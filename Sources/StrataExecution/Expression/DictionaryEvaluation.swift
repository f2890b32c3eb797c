import StrataCore

// Evaluating an expression once per dictionary entry instead of once per row.
//
// 1. An expression qualifies when it reads exactly one column of the batch (and is more than that column), the
//    column holds dictionary codes, and its dictionary has at most half as many entries as the batch has rows.
// 2. The expression is evaluated over the dictionary's entries, plus a NULL entry that the NULL rows point at
//    when the column has any (the other columns stand in as NULLs, never read).
//    Should that fail (an entry no row of this batch uses may make a cast or `error()` throw), the expression is
//    evaluated over the rows as usual, which fails only if a row does.
// 3. The per-entry results are spread to the rows by their codes: a boolean result as flat values (filters read
//    them), any other result without NULLs as codes into a dictionary of the results, so a key computed from a
//    dictionary column (`substr(id1, 1, 3)`) is grouped by codes too.

extension BoundExpr {
    /// The one column the expression reads, or nil when it reads none or several.
    func singleColumn() -> Int? {
        var found: Int?
        var several = false
        func visit(_ expr: BoundExpr) {
            guard !several else { return }
            switch expr.node {
            case let .column(index):
                if let found, found != index { several = true }
                found = index
            case .constant: break
            case let .arithmetic(_, _, a, b, _), let .comparison(_, _, a, b), let .connective(_, a, b):
                visit(a)
                visit(b)
            case let .negate(a, _), let .not(a), let .isNull(a, _), let .inSet(a, _, _), let .like(a, _, _),
                 let .cast(a, _):
                visit(a)
            case let .inList(x, items, _, _):
                visit(x)
                items.forEach(visit)
            case let .between(x, low, _, high, _, _):
                visit(x)
                visit(low)
                visit(high)
            case let .dynamicLike(x, pattern, _, _):
                visit(x)
                visit(pattern)
            case let .function(_, args, _):
                args.forEach(visit)
            case let .caseWhen(branches, otherwise):
                for (condition, result) in branches {
                    visit(condition)
                    visit(result)
                }
                if let otherwise { visit(otherwise) }
            }
        }
        visit(self)
        return several ? nil : found
    }

    /// The expression's values over `batch` computed per dictionary entry (steps 1–3), or nil when the
    /// expression does not qualify or the entries could not all be evaluated.
    func vectorOverDictionary(_ batch: Batch) -> Vector? {
        switch node {
        case .column, .constant: return nil
        default: break
        }
        // Most batches hold no codes: say so before walking the expression.
        guard batch.columns.contains(where: { $0.dictionaryCodes != nil }), let index = singleColumn(), index < batch.columns.count else { return nil }
        let column = batch.columns[index]
        guard let coded = column.dictionaryCodes else { return nil }
        let entries = coded.dictionary.count
        guard entries > 0, entries * 2 <= batch.count else { return nil }
        // NULL rows point at one more entry, a NULL, appended to the dictionary's.
        let hasNulls = column.validity != nil
        var values = coded.dictionary.values
        var codes = coded.codes
        if hasNulls {
            guard let extended = try? Column.concatenate([values, Column.nulls(values.type, count: 1)],
                                                         type: values.type) else { return nil }
            values = extended
            let nullEntry = UInt32(truncatingIfNeeded: entries)
            codes.withUnsafeMutableBufferPointer { all in
                for i in all.indices where all[i] == nullRow { all[i] = nullEntry }
            }
        }
        var columns: [Column] = []
        columns.reserveCapacity(batch.columns.count)
        for (i, field) in batch.schema.fields.enumerated() {
            columns.append(i == index ? values : Column.nulls(field.type, count: values.count))
        }
        guard let entryBatch = try? Batch(schema: batch.schema, columns: columns),
              let perEntry = try? vectorOverRows(entryBatch) else { return nil }
        if perEntry.isConstant { return perEntry }
        let results = perEntry.column
        if type != .bool, results.validity == nil {
            let dictionary = ColumnDictionary(values: results)
            if dictionary.canMaterialize(rows: codes.count) {
                return Vector(column: Column(type: type, codes: DictionaryCodes(codes: codes, dictionary: dictionary),
                                             validity: nil), isConstant: false)
            }
        }
        guard let spread = try? codes.withUnsafeBufferPointer({ (rows) throws(StrataError) in
            try results.gather(rows: rows)
        }) else { return nil }
        return Vector(column: spread, isConstant: false)
    }
}
