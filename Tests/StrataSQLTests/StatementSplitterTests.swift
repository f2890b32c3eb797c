import StrataSQL
import Testing

/// The shell's statement splitter: where statements end, what is kept and what is dropped.
@Suite struct StatementSplitterTests {
    /// The statements each line completes, line by line.
    static func split(_ lines: [String]) -> [[String]] {
        var splitter = StatementSplitter()
        return lines.map { splitter.append(line: $0) }
    }

    @Test func oneStatementOnOneLine() {
        #expect(Self.split(["SELECT 1;"]) == [["SELECT 1"]])
    }

    @Test func severalStatementsOnOneLine() {
        #expect(Self.split(["SELECT 1; SELECT 2;SELECT 3 ;"]) == [["SELECT 1", "SELECT 2", "SELECT 3"]])
    }

    @Test func statementOverSeveralLinesKeepsItsNewlines() {
        var splitter = StatementSplitter()
        #expect(splitter.append(line: "SELECT a,") == [])
        #expect(splitter.hasPendingInput)
        #expect(splitter.pending() == "SELECT a,")
        #expect(splitter.append(line: "  b") == [])
        #expect(splitter.append(line: "FROM t;") == ["SELECT a,\n  b\nFROM t"])
        #expect(!splitter.hasPendingInput)
        #expect(splitter.pending() == "")
    }

    @Test func restOfALineStartsTheNextStatement() {
        var splitter = StatementSplitter()
        #expect(splitter.append(line: "SELECT 1; SELECT") == ["SELECT 1"])
        #expect(splitter.hasPendingInput)
        #expect(splitter.append(line: "  2;") == ["SELECT\n  2"])
        #expect(!splitter.hasPendingInput)
    }

    @Test func semicolonsInStringsAndIdentifiersDoNotEnd() {
        #expect(Self.split(["SELECT 'a;b', \"c;d\" FROM t;"]) == [["SELECT 'a;b', \"c;d\" FROM t"]])
        // Doubled quotes stay inside.
        #expect(Self.split(["SELECT 'it''s;', \"x\"\";\" ;"]) == [["SELECT 'it''s;', \"x\"\";\""]])
        // A string spanning lines.
        #expect(Self.split(["SELECT 'a;", "b';"]) == [[], ["SELECT 'a;\nb'"]])
    }

    @Test func semicolonsInCommentsDoNotEnd() {
        #expect(Self.split(["SELECT 1 -- not; the end", "+ 1;"]) == [[], ["SELECT 1 -- not; the end\n+ 1"]])
        #expect(Self.split(["SELECT /* ; */ 1;"]) == [["SELECT /* ; */ 1"]])
        #expect(Self.split(["SELECT /* a", "; */ 1;"]) == [[], ["SELECT /* a\n; */ 1"]])
        // Block comments nest, as in DuckDB.
        #expect(Self.split(["SELECT /* a /* b */ ; */ 1;"]) == [["SELECT /* a /* b */ ; */ 1"]])
        // Quotes inside comments and comment markers inside strings are plain text.
        #expect(Self.split(["SELECT 1 /* ' */;", "SELECT '--', '/*';"]) == [["SELECT 1 /* ' */"],
                                                                             ["SELECT '--', '/*'"]])
    }

    @Test func emptyAndCommentOnlyStatementsAreDropped() {
        #expect(Self.split([";;", " ; -- nothing ;", "/* only */ ;"]) == [[], [], []])
        var splitter = StatementSplitter()
        #expect(splitter.append(line: "-- a comment line") == [])
        #expect(!splitter.hasPendingInput)
        #expect(splitter.append(line: "") == [])
        #expect(!splitter.hasPendingInput)
        // The comment lines before a statement are not part of it, so its first line is line 1.
        #expect(splitter.append(line: "SELECT 1; -- trailing") == ["SELECT 1"])
        #expect(!splitter.hasPendingInput)
        #expect(splitter.append(line: "SELECT 2;") == ["SELECT 2"])
    }

    @Test func openQuotesAndCommentsArePendingInput() {
        var splitter = StatementSplitter()
        _ = splitter.append(line: "/* still")
        #expect(splitter.hasPendingInput)
        #expect(splitter.append(line: "open */") == [])
        #expect(!splitter.hasPendingInput)
        _ = splitter.append(line: "SELECT \"a")
        #expect(splitter.hasPendingInput)
        #expect(splitter.append(line: "\";") == ["SELECT \"a\n\""])
    }

    @Test func resetForgetsPendingInput() {
        var splitter = StatementSplitter()
        _ = splitter.append(line: "SELECT 'unterminated")
        #expect(splitter.hasPendingInput)
        splitter.reset()
        #expect(!splitter.hasPendingInput)
        #expect(splitter.pending() == "")
        #expect(splitter.append(line: "SELECT 1;") == ["SELECT 1"])
    }

    @Test func unicodeSurvives() {
        #expect(Self.split(["SELECT 'ünï€😀;' AS \"日本;語\";"]) == [["SELECT 'ünï€😀;' AS \"日本;語\""]])
    }

    @Test func aLineMayHoldSeveralLinesAtOnce() {
        // Pasted text arrives as one line holding line breaks.
        #expect(Self.split(["SELECT 1;\nSELECT\n2;\n"]) == [["SELECT 1", "SELECT\n2"]])
    }

    @Test func dashesAcrossLinesAreNotAComment() {
        #expect(Self.split(["SELECT 1 -", "- 1;"]) == [[], ["SELECT 1 -\n- 1"]])
    }
}
