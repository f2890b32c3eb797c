import Testing
import StrataCore
@testable import StrataExecution

@Suite struct ExpressionCastTests {
    func cast(_ value: Value, _ type: DataType) throws -> Value { try evaluate(.cast(.lit(value), type)) }

    @Test(arguments: [
        (2.0, "2.0"), (1e20, "1e+20"), (1.5e-7, "1.5e-07"), (0.1, "0.1"), (1e16, "1e+16"),
        (1e15, "1000000000000000.0"), (9.5e15, "9500000000000000.0"), (123456789.0, "123456789.0"), (-0.0, "-0.0"),
        (1e-5, "1e-05"), (0.0001, "0.0001"), (.nan, "nan"), (.infinity, "inf"), (-.infinity, "-inf"),
        (1.2345678901234568e+17, "1.2345678901234568e+17"),
    ])
    func doublesPrintLikeDuckDB(_ x: Double, _ text: String) throws {
        #expect(try cast(.double(x), .string) == .string(text))
    }

    @Test func otherTypesToString() throws {
        #expect(try cast(.float(1.5), .string) == .string("1.5"))
        #expect(try cast(.float(0.1), .string) == .string("0.1"))
        #expect(try cast(.int64(-42), .string) == .string("-42"))
        #expect(try cast(.bool(true), .string) == .string("true"))
        #expect(try cast(.date(-1), .string) == .string("1969-12-31"))
        #expect(try cast(.timestamp(1_577_880_000_500_000), .string) == .string("2020-01-01 12:00:00.5"))
        #expect(try cast(.timestamp(1_577_836_800_000_000), .string) == .string("2020-01-01 00:00:00"))
        #expect(try cast(.timestamp(-1), .string) == .string("1969-12-31 23:59:59.999999"))
        // DuckDB: DATE '-0044-03-15'::VARCHAR and TIMESTAMP '0000-01-01 10:00:00'::VARCHAR (years before 1 as BC).
        #expect(try cast(.date(-735_525), .string) == .string("0045-03-15 (BC)"))
        #expect(try cast(.timestamp(-62_167_183_200_000_000), .string) == .string("0001-01-01 (BC) 10:00:00"))
    }

    @Test func stringsParse() throws {
        #expect(try cast(.string(" 12 "), .int32) == .int32(12))
        #expect(try cast(.string("2.5"), .int32) == .int32(3))
        #expect(try cast(.string("-2.5"), .int64) == .int64(-3))
        #expect(try cast(.string("+4"), .int64) == .int64(4))
        #expect(try cast(.string("1e3"), .double) == .double(1000))
        #expect(try cast(.string("YES"), .bool) == .bool(true))
        #expect(try cast(.string("2020-01-02 "), .date) == .date(18263))
        #expect(try cast(.string("2020-01-02T03:04:05.123"), .timestamp) == .timestamp(1_577_934_245_123_000))
        #expect(try cast(.string("2020-01-02"), .timestamp) == .timestamp(1_577_923_200_000_000))
    }

    @Test(arguments: [
        (Value.string("abc"), DataType.int32), (.string("2020-02-30"), .date), (.string("99999999999"), .int32),
        (.string(""), .double), (.string("maybe"), .bool), (.string("2020-01-01 25:00:00"), .timestamp),
        (.double(1e20), .int64), (.double(.nan), .int32), (.int64(1 << 40), .int32), (.date(.max), .timestamp),
    ])
    func failuresAreInvalidDataNamingTheValue(_ value: Value, _ type: DataType) {
        let error = strataError { _ = try cast(value, type) }
        #expect(error?.code == .invalidData)
        #expect(error?.message.contains("could not convert") == true, "\(error?.message ?? "no error")")
    }

    @Test func failureInANullRowIsIgnored() throws {
        let batch = try makeBatch([("s", .string, [.string("1"), .null])])
        #expect(try evaluate(.cast(.col("s"), .int32), batch) == [.int32(1), .null])
    }

    @Test func numericConversions() throws {
        #expect(try cast(.double(2.5), .int32) == .int32(2))  // DuckDB: nearbyint, half to even
        #expect(try cast(.double(-3.5), .int64) == .int64(-4))
        #expect(try cast(.double(2.7), .bool) == .bool(true))
        #expect(try cast(.int32(0), .bool) == .bool(false))
        #expect(try cast(.bool(true), .int64) == .int64(1))
        #expect(try cast(.int64(1 << 53 + 1), .double) == .double(0x1p53))
        #expect(try cast(.date(1), .timestamp) == .timestamp(86_400_000_000))
        #expect(try cast(.timestamp(-1), .date) == .date(-1))
        #expect(try cast(.null, .date) == .null)
    }
}
