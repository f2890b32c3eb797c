import Testing
import StrataCore
@testable import StrataExecution

@Suite struct ExpressionLogicTests {
    /// All nine pairs of {TRUE, FALSE, NULL}.
    let truth: Batch = {
        let v: [Value] = [.bool(true), .bool(false), .null]
        let pairs = v.flatMap { a in v.map { (a, $0) } }
        return try! makeBatch([("a", .bool, pairs.map(\.0)), ("b", .bool, pairs.map(\.1))])
    }()

    @Test func andIsThreeValued() throws {
        let t = Value.bool(true), f = Value.bool(false), n = Value.null
        #expect(try evaluate(.binary(.and, .col("a"), .col("b")), truth) == [t, f, n, f, f, f, n, f, n])
    }

    @Test func orIsThreeValued() throws {
        let t = Value.bool(true), f = Value.bool(false), n = Value.null
        #expect(try evaluate(.binary(.or, .col("a"), .col("b")), truth) == [t, t, t, t, f, n, t, n, n])
    }

    @Test func notAndIsNull() throws {
        let t = Value.bool(true), f = Value.bool(false), n = Value.null
        #expect(try evaluate(.unary(.not, .col("b")), truth) == [f, t, n, f, t, n, f, t, n])
        #expect(try evaluate(.isNull(.col("b"), negated: false), truth) == [f, f, t, f, f, t, f, f, t])
        #expect(try evaluate(.isNull(.col("b"), negated: true), truth) == [t, t, f, t, t, f, t, t, f])
    }

    @Test func constantsCombineWithColumns() throws {
        #expect(try evaluate(.binary(.and, .lit(.bool(false)), .lit(.null))) == .bool(false))
        #expect(try evaluate(.binary(.or, .lit(.null), .lit(.bool(true)))) == .bool(true))
        #expect(try evaluate(.unary(.not, .lit(.null))) == .null)
        let t = Value.bool(true), n = Value.null
        #expect(try evaluate(.binary(.or, .col("b"), .lit(.null)), truth) == [t, n, n, t, n, n, t, n, n])
    }

    @Test func inListFollowsSQLNullRules() throws {
        let batch = try makeBatch([("x", .int64, [.int64(1), .int64(2), .null]),
                                   ("y", .int64, [.int64(2), .null, .int64(3)])])
        let t = Value.bool(true), f = Value.bool(false), n = Value.null
        // Literal lists (hash set).
        #expect(try evaluate(.inList(.col("x"), [.int(1), .lit(.null)], negated: false), batch) == [t, n, n])
        #expect(try evaluate(.inList(.col("x"), [.int(1), .lit(.null)], negated: true), batch) == [f, n, n])
        #expect(try evaluate(.inList(.col("x"), [.int(1), .lit(.int32(5))], negated: true), batch) == [f, t, n])
        // Expression lists (OR of equalities).
        #expect(try evaluate(.inList(.col("x"), [.col("y"), .int(1)], negated: false), batch) == [t, n, n])
        #expect(try evaluate(.inList(.col("x"), [.col("y")], negated: true), batch) == [t, n, n])
        // Mixed literal types for a double column, strings.
        let reals = try makeBatch([("d", .double, [.double(2), .double(-0.0), .double(.nan)]),
                                   ("s", .string, [.string("é"), .string(""), .null])])
        #expect(try evaluate(.inList(.col("d"), [.lit(.int32(2)), .dbl(0), .dbl(.nan)], negated: false), reals)
            == [t, t, t])
        #expect(try evaluate(.inList(.col("s"), [.str(""), .str("e")], negated: false), reals) == [f, t, n])
    }

    @Test func betweenIsInclusiveAndThreeValued() throws {
        let batch = try makeBatch([("x", .int32, [.int32(1), .int32(5), .int32(10), .null, .int32(7)]),
                                   ("hi", .int32, [.int32(9), .null, .int32(10), .int32(1), .null])])
        let t = Value.bool(true), f = Value.bool(false), n = Value.null
        #expect(try evaluate(.between(.col("x"), low: .lit(.int32(5)), high: .col("hi"), negated: false), batch)
            == [f, n, t, n, n])
        #expect(try evaluate(.between(.col("x"), low: .lit(.int32(5)), high: .col("hi"), negated: true), batch)
            == [t, n, f, n, n])
        #expect(try evaluate(.between(.col("x"), low: .lit(.int32(8)), high: .col("hi"), negated: false), batch)
            == [f, f, t, n, f])
    }
}
