import Testing
@testable import StrataCore

@Suite struct ColumnTests {
    @Test func builderRoundTripsEveryType() throws {
        let cases: [(DataType, [Value])] = [
            (.bool, [.bool(true), .null, .bool(false)]),
            (.int32, [.int32(-5), .int32(.max), .null]),
            (.int64, [.null, .int64(.min), .int64(42)]),
            (.float, [.float(1.5), .float(.nan), .null]),
            (.double, [.double(-0.0), .null, .double(.infinity)]),
            (.string, [.string("héllo"), .string(""), .null]),
            (.date, [.date(0), .date(-1), .null]),
            (.timestamp, [.timestamp(1_700_000_000_123_456), .null, .timestamp(-1)]),
        ]
        for (type, values) in cases {
            let column = try Column(type: type, values: values)
            #expect(column.count == 3)
            #expect(column.nullCount == 1)
            #expect(column.values == values)
        }
    }

    @Test func sliceKeepsValuesAndNulls() throws {
        let column = try Column(type: .string, values: [.string("a"), .null, .string("ccc"), .string("dd")])
        #expect(column.slice(1..<3).values == [.null, .string("ccc")])
        #expect(column.slice(2..<4).nullCount == 0)
    }

    @Test func batchRejectsMismatchedLengths() throws {
        let schema = try Schema([Field("a", .int64), Field("b", .string)])
        let a = try Column(type: .int64, values: [.int64(1), .int64(2)])
        let b = try Column(type: .string, values: [.string("x")])
        #expect(throws: StrataError.self) { try Batch(schema: schema, columns: [a, b]) }
    }

    @Test func schemaParsing() throws {
        let schema = try Schema(parsing: "id:int64, name:string,when:timestamp")
        #expect(schema.fields.map(\.type) == [.int64, .string, .timestamp])
        #expect(throws: StrataError.self) { try Schema(parsing: "a:int64,a:string") }
        #expect(throws: StrataError.self) { try Schema(parsing: "a:money") }
        #expect(throws: StrataError.self) { try Schema(parsing: "a:decimal(39,2)") }
        #expect(throws: StrataError.self) { try Schema(parsing: "a:decimal(4,5)") }
        let prices = try Schema(parsing: "id:int32,price:decimal(15,2), big:numeric(38, 10),d:decimal")
        #expect(prices.fields.map(\.type) == [.int32, .decimal(precision: 15, scale: 2),
                                              .decimal(precision: 38, scale: 10), .decimal(precision: 18, scale: 3)])
    }

    @Test func byteCounts() throws {
        #expect(try ByteCount.parse("512MB") == 512_000_000)
        #expect(try ByteCount.parse("1GiB") == 1_073_741_824)
        #expect(try ByteCount.parse("4096") == 4096)
        #expect(try ByteCount.parse("1.5 KiB") == 1536)
        #expect(throws: StrataError.self) { try ByteCount.parse("12 parsecs") }
    }

    @Test func civilDates() {
        #expect(CivilDate.format(days: 0) == "1970-01-01")
        #expect(CivilDate.format(days: 19_723) == "2024-01-01")
        #expect(CivilDate.format(days: -719_528) == "0000-01-01")
        #expect(CivilDate.days(year: 2000, month: 2, day: 29) == 11_016)
        #expect(CivilDate.format(micros: 1_500_000) == "1970-01-01T00:00:01.5Z")
        #expect(CivilDate.format(micros: -1) == "1969-12-31T23:59:59.999999Z")
        for d in stride(from: -800_000, through: 800_000, by: 997) {
            let (y, m, dd) = CivilDate.civil(days: d)
            #expect(CivilDate.days(year: y, month: m, day: dd) == d)
        }
    }

    /// Gathering strings of every length up to 40 bytes (the 16-byte fast path, memmove beyond it and near the end
    /// of the source buffer), NULLs and the all-ones padding row gives exactly the picked values.
    @Test func gatherPicksStringsOfEveryLength() throws {
        var values: [Value] = []
        let letters = Array("abcdefghijklmnopqrstuvwxyz")
        for length in 0...40 {
            let text = String(repeating: letters[length % letters.count], count: length)
            values.append(length % 7 == 3 ? .null : .string(text))
        }
        let column = try Column(type: .string, values: values)
        var generator = SystemRandomNumberGenerator()
        var rows: [UInt32] = (0..<500).map { _ in UInt32.random(in: 0..<UInt32(values.count), using: &generator) }
        rows += [nullRow, UInt32(values.count - 1), UInt32(values.count - 2), nullRow]
        let gathered = try rows.withUnsafeBufferPointer { try column.gather(rows: $0) }
        #expect(gathered.values == rows.map { $0 == nullRow ? .null : values[Int($0)] })
        let validity = ValidityMask(rows.map { $0 != nullRow && values[Int($0)] != .null })
        #expect(validity.validCount(in: 0..<rows.count) == gathered.count - gathered.nullCount)
        #expect(validity.validCount(in: 3..<200) == (3..<200).filter { validity.isValid($0) }.count)
    }
}
