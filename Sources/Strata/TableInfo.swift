import StrataStorage

/// What a table version holds: size, layout and compression, as `strata info` shows it.
public struct TableInfo: Sendable, Hashable {
    /// Table name.
    public var name: String
    /// Committed version number.
    public var version: Int
    /// The schema.
    public var schema: Schema
    /// Total rows.
    public var rowCount: Int64
    /// Number of partition files.
    public var partitionCount: Int
    /// Number of row groups over all partitions.
    public var rowGroupCount: Int
    /// Bytes on disk of the partition files of this version.
    public var bytesOnDisk: Int64
    /// Bytes of every file in the table's folder: this version's partitions, older versions' files, the Delta log.
    public var folderBytes: Int64
    /// Bytes of data files in the folder that this version does not use (older versions' files, which time travel
    /// reads and `VACUUM` removes once they are past the retention period).
    public var reclaimableBytes: Int64
    /// Uncompressed size of the column data.
    public var uncompressedBytes: Int64
    /// Codecs used by the partitions (usually one).
    public var codecs: [String]

    /// `uncompressedBytes / bytesOnDisk`, or 0 for an empty table.
    public var compressionRatio: Double {
        bytesOnDisk == 0 ? 0 : Double(uncompressedBytes) / Double(bytesOnDisk)
    }
}

/// One committed version of a table, as `strata info STORE TABLE` lists them.
public struct TableVersion: Sendable, Hashable {
    /// The version number (0 is the first).
    public var version: Int
    /// When it was committed (ISO 8601, UTC), when the log records it.
    public var committedAt: String?
    /// What it did: `create`, `append`, `replace`, or the operation another engine recorded.
    public var operation: String
    /// The engine that committed it (`strata`, `delta-rs:py-1.6.6`, …), when recorded.
    public var engine: String?
    /// Partition files after it.
    public var fileCount: Int
    /// Rows after it, when the log records every file's count.
    public var rowCount: Int64?
    /// Bytes of its partition files.
    public var bytes: Int64
}

/// What `VACUUM` deleted from a table's folder (or, in a dry run, would delete).
public struct VacuumReport: Sendable, Hashable {
    /// One file.
    public struct File: Sendable, Hashable {
        /// Its name inside the table folder.
        public var name: String
        /// Its size in bytes.
        public var bytes: Int64
    }

    /// The files, sorted by name.
    public var files: [File]
    /// Their total size in bytes.
    public var bytes: Int64 { files.reduce(0) { $0 + $1.bytes } }
    /// Whether nothing was deleted (a dry run).
    public var dryRun: Bool
    /// The retention applied, in hours.
    public var retentionHours: Double
}

/// One partition file of a table version, with its columns' statistics from the file's footer (no data is read).
public struct PartitionSummary: Sendable, Hashable {
    /// The file's name inside the table folder.
    public var file: String
    /// Its rows.
    public var rows: Int64
    /// Its row groups.
    public var rowGroups: Int
    /// Its size in bytes.
    public var bytes: Int64
    /// Its codec.
    public var codec: String
    /// Per column of the table, in order.
    public var columns: [ColumnSummary]
}

/// What a file's statistics say of one column: bounds of its non-null values and its nulls.
public struct ColumnSummary: Sendable, Hashable {
    /// The column.
    public var name: String
    /// The smallest non-null value (nil when unknown or every value is NULL).
    public var min: Value?
    /// The largest non-null value (nil when unknown or every value is NULL).
    public var max: Value?
    /// NULLs (nil when a row group does not record them).
    public var nullCount: Int64?

    /// The statistics of `summaries` (one column's, over several files) taken together.
    public static func combined(_ summaries: [ColumnSummary]) -> ColumnSummary? {
        guard var total = summaries.first else { return nil }
        for next in summaries.dropFirst() {
            total.nullCount = total.nullCount.flatMap { a in next.nullCount.map { Manifest.saturatingSum([a, $0]) } }
            if let min = next.min { total.min = PartitionStatistics.bound(total.min, min, lower: true) }
            if let max = next.max { total.max = PartitionStatistics.bound(total.max, max, lower: false) }
        }
        return total
    }
}
