import Foundation
import StrataCSV
import StrataCore

/// Settings of a CSV import (`Database.importCSV`); the defaults sniff everything. See `docs/csv-import.md`.
public struct CSVImportOptions: Sendable {
    /// What to do with a row that cannot be imported.
    public enum OnError: Sendable, Hashable {
        /// Stop the import with an error naming the file, line and column; nothing is committed.
        case fail
        /// Leave the row out, write it to `rejectsPath` (when set) and count it in the summary.
        case skip
    }

    /// The field delimiter (an ASCII character), or nil to sniff it among `,` `\t` `;` `|`.
    public var delimiter: Unicode.Scalar?
    /// The quote character (ASCII). Default `"`.
    public var quote: Unicode.Scalar = "\""
    /// Whether the first row is a header, or nil to sniff it.
    public var header: Bool?
    /// Unquoted field values read as NULL besides the empty field, e.g. `["NA", "\\N"]`.
    public var nullTokens: [String] = []
    /// Fixed column types instead of sniffed ones: either every column in file order, or (with a header) a subset
    /// named by header names.
    public var schema: Schema?
    /// Page compression of the partition files.
    public var codec: Codec = .default
    /// The memory budget of the import in bytes: bounds the chunks in flight and the row groups. Nil: the
    /// database's ``Configuration/memoryLimit`` when it sets one, else 512 MB.
    public var memoryLimit: Int?
    /// Parser threads. Nil: the database's ``Configuration/threads`` when it sets them, else one per core.
    public var threads: Int?
    /// The memory budget when neither the options nor the database's configuration set one.
    public static let defaultMemoryLimit = 512_000_000
    /// What to do with bad rows.
    public var onError: OnError = .fail
    /// With `.skip`, the file that receives rejected rows (CSV: `line,column,error,row`).
    public var rejectsPath: String?
    /// What to do when the table exists.
    public var mode: ImportMode = .create
    /// Data rows used to sniff the dialect, the header and the column types.
    public var sampleRows: Int = 20_480
    /// Size of the blocks the input is cut into; nil derives it from the memory limit (tests use tiny blocks to
    /// exercise chunk boundaries).
    package var blockBytes: Int?

    /// The defaults: sniff the dialect and types, ZSTD, 512 MB, fail on the first bad row, create the table.
    public init() {}
}

extension CSVImportOptions {
    /// The resolved settings of the importer; throws for invalid characters or sizes.
    func configuration(defaults: Configuration = Configuration()) throws -> CSVImportConfiguration {
        func ascii(_ scalar: Unicode.Scalar, _ what: String) throws -> UInt8 {
            guard scalar.isASCII else {
                throw StrataError(.invalidArgument, "the \(what) must be an ASCII character, not \"\(scalar)\"")
            }
            return UInt8(scalar.value)
        }
        var config = CSVImportConfiguration()
        config.delimiter = try delimiter.map { try ascii($0, "delimiter") }
        config.quote = try ascii(quote, "quote")
        config.header = header
        config.nullTokens = nullTokens.map { Array($0.utf8) }
        config.schema = schema
        config.threads = threads ?? defaults.threads ?? ProcessInfo.processInfo.activeProcessorCount
        config.memoryLimit = memoryLimit ?? defaults.memoryLimit ?? Self.defaultMemoryLimit
        config.skipBadRows = onError == .skip
        config.rejectsPath = rejectsPath
        config.mode = switch mode {
        case .create: .create
        case .append: .append
        case .replace: .replace
        }
        config.sampleRows = max(1, sampleRows)
        config.blockBytes = blockBytes
        config.writeOptions.codec = codec.compressionCodec
        return config
    }
}
