/// One token of SQL text: its kind, its text and where it starts.
package struct SQLToken: Sendable, Hashable, CustomStringConvertible {
    /// What a token is.
    package enum Kind: Sendable, Hashable {
        /// A keyword (`text` holds it as written).
        case keyword(SQLKeyword)
        /// A bare name that is not a keyword.
        case identifier
        /// A `"quoted"` name (`text` holds it with `""` unescaped); never a keyword.
        case quotedIdentifier
        /// A `'string'` (`text` holds it with `''` unescaped).
        case string
        /// Digits only (`text` holds them; the parser decides whether they fit an Int64).
        case integer
        /// A number with a fraction or an exponent: `1.5`, `.5`, `1.`, `1e3`, `1.5E-2`.
        case decimal
        /// An operator.
        case `operator`(Operator)
        /// Punctuation.
        case punctuation(Punctuation)
        /// A parameter: `?` (nil: numbered by position) or `$n` (n ≥ 1).
        case parameter(Int?)
        /// The end of the text.
        case end
    }

    /// The operators.
    package enum Operator: String, Sendable, Hashable {
        case plus = "+", minus = "-", star = "*", slash = "/", percent = "%"
        /// `//`, integer division.
        case doubleSlash = "//"
        case equal = "=", notEqual = "<>", less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="
        /// `||`, string concatenation.
        case concat = "||"
        /// `::`, the postfix cast.
        case doubleColon = "::"
    }

    /// The punctuation marks.
    package enum Punctuation: String, Sendable, Hashable {
        case leftParen = "(", rightParen = ")", comma = ",", dot = ".", semicolon = ";"
    }

    /// What the token is.
    package var kind: Kind
    /// The token's text: as written, except for quoted identifiers and strings (unescaped, without the quotes).
    package var text: String
    /// Where the token starts.
    package var location: SourceLocation

    /// Creates a token.
    package init(_ kind: Kind, _ text: String, at location: SourceLocation) {
        self.kind = kind
        self.text = text
        self.location = location
    }

    /// The token as error messages name it: `"FROM"`, `identifier "foo"`, `string 'x'`, `number 12`, `"("`,
    /// `parameter $1`, `end of input`.
    package var description: String {
        switch kind {
        case let .keyword(keyword): "\"\(keyword.rawValue)\""
        case .identifier, .quotedIdentifier: "identifier \"\(Self.shortened(text).replacing("\"", with: "\"\""))\""
        case .string: "string '\(Self.shortened(text).replacing("'", with: "''"))'"
        case .integer, .decimal: "number \(Self.shortened(text))"
        case .operator, .punctuation: "\"\(text)\""
        case .parameter: "parameter \(text)"
        case .end: "end of input"
        }
    }

    /// `text`, cut to 40 characters with an ellipsis when longer, so messages stay readable.
    private static func shortened(_ text: String) -> String {
        let limit = 40
        guard text.count > limit else { return text }
        return text.prefix(limit) + "…"
    }
}
