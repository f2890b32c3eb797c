import StrataCore

/// Splits SQL text into tokens, one `next()` at a time, working over the UTF-8 bytes.
///
/// Names are `[A-Za-z_][A-Za-z0-9_]*` (any non-ASCII character counts as a letter), or `"quoted"` with `""` for a
/// quote; strings are `'…'` with `''` for a quote; numbers are `12`, `1.5`, `.5`, `1.`, `1e3`, `1.5E-2`; comments are
/// `-- to the end of the line` and `/* … */` (which may nest, as in Postgres). Lines count `\n`; columns count
/// characters (UTF-8 lead bytes), a tab being one.
package struct SQLLexer {
    /// The highest `$n` accepted.
    package static let maxParameterNumber = 65_535

    /// The statement, for error messages.
    private let sql: String
    /// Its UTF-8 bytes.
    private let bytes: [UInt8]
    /// The next byte to read.
    private var position = 0
    /// The line of `position`, 1-based.
    private var line = 1
    /// The offset where that line starts.
    private var lineStart = 0
    /// An offset on the current line whose column is known: columns are counted forward from it, so a long line
    /// is scanned once, not once a token.
    private var columnMark = 0
    /// The column of `columnMark`.
    private var columnAtMark = 1

    /// A lexer at the start of `sql`.
    package init(_ sql: String) {
        self.sql = sql
        bytes = Array(sql.utf8)
    }

    /// All the tokens of `sql`, the last one `.end`.
    package static func tokenize(_ sql: String) throws(StrataError) -> [SQLToken] {
        var lexer = SQLLexer(sql)
        var tokens: [SQLToken] = []
        while true {
            let token = try lexer.next()
            tokens.append(token)
            if token.kind == .end { return tokens }
        }
    }

    /// The next token; `.end` (again and again) once the text is used up.
    package mutating func next() throws(StrataError) -> SQLToken {
        try skipSpaceAndComments()
        let start = position
        let location = location(at: start)
        guard start < bytes.count else { return SQLToken(.end, "", at: location) }
        let byte = bytes[start]
        switch byte {
        case _ where Self.isNameStart(byte):
            return word(from: start, at: location)
        case UInt8(ascii: "0")...UInt8(ascii: "9"):
            return try number(from: start, at: location)
        case UInt8(ascii: ".") where Self.isDigit(self.byte(at: start + 1)):
            return try number(from: start, at: location)
        case UInt8(ascii: "'"):
            guard let text = quoted(from: start) else {
                throw SQLError.syntax("unterminated string", at: location, in: sql)
            }
            return SQLToken(.string, text, at: location)
        case UInt8(ascii: "\""):
            guard let text = quoted(from: start) else {
                throw SQLError.syntax("unterminated quoted identifier", at: location, in: sql)
            }
            guard !text.isEmpty else { throw SQLError.syntax("empty quoted identifier", at: location, in: sql) }
            return SQLToken(.quotedIdentifier, text, at: location)
        case UInt8(ascii: "?"):
            position += 1
            return SQLToken(.parameter(nil), "?", at: location)
        case UInt8(ascii: "$") where Self.isDigit(self.byte(at: start + 1)):
            return try numberedParameter(from: start, at: location)
        default:
            if let punctuation = Self.punctuation(byte) {
                position += 1
                return SQLToken(.punctuation(punctuation), punctuation.rawValue, at: location)
            }
            if let op = operatorToken(at: start) {
                position += op.rawValue.utf8.count
                let text = String(decoding: bytes[start..<position], as: UTF8.self)
                return SQLToken(.operator(op), text, at: location)
            }
            throw SQLError.syntax("unexpected character \(Self.describe(byte))", at: location, in: sql)
        }
    }

    // MARK: - Pieces

    /// Skips whitespace and comments, counting lines.
    private mutating func skipSpaceAndComments() throws(StrataError) {
        while position < bytes.count {
            switch bytes[position] {
            case UInt8(ascii: "\n"):
                position += 1
                startLine(at: position)
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"), 0x0B, 0x0C:
                position += 1
            case UInt8(ascii: "-") where byte(at: position + 1) == UInt8(ascii: "-"):
                while position < bytes.count, bytes[position] != UInt8(ascii: "\n") { position += 1 }
            case UInt8(ascii: "/") where byte(at: position + 1) == UInt8(ascii: "*"):
                try skipBlockComment()
            default:
                return
            }
        }
    }

    /// Skips a `/* … */` comment (nested ones too) starting at `position`.
    private mutating func skipBlockComment() throws(StrataError) {
        let location = location(at: position)
        var depth = 0
        while position < bytes.count {
            let byte = bytes[position]
            if byte == UInt8(ascii: "/"), self.byte(at: position + 1) == UInt8(ascii: "*") {
                depth += 1
                position += 2
            } else if byte == UInt8(ascii: "*"), self.byte(at: position + 1) == UInt8(ascii: "/") {
                depth -= 1
                position += 2
                if depth == 0 { return }
            } else {
                position += 1
                if byte == UInt8(ascii: "\n") { startLine(at: position) }
            }
        }
        throw SQLError.syntax("unterminated block comment", at: location, in: sql)
    }

    /// A keyword or a bare name starting at `start`.
    private mutating func word(from start: Int, at location: SourceLocation) -> SQLToken {
        var end = start + 1
        while end < bytes.count, Self.isNameStart(bytes[end]) || Self.isDigit(bytes[end]) { end += 1 }
        position = end
        let slice = bytes[start..<end]
        let text = String(decoding: slice, as: UTF8.self)
        if let keyword = SQLKeyword.lookup(slice) { return SQLToken(.keyword(keyword), text, at: location) }
        return SQLToken(.identifier, text, at: location)
    }

    /// A number starting at `start`: digits, then an optional fraction, then an optional exponent.
    private mutating func number(from start: Int, at location: SourceLocation) throws(StrataError) -> SQLToken {
        var end = skipDigits(from: start)
        var isInteger = true
        if byte(at: end) == UInt8(ascii: ".") {
            isInteger = false
            end = skipDigits(from: end + 1)
        }
        if byte(at: end) | 0x20 == UInt8(ascii: "e") {
            var exponent = end + 1
            if byte(at: exponent) == UInt8(ascii: "+") || byte(at: exponent) == UInt8(ascii: "-") { exponent += 1 }
            if Self.isDigit(byte(at: exponent)) {
                isInteger = false
                end = skipDigits(from: exponent)
            }
        }
        position = end
        try rejectLetter(after: "a number")
        let text = String(decoding: bytes[start..<end], as: UTF8.self)
        return SQLToken(isInteger ? .integer : .decimal, text, at: location)
    }

    /// `$n` starting at `start` (a digit follows the `$`).
    private mutating func numberedParameter(from start: Int, at location: SourceLocation) throws(StrataError)
        -> SQLToken {
        let end = skipDigits(from: start + 1)
        var number = 0
        for byte in bytes[(start + 1)..<end] where number <= Self.maxParameterNumber {
            number = number * 10 + Int(byte - UInt8(ascii: "0"))
        }
        guard number >= 1 else { throw SQLError.syntax("parameter numbers start at $1", at: location, in: sql) }
        guard number <= Self.maxParameterNumber else {
            throw SQLError.syntax("parameter number too large (the highest is $\(Self.maxParameterNumber))",
                                  at: location, in: sql)
        }
        position = end
        try rejectLetter(after: "a parameter")
        return SQLToken(.parameter(number), String(decoding: bytes[start..<end], as: UTF8.self), at: location)
    }

    /// The text between the quote at `start` and its closing quote, with doubled quotes unescaped; nil when the text
    /// ends first. Moves `position` past the closing quote.
    private mutating func quoted(from start: Int) -> String? {
        let quote = bytes[start]
        var index = start + 1
        var runStart = index
        var unescaped: [UInt8] = []
        var escaped = false
        while index < bytes.count {
            let byte = bytes[index]
            if byte == quote {
                guard self.byte(at: index + 1) == quote else {
                    position = index + 1
                    guard escaped else { return String(decoding: bytes[runStart..<index], as: UTF8.self) }
                    unescaped.append(contentsOf: bytes[runStart..<index])
                    return String(decoding: unescaped, as: UTF8.self)
                }
                escaped = true
                unescaped.append(contentsOf: bytes[runStart...index])
                index += 2
                runStart = index
                continue
            }
            index += 1
            if byte == UInt8(ascii: "\n") { startLine(at: index) }
        }
        return nil
    }

    /// The operator at `start`, or nil.
    private func operatorToken(at start: Int) -> SQLToken.Operator? {
        let next = byte(at: start + 1)
        switch bytes[start] {
        case UInt8(ascii: "+"): return .plus
        case UInt8(ascii: "-"): return .minus
        case UInt8(ascii: "*"): return .star
        case UInt8(ascii: "/"): return next == UInt8(ascii: "/") ? .doubleSlash : .slash
        case UInt8(ascii: "%"): return .percent
        case UInt8(ascii: "="): return .equal
        case UInt8(ascii: "<"):
            if next == UInt8(ascii: "=") { return .lessOrEqual }
            return next == UInt8(ascii: ">") ? .notEqual : .less
        case UInt8(ascii: ">"): return next == UInt8(ascii: "=") ? .greaterOrEqual : .greater
        case UInt8(ascii: "!"): return next == UInt8(ascii: "=") ? .notEqual : nil
        case UInt8(ascii: "|"): return next == UInt8(ascii: "|") ? .concat : nil
        case UInt8(ascii: ":"): return next == UInt8(ascii: ":") ? .doubleColon : nil
        default: return nil
        }
    }

    /// The punctuation mark `byte` is, or nil.
    private static func punctuation(_ byte: UInt8) -> SQLToken.Punctuation? {
        switch byte {
        case UInt8(ascii: "("): .leftParen
        case UInt8(ascii: ")"): .rightParen
        case UInt8(ascii: ","): .comma
        case UInt8(ascii: "."): .dot
        case UInt8(ascii: ";"): .semicolon
        default: nil
        }
    }

    /// Throws when a letter follows a number or parameter directly (`12abc`, `$1x`), like Postgres.
    private mutating func rejectLetter(after what: String) throws(StrataError) {
        guard position < bytes.count, Self.isNameStart(bytes[position]) else { return }
        let scalar = String(decoding: bytes[position...].prefix(4), as: UTF8.self).unicodeScalars.first
        let shown = scalar.map { "\"\($0)\"" } ?? "?"
        throw SQLError.syntax("unexpected character \(shown) after \(what)", at: location(at: position), in: sql)
    }

    // MARK: - Positions

    /// Records that a new line starts at `offset`.
    private mutating func startLine(at offset: Int) {
        line += 1
        lineStart = offset
    }

    /// The location of `offset`, which is on the current line and not before any offset asked about earlier.
    private mutating func location(at offset: Int) -> SourceLocation {
        if columnMark < lineStart {
            columnMark = lineStart
            columnAtMark = 1
        }
        var column = columnAtMark
        var index = columnMark
        while index < offset, index < bytes.count {
            if bytes[index] & 0xC0 != 0x80 { column += 1 }
            index += 1
        }
        columnMark = max(columnMark, offset)
        columnAtMark = column
        return SourceLocation(line: line, column: column, offset: offset)
    }

    /// The byte at `offset`, or 0 past the end.
    private func byte(at offset: Int) -> UInt8 { offset < bytes.count ? bytes[offset] : 0 }

    /// The offset of the first non-digit at or after `offset`.
    private func skipDigits(from offset: Int) -> Int {
        var end = offset
        while end < bytes.count, Self.isDigit(bytes[end]) { end += 1 }
        return end
    }

    /// Whether `byte` can start a name: an ASCII letter, `_` or any byte of a non-ASCII character.
    private static func isNameStart(_ byte: UInt8) -> Bool {
        let lower = byte | 0x20
        return (lower >= UInt8(ascii: "a") && lower <= UInt8(ascii: "z")) || byte == UInt8(ascii: "_") || byte >= 0x80
    }

    /// Whether `byte` is an ASCII digit.
    private static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    /// An ASCII byte as messages show it: `"#"`, or `U+0000` when it does not print.
    private static func describe(_ byte: UInt8) -> String {
        guard byte >= 0x20, byte < 0x7F else {
            let hex = String(byte, radix: 16, uppercase: true)
            return "U+" + String(repeating: "0", count: 4 - hex.count) + hex
        }
        return "\"\(UnicodeScalar(byte))\""
    }
}
