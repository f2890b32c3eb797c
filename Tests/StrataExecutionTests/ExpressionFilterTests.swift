import Testing
import StrataCore
@testable import StrataExecution

@Suite struct ExpressionFilterTests {
    /// 150 rows (more than two validity words): x = row, every 7th row NULL, s = "r<row>".
    let batch: Batch = {
        let rows = 0..<150
        return try! makeBatch([
            ("x", .int64, rows.map { $0 % 7 == 3 ? .null : .int64(Int64($0)) }),
            ("s", .string, rows.map { .string("r\($0)") }),
        ])
    }()

    @Test func selectionKeepsOnlyTrueRows() throws {
        let predicate = try Expr.binary(.equal, .binary(.modulo, .col("x"), .int(2)), .int(0)).bind(to: batch.schema)
        let expected = (0..<150).filter { $0 % 2 == 0 && $0 % 7 != 3 }
        #expect(try selection(of: predicate, in: batch) == expected)
        let filtered = try batch.filtered(by: predicate)
        #expect(filtered.count == expected.count)
        #expect(filtered.columns[1].values == expected.map { .string("r\($0)") })
        #expect(filtered.columns[0].values == expected.map { .int64(Int64($0)) })
    }

    @Test func nullRowsSurviveAFilterThatKeepsThem() throws {
        let predicate = try Expr.binary(.or, .isNull(.col("x"), negated: false), .binary(.less, .col("x"), .int(10)))
            .bind(to: batch.schema)
        let filtered = try batch.filtered(by: predicate)
        #expect(filtered.columns[0].values.filter(\.isNull).count == 21)
        #expect(filtered.count == 21 + 9)
    }

    @Test func allPassingReturnsTheSameBatchAndConstantsWork() throws {
        let all = try Expr.binary(.equal, .col("s"), .col("s")).bind(to: batch.schema)
        #expect(try batch.filtered(by: all) == batch)
        #expect(try batch.filtered(by: Expr.lit(.bool(true)).bind(to: batch.schema)) == batch)
        #expect(try batch.filtered(by: Expr.lit(.null).bind(to: batch.schema)).count == 0)
        #expect(try batch.filtered(by: Expr.lit(.bool(false)).bind(to: batch.schema)).count == 0)
    }

    @Test func predicateMustBeBool() throws {
        let predicate = try Expr.col("x").bind(to: batch.schema)
        #expect(strataError { _ = try batch.filtered(by: predicate) }?.code == .invalidArgument)
    }

    @Test func evaluateBroadcastsConstants() throws {
        let column = try Expr.binary(.add, .int(1), .int(2)).bind(to: batch.schema).evaluate(batch)
        #expect(column.count == 150)
        #expect(column.values.allSatisfy { $0 == .int64(3) })
        let text = try Expr.str("é").bind(to: batch.schema).evaluate(batch)
        #expect(text.count == 150)
        #expect(text.value(at: 149) == .string("é"))
    }
}
