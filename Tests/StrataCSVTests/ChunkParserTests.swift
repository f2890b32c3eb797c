import Foundation
import StrataCore
import Testing
@testable import StrataCSV

private func plan(_ columns: [(String, DataType, Bool)], nullTokens: [String] = []) -> CSVParsePlan {
    CSVParsePlan(dialect: CSVDialect(nullTokens: nullTokens.map { Array($0.utf8) }),
                 columns: columns.map { CSVParsePlan.ColumnPlan(name: $0.0, type: $0.1, fixed: $0.2) },
                 fileName: "t.csv")
}

private func parse(_ text: String, _ plan: CSVParsePlan, inferOnly: Bool = false, firstLine: Int = 1,
                   offset: Int64 = 0) throws -> ParsedChunk {
    try parse(Array(text.utf8), plan, inferOnly: inferOnly, firstLine: firstLine, offset: offset)
}

private func parse(_ bytes: [UInt8], _ plan: CSVParsePlan, inferOnly: Bool = false, firstLine: Int = 1,
                   offset: Int64 = 0) throws -> ParsedChunk {
    try ChunkParser(plan: plan, inferOnly: inferOnly)
        .parse(CSVChunk(index: 7, bytes: bytes, firstLine: firstLine, offset: offset))
}

/// A row error without its offset, for comparisons.
private struct RowError: Equatable, CustomStringConvertible {
    var line: Int
    var column: String?
    var reason: String
    var row: [UInt8]
    init(_ line: Int, _ column: String?, _ reason: String, _ row: [UInt8]) {
        self.line = line
        self.column = column
        self.reason = reason
        self.row = row
    }
    init(_ line: Int, _ column: String?, _ reason: String, _ row: String) {
        self.init(line, column, reason, Array(row.utf8))
    }
    init(_ e: CSVRowError) { self.init(e.line, e.column, e.reason, e.row) }
    var description: String { "\(line) \(column ?? "-") \(reason) | \(show(row))" }
}

private func values(_ chunk: ParsedChunk, _ column: Int) -> [Value] {
    chunk.batch.map { $0.columns[column].values } ?? []
}

private func state(_ type: DataType, large: Bool = false, then kinds: [ValueKind] = []) -> ColumnTypeState {
    var state = ColumnTypeState(type: type)
    if large { state.absorb(.largeInteger) }
    for kind in kinds { state.absorb(kind) }
    return state
}

@Suite struct ChunkParserRowErrorTests {
    @Test func mixedGoodAndBadRows() throws {
        let p = plan([("id", .int64, true), ("name", .string, false), ("price", .double, true)])
        var text: [UInt8] = []
        var starts: [Int] = [] // byte offset of each record
        func add(_ s: String) { starts.append(text.count); text += Array(s.utf8) }
        add("1,pen,1.5\n")                  // line 10
        add("2,\"multi\nline\",2.5\n")      // lines 11–12
        add("x,cup,3\n")                    // 13: id
        add("4,box\r\n")                    // 14: too few fields
        add("5,a,b,c\n")                    // 15: too many fields
        starts.append(text.count)
        text += Array("6,\"bad".utf8) + [0xFF] + Array("\",7\n".utf8) // 16: invalid UTF-8
        text += Array("\n\r\n".utf8)        // 17, 18: empty lines
        add("7,ok,8\r\n")                   // 19
        add("8,+9,abc\n")                   // 20: price
        add("y,z,w\n")                      // 21: id and price: the first column is reported
        add("+10,\"q\"\"uote\",007\n")      // 22: lenient fixed types
        add("9,\"open,9\n more\n")          // 23–24: unterminated
        let chunk = try parse(text, p, firstLine: 10, offset: 1_000)

        let expected = [
            RowError(13, "id", "cannot parse \"x\" as int64", "x,cup,3"),
            RowError(14, "price", "expected 3 fields, found 2", "4,box"),
            RowError(15, nil, "expected 3 fields, found 4", "5,a,b,c"),
            RowError(16, "name", "invalid UTF-8", Array("6,\"bad".utf8) + [0xFF] + Array("\",7".utf8)),
            RowError(20, "price", "cannot parse \"abc\" as double", "8,+9,abc"),
            RowError(21, "id", "cannot parse \"y\" as int64", "y,z,w"),
            RowError(23, "name", "unterminated quoted field", "9,\"open,9\n more\n"),
        ]
        #expect(chunk.errors.map(RowError.init) == expected)
        let errorStarts = [2, 3, 4, 5, 7, 8, 10].map { Int64(1_000 + starts[$0]) }
        #expect(chunk.errors.map(\.offset) == errorStarts)

        // The batch holds the good rows only, in order.
        #expect(chunk.rows == 4)
        #expect(!chunk.needsWidening)
        #expect(chunk.states.isEmpty)
        #expect(chunk.index == 7)
        #expect(chunk.endOffset == 1_000 + Int64(text.count))
        let batch = try #require(chunk.batch)
        #expect(batch.count == 4)
        #expect(batch.schema.fields.map(\.name) == ["id", "name", "price"])
        #expect(values(chunk, 0) == [.int64(1), .int64(2), .int64(7), .int64(10)])
        #expect(values(chunk, 1) == [.string("pen"), .string("multi\nline"), .string("ok"), .string("q\"uote")])
        #expect(values(chunk, 2) == [.double(1.5), .double(2.5), .double(8), .double(7)])

        // The error as reported: file, line, column, reason and the row.
        let error = chunk.errors[0].error(fileName: "data.csv")
        #expect(error.code == .invalidData)
        #expect(error.description == "data.csv:13: column \"id\": cannot parse \"x\" as int64 | x,cup,3 (at byte offset \(errorStarts[0]))")
    }

    @Test func chunkOfEmptyLines() throws {
        let chunk = try parse("\n\r\n\n", plan([("a", .int64, false), ("b", .string, true)]))
        #expect(chunk.rows == 0)
        #expect(chunk.errors.isEmpty)
        #expect(chunk.batch?.count == 0)
        #expect(!chunk.needsWidening)
    }

    @Test func fieldCountErrorsNameTheFirstMissingColumn() throws {
        let p = plan([("a", .string, false), ("b", .string, false), ("c", .string, false), ("d", .string, false)])
        let chunk = try parse("1\n1,2\n1,2,3\n1,2,3,4\n1,2,3,4,5\n\"x\"\n", p)
        #expect(chunk.errors.map(RowError.init) == [
            RowError(1, "b", "expected 4 fields, found 1", "1"),
            RowError(2, "c", "expected 4 fields, found 2", "1,2"),
            RowError(3, "d", "expected 4 fields, found 3", "1,2,3"),
            RowError(5, nil, "expected 4 fields, found 5", "1,2,3,4,5"),
            RowError(6, "b", "expected 4 fields, found 1", "\"x\""),
        ])
        #expect(chunk.rows == 1)
        #expect(values(chunk, 3) == [.string("4")])
    }

    @Test func lineNumbersCountEveryPhysicalLine() throws {
        // Quoted newlines, CRLF and skipped empty lines all count; a bad row on each line in turn.
        let p = plan([("a", .int64, true), ("b", .string, false)])
        let lines = ["1,\"x\ny\"", "", "2,z", "\r", "3,\"\n\n\"", "4,w"]
        for bad in 0..<lines.count where !lines[bad].isEmpty && lines[bad] != "\r" {
            var rows = lines
            rows[bad] = "q" + rows[bad].dropFirst()
            let text = rows.joined(separator: "\n") + "\n"
            let chunk = try parse(text, p, firstLine: 5)
            let line = 5 + rows[..<bad].reduce(0) { $0 + 1 + $1.count { $0 == "\n" } }
            #expect(chunk.errors.map(\.line) == [line], "bad row \(bad)")
            #expect(chunk.errors.first?.row == Array(rows[bad].utf8))
            #expect(chunk.rows == 3)
        }
    }

    @Test func unterminatedQuoteSwallowsTheRest() throws {
        let p = plan([("a", .string, false), ("b", .string, false)])
        let chunk = try parse("x,y\n\"open,1\n2,3\n4,5\n", p, firstLine: 2)
        #expect(chunk.errors.map(RowError.init) == [RowError(3, "a", "unterminated quoted field", "\"open,1\n2,3\n4,5\n")])
        #expect(chunk.rows == 1)
        // In the last column of a record with too many fields, the last column is named.
        let wide = try parse("x,y\n1,2,\"3\n", p)
        #expect(wide.errors.map(RowError.init) == [RowError(2, "b", "unterminated quoted field", "1,2,\"3\n")])
    }

    @Test func fixedTypesParseLeniently() throws {
        let p = plan([("b", .bool, true), ("i", .int32, true), ("f", .float, true), ("d", .double, true),
                      ("t", .timestamp, true)])
        let chunk = try parse("""
            t,+5,1.5,NaN,2024-01-01
            yes,007,-inf,5.,2024-01-01T00:00:01+01:00
            0,-2147483648,1e39,+.5,2024-01-01 00:00
            x,2147483648,1,1,1

            """, p)
        #expect(values(chunk, 0) == [.bool(true), .bool(true), .bool(false)])
        #expect(values(chunk, 1) == [.int32(5), .int32(7), .int32(.min)])
        #expect(values(chunk, 2) == [.float(1.5), .float(-.infinity), .float(.infinity)])
        #expect(values(chunk, 3) == [.double(.nan), .double(5), .double(0.5)])
        let day = Int64(CivilDate.days(year: 2024, month: 1, day: 1)) * 86_400_000_000
        #expect(values(chunk, 4) == [.timestamp(day), .timestamp(day - 3_599_000_000), .timestamp(day)])
        // Every column of the last row is bad; the first one is reported.
        #expect(chunk.errors.map(RowError.init) == [RowError(4, "b", "cannot parse \"x\" as bool", "x,2147483648,1,1,1")])
        let int32 = try parse("2147483648\n", plan([("i", .int32, true)]))
        #expect(int32.errors.map(\.reason) == ["cannot parse \"2147483648\" as int32"])
        let date = try parse("2024-02-30\n", plan([("d", .date, true)]))
        #expect(date.errors.map(\.reason) == ["cannot parse \"2024-02-30\" as date"])
    }

    @Test func longBadValuesAreCutInTheReason() throws {
        let value = String(repeating: "z", count: 150)
        let chunk = try parse(value + "\n", plan([("i", .int64, true)]))
        #expect(chunk.errors.map(\.reason) == ["cannot parse \"\(String(repeating: "z", count: 100))\" as int64"])
        #expect(chunk.errors.first?.row == Array(value.utf8))
    }
}

@Suite struct ChunkParserWideningTests {
    @Test func int64MeetingADouble() throws {
        let p = plan([("a", .int64, false), ("b", .string, false)])
        let chunk = try parse("1,x\n2.5,y\n3,z\n", p)
        #expect(chunk.needsWidening)
        #expect(chunk.batch == nil)
        #expect(chunk.states == [0: ColumnTypeState(type: .double)])
        #expect(chunk.rows == 3)
        #expect(chunk.errors.isEmpty)
    }

    @Test func joinedStates() throws {
        // planned type, column values, the state reported
        let cases: [(DataType, [String], ColumnTypeState)] = [
            (.int64, ["1", "2.5", "x"], state(.string)),
            (.int64, ["1", "2.5", "3"], state(.double)),
            (.int64, ["1", "2024-01-01"], state(.string)),
            (.int64, ["1", "-0"], state(.double)),
            (.int64, ["1", "007"], state(.string)),
            (.int64, ["1", "99999999999999999999"], state(.string)),
            (.int64, ["2.5", "9007199254740993"], state(.string, large: true)),
            (.double, ["1.5", "9007199254740995"], state(.string, large: true)),
            (.double, ["1.5", "true"], state(.string)),
            (.double, ["1.5", "1e400"], state(.string)),
            (.date, ["2024-01-01", "2024-01-01T10:00"], state(.timestamp)),
            (.date, ["2024-01-01", "2024-01-01T10:00", "1"], state(.string)),
            (.date, ["2024-01-01", "2024-02-30"], state(.string)),
            (.timestamp, ["2024-01-01T10:00", "2024-01-01T10:00:00.0000001"], state(.string)),
            (.bool, ["true", "1"], state(.string)),
            (.bool, ["true", "t"], state(.string)),
        ]
        for (type, column, expected) in cases {
            let chunk = try parse(column.joined(separator: "\n") + "\n", plan([("c", type, false)]))
            #expect(chunk.needsWidening, "\(type) \(column)")
            #expect(chunk.batch == nil)
            #expect(chunk.states[0] == expected, "\(type) \(column)")
            #expect(chunk.rows == column.count)
        }
    }

    @Test func valuesThatFitTheirSniffedType() throws {
        // A date is a timestamp (midnight), an integer is a double: no widening.
        let ts = try parse("2024-01-01T10:00\n2024-01-02\n", plan([("t", .timestamp, false)]))
        #expect(!ts.needsWidening)
        #expect(values(ts, 0).last == .timestamp(Int64(CivilDate.days(year: 2024, month: 1, day: 2)) * 86_400_000_000))
        let d = try parse("1.5\n2\n-0\n9007199254740992\n", plan([("d", .double, false)]))
        #expect(!d.needsWidening)
        #expect(d.states.isEmpty)
        #expect(values(d, 0) == [.double(1.5), .double(2), .double(-0.0), .double(9_007_199_254_740_992)])
        if case let .double(zero)? = values(d, 0).dropFirst(2).first { #expect(zero.sign == .minus) }
    }

    /// Integers a double cannot hold exactly must not be stored in a sniffed double column.
    @Test func sniffedDoubleRefusesInexactIntegers() throws {
        let p = plan([("d", .double, false)])
        let refused = try parse("1.5\n9007199254740995\n", p)
        #expect(refused.needsWidening)
        #expect(refused.states[0] == state(.string, large: true))
        let chunk = try parse("1.5\n9007199254740993\n", p)
        #expect(chunk.needsWidening)
        #expect(chunk.states[0]?.type == .string)
        #expect(values(chunk, 0) != [.double(1.5), .double(9_007_199_254_740_992)])
        let beyond = try parse("1.5\n99999999999999999999\n", p)
        #expect(beyond.needsWidening)
        #expect(beyond.states[0]?.type == .string)
        #expect(values(beyond, 0) != [.double(1.5), .double(1e20)])
    }

    /// The state must hold every value of the chunk: an integer beyond ±2^53 before the value that does not fit.
    @Test func largeIntegerBeforeTheMismatch() throws {
        let p = plan([("a", .int64, false)])
        let after = try parse("1\n2.5\n9007199254740993\n", p)
        #expect(after.states[0] == state(.string, large: true))
        let before = try parse("9007199254740993\n2.5\n", p)
        #expect(before.needsWidening)
        #expect(before.states[0] == state(.string, large: true))
    }

    @Test func largeIntegerFlagWithoutMismatch() throws {
        let sniffed = plan([("a", .int64, false), ("b", .int64, false)])
        let chunk = try parse("1,9007199254740992\n-9007199254740993,-9007199254740992\n", sniffed)
        #expect(!chunk.needsWidening)
        #expect(chunk.states == [0: state(.int64, large: true)])
        #expect(values(chunk, 0) == [.int64(1), .int64(-9_007_199_254_740_993)])
        let max = try parse("9223372036854775807\n", sniffed.withColumns(1))
        #expect(max.states == [0: state(.int64, large: true)])
        #expect(max.batch != nil)
        // Fixed columns report nothing.
        let fixed = try parse("9007199254740993\n", plan([("a", .int64, true)]))
        #expect(fixed.states.isEmpty)
        #expect(values(fixed, 0) == [.int64(9_007_199_254_740_993)])
    }

    @Test func inferOnly() throws {
        let p = plan([("s", .int64, false), ("f", .int64, true), ("b", .int64, false)])
        let chunk = try parse("1,1,9007199254740993\nx,y,2\n3,3,3\n", p, inferOnly: true)
        #expect(chunk.batch == nil)
        #expect(chunk.needsWidening)
        #expect(chunk.states == [0: state(.string), 2: state(.int64, large: true)])
        #expect(chunk.errors.map(RowError.init) == [RowError(2, "f", "cannot parse \"y\" as int64", "x,y,2")])
        #expect(chunk.rows == 2)
        // Nothing to widen: no states, no batch.
        let fits = try parse("1,1,1\n", p, inferOnly: true)
        #expect(fits.states.isEmpty)
        #expect(!fits.needsWidening)
        #expect(fits.batch == nil)
        #expect(fits.rows == 1)
    }

    @Test func invalidUTF8IsARowErrorInEveryColumnKind() throws {
        let bad: [UInt8] = [0xC3, 0x28]
        for type: DataType in [.int64, .double, .bool, .date, .timestamp, .string] {
            for fixed in [false, true] {
                let p = plan([("k", .int64, true), ("v", type, fixed)])
                // A fitting value first, then the bad bytes.
                let good: String = switch type {
                case .int64: "5"
                case .double: "1.5"
                case .bool: "true"
                case .date: "2024-01-01"
                case .timestamp: "2024-01-01T00:00"
                default: "ok"
                }
                let input = Array("1,\(good)\n2,".utf8) + bad + Array("\n".utf8)
                let chunk = try parse(input, p)
                #expect(chunk.errors.map(RowError.init) == [RowError(2, "v", "invalid UTF-8", [0x32, 0x2C] + bad)],
                        "\(type) fixed \(fixed)")
                #expect(!chunk.needsWidening, "\(type) fixed \(fixed): invalid UTF-8 does not widen")
                #expect(chunk.rows == 1)
            }
        }
        // Also after a widening started (the rest of the column is only classified).
        let p = plan([("v", .int64, false)])
        let chunk = try parse(Array("x\n".utf8) + bad + [0x0A], p)
        #expect(chunk.errors.map(\.reason) == ["invalid UTF-8"])
        #expect(chunk.states[0] == state(.string))
    }
}

@Suite struct ChunkParserNullTests {
    /// Unquoted empty fields and null tokens are NULL; `""` is the empty string in a string column and NULL
    /// elsewhere; a quoted null token is text.
    @Test func nullsPerType() throws {
        let p = plan([("b", .bool, false), ("i", .int64, false), ("d", .double, false), ("dt", .date, false),
                      ("ts", .timestamp, false), ("s", .string, false)], nullTokens: ["NA", "\\N"])
        let chunk = try parse("""
            NA,NA,\\N,NA,NA,NA
            ,,,,,
            "","","","","",""
            true,1,1.5,2024-01-01,2024-01-01T00:00,"NA"
            false,2,2,2024-01-02,2024-01-02,\\N
            false,3,3,2024-01-03,2024-01-03,"\\N"
            false,4,4,2024-01-04,2024-01-04,NAN

            """, p)
        #expect(chunk.errors.isEmpty)
        #expect(!chunk.needsWidening)
        let day: (Int) -> Int32 = { Int32(CivilDate.days(year: 2024, month: 1, day: $0)) }
        let micros: (Int) -> Int64 = { Int64(day($0)) * 86_400_000_000 }
        #expect(values(chunk, 0) == [.null, .null, .null, .bool(true), .bool(false), .bool(false), .bool(false)])
        #expect(values(chunk, 1) == [.null, .null, .null, .int64(1), .int64(2), .int64(3), .int64(4)])
        #expect(values(chunk, 2) == [.null, .null, .null, .double(1.5), .double(2), .double(3), .double(4)])
        #expect(values(chunk, 3) == [.null, .null, .null, .date(day(1)), .date(day(2)), .date(day(3)), .date(day(4))])
        #expect(values(chunk, 4) == [.null, .null, .null, .timestamp(micros(1)), .timestamp(micros(2)),
                                     .timestamp(micros(3)), .timestamp(micros(4))])
        #expect(values(chunk, 5) == [.null, .null, .string(""), .string("NA"), .null, .string("\\N"), .string("NAN")])
        #expect(chunk.batch?.columns[5].nullCount == 3)
    }

    @Test func quotedNullTokenInANonStringColumn() throws {
        // Sniffed: text that does not fit widens; fixed: a row error.
        let sniffed = try parse("1\n\"NA\"\n", plan([("i", .int64, false)], nullTokens: ["NA"]))
        #expect(sniffed.needsWidening)
        #expect(sniffed.states[0] == state(.string))
        let fixed = try parse("1\n\"NA\"\n\"\"\n", plan([("i", .int64, true)], nullTokens: ["NA"]))
        #expect(fixed.errors.map(RowError.init) == [RowError(2, "i", "cannot parse \"NA\" as int64", "\"NA\"")])
        #expect(values(fixed, 0) == [.int64(1), .null])
    }

    @Test func quotedValuesAreUnescapedBeforeParsing() throws {
        let p = plan([("i", .int64, false), ("d", .date, false), ("s", .string, false)])
        let chunk = try parse("\"12\",\"2024-01-01\",\"a\"\"b\"\n\"-3\",\"\"\"\",\"\"\n", p)
        // "\"" (one quote) in a date column does not fit: widening.
        #expect(chunk.needsWidening)
        #expect(chunk.states == [1: state(.string)])
        let ok = try parse("\"12\",\"2024-01-01\",\"a\"\"b\"\n\"-3\",,\"\"\n", p)
        #expect(values(ok, 0) == [.int64(12), .int64(-3)])
        #expect(values(ok, 2) == [.string("a\"b"), .string("")])
    }
}

@Suite struct RejectsTests {
    @Test func rejectsFile() throws {
        let dir = try TempDirectory()
        let path = dir.path("rejects.csv")
        let writer = try RejectsWriter(path: path)
        try writer.write(CSVRowError(line: 3, offset: 10, column: "price", reason: "cannot parse \"12,5\" as int64",
                                     row: Array("3,pen,\"12,5\"".utf8)))
        try writer.write(CSVRowError(line: 9, offset: 40, column: nil, reason: "expected 3 fields, found 4",
                                     row: Array("a,b,c,d".utf8)))
        try writer.write(CSVRowError(line: 12, offset: 60, column: "multi\nline", reason: "invalid UTF-8",
                                     row: [0x31, 0x2C, 0xFF, 0x0A, 0x22]))
        try writer.close()
        let written = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        let expected = Array("""
            line,column,error,row
            3,price,"cannot parse ""12,5"" as int64","3,pen,""12,5\"\"\"
            9,,"expected 3 fields, found 4","a,b,c,d"
            12,"multi
            line",invalid UTF-8,"1,
            """.utf8) + [0xFF, 0x0A, 0x22, 0x22, 0x22, 0x0A]
        #expect(written == expected, "\(show(written))")
        // It reads back as CSV: the tokenizer gives the original rows.
        let tokens = written.withUnsafeBufferPointer {
            CSVTokenizer(bytes: $0, delimiter: UInt8(ascii: ","), quote: UInt8(ascii: "\""))
        }
        #expect(tokens.recordCount == 4)
    }

    @Test func snippet() {
        #expect(CSVRowError.snippet(Array("a\tb\r\nc\u{1}d\u{7F}".utf8)) == "a\\tb\\r\\nc\\u{1}d\\u{7f}")
        #expect(CSVRowError.snippet([0x61, 0xFF, 0x62]) == "a\u{FFFD}b")
        let long = Array(String(repeating: "x", count: 119).utf8) + Array("é!".utf8)
        // Cut at 120 bytes, in the middle of "é": repaired, and marked as cut.
        #expect(CSVRowError.snippet(long) == String(repeating: "x", count: 119) + "\u{FFFD}…")
        #expect(CSVRowError.snippet(Array(String(repeating: "y", count: 120).utf8)) == String(repeating: "y", count: 120))
    }
}

private extension CSVParsePlan {
    /// The plan's first `count` columns.
    func withColumns(_ count: Int) -> CSVParsePlan {
        CSVParsePlan(dialect: dialect, columns: Array(columns.prefix(count)), fileName: fileName)
    }
}
