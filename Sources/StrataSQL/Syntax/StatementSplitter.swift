/// Splits the lines typed into an interactive shell into complete SQL statements.
///
/// A statement ends at a `;` outside `'strings'` (`''` inside stands for a quote), `"identifiers"` (likewise `""`),
/// `-- line comments` and `/* block comments */` (which nest, as in DuckDB). One line may complete several
/// statements, or none. Statements come back without their `;` and without surrounding whitespace; the newlines
/// inside them are kept, so line numbers in error messages count the lines as typed. Statements that are only
/// whitespace and comments are dropped, as are such lines between statements.
///
/// ```swift
/// var splitter = StatementSplitter()
/// splitter.append(line: "SELECT 1; SELECT")  // ["SELECT 1"]; hasPendingInput is true
/// splitter.append(line: "  2;")              // ["SELECT\n  2"]
/// ```
package struct StatementSplitter: Sendable {
    private enum State: Sendable, Equatable {
        case code
        case string
        case identifier
        case lineComment
        case blockComment(depth: Int)
    }

    private var state = State.code
    /// The UTF-8 of the statement being typed (every delimiter is ASCII, so scanning bytes is safe).
    private var buffer: [UInt8] = []
    /// Whether `buffer` holds anything but whitespace and comments.
    private var significant = false

    /// An empty splitter.
    package init() {}

    /// Whether an incomplete statement (or an open string, identifier or comment) is waiting for more lines.
    package var hasPendingInput: Bool { significant || state != .code }

    /// The statements of a whole text (its last one may lack the `;`); a text of only whitespace and comments gives
    /// itself, so that running it reports the empty statement.
    package static func statements(in text: String) -> [String] {
        var splitter = StatementSplitter()
        var statements: [String] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            statements += splitter.append(line: String(line))
        }
        if splitter.hasPendingInput { statements.append(splitter.pending()) }
        return statements.isEmpty ? [text] : statements
    }

    /// Adds one line (without its line break) and returns the statements it completes, in order.
    package mutating func append(line: String) -> [String] {
        var statements: [String] = []
        let bytes = Array(line.utf8) + [UInt8(ascii: "\n")]
        var i = 0
        while i < bytes.count {
            let b = bytes[i], next = i + 1 < bytes.count ? bytes[i + 1] : 0
            // Two-byte tokens: comment starts and block comment ends.
            var pair = false
            switch state {
            case .code:
                if b == UInt8(ascii: ";") {
                    if let statement = takeStatement() { statements.append(statement) }
                    i += 1
                    continue
                } else if b == UInt8(ascii: "-") && next == UInt8(ascii: "-") {
                    state = .lineComment
                    pair = true
                } else if b == UInt8(ascii: "/") && next == UInt8(ascii: "*") {
                    state = .blockComment(depth: 1)
                    pair = true
                } else if b == UInt8(ascii: "'") {
                    state = .string
                } else if b == UInt8(ascii: "\"") {
                    state = .identifier
                }
                if !pair && !Self.isWhitespace(b) { significant = true }
            case .string:
                if b == UInt8(ascii: "'") { state = .code }
            case .identifier:
                if b == UInt8(ascii: "\"") { state = .code }
            case .lineComment:
                if b == UInt8(ascii: "\n") { state = .code }
            case let .blockComment(depth):
                if b == UInt8(ascii: "*") && next == UInt8(ascii: "/") {
                    state = depth == 1 ? .code : .blockComment(depth: depth - 1)
                    pair = true
                } else if b == UInt8(ascii: "/") && next == UInt8(ascii: "*") {
                    state = .blockComment(depth: depth + 1)
                    pair = true
                }
            }
            buffer.append(b)
            if pair { buffer.append(next) }
            i += pair ? 2 : 1
        }
        // Comment-only lines between statements do not become part of the next one.
        if state == .code && !significant { buffer.removeAll() }
        return statements
    }

    /// Forgets the pending input (the shell's Ctrl-C).
    package mutating func reset() {
        state = .code
        buffer.removeAll()
        significant = false
    }

    /// The incomplete statement typed so far, without surrounding whitespace (a shell may run it at end of input).
    package func pending() -> String {
        Self.trimmed(buffer)
    }

    /// The buffered statement, if it holds more than whitespace and comments; empties the buffer.
    private mutating func takeStatement() -> String? {
        defer { reset() }
        return significant ? Self.trimmed(buffer) : nil
    }

    private static func trimmed(_ bytes: [UInt8]) -> String {
        let start = bytes.firstIndex { !isWhitespace($0) } ?? bytes.endIndex
        let end = bytes.lastIndex { !isWhitespace($0) }.map { $0 + 1 } ?? start
        return String(decoding: bytes[start..<max(start, end)], as: UTF8.self)
    }

    private static func isWhitespace(_ b: UInt8) -> Bool {
        b == UInt8(ascii: " ") || (b >= 0x09 && b <= 0x0D)
    }
}
