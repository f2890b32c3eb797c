import StrataCore

/// The columns a clause can name: each with the qualifier it can be reached by, the name the user sees and the
/// unique name it has in the plan.
struct BindScope {
    /// One visible column.
    struct Column {
        /// The table name or alias that qualifies it (nil for none).
        var qualifier: String?
        /// The name users write.
        var name: String
        /// The plan's name for it.
        var planName: String
        /// Its type.
        var type: DataType
        /// Reachable only with its qualifier (a USING column's per-side copies: `a.k`, `b.k`).
        var qualifiedOnly = false
        /// Left out of an unqualified `*` (it is included in `t.*`).
        var hiddenFromStar = false
    }

    /// The columns, in order.
    var columns: [Column]
    /// What the scope reads, for messages ("table t", "subquery s").
    var label: String
    /// The enclosing query's columns, which a correlated subquery's WHERE may name: found only when no column of
    /// the scope matches (the inner query's names hide the outer ones).
    var outer: [Column] = []

    /// The plan schema of the columns.
    var schema: Schema { Schema(unchecked: columns.map { Field($0.planName, $0.type) }) }

    /// Finds `name` (optionally qualified): an exact match first, else a case-insensitive one; nil when absent.
    /// Throws when the name is ambiguous.
    func find(_ name: String, qualifier: String?) -> [Column] {
        let candidates = columns.filter { column in
            guard let qualifier else { return !column.qualifiedOnly }
            return column.qualifier?.lowercased() == qualifier.lowercased()
        }
        let exact = candidates.filter { $0.name == name }
        if !exact.isEmpty { return exact }
        let folded = candidates.filter { $0.name.lowercased() == name.lowercased() }
        if folded.isEmpty, !outer.isEmpty {
            return BindScope(columns: outer, label: label).find(name, qualifier: qualifier)
        }
        return folded
    }

    /// Whether `name` (optionally qualified) is a column of the scope itself (not of the enclosing query).
    func hasOwn(_ name: String, qualifier: String?) -> Bool {
        !BindScope(columns: columns, label: label).find(name, qualifier: qualifier).isEmpty
    }

    /// The closest visible name to `name`, for "did you mean" hints.
    func suggestion(for name: String) -> String? {
        BindScope.closest(to: name, among: columns.map(\.name))
    }

    /// The candidate within edit distance 2 (or a third of the name's length) of `name`, if any.
    static func closest(to name: String, among candidates: [String]) -> String? {
        let target = Array(name.lowercased())
        var best: (String, Int)?
        for candidate in candidates {
            let d = distance(target, Array(candidate.lowercased()))
            if d <= max(2, target.count / 3), best.map({ d < $0.1 }) ?? true { best = (candidate, d) }
        }
        return best?.0
    }

    /// Levenshtein distance.
    private static func distance(_ a: [Character], _ b: [Character]) -> Int {
        guard !a.isEmpty else { return b.count }
        guard !b.isEmpty else { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
