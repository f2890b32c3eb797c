import StrataCore

/// `regexp_matches(s, pattern [, options])`: whether `pattern` matches somewhere in `s` (DuckDB's partial match).
///
/// 1. The constant pattern is compiled once per batch with Swift's `Regex`, whose syntax covers RE2's (DuckDB's)
///    common forms: classes `\d \w \s`, `[...]`, anchors, groups, alternation, greedy and lazy repetition, `(?i)`.
/// 2. Options as DuckDB's: `i` case-insensitive, `c` case-sensitive (the default), `s` dot matches newlines (RE2's
///    default is not to), `n`/`p` newline-sensitive; others are an error.
/// 3. Each row's UTF-8 bytes become a `String` for the match (a copy per row: regular expressions are not a fast
///    path); invalid UTF-8 cannot occur in a string column.
struct RegexMatcher: UnaryOperation {
    private let regex: Regex<AnyRegexOutput>

    /// The matcher of `pattern` under `options`; an invalid pattern or option is `.invalidArgument`.
    init(_ pattern: String, options: String, text: String) throws(StrataError) {
        var compiled: Regex<AnyRegexOutput>
        do {
            compiled = try Regex(pattern)
        } catch {
            throw StrataError(.invalidArgument, "invalid regular expression '\(pattern)' in \(text): \(error)")
        }
        for option in options {
            switch option {
            case "i": compiled = compiled.ignoresCase(true)
            case "c": compiled = compiled.ignoresCase(false)
            case "s": compiled = compiled.dotMatchesNewlines(true)
            case "n", "p": compiled = compiled.dotMatchesNewlines(false).anchorsMatchLineEndings(true)
            default:
                throw StrataError(.invalidArgument, "unknown regexp_matches option '\(option)' in \(text)")
            }
        }
        regex = compiled
    }

    func apply(_ value: UnsafeRawBufferPointer) -> (Bool, RowStatus) {
        let string = String(decoding: value, as: UTF8.self)
        return ((try? regex.firstMatch(in: string)) != nil, .ok)
    }
}
