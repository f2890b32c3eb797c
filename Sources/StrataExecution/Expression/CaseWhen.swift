import StrataCore

// Evaluating CASE WHEN over a batch.
//
// 1. Start with every row undecided.
// 2. For each branch in order: evaluate its condition on the undecided rows only; the rows where it is TRUE
//    choose the branch: its result is evaluated on exactly those rows (so a result that would fail on other rows,
//    such as a cast, is never evaluated there) and they are no longer undecided.
// 3. The rows still undecided take the ELSE result (evaluated on them) or NULL.
// 4. The per-branch results are concatenated and gathered back into row order.

/// The CASE kernel.
enum CaseWhen {
    /// The CASE result for every row of `batch`.
    static func evaluate(_ branches: [(BoundExpr, BoundExpr)], otherwise: BoundExpr?, type: DataType,
                         batch: Batch) throws(StrataError) -> Column {
        let count = batch.count
        var undecided = batch
        var origin: [Int]? = nil  // undecided row → batch row; nil while it is the identity
        var pieces: [Column] = []
        var positions = [Int](repeating: 0, count: count)
        var placed = 0

        func place(_ rows: [Int], _ values: Column) {
            for (k, local) in rows.enumerated() { positions[origin?[local] ?? local] = placed + k }
            placed += rows.count
            pieces.append(values)
        }

        for (condition, result) in branches where undecided.count > 0 {
            let chosen = try selection(of: condition, in: undecided)
            guard !chosen.isEmpty else { continue }
            let all = chosen.count == undecided.count
            place(chosen, try result.evaluate(all ? undecided : try undecided.gather(chosen)))
            if all {
                undecided = try undecided.gather([])
                break
            }
            var rest: [Int] = []
            rest.reserveCapacity(undecided.count - chosen.count)
            var next = 0
            for i in 0..<undecided.count {
                if next < chosen.count && chosen[next] == i {
                    next += 1
                } else {
                    rest.append(i)
                }
            }
            undecided = try undecided.gather(rest)
            origin = rest.map { origin?[$0] ?? $0 }
        }
        if undecided.count > 0 {
            let rows = Array(0..<undecided.count)
            if let otherwise {
                place(rows, try otherwise.evaluate(undecided))
            } else {
                place(rows, Vector.null(type).materialize(count: undecided.count))
            }
        }
        guard !pieces.isEmpty else { return Vector.null(type).materialize(count: 0) }
        let values = pieces.count == 1 ? pieces[0] : try Column.concatenate(pieces, type: type)
        if pieces.count == 1 && origin == nil { return values }
        return values.gather(positions)
    }
}
