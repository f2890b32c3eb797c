/// A keyword of the SQL dialect, matched case-insensitively. The reserved ones cannot be names (columns, tables,
/// aliases) unless quoted; the others (`FIRST`, `LAST`, `NULLS`, `ANALYZE`, `DATE`, `TIMESTAMP`, as
/// in DuckDB) are keywords only where the grammar expects them and names everywhere else.
package enum SQLKeyword: String, Sendable, Hashable, CaseIterable {
    case select = "SELECT", from = "FROM", `where` = "WHERE", group = "GROUP", by = "BY", having = "HAVING"
    case order = "ORDER", limit = "LIMIT", offset = "OFFSET", `as` = "AS", and = "AND", or = "OR", not = "NOT"
    case `in` = "IN", `is` = "IS", null = "NULL", between = "BETWEEN", like = "LIKE", ilike = "ILIKE"
    case `case` = "CASE", when = "WHEN", then = "THEN", `else` = "ELSE", end = "END", distinct = "DISTINCT"
    case all = "ALL", asc = "ASC", desc = "DESC", nulls = "NULLS", first = "FIRST", last = "LAST", with = "WITH"
    case union = "UNION", join = "JOIN", on = "ON", inner = "INNER", left = "LEFT", right = "RIGHT", full = "FULL"
    case cross = "CROSS", except = "EXCEPT", intersect = "INTERSECT", `true` = "TRUE", `false` = "FALSE"
    case cast = "CAST", explain = "EXPLAIN", analyze = "ANALYZE", date = "DATE", timestamp = "TIMESTAMP"
    case outer = "OUTER", using = "USING", natural = "NATURAL", window = "WINDOW", qualify = "QUALIFY"

    /// Whether the keyword cannot be used as a name without quotes.
    package var isReserved: Bool {
        switch self {
        case .first, .last, .analyze, .date, .timestamp, .nulls: false
        default: true
        }
    }

    /// The keyword spelled by `bytes` in any letter case, or nil.
    package static func lookup(_ bytes: ArraySlice<UInt8>) -> SQLKeyword? {
        guard bytes.count <= maxLength, let key = key(bytes) else { return nil }
        return byKey[key]
    }

    /// The longest keyword, in letters (a key packs 5 bits a letter into 64 bits).
    private static let maxLength = 12

    /// Every keyword by its key.
    private static let byKey: [UInt64: SQLKeyword] = {
        var table: [UInt64: SQLKeyword] = [:]
        for keyword in allCases {
            if let key = key(keyword.rawValue.utf8) { table[key] = keyword }
        }
        return table
    }()

    /// The letters of `bytes` packed 5 bits each (A or a = 1 … Z or z = 26); nil when a byte is not an ASCII letter.
    private static func key<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> UInt64? {
        var key: UInt64 = 0
        for byte in bytes {
            let lower = byte | 0x20
            guard lower >= UInt8(ascii: "a"), lower <= UInt8(ascii: "z") else { return nil }
            key = key << 5 | UInt64(lower - UInt8(ascii: "a") + 1)
        }
        return key
    }
}
