/// What a finished Parquet file holds, as recorded in a table manifest.
package struct ParquetFileSummary: Sendable, Equatable {
    /// Rows written.
    package var rows: Int64
    /// Size of the file.
    package var fileBytes: Int64
    /// Uncompressed size of all column chunks (page headers included), as in the row groups' `total_byte_size`.
    package var uncompressedBytes: Int64
    /// Number of row groups.
    package var rowGroups: Int
    /// CRC-32 of the whole file (0 when `ParquetWriteOptions.fileChecksum` is off).
    package var crc32: UInt32
    /// CRC-32 of the footer region (`footerBytes` bytes counted back from the end).
    package var footerCRC32: UInt32
    /// Size of the footer region: the Thrift metadata, its 4-byte length and the closing magic.
    package var footerBytes: Int64
}
