import Testing
import StrataCore
@testable import StrataExecution

@Suite struct ExpressionBindingTests {
    let schema = try! Schema([Field("i", .int32), Field("s", .string), Field("d", .date), Field("f", .bool)])

    @Test func unknownColumnIsNotFoundAndNamesTheColumn() {
        let error = strataError { _ = try Expr.binary(.add, .col("i"), .col("x")).bind(to: schema) }
        #expect(error?.code == .notFound)
        #expect(error?.column == "x")
        #expect(error?.message == "column \"x\" not found")
    }

    @Test(arguments: [
        Expr.binary(.add, .col("s"), .int(1)),
        .binary(.less, .col("i"), .col("s")),
        .binary(.and, .col("i"), .col("f")),
        .unary(.not, .col("i")),
        .unary(.negate, .col("s")),
        .like(.col("i"), pattern: .str("a%"), negated: false, caseInsensitive: false),
        .cast(.col("d"), .int32),
        .function("nosuch", [.col("i")]),
        .function("lower", [.col("i")]),
        .function("substr", [.col("s")]),
        .function("abs", [.col("i"), .col("i")]),
        .binary(.greaterOrEqual, .col("d"), .str("2020-13-45")),
        .binary(.add, .col("d"), .col("d")),
        .binary(.add, .col("d"), .int(1)),
        .inList(.col("i"), [.str("x")], negated: false),
    ])
    func typeErrorsAreInvalidArgumentsNamingTheExpression(_ expr: Expr) {
        let error = strataError { _ = try expr.bind(to: schema) }
        #expect(error?.code == .invalidArgument)
        #expect(error?.message.contains(expr.description) == true, "\(error?.message ?? "no error")")
    }

    @Test func untypedNullTakesTheOtherOperandsType() throws {
        #expect(try Expr.binary(.add, .lit(.null), .col("i")).bind(to: schema).type == .int32)
        #expect(try Expr.lit(.null).bind(to: schema).type == .bool)
        #expect(try Expr.binary(.equal, .col("s"), .lit(.null)).bind(to: schema).type == .bool)
        #expect(try Expr.cast(.lit(.null), .date).bind(to: schema).type == .date)
        #expect(try Expr.function("lower", [.lit(.null)]).bind(to: schema).type == .string)
        let batch = try makeBatch([("i", .int32, [.int32(1), .null])])
        #expect(try evaluate(.binary(.add, .lit(.null), .col("i")), batch) == [.null, .null])
    }

    @Test func resultTypesFollowDuckDB() throws {
        let schema = try Schema([Field("a", .int32), Field("b", .int64), Field("x", .double), Field("d", .date),
                                 Field("t", .timestamp), Field("s", .string)])
        func type(_ e: Expr) throws -> DataType { try e.bind(to: schema).type }
        #expect(try type(.binary(.add, .col("a"), .col("a"))) == .int32)
        #expect(try type(.binary(.multiply, .col("a"), .col("b"))) == .int64)
        #expect(try type(.binary(.divide, .col("a"), .col("a"))) == .double)
        #expect(try type(.binary(.add, .col("a"), .col("x"))) == .double)
        #expect(try type(.binary(.add, .col("d"), .col("a"))) == .date)
        #expect(try type(.binary(.subtract, .col("d"), .col("d"))) == .int64)
        #expect(try type(.function("LENGTH", [.col("s")])) == .int64)
        #expect(try type(.function("year", [.col("t")])) == .int64)
        #expect(try type(.function("Power", [.col("a"), .col("a")])) == .double)
        #expect(try type(.function("round", [.col("a")])) == .int32)
        #expect(try type(.binary(.less, .col("d"), .col("t"))) == .bool)
    }

    @Test func stringLiteralsAreCastToTheTemporalSide() throws {
        let batch = try makeBatch([("d", .date, [.date(18262), .date(18261), .null]),
                                   ("t", .timestamp, [.timestamp(0), .timestamp(1), .null])])
        #expect(try evaluate(.binary(.greaterOrEqual, .col("d"), .str("2020-01-01")), batch)
            == [.bool(true), .bool(false), .null])
        #expect(try evaluate(.binary(.equal, .str("1970-01-01 00:00:00"), .col("t")), batch)
            == [.bool(true), .bool(false), .null])
        #expect(try evaluate(.binary(.equal, .col("d"), .col("t")), batch) == [.bool(false), .bool(false), .null])
    }

    @Test func evaluatingABatchOfAnotherSchemaFails() throws {
        let bound = try Expr.col("i").bind(to: schema)
        let other = try makeBatch([("i", .string, [.string("x")])])
        #expect(strataError { _ = try bound.evaluate(other) }?.code == .schemaMismatch)
    }
}
