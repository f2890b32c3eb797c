import Testing
import StrataCore
@testable import StrataExecution

@Suite struct ExpressionStringTests {
    func like(_ text: String?, _ pattern: String, ci: Bool = false) throws -> Value {
        let batch = try makeBatch([("s", .string, [text.map(Value.string) ?? .null])])
        return try evaluate(.like(.col("s"), pattern: .str(pattern), negated: false, caseInsensitive: ci), batch)[0]
    }

    @Test(arguments: [
        ("", "", true), ("a", "", false), ("", "%", true), ("abc", "%", true), ("", "%%", true),
        ("é", "_", true), ("日本", "__", true), ("日本", "_", false), ("é", "__", false), ("éa", "_a", true),
        ("abc", "a%", true), ("abc", "%c", true), ("abc", "%b%", true), ("abc", "%d%", false), ("abc", "abc", true),
        ("abc", "ab", false), ("aXbYc", "a%b%c", true), ("acb", "a%b%c", false), ("abab", "%ab", true),
        ("aaa", "a%a%a", true), ("aa", "a%a%a", false), ("100%", "100%", true), ("xay", "%a_", true),
        ("héllo", "h_llo", true), ("héllo", "h%o", true), ("mississippi", "%iss%ppi", true),
    ])
    func likePatterns(_ text: String, _ pattern: String, _ expected: Bool) throws {
        #expect(try like(text, pattern) == .bool(expected), "'\(text)' LIKE '\(pattern)'")
    }

    /// DuckDB 2.0.0 folds non-ASCII letters too: `'É' ILIKE 'é'` and `'Łukasz' ILIKE 'ł%'` are true.
    @Test func ilikeFoldsCase() throws {
        #expect(try like("ABC", "abc", ci: true) == .bool(true))
        #expect(try like("xAbCy", "%aBc%", ci: true) == .bool(true))
        #expect(try like("A_b", "a\\_B", ci: true) == .bool(false))
        #expect(try like("É", "é", ci: true) == .bool(true))
        #expect(try like("Łukasz", "ł%", ci: true) == .bool(true))
        #expect(try like("É", "_", ci: true) == .bool(true))
        #expect(try like(nil, "%", ci: true) == .null)
    }

    @Test func perRowPatternsAndNullPatterns() throws {
        let batch = try makeBatch([("s", .string, [.string("abc"), .string("abc"), .string("x")]),
                                   ("p", .string, [.string("a%"), .null, .string("_")])])
        #expect(try evaluate(.like(.col("s"), pattern: .col("p"), negated: true, caseInsensitive: false), batch)
            == [.bool(false), .null, .bool(false)])
        #expect(try evaluate(.like(.col("s"), pattern: .lit(.null), negated: false, caseInsensitive: false), batch)
            == [.null, .null, .null])
    }

    @Test(arguments: [
        ("hello", 0, 2, "h"), ("hello", -2, 2, "lo"), ("hello", -3, nil, "llo"), ("hello", 2, nil, "ello"),
        ("hello", 0, nil, "hello"), ("hello", -10, 3, ""), ("hello", 2, -1, "h"), ("hello", 10, nil, ""),
        ("hello", -5, 1, "h"), ("hello", -6, 2, "h"), ("hello", 3, 0, ""), ("hello", 0, 1, ""), ("hello", -1, 0, ""),
        ("héllo", 2, 2, "él"), ("hello", 4, -2, "el"), ("hello", 1, -1, ""), ("日本語", -1, nil, "語"),
        ("", 1, 1, ""), ("hello", Int64.max, Int64.max, ""), ("hello", Int64.min, Int64.max, "hello"),
        ("hello", 2, Int64.min, "h"),
    ] as [(String, Int64, Int64?, String)])
    func substrMatchesDuckDB(_ text: String, _ start: Int64, _ length: Int64?, _ expected: String) throws {
        let args: [Expr] = [.str(text), .int(start)] + (length.map { [.int($0)] } ?? [])
        #expect(try evaluate(.function("substr", args)) == .string(expected), "substr('\(text)', \(start), \(length as Any))")
    }

    @Test func caseAndLength() throws {
        let batch = try makeBatch([("s", .string, [.string("Héllo ẞ"), .string("ABC"), .null, .string("")])])
        #expect(try evaluate(.function("lower", [.col("s")]), batch)
            == [.string("héllo ß"), .string("abc"), .null, .string("")])
        #expect(try evaluate(.function("upper", [.col("s")]), batch)
            == [.string("HÉLLO ẞ"), .string("ABC"), .null, .string("")])
        #expect(try evaluate(.function("length", [.col("s")]), batch) == [.int64(7), .int64(3), .null, .int64(0)])
        #expect(try evaluate(.function("lower", [.str("İ")])) == .string("i"))
    }

    @Test func stringsCompareByBytes() throws {
        let batch = try makeBatch([("s", .string, [.string("a"), .string(""), .string("é"), .string("ab")])])
        #expect(try evaluate(.binary(.less, .col("s"), .str("ab")), batch)
            == [.bool(true), .bool(true), .bool(false), .bool(false)])
        #expect(try evaluate(.binary(.greater, .col("s"), .str("z")), batch)
            == [.bool(false), .bool(false), .bool(true), .bool(false)])
    }
}
