import StrataCompression

/// Settings of the Parquet writer and of the partition files a table append produces.
package struct ParquetWriteOptions: Sendable {
    /// Page compression. Default ZSTD level 1.
    package var codec: CompressionCodec = .zstd(level: 1)
    /// A row group is closed once this many uncompressed bytes are buffered (default 64 MiB). The writer holds at
    /// most about one row group in memory.
    package var rowGroupBytes = 64 << 20
    /// Target uncompressed size of a data page (default 1 MiB).
    package var pageBytes = 1 << 20
    /// At most this many rows per data page (default 20 000, as Arrow's writer): a reader decoding a slice of a
    /// row group holds at most one page of decoded values beyond the slice, however well the page compresses
    /// (a dictionary page of a few bits per row would otherwise hold a whole row group's values).
    package var pageRows = 20_000
    /// Try dictionary encoding for every column except booleans.
    package var dictionary = true
    /// Dictionary encoding is abandoned for a column chunk (PLAIN is used) when its dictionary page would exceed
    /// this many bytes (default 1 MiB, as Arrow).
    package var dictionaryPageLimit = 1 << 20
    /// Write a CRC-32 in every page header (checked by our reader and by others that verify).
    package var pageChecksums = true
    /// CRC-32 the whole file as it is written, for the summary (a table's manifest records it); result files,
    /// which no manifest lists, turn it off.
    package var fileChecksum = true
    /// fsync the file when it is closed (off only where durability does not matter, as in measurements).
    package var syncOnClose = true
    /// A table append starts a new partition file after this many uncompressed bytes (default 1 GiB).
    package var partitionBytes = 1 << 30
    /// A table append also starts a new partition file once the current file's footer metadata, held in memory
    /// until the file is closed, reaches this many bytes (default 64 MiB): very wide tables (thousands of columns,
    /// about 80 bytes per column chunk) then keep footers that a reader under the same limit can hold.
    package var partitionMetadataBytes = 64 << 20
    /// The `created_by` string in the footer.
    package var createdBy = "strata version 0.1.0"

    /// The defaults.
    package init() {}
}
