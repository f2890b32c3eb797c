import StrataCore

/// Builds the errors of the SQL front end: the message, then the statement line and a caret under the offending
/// token, e.g.
///
/// ```
/// syntax error at line 1, column 22: expected an expression, found end of input
/// SELECT a FROM t WHERE
///                      ^
/// ```
package enum SQLError {
    /// An error of `code` located at `location` in `sql`; `kind` prefixes the message ("syntax error", "binder
    /// error").
    package static func make(_ code: StrataError.Code, _ kind: String, _ message: String, at location: SourceLocation,
                             in sql: String) -> StrataError {
        var text = "\(kind) at \(location): \(message)"
        // "\r\n" is one Character, so it must be named to split Windows line ends too (lines count "\n" bytes).
        let lines = sql.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
        if location.line >= 1, location.line <= lines.count {
            let line = String(lines[location.line - 1]).replacingTabs()
            text += "\n" + line + "\n" + String(repeating: " ", count: max(0, location.column - 1)) + "^"
        }
        return StrataError(code, text, line: location.line)
    }

    /// A syntax error (`.invalidArgument`).
    package static func syntax(_ message: String, at location: SourceLocation, in sql: String) -> StrataError {
        make(.invalidArgument, "syntax error", message, at: location, in: sql)
    }
}

private extension String {
    /// Tabs as single spaces, so the caret lines up (columns count characters).
    func replacingTabs() -> String { String(map { $0 == "\t" ? " " : $0 }) }
}
