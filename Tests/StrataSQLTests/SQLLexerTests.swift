import StrataCore
import StrataSQL
import Testing

/// The kinds and texts of the tokens of `sql`, without the final `.end`.
private func lex(_ sql: String) throws -> [SQLToken] {
    Array(try SQLLexer.tokenize(sql).dropLast())
}

/// The error tokenizing `sql` fails with, or nil.
private func lexError(_ sql: String) -> StrataError? {
    do {
        _ = try SQLLexer.tokenize(sql)
        return nil
    } catch {
        return error
    }
}

/// Checks that tokenizing `sql` fails with `message` at `line` and `column` (caret line included).
private func expectLexError(_ sql: String, _ message: String, line: Int, column: Int,
                            sourceLocation: Testing.SourceLocation = #_sourceLocation) {
    guard let error = lexError(sql) else {
        Issue.record("\(sql) tokenized", sourceLocation: sourceLocation)
        return
    }
    expectSyntaxError(error, in: sql, message, line: line, column: column, sourceLocation: sourceLocation)
}

@Suite struct SQLLexerTests {
    @Test func tokenKindsAndTexts() throws {
        let tokens = try lex(#"SELECT a1, "Quo""ted", 'it''s', 12, ?, $2 FROM t;"#)
        let kinds: [SQLToken.Kind] = [
            .keyword(.select), .identifier, .punctuation(.comma), .quotedIdentifier, .punctuation(.comma), .string,
            .punctuation(.comma), .integer, .punctuation(.comma), .parameter(nil), .punctuation(.comma),
            .parameter(2), .keyword(.from), .identifier, .punctuation(.semicolon),
        ]
        #expect(tokens.map(\.kind) == kinds)
        #expect(tokens.map(\.text) == ["SELECT", "a1", ",", #"Quo"ted"#, ",", "it's", ",", "12", ",", "?", ",", "$2",
                                       "FROM", "t", ";"])
        #expect(try SQLLexer.tokenize("").map(\.kind) == [.end])
    }

    @Test func keywordsAreCaseInsensitiveAndQuotedNamesNeverKeywords() throws {
        let tokens = try lex(#"select SeLeCt "select" selects _select"#)
        #expect(tokens.map(\.kind) == [.keyword(.select), .keyword(.select), .quotedIdentifier, .identifier,
                                       .identifier])
        #expect(tokens.map(\.text) == ["select", "SeLeCt", "select", "selects", "_select"])
        for keyword in SQLKeyword.allCases {
            #expect(try lex(keyword.rawValue.lowercased()).map(\.kind) == [.keyword(keyword)])
        }
    }

    @Test func namesMayHoldNonASCIILettersDigitsAndUnderscores() throws {
        let tokens = try lex("été naïve_2 _x9 日本")
        #expect(tokens.map(\.kind) == [.identifier, .identifier, .identifier, .identifier])
        #expect(tokens.map(\.text) == ["été", "naïve_2", "_x9", "日本"])
    }

    @Test func numbers() throws {
        let tokens = try lex("12 1.5 .5 1e3 1.5E-2 2e+4 1. 007")
        #expect(tokens.map(\.kind) == [.integer, .decimal, .decimal, .decimal, .decimal, .decimal, .decimal, .integer])
        #expect(tokens.map(\.text) == ["12", "1.5", ".5", "1e3", "1.5E-2", "2e+4", "1.", "007"])
        // A dot between names is punctuation, not the start of a number.
        #expect(try lex("t.a").map(\.kind) == [.identifier, .punctuation(.dot), .identifier])
    }

    @Test func operatorsAndPunctuation() throws {
        let tokens = try lex("+ - * / % = <> != < <= > >= || :: ( ) , . ;")
        let operators: [SQLToken.Operator] = [.plus, .minus, .star, .slash, .percent, .equal, .notEqual, .notEqual,
                                              .less, .lessOrEqual, .greater, .greaterOrEqual, .concat, .doubleColon]
        let punctuation: [SQLToken.Punctuation] = [.leftParen, .rightParen, .comma, .dot, .semicolon]
        #expect(tokens.map(\.kind) == operators.map { .operator($0) } + punctuation.map { .punctuation($0) })
        #expect(tokens[7].text == "!=")
        // No spaces needed.
        #expect(try lex("a<=-1").map(\.kind) == [.identifier, .operator(.lessOrEqual), .operator(.minus), .integer])
        #expect(try lex("x::int").map(\.kind) == [.identifier, .operator(.doubleColon), .identifier])
    }

    @Test func commentsAreSkipped() throws {
        let sql = "SELECT -- a comment\n /* a block\n /* nested */ still */ 1 --"
        let tokens = try lex(sql)
        #expect(tokens.map(\.kind) == [.keyword(.select), .integer])
        #expect(tokens[1].location == SourceLocation(line: 3, column: 24, offset: 55))
        #expect(try lex("1-- x\n-2").map(\.kind) == [.integer, .operator(.minus), .integer])
        #expect(try lex("a/**/b /*/ */").map(\.text) == ["a", "b"])
    }

    @Test func locationsCountLinesAndCharacters() throws {
        let sql = "SELECT 'héllo', x\n  FROM\tt\r\nWHERE 日本 = 1"
        let tokens = try lex(sql)
        let located = tokens.map { ($0.text, $0.location.line, $0.location.column, $0.location.offset) }
        let expected: [(String, Int, Int, Int)] = [
            ("SELECT", 1, 1, 0), ("héllo", 1, 8, 7), (",", 1, 15, 15), ("x", 1, 17, 17), ("FROM", 2, 3, 21),
            ("t", 2, 8, 26), ("WHERE", 3, 1, 29), ("日本", 3, 7, 35), ("=", 3, 10, 42), ("1", 3, 12, 44),
        ]
        #expect(located.count == expected.count)
        for (got, want) in zip(located, expected) {
            #expect(got == want)
        }
        // A string spanning lines moves the following tokens to the right line.
        let multiLine = try lex("'a\nbc' d")
        #expect(multiLine[1].location == SourceLocation(line: 2, column: 5, offset: 7))
        // The end token sits after the last character.
        let end = try SQLLexer.tokenize("SELECT a FROM t WHERE").last
        #expect(end?.location == SourceLocation(line: 1, column: 22, offset: 21))
    }

    @Test func nextKeepsReturningEnd() throws {
        var lexer = SQLLexer("x")
        #expect(try lexer.next().kind == .identifier)
        #expect(try lexer.next().kind == .end)
        #expect(try lexer.next().kind == .end)
    }

    @Test func descriptions() throws {
        let tokens = try lex(#"FROM foo "a""b" 'it''s' 12 1.5 <> != ( $1 ? from"#)
        #expect(tokens.map(\.description) == [
            #""FROM""#, #"identifier "foo""#, #"identifier "a""b""#, "string 'it''s'", "number 12", "number 1.5",
            #""<>""#, #""!=""#, #""(""#, "parameter $1", "parameter ?", #""FROM""#,
        ])
        #expect(try SQLLexer.tokenize("").last?.description == "end of input")
        let long = try lex("'" + String(repeating: "x", count: 100) + "'")
        #expect(long[0].description == "string '" + String(repeating: "x", count: 40) + "…'")
    }

    @Test func unterminatedStringsNamesAndComments() {
        expectLexError("SELECT 'abc", "unterminated string", line: 1, column: 8)
        expectLexError("SELECT 'it''s", "unterminated string", line: 1, column: 8)
        expectLexError("SELECT\n  \"abc\nd", "unterminated quoted identifier", line: 2, column: 3)
        expectLexError("SELECT 1 /* open\n /* nested */ ", "unterminated block comment", line: 1, column: 10)
        expectLexError("SELECT \"\"", "empty quoted identifier", line: 1, column: 8)
    }

    @Test func unexpectedCharacters() {
        expectLexError("SELECT a # b", "unexpected character \"#\"", line: 1, column: 10)
        expectLexError("SELECT é!", #"unexpected character "!""#, line: 1, column: 9)
        expectLexError("SELECT a | b", #"unexpected character "|""#, line: 1, column: 10)
        expectLexError("SELECT a : b", #"unexpected character ":""#, line: 1, column: 10)
        expectLexError("SELECT $a", #"unexpected character "$""#, line: 1, column: 8)
        expectLexError("SELECT \u{1}", "unexpected character U+0001", line: 1, column: 8)
        expectLexError("SELECT [1]", #"unexpected character "[""#, line: 1, column: 8)
    }

    @Test func lettersRightAfterNumbersAndParameters() {
        expectLexError("SELECT 12abc", #"unexpected character "a" after a number"#, line: 1, column: 10)
        expectLexError("SELECT 1e", #"unexpected character "e" after a number"#, line: 1, column: 9)
        expectLexError("SELECT 1.5é", #"unexpected character "é" after a number"#, line: 1, column: 11)
        expectLexError("SELECT $1x", #"unexpected character "x" after a parameter"#, line: 1, column: 10)
    }

    @Test func parameterNumbers() throws {
        #expect(try lex("$1 $65535 $007").map(\.kind) == [.parameter(1), .parameter(65_535), .parameter(7)])
        expectLexError("SELECT $0", "parameter numbers start at $1", line: 1, column: 8)
        expectLexError("SELECT $65536", "parameter number too large (the highest is $65535)", line: 1, column: 8)
        expectLexError("SELECT $99999999999999999999999", "parameter number too large (the highest is $65535)",
                       line: 1, column: 8)
    }

    @Test func windowsLineEndsCountAsOneLine() {
        let sql = "SELECT 1\r\nFROM t\r\nWHERE #"
        guard let error = lexError(sql) else {
            Issue.record("tokenized")
            return
        }
        #expect(error.message == "syntax error at line 3, column 7: unexpected character \"#\"\nWHERE #\n      ^")
    }
}
