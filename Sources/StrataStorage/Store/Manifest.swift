import Foundation
import StrataCore

/// One committed version of a table: its schema and the complete list of partition files that make it up.
///
/// Tables record their versions in a Delta Lake log (``DeltaLog``), which replays to a manifest. Stores written
/// before that kept one manifest JSON file per version under `_strata/versions/` (``LegacyVersions``); they are
/// still read, and upgraded to a Delta log by their next write. See `docs/format.md`.
package struct Manifest: Codable, Sendable, Equatable {
    /// The store format version this manifest follows.
    package static let currentFormatVersion = 1

    /// Format version of this manifest.
    package var formatVersion: Int
    /// Table name.
    package var table: String
    /// Monotonic version number, starting at 1 when the table is created.
    package var version: Int
    /// What produced this version: `create`, `append` or `replace`.
    package var operation: String
    /// When the version was committed (ISO 8601, UTC).
    package var committedAt: String
    /// The table's schema.
    package var schema: [Field]
    /// Every partition of this version, in order.
    package var partitions: [PartitionInfo]

    /// Total rows over all partitions.
    package var rowCount: Int64 { Manifest.saturatingSum(partitions.map(\.rows)) }

    /// The sum of `values`, `Int64.max` when it would overflow (the counts come from files and logs).
    package static func saturatingSum(_ values: [Int64]) -> Int64 {
        var total: Int64 = 0
        for value in values {
            let (sum, overflow) = total.addingReportingOverflow(value)
            if overflow { return value < 0 ? .min : .max }
            total = sum
        }
        return total
    }

    /// Encodes as pretty, key-sorted JSON.
    package func encoded() throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        do {
            return Array(try encoder.encode(self))
        } catch {
            throw StrataError(.internal, "cannot encode manifest: \(error)")
        }
    }

    /// Decodes a manifest, naming `path` in errors.
    package static func decode(_ bytes: [UInt8], path: String) throws -> Manifest {
        do {
            let manifest = try JSONDecoder().decode(Manifest.self, from: Data(bytes))
            guard manifest.formatVersion <= currentFormatVersion else {
                throw StrataError(.unsupported, "manifest format version \(manifest.formatVersion) is newer than "
                    + "this Strata supports (\(currentFormatVersion))", path: path)
            }
            for partition in manifest.partitions where !PartitionInfo.isPlainName(partition.file) {
                throw StrataError(.corrupt, "partition file \"\(partition.file)\" is not a plain file name inside "
                    + "the table folder", path: path)
            }
            guard manifest.version >= 1 else {
                throw StrataError(.corrupt, "manifest version \(manifest.version) is not a positive number", path: path)
            }
            return manifest
        } catch let error as StrataError {
            throw error
        } catch {
            throw StrataError(.corrupt, "manifest is not valid: \(error)", path: path)
        }
    }
}

/// One partition file of a table version, with what is needed to detect truncation and corruption cheaply.
package struct PartitionInfo: Codable, Sendable, Equatable {
    /// File name relative to the table directory.
    package var file: String
    /// Rows in the file.
    package var rows: Int64
    /// Size of the file in bytes.
    package var bytes: Int64
    /// Uncompressed size of all column chunks (for the compression ratio).
    package var uncompressedBytes: Int64
    /// Number of row groups.
    package var rowGroups: Int
    /// CRC-32 of the whole file (nil for a file another Delta writer added).
    package var crc32: UInt32?
    /// CRC-32 of the Parquet footer (metadata + length + magic), checked whenever the file is opened (nil for a
    /// file another Delta writer added: then only its size is checked).
    package var footerCRC32: UInt32?
    /// Length of the Parquet footer region covered by `footerCRC32`, counted back from the end of the file.
    package var footerBytes: Int64?
    /// Compression codec of the pages.
    package var codec: String
    /// The path the Delta log names the file by (URL-encoded, as its `add` wrote it); nil: `file` itself. A
    /// `remove` must repeat it exactly.
    package var logPath: String?

    /// Whether `name` names a file directly inside the table folder: not empty, not `.` or `..`, no `/` and no NUL
    /// (a manifest pointing anywhere else is corrupt or hostile, never followed).
    package static func isPlainName(_ name: String) -> Bool {
        !name.isEmpty && name != "." && name != ".." && !name.utf8.contains(0x2F) && !name.utf8.contains(0)
    }
}
