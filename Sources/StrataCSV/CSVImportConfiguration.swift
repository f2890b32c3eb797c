import StrataCore
import StrataStorage

/// Every setting of a CSV import, resolved (the public `CSVImportOptions` of the `Strata` module maps onto this).
package struct CSVImportConfiguration: Sendable {
    /// What to do with the target table.
    package enum TableMode: Sendable {
        /// Create it; fail when it exists.
        case create
        /// Append to it (create it when missing); the file must fit its schema.
        case append
        /// Replace its rows (create it when missing).
        case replace
    }

    /// The delimiter, or nil to sniff.
    package var delimiter: UInt8?
    /// The quote byte.
    package var quote: UInt8 = UInt8(ascii: "\"")
    /// Whether the first row is a header, or nil to sniff.
    package var header: Bool?
    /// Null tokens besides the empty field.
    package var nullTokens: [[UInt8]] = []
    /// Fixed column types.
    package var schema: Schema?
    /// Parser threads.
    package var threads: Int = 2
    /// The memory budget in bytes.
    package var memoryLimit: Int = 512_000_000
    /// Skip bad rows instead of failing.
    package var skipBadRows = false
    /// Where rejected rows go.
    package var rejectsPath: String?
    /// What to do with the table.
    package var mode: TableMode = .create
    /// Rows sniffed.
    package var sampleRows = 20_480
    /// Chunk size; nil derives it from the memory limit.
    package var blockBytes: Int?
    /// Parquet settings (codec; row group size is derived from the memory limit).
    package var writeOptions = ParquetWriteOptions()

    /// The defaults.
    package init() {}

    /// What the process needs besides the import's buffers: the Swift runtime and libraries, thread stacks,
    /// compression contexts, the Parquet encoder's dictionaries and allocator slack (measured: about 36 MB RSS for a
    /// tiny import in a release build, more in a debug build).
    static let fixedOverhead = 48_000_000

    /// The bytes the import's buffers may use.
    var dataBudget: Int { max(memoryLimit - CSVImportConfiguration.fixedOverhead, 8_000_000) }

    /// Chunk size: small enough that `2 × threads` chunks in flight, each expanding about fivefold while parsed,
    /// take under half the data budget; between 64 KiB and 8 MiB.
    package var effectiveBlockBytes: Int {
        blockBytes ?? min(8 << 20, max(64 << 10, dataBudget / (20 * max(threads, 1))))
    }

    /// Row groups of a fourteenth of the data budget (between 1 and 64 MiB): a buffered row group, its encoded pages
    /// and the encoder's scratch take about six times the row group's size (measured with `/usr/bin/time -v`).
    var effectiveRowGroupBytes: Int { min(64 << 20, max(1 << 20, dataBudget / 14)) }

    /// A partition file's footer metadata stays under a thirty-second of the data budget (at least 1 MiB): the
    /// writer holds it until the file closes, and a reader under the same limit holds it to scan every column.
    var effectivePartitionMetadataBytes: Int { max(1 << 20, dataBudget / 32) }

    /// The longest record accepted (an eighth of the budget, between 1 and 256 MiB).
    package var maxRecordBytes: Int { min(256 << 20, max(1 << 20, memoryLimit / 8)) }

    /// The smallest memory budget accepted.
    package static let minimumMemoryLimit = 64_000_000
}
