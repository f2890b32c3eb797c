/// The one error type of the Strata library.
///
/// It carries a machine-readable ``Code``, a human-readable message and whatever context is known: the file, a byte
/// offset, a line number, a column. `description` renders all of it in one line, e.g.
/// `data.csv:17: column "price": cannot parse "12,5" as double`.
public struct StrataError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of failure this is.
    public enum Code: String, Sendable, Hashable {
        /// Reading or writing a file failed (missing file, permissions, disk full, …).
        case io
        /// A file's bytes are not what they should be: bad magic, checksum mismatch, truncation, invalid metadata.
        case corrupt
        /// The input uses a feature Strata does not support (nested Parquet schemas, encryption, unknown codecs, …).
        case unsupported
        /// An argument or option is invalid.
        case invalidArgument
        /// Something named does not exist (store, table, column).
        case notFound
        /// Something being created already exists.
        case alreadyExists
        /// Data does not match the expected schema or type.
        case schemaMismatch
        /// Malformed input data (CSV rows, values that do not parse).
        case invalidData
        /// The memory budget cannot be met.
        case outOfMemory
        /// The operation was cancelled.
        case cancelled
        /// A bug: an invariant of Strata itself was broken.
        case `internal`
        /// Another writer changed the table in a way this statement cannot build on; nothing was committed.
        case conflict
    }

    /// What kind of failure this is.
    public var code: Code
    /// A readable description of the failure, without the context fields.
    public var message: String
    /// The file involved, if any.
    public var path: String?
    /// A byte offset within `path`, if known.
    public var offset: Int64?
    /// A 1-based line number within `path` (or, for SQL errors, within the statement, whose message shows it), if known.
    public var line: Int?
    /// The column involved, if any.
    public var column: String?

    /// Creates an error.
    public init(_ code: Code, _ message: String, path: String? = nil, offset: Int64? = nil, line: Int? = nil,
                column: String? = nil) {
        self.code = code
        self.message = message
        self.path = path
        self.offset = offset
        self.line = line
        self.column = column
    }

    /// Returns a copy with `path` set when it was not known yet.
    public func with(path: String) -> StrataError {
        var copy = self
        if copy.path == nil { copy.path = path }
        return copy
    }

    /// Returns a copy with `column` set when it was not known yet.
    public func with(column: String) -> StrataError {
        var copy = self
        if copy.column == nil { copy.column = column }
        return copy
    }

    public var description: String {
        var text = ""
        if let path {
            text += path
            if let line { text += ":\(line)" }
            text += ": "
        }
        if let column { text += "column \"\(column)\": " }
        text += message
        if let offset { text += " (at byte offset \(offset))" }
        return text
    }
}
