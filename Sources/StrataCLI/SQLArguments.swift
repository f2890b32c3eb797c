/// Command-line arguments of `strata sql` that hold SQL starting with a `--` comment.
///
/// The argument parser reads any argument that starts with `--` as an option. An SQL text such as
/// `"-- totals\nSELECT 1"` is recognised by the white space no option name holds; such arguments move behind a
/// `--` terminator at the end, where the parser takes them as positional arguments in the same order.
enum SQLArguments {
    /// `arguments` (without the program name) with SQL that starts with `--` moved after a `--` terminator; other
    /// commands' arguments, and arguments after an existing terminator, are left as they are.
    static func protectingComments(_ arguments: [String]) -> [String] {
        guard arguments.first == "sql" else { return arguments }
        var kept: [String] = []
        var moved: [String] = []
        var rest: [String] = []
        for (index, argument) in arguments.enumerated() {
            if argument == "--" {
                rest = Array(arguments[index...])
                break
            }
            if isCommentedSQL(argument) { moved.append(argument) } else { kept.append(argument) }
        }
        guard !moved.isEmpty else { return arguments }
        if rest.isEmpty { rest = ["--"] }
        return kept + rest + moved
    }

    /// Whether `argument` is SQL that starts with a `--` comment rather than an option.
    static func isCommentedSQL(_ argument: String) -> Bool {
        argument.hasPrefix("--") && argument.dropFirst(2).contains(where: \.isWhitespace)
    }
}
