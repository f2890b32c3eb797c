import StrataCore
import Testing
@testable import StrataCSV

private func sniff(_ text: String, delimiter: Character? = nil, nullTokens: [String] = [], header: Bool? = nil,
                   sampleRows: Int = 20_480) -> CSVSniffer.Result
{
    CSVSniffer.sniff(Array(text.utf8), delimiter: delimiter?.asciiValue, quote: UInt8(ascii: "\""),
                     nullTokens: nullTokens.map { Array($0.utf8) }, header: header, sampleRows: sampleRows)
}

private func types(_ result: CSVSniffer.Result) -> [DataType?] { result.states.map(\.type) }

@Suite struct SnifferDelimiterTests {
    @Test func eachCandidate() {
        #expect(sniff("a,b,c\n1,2,3\n").dialect.delimiter == UInt8(ascii: ","))
        #expect(sniff("a\tb\tc\n1\t2\t3\n").dialect.delimiter == UInt8(ascii: "\t"))
        #expect(sniff("a;b;c\n1;2;3\n").dialect.delimiter == UInt8(ascii: ";"))
        #expect(sniff("a|b|c\n1|2|3\n").dialect.delimiter == UInt8(ascii: "|"))
    }

    @Test func quotedFieldsHoldingOtherCandidates() {
        // Commas only inside quotes: ';' splits every row in two, ',' splits none.
        let semicolons = "name;note\n\"a,b\";\"c,d,e\"\n\"x\";\"y,z\"\n\"p, q, r, s\";t\n"
        let s = sniff(semicolons)
        #expect(s.dialect.delimiter == UInt8(ascii: ";"))
        #expect(s.names == ["name", "note"])
        // Pipes with tabs, commas and semicolons inside quotes.
        let pipes = "id|text\n1|\"a\tb;c,d\"\n2|\"e,f,g\th\"\n3|\"\"\n"
        #expect(sniff(pipes).dialect.delimiter == UInt8(ascii: "|"))
        // Tabs, with quoted newlines and commas that would give ragged comma rows.
        let tabs = "a\tb\n\"x,\ny\"\tz,w,v\n1\t\"2;3\"\n"
        #expect(sniff(tabs).dialect.delimiter == UInt8(ascii: "\t"))
        // A comma file whose quoted text holds semicolons and pipes in every row.
        let commas = "k,v\n1,\"a;b;c|d\"\n2,\"e;f;g|h\"\n3,\"i;j;k|l\"\n"
        #expect(sniff(commas).dialect.delimiter == UInt8(ascii: ","))
    }

    @Test func fallbackAndTies() {
        // Nothing splits any row: ','.
        #expect(sniff("abc\ndef\n").dialect.delimiter == UInt8(ascii: ","))
        #expect(sniff("single\n").dialect.delimiter == UInt8(ascii: ","))
        // Equal share and field count: the earlier candidate.
        #expect(sniff("a,b;c\nd,e;f\n").dialect.delimiter == UInt8(ascii: ","))
        // Equal share, more fields wins.
        #expect(sniff("a,b;c;d\ne,f;g;h\n").dialect.delimiter == UInt8(ascii: ";"))
        // The candidate that gives most rows the same count wins over one that gives more fields to fewer rows.
        #expect(sniff("a;b;c;d,e\nf;g,h\ni;j,k\nl;m,n\n").dialect.delimiter == UInt8(ascii: ","))
    }

    @Test func explicitDelimiterIsKept() {
        let s = sniff("a,b;c\n1,2;3\n", delimiter: ";")
        #expect(s.dialect.delimiter == UInt8(ascii: ";"))
        #expect(s.names == ["a,b", "c"])
    }
}

@Suite struct SnifferHeaderTests {
    @Test func headerOverTypedColumns() {
        let s = sniff("id,name,price\n1,pen,1.5\n2,cup,2\n")
        #expect(s.header)
        #expect(s.names == ["id", "name", "price"])
        #expect(types(s) == [.int64, .string, .double])
        #expect(s.headerBytes == 14)
        #expect(s.headerNewlines == 1)
        #expect(s.sampleDataRows == 2)
    }

    @Test func noHeaderWhenTheFirstRowFits() {
        let s = sniff("1,pen,1.5\n2,cup,2.5\n3,mug,2\n")
        #expect(!s.header)
        #expect(s.names == ["column0", "column1", "column2"])
        #expect(types(s) == [.int64, .string, .double])
        #expect(s.headerBytes == 0)
        #expect(s.headerNewlines == 0)
        #expect(s.sampleDataRows == 3, "the first row is data")
        // A first-row 1.5 above integers widens the column to double: it is data, not a header.
        let widening = sniff("1,pen,1.5\n2,cup,2\n")
        #expect(!widening.header)
        #expect(types(widening) == [.int64, .string, .double])
    }

    /// A first row with an empty value in a numeric column says nothing: it is data, not a header.
    @Test func emptyValueInTheFirstRowIsNotAHeader() {
        let s = sniff("1,,x\n2,3,y\n4,5,z\n")
        #expect(!s.header)
        #expect(types(s) == [.int64, .int64, .string])
        #expect(s.sampleDataRows == 3)
        let t = sniff(",5\n1,6\n2,7\n")
        #expect(!t.header)
        #expect(types(t) == [.int64, .int64])
        let u = sniff("2024-01-01,\n2024-01-02,1.5\n,2\n")
        #expect(!u.header)
        #expect(types(u) == [.date, .double])
        // A quoted empty value and a null token are empty too.
        #expect(!sniff("\"\",1\n5,2\n").header)
        #expect(!sniff("NA,1\n5,2\n", nullTokens: ["NA"]).header)
        #expect(sniff("NA,1\n5,2\n").header, "without the null token, NA is text over an int64 column")
    }

    @Test func firstRowValueOfAnotherType() {
        // A header when some column's later values have a non-string type that the first value would make a string.
        #expect(sniff("when\n2024-01-01\n2024-01-02\n").header)
        #expect(sniff("flag\ntrue\nfalse\n").header)
        #expect(sniff("true\n1\n2\n").header)
        #expect(!sniff("2.5\n1\n2\n").header, "2.5 widens an int64 column to double: data")
        #expect(!sniff("2024-01-01T10:00\n2024-01-01\n").header, "a timestamp widens a date column: data")
        #expect(!sniff("7\n1.5\n2\n").header, "7 parses as double")
        #expect(!sniff("2024-01-01\n2024-01-01T10:00\n").header, "a date parses as timestamp")
        // One misfit is enough, even when other columns fit.
        #expect(sniff("1,x\n2,3\n").header)
        // But a column sniffed as string says nothing.
        #expect(!sniff("1,2\n3,x\n").header)
    }

    @Test func allStringColumns() {
        // Non-empty, distinct, not numbers: a header.
        let s = sniff("name,city\nann,paris\nbob,rome\n")
        #expect(s.header)
        #expect(s.names == ["name", "city"])
        #expect(types(s) == [.string, .string])
        // Repeated values: data.
        #expect(!sniff("a,a\nx,y\n").header)
        // An empty value: data.
        #expect(!sniff("a,\nb,c\nd,e\n").header)
        // A number among them: data.
        #expect(!sniff("name,2024\nann,x\nbob,y\n").header)
        #expect(!sniff("name,-1.5\nann,x\n").header)
        #expect(!sniff("name,9223372036854775807\nann,x\n").header)
        // Other non-string kinds in the first row do not prevent a header over string columns.
        #expect(sniff("true,2024-01-01\nann,x\n").header)
        // Columns that are all null below the first row count as string.
        let n = sniff("a,b\n1,\n2,\n")
        #expect(n.header)
        #expect(types(n) == [.int64, nil])
        #expect(n.states[1].resolved == .string)
        // Header only.
        let h = sniff("a,b\n")
        #expect(h.header)
        #expect(h.names == ["a", "b"])
        #expect(h.sampleDataRows == 0)
        #expect(h.headerBytes == 4)
        #expect(h.headerNewlines == 1)
    }

    @Test func explicitHeaderSetting() {
        let forced = sniff("1,2\n3,4\n", header: true)
        #expect(forced.header)
        #expect(forced.names == ["1", "2"])
        #expect(forced.sampleDataRows == 1)
        let refused = sniff("id,name\n1,a\n", header: false)
        #expect(!refused.header)
        #expect(refused.names == ["column0", "column1"])
        #expect(types(refused) == [.string, .string], "the first row's values join the types")
        #expect(refused.sampleDataRows == 2)
    }

    @Test func headerNames() {
        // Duplicates get _1, _2, …; a generated suffix that exists already is skipped.
        #expect(sniff("x,x,x\n1,2,3\n").names == ["x", "x_1", "x_2"])
        #expect(sniff("a,a_1,a\n1,2,3\n").names == ["a", "a_1", "a_2"])
        // Empty names become columnN (N = position); a clash with a real name gets a suffix.
        #expect(sniff(",b\n1,2\n").names == ["column0", "b"])
        #expect(sniff("a,,c\n1,2,3\n").names == ["a", "column1", "c"])
        #expect(sniff(",column0\n1,2\n").names == ["column0", "column0_1"])
        #expect(sniff("\"\",b,\"\"\n1,2,3\n").names == ["column0", "b", "column2"])
        // Quoted names are unescaped and may hold delimiters, quotes and newlines.
        #expect(sniff("\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\"\n1,2,3\n").names == ["a,b", "say \"hi\"", "two\nlines"])
    }

    @Test func headerBytesAndNewlines() {
        // The header record, its CRLF and the empty lines after it.
        let s = sniff("a,b\r\n\r\n\n1,2\n")
        #expect(s.header)
        #expect(s.headerBytes == 8)
        #expect(s.headerNewlines == 3)
        // Newlines inside a quoted header name count.
        let q = sniff("\"a\nb\",c\n1,2\n")
        #expect(q.headerBytes == 8)
        #expect(q.headerNewlines == 2)
    }
}

@Suite struct SnifferTypeTests {
    @Test func typesFromTheSample() {
        let text = "b,i,big,d,day,ts,s,n\n"
            + "true,1,9007199254740993,1.5,2024-01-01,2024-01-01T10:00,x,\n"
            + "FALSE,-2,1,2,2024-02-29,2024-01-01 10:00:00.5Z,007,\n"
            + ",,,,,,,\n"
        let s = sniff(text)
        #expect(s.header)
        #expect(types(s) == [.bool, .int64, .int64, .double, .date, .timestamp, .string, nil])
        #expect(s.states[2].sawLargeInteger)
        #expect(!s.states[1].sawLargeInteger)
        #expect(s.sampleDataRows == 3)
    }

    @Test func wideningWithinTheSample() {
        let s = sniff("a,b,c,d\n1,2024-01-01,1,9007199254740993\n2.5,2024-01-01T00:00,x,1.5\n")
        #expect(types(s) == [.double, .timestamp, .string, .string])
    }

    @Test func raggedRowsDoNotVote() {
        let s = sniff("a,b\n1,2\nx\n3,4,5\n6,7\n")
        #expect(types(s) == [.int64, .int64])
        #expect(s.sampleDataRows == 2)
    }

    @Test func nullTokensAndQuotedEmptyFields() {
        let s = sniff("a,b,c\nNA,\"\",\\N\n1,2,3\n", nullTokens: ["NA", "\\N"])
        #expect(types(s) == [.int64, .int64, .int64])
        // A quoted null token is text.
        let q = sniff("a\n\"NA\"\n1\n", nullTokens: ["NA"])
        #expect(types(q) == [.string])
    }

    @Test func sampleRowsLimit() {
        let text = "a\n1\n2\nx\n"
        #expect(types(sniff(text, sampleRows: 2)) == [.int64])
        #expect(sniff(text, sampleRows: 2).sampleDataRows == 2)
        #expect(types(sniff(text, sampleRows: 3)) == [.string])
        // Empty lines are not records: they do not use up the sample.
        #expect(types(sniff("a\n\n\n1\n\n2\nx\n", sampleRows: 2)) == [.int64])
        #expect(types(sniff("a\n\n\n1\n\n2\n\nx\n", sampleRows: 3)) == [.string])
    }

    @Test func emptySample() {
        let s = sniff("")
        #expect(s.names.isEmpty)
        #expect(!s.header)
        #expect(sniff("\n\r\n").names.isEmpty)
    }
}
