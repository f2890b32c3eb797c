import StrataCore
import StrataSQL
import Testing

/// The caret rendering shared by the parser and the binder.
@Suite struct SQLErrorTests {
    @Test func theCaretSitsUnderTheLocatedCharacter() {
        let sql = "SELECT a\nFROM t WHERE"
        let error = SQLError.syntax("expected an expression, found end of input",
                                    at: SourceLocation(line: 2, column: 13, offset: 21), in: sql)
        #expect(error.line == 2)
        #expect(error.message == """
            syntax error at line 2, column 13: expected an expression, found end of input
            FROM t WHERE
                        ^
            """)
    }
}
