import Testing
import StrataCore
@testable import StrataExecution

@Suite struct ExpressionArithmeticTests {
    @Test func integerOverflowIsAnError() {
        for expr in [Expr.binary(.add, .int(.max), .int(1)), .binary(.multiply, .int(1 << 62), .int(4)),
                     .binary(.subtract, .int(.min), .int(1)), .unary(.negate, .int(.min)),
                     .binary(.add, .lit(.int32(.max)), .lit(.int32(1))), .function("abs", [.lit(.int32(.min))])] {
            let error = strataError { _ = try evaluate(expr) }
            #expect(error?.code == .invalidData, "\(expr)")
            #expect(error?.message.hasPrefix("integer overflow in") == true, "\(error?.message ?? "no error")")
        }
    }

    @Test func overflowInANullRowIsNotAnError() throws {
        // The NULL row's placeholder would overflow; it must be ignored.
        let column = try Column(type: .int64, data: .int64([1, .max]), validity: ValidityMask([true, false]))
        let batch = try Batch(schema: Schema([Field("x", .int64)]), columns: [column])
        #expect(try evaluate(.binary(.add, .col("x"), .int(1)), batch) == [.int64(2), .null])
    }

    /// As in DuckDB 2.0: `/` is real division with IEEE results; modulo and `//` by zero are errors (only on rows
    /// that are not NULL).
    @Test func divisionByZero() throws {
        let batch = try makeBatch([("a", .int64, [.int64(5), .int64(7), .int64(.min), .null]),
                                   ("b", .int64, [.int64(0), .int64(2), .int64(-1), .int64(0)]),
                                   ("x", .double, [.double(5), .double(-7.5), .double(1), .null])])
        let divided = try evaluate(.binary(.divide, .col("a"), .col("b")), batch)
        #expect(divided == [.double(.infinity), .double(3.5), .double(9.223372036854775808e18), .null])
        let real = try evaluate(.binary(.divide, .col("x"), .dbl(0)), batch)
        #expect(real[0] == .double(.infinity) && real[1] == .double(-.infinity) && real[3] == .null)
        if case let .double(nan) = try evaluate(.binary(.divide, .dbl(0), .dbl(0))) { #expect(nan.isNaN) }
        #expect(try evaluate(.binary(.divide, .lit(.int32(5)), .lit(.int32(2)))) == .double(2.5))
        for expr in [Expr.binary(.modulo, .col("a"), .col("b")), .binary(.modulo, .col("x"), .col("b")),
                     .binary(.integerDivide, .col("a"), .col("b")), .binary(.integerDivide, .col("x"), .dbl(0))] {
            let error = strataError { _ = try evaluate(expr, batch) }
            #expect(error?.message.hasPrefix("Division by zero in expression") == true, "\(expr): \(String(describing: error))")
        }
        // Rows whose divisor is not zero; the minimum divided by -1 overflows.
        let rest = try makeBatch([("a", .int64, [.int64(7), .int64(-7), .null]), ("b", .int64, [.int64(2), .int64(2), .int64(0)])])
        #expect(try evaluate(.binary(.modulo, .col("a"), .col("b")), rest) == [.int64(1), .int64(-1), .null])
        #expect(try evaluate(.binary(.integerDivide, .col("a"), .col("b")), rest) == [.int64(3), .int64(-3), .null])
        #expect(try evaluate(.binary(.integerDivide, .dbl(7.5), .dbl(2))) == .double(3.75))
        let overflow = strataError { _ = try evaluate(.binary(.integerDivide, .int(.min), .int(-1))) }
        #expect(overflow?.message.hasPrefix("integer overflow") == true)
    }

    @Test func datesShiftAndSubtract() throws {
        let batch = try makeBatch([("d", .date, [.date(0), .date(-1), .null])])
        #expect(try evaluate(.binary(.add, .col("d"), .lit(.int32(31))), batch) == [.date(31), .date(30), .null])
        #expect(try evaluate(.binary(.subtract, .col("d"), .lit(.date(10))), batch)
            == [.int64(-10), .int64(-11), .null])
        #expect(strataError { _ = try evaluate(.binary(.add, .lit(.date(.max)), .lit(.int32(1)))) }?.code
            == .invalidData)
    }

    @Test func integersAndDoublesCompareExactly() throws {
        let batch = try makeBatch([("i", .int64, [.int64((1 << 53) + 1), .int64(.max), .int64(3), .int64(-3)])])
        let t = Value.bool(true), f = Value.bool(false)
        #expect(try evaluate(.binary(.equal, .col("i"), .dbl(0x1p53)), batch) == [f, f, f, f])
        #expect(try evaluate(.binary(.greater, .col("i"), .dbl(0x1p53)), batch) == [t, t, f, f])
        #expect(try evaluate(.binary(.less, .col("i"), .dbl(0x1p63)), batch) == [t, t, t, t])
        #expect(try evaluate(.binary(.less, .dbl(2.5), .col("i")), batch) == [t, t, t, f])
        #expect(try evaluate(.binary(.greater, .col("i"), .dbl(-3.5)), batch) == [t, t, t, t])
        #expect(try evaluate(.binary(.less, .col("i"), .dbl(.nan)), batch) == [t, t, t, t])
    }

    @Test func nanOrdersAsTheLargestValueAndEqualsItself() throws {
        #expect(try evaluate(.binary(.equal, .dbl(.nan), .dbl(.nan))) == .bool(true))
        #expect(try evaluate(.binary(.greater, .dbl(.nan), .dbl(.infinity))) == .bool(true))
        #expect(try evaluate(.binary(.equal, .dbl(-0.0), .dbl(0))) == .bool(true))
    }

    @Test func roundingFunctions() throws {
        func call(_ name: String, _ args: Expr...) throws -> Value { try evaluate(.function(name, args)) }
        #expect(try call("round", .dbl(2.5)) == .double(3))
        #expect(try call("round", .dbl(-2.5)) == .double(-3))
        #expect(try call("round", .dbl(1234.5678), .lit(.int32(-2))) == .double(1200))
        #expect(try call("round", .dbl(1.5), .lit(.int32(400))) == .double(1.5))
        #expect(try call("round", .lit(.int32(-15)), .lit(.int32(-1))) == .int32(-20))
        #expect(strataError { _ = try call("round", .lit(.int32(.max)), .lit(.int32(-1))) }?.code == .invalidData)
        #expect(try call("sqrt", .lit(.int32(16))) == .double(4))
        #expect(try call("pow", .lit(.int32(2)), .dbl(10)) == .double(1024))
        #expect(try call("abs", .dbl(-0.0)) == .double(0))
    }
}
