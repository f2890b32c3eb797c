/// What an import did, as `strata import` reports it.
public struct ImportSummary: Sendable {
    /// The table version the import committed.
    public var table: TableInfo
    /// Rows added by this import.
    public var rowsImported: Int64
    /// Rows left out (`CSVImportOptions.OnError.skip`).
    public var rowsRejected: Int64
    /// Bytes read from the input as stored (compressed bytes for a `.gz` / `.zst` file).
    public var inputBytes: Int64
    /// Columns whose sniffed type was widened because a later value did not fit, with their final types.
    public var widenedColumns: [String]
    /// Passes over the input: 1, or 2 when a widening restarted the import.
    public var passes: Int
    /// Wall time of the import in seconds.
    public var elapsedSeconds: Double
}

/// Progress of a running import, reported a few times per second.
public struct ImportProgress: Sendable {
    /// Input bytes read so far (as stored).
    public var bytesRead: Int64
    /// The input's size, when known (not for standard input).
    public var totalBytes: Int64?
    /// Rows parsed so far in the current pass.
    public var rows: Int64
    /// The current pass (2 after a widening restart).
    public var pass: Int
}
