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
    /// Bytes on disk of the partition files.
    public var bytesOnDisk: Int64
    /// Uncompressed size of the column data.
    public var uncompressedBytes: Int64
    /// Codecs used by the partitions (usually one).
    public var codecs: [String]

    /// `uncompressedBytes / bytesOnDisk`, or 0 for an empty table.
    public var compressionRatio: Double {
        bytesOnDisk == 0 ? 0 : Double(uncompressedBytes) / Double(bytesOnDisk)
    }
}
