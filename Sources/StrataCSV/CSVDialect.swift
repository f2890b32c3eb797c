import StrataCore

/// How a CSV file is split into records and fields: the delimiter, the quote character and the null tokens.
package struct CSVDialect: Sendable, Hashable {
    /// The field delimiter byte.
    package var delimiter: UInt8
    /// The quote byte; inside quotes the delimiter and newlines are data and a doubled quote is one quote.
    package var quote: UInt8
    /// Unquoted field texts read as NULL (besides the empty field), as UTF-8 bytes.
    package var nullTokens: [[UInt8]]

    /// A dialect.
    package init(delimiter: UInt8 = UInt8(ascii: ","), quote: UInt8 = UInt8(ascii: "\""), nullTokens: [[UInt8]] = []) {
        self.delimiter = delimiter
        self.quote = quote
        self.nullTokens = nullTokens
    }

    /// Delimiters tried by the sniffer, in order of preference.
    package static let candidateDelimiters: [UInt8] = [UInt8(ascii: ","), UInt8(ascii: "\t"), UInt8(ascii: ";"),
                                                        UInt8(ascii: "|")]

    /// Checks that delimiter and quote are usable: ASCII, distinct, not CR or LF.
    package static func validate(delimiter: UInt8?, quote: UInt8) throws {
        let forbidden: Set<UInt8> = [10, 13, 0]
        if let delimiter {
            guard delimiter < 128, !forbidden.contains(delimiter) else {
                throw StrataError(.invalidArgument, "the delimiter must be one ASCII character other than CR, LF and NUL")
            }
            guard delimiter != quote else {
                throw StrataError(.invalidArgument, "the delimiter and the quote character must differ")
            }
        }
        guard quote < 128, !forbidden.contains(quote) else {
            throw StrataError(.invalidArgument, "the quote must be one ASCII character other than CR, LF and NUL")
        }
    }
}
