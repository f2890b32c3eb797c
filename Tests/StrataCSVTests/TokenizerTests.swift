import Testing
@testable import StrataCSV
import StrataTestSupport

private let comma = UInt8(ascii: ","), dq = UInt8(ascii: "\"")
private let Q = CSVTokenizer.quoted | CSVTokenizer.hasQuotes // a field starting with a quote
private let H = CSVTokenizer.hasQuotes                         // a quote somewhere later in the field

/// One tokenized field: its byte range in the input and its flags.
private struct Field: Equatable, CustomStringConvertible {
    var start: Int
    var end: Int
    var flags: UInt8
    init(_ start: Int, _ end: Int, _ flags: UInt8 = 0) {
        self.start = start
        self.end = end
        self.flags = flags
    }
    var description: String { "\(start)..<\(end)/\(flags)" }
}

/// Everything the tokenizer says about `bytes`, copied out.
private struct Tokens {
    var records: [[Field]] = []
    var recordStart: [Int] = []
    var unterminated = false
    var bytes: [UInt8] = []
    var quote = dq

    /// The raw text of each field.
    var raw: [[String]] {
        records.map { $0.map { String(decoding: bytes[$0.start..<$0.end], as: UTF8.self) } }
    }

    /// The value of each field: unescaped when it holds quotes.
    var values: [[[UInt8]]] {
        records.map { record in
            record.map { field in
                let slice = Array(bytes[field.start..<field.end])
                guard field.flags & CSVTokenizer.hasQuotes != 0 else { return slice }
                var out: [UInt8] = []
                slice.withUnsafeBufferPointer { CSVTokenizer.unescape($0, quote: quote, into: &out) }
                return out
            }
        }
    }

    var strings: [[String]] { values.map { $0.map { String(decoding: $0, as: UTF8.self) } } }
}

private func tokenize(_ bytes: [UInt8], delimiter: UInt8 = comma, quote: UInt8 = dq, expectedFields: Int = 8) -> Tokens {
    withExactBytes(bytes) { p, n in
        let t = CSVTokenizer(bytes: UnsafeBufferPointer(start: p, count: n), delimiter: delimiter, quote: quote,
                             expectedFields: expectedFields)
        var out = Tokens(bytes: bytes, quote: quote)
        #expect(t.recordFields.count == t.recordCount + 1)
        #expect(t.recordFields.first == 0)
        #expect(Int(t.recordFields.last ?? 0) == t.fieldStart.count)
        for r in 0..<t.recordCount {
            let first = Int(t.recordFields[r])
            #expect(t.fieldCount(r) == Int(t.recordFields[r + 1]) - first)
            out.records.append((first..<Int(t.recordFields[r + 1])).map {
                Field(Int(t.fieldStart[$0]), Int(t.fieldEnd[$0]), t.fieldFlags[$0])
            })
            out.recordStart.append(Int(t.recordStart[r]))
        }
        out.unterminated = t.lastRecordUnterminated
        return out
    }
}

private func tokenize(_ text: String, delimiter: Character = ",", quote: Character = "\"") -> Tokens {
    tokenize(Array(text.utf8), delimiter: delimiter.asciiValue!, quote: quote.asciiValue!)
}

@Suite struct TokenizerTests {
    @Test func plainRecords() {
        let t = tokenize("a,b,c\n1,22,333\n")
        #expect(t.records == [[Field(0, 1), Field(2, 3), Field(4, 5)], [Field(6, 7), Field(8, 10), Field(11, 14)]])
        #expect(t.recordStart == [0, 6])
        #expect(!t.unterminated)
    }

    @Test func rfc4180Quoting() {
        let text = "\"a,b\",\"c\"\"d\",e\n\"\",\"\"\"\",\"x\ny\"\n"
        let t = tokenize(text)
        #expect(t.records == [
            [Field(0, 5, Q), Field(6, 12, Q), Field(13, 14)],
            [Field(15, 17, Q), Field(18, 22, Q), Field(23, 28, Q)],
        ])
        #expect(t.strings == [["a,b", "c\"d", "e"], ["", "\"", "x\ny"]])
        #expect(t.recordStart == [0, 15])
    }

    @Test func crlfLineEnds() {
        let t = tokenize("a,b\r\nc,\r\n\"d\r\n\",e\r\n")
        // The CR before each LF is not part of the last field; a CR inside quotes is data.
        #expect(t.records == [[Field(0, 1), Field(2, 3)], [Field(5, 6), Field(7, 7)], [Field(9, 14, Q), Field(15, 16)]])
        #expect(t.strings == [["a", "b"], ["c", ""], ["d\r\n", "e"]])
        #expect(t.recordStart == [0, 5, 9])
        // A lone CR is data (only CR right before LF is a line end), and a CR just before the end of input too.
        #expect(tokenize("a\rb,c\n").strings == [["a\rb", "c"]])
        #expect(tokenize("a,b\r").records == [[Field(0, 1), Field(2, 3)]])
        #expect(tokenize("a,b\r\r\n").strings == [["a", "b\r"]])
        #expect(tokenize("\"a\"\r\n").records == [[Field(0, 3, Q)]])
    }

    @Test func emptyLinesAreSkipped() {
        let t = tokenize("\n\na,b\n\n\r\n\nc,d\n\n")
        #expect(t.raw == [["a", "b"], ["c", "d"]])
        #expect(t.recordStart == [2, 10])
        #expect(tokenize("").records.isEmpty)
        #expect(tokenize("\n").records.isEmpty)
        #expect(tokenize("\r\n\r\n\n").records.isEmpty)
        // Not empty lines: a lone delimiter (two empty fields), a quoted empty field, a space.
        #expect(tokenize(",\n").records == [[Field(0, 0), Field(1, 1)]])
        #expect(tokenize("\"\"\n").records == [[Field(0, 2, Q)]])
        #expect(tokenize(" \n").records == [[Field(0, 1)]])
        #expect(tokenize("a\n\"\"").strings == [["a"], [""]])
    }

    @Test func lastRecordWithoutNewline() {
        #expect(tokenize("a,b\nc,d").records == [[Field(0, 1), Field(2, 3)], [Field(4, 5), Field(6, 7)]])
        #expect(tokenize("a,b\nc,").records == [[Field(0, 1), Field(2, 3)], [Field(4, 5), Field(6, 6)]])
        #expect(tokenize("a,").records == [[Field(0, 1), Field(2, 2)]])
        #expect(tokenize(",").records == [[Field(0, 0), Field(1, 1)]])
        #expect(tokenize("x").records == [[Field(0, 1)]])
        #expect(tokenize("\"x\"").records == [[Field(0, 3, Q)]])
        #expect(!tokenize("a,b\nc,d").unterminated)
    }

    @Test func unterminatedQuotedField() {
        // The open quote swallows the rest of the input, line ends and delimiters included.
        let t = tokenize("a,b\n\"c,d\ne\n")
        #expect(t.records == [[Field(0, 1), Field(2, 3)], [Field(4, 11, Q)]])
        #expect(t.unterminated)
        #expect(t.recordStart == [0, 4])
        // Also when it opens in a later field, and a trailing CR stays (it is inside the quotes).
        let u = tokenize("1,\"x\r")
        #expect(u.records == [[Field(0, 1), Field(2, 5, Q)]])
        #expect(u.unterminated)
        // A closed quote at the very end is fine.
        #expect(!tokenize("1,\"x\"").unterminated)
        #expect(tokenize("\"").unterminated)
    }

    /// Parity model: a quote anywhere toggles "inside quotes", also in the middle of an unquoted field. Such a field
    /// is flagged `hasQuotes` (not `quoted`) and unescaping drops its quotes; delimiters and newlines between two
    /// such quotes are data.
    @Test func quoteInsideAnUnquotedField() {
        let t = tokenize("ab\"c,d\"e,f\n")
        #expect(t.records == [[Field(0, 8, H), Field(9, 10)]])
        #expect(t.strings == [["abc,de", "f"]])
        // Text after a closing quote joins the field.
        let u = tokenize("\"a\"b,c\n")
        #expect(u.records == [[Field(0, 4, Q), Field(5, 6)]])
        #expect(u.strings == [["ab", "c"]])
        // A single stray quote opens a quoted section that runs to the end of the input.
        let v = tokenize("5 \"inch,x\ny,z\n")
        #expect(v.records == [[Field(0, 14, H)]])
        #expect(v.unterminated)
        // Leading space: not quoted, but holds quotes.
        let w = tokenize(" \"a,b\",c\n")
        #expect(w.records == [[Field(0, 6, H), Field(7, 8)]])
        #expect(w.strings == [[" a,b", "c"]])
    }

    @Test func delimiterVariants() {
        for delimiter: Character in ["\t", ";", "|", ","] {
            let d = String(delimiter)
            let others = [",", ";", "|", "\t"].filter { $0 != d }.joined()
            let text = "a\(d)b\(others)\(d)\"c\(d)\"\n1\(d)\(d)3\n"
            let t = tokenize(text, delimiter: delimiter)
            #expect(t.strings == [["a", "b" + others, "c" + d], ["1", "", "3"]], "delimiter \(d.debugDescription)")
        }
        // Another quote character; the double quote is then ordinary data.
        let t = tokenize("'a,b','it''s',\"x\n", quote: "'")
        #expect(t.strings == [["a,b", "it's", "\"x"]])
        // A delimiter that is a letter.
        #expect(tokenize("axbxc\n", delimiter: "x").raw == [["a", "b", "c"]])
    }

    @Test func unescape() {
        func u(_ s: String) -> String {
            var out: [UInt8] = []
            Array(s.utf8).withUnsafeBufferPointer { CSVTokenizer.unescape($0, quote: dq, into: &out) }
            return String(decoding: out, as: UTF8.self)
        }
        #expect(u("\"\"") == "")
        #expect(u("\"\"\"\"") == "\"")
        #expect(u("\"a\"\"b\"") == "a\"b")
        #expect(u("\"a\"\"\"") == "a\"")
        #expect(u("\"\"\"a\"") == "\"a")
        #expect(u("\"a\"\"\"\"b\"") == "a\"\"b")
        #expect(u("a\"b\"c") == "abc")
        #expect(u("\"a\"b") == "ab")
        #expect(u("\"a\"\"") == "a\"", "an unterminated field keeps its doubled quote")
        #expect(u("\"é,\n\"") == "é,\n")
        // Appends (does not clear).
        var out: [UInt8] = [0x41]
        Array("\"b\"".utf8).withUnsafeBufferPointer { CSVTokenizer.unescape($0, quote: dq, into: &out) }
        #expect(out == Array("Ab".utf8))
    }

    @Test func buffersGrowPastTheirInitialCapacity() {
        // Many fields in one record, and many records of one field, far beyond the initial estimates.
        let wide = String(repeating: ",", count: 5_000) + "\n"
        let t = tokenize(Array(wide.utf8), expectedFields: 1)
        #expect(t.records.count == 1)
        #expect(t.records[0].count == 5_001)
        #expect(t.records[0].allSatisfy { $0.start == $0.end && $0.flags == 0 })
        let tall = String(repeating: "x\n", count: 20_000)
        let u = tokenize(Array(tall.utf8), expectedFields: 1_000)
        #expect(u.records.count == 20_000)
        #expect(u.recordStart == Array(stride(from: 0, to: 40_000, by: 2)))
    }

    /// Random records encoded RFC 4180 style come back field for field.
    @Test func encodeTokenizeUnescapeRoundTrip() {
        var g = SplitMix64(seed: 0x4180)
        let pieces: [String] = ["a", "b", "xyz", " ", "0", "-1.5", "é", "日本", "🦀", "\"", "\"\"", ",", ";", "\t", "|", "\r",
                                "\n", "\r\n", "'", "\\", "\u{0}", "\u{7F}", "long text long text"]
        for iteration in 0..<3_000 {
            let delimiter = g.pick([",", "\t", ";", "|"])
            let quote = iteration % 5 == 4 ? "'" : "\""
            var records: [[String]] = []
            for _ in 0..<g.int(1...8) {
                records.append((0..<g.int(1...6)).map { _ in
                    (0..<g.int(0...4)).map { _ in g.pick(pieces) }.joined()
                })
            }
            var text = ""
            for (r, record) in records.enumerated() {
                let encoded = record.map { field -> String in
                    let specials = Set((delimiter + quote + "\r\n").unicodeScalars)
                    let special = field.unicodeScalars.contains { specials.contains($0) }
                    // A record of one empty field must be quoted, or it would be an empty line.
                    let mustQuote = special || (record.count == 1 && field.isEmpty) || g.chance(0.1)
                    guard mustQuote else { return field }
                    let doubled = field.unicodeScalars.map { String($0) == quote ? quote + quote : String($0) }
                    return quote + doubled.joined() + quote
                }
                text += encoded.joined(separator: delimiter)
                if r < records.count - 1 || g.chance(0.5) { text += g.chance(0.3) ? "\r\n" : "\n" }
                if g.chance(0.1) { text += "\n" } // an empty line
            }
            let t = tokenize(Array(text.utf8), delimiter: delimiter.utf8.first!, quote: quote.utf8.first!,
                             expectedFields: g.int(1...10))
            let decoded = t.values.map { $0.map { String(decoding: $0, as: UTF8.self) } }
            if decoded != records {
                Issue.record("round trip failed for \(text.debugDescription): \(decoded) expected \(records)")
                return
            }
            #expect(!t.unterminated)
        }
    }

    /// Arbitrary bytes: no crash, and the ranges are ordered and inside the input.
    @Test func arbitraryBytesGiveConsistentRanges() {
        var g = SplitMix64(seed: 0xB17E5)
        let alphabet: [UInt8] = [0x2C, 0x22, 0x0A, 0x0D, 0x61, 0x20, 0x00, 0xFF, 0x3B]
        for _ in 0..<3_000 {
            let bytes = (0..<g.int(0...64)).map { _ in g.chance(0.8) ? g.pick(alphabet) : UInt8(truncatingIfNeeded: g.next()) }
            let t = tokenize(bytes)
            var position = 0
            for (r, record) in t.records.enumerated() {
                #expect(t.recordStart[r] >= position)
                #expect(record.first?.start == t.recordStart[r])
                for field in record {
                    #expect(field.start >= position && field.start <= field.end && field.end <= bytes.count,
                            "\(show(bytes)): \(t.records)")
                    position = field.end
                }
                // Fields of a record are separated by exactly one delimiter.
                for (a, b) in zip(record, record.dropFirst()) {
                    #expect(b.start == a.end + 1 && bytes[a.end] == comma, "\(show(bytes)): \(t.records)")
                }
            }
            #expect(t.unterminated == (bytes.filter { $0 == dq }.count % 2 == 1 && !t.records.isEmpty))
        }
    }
}
