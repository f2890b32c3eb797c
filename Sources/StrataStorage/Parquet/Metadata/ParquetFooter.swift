import StrataCore

/// Locates, decodes and encodes the footer at the end of a Parquet file.
///
/// A file ends with `FileMetaData | u32 LE metadata length | "PAR1"`. Reading takes two steps, so the caller
/// controls the I/O:
/// 1. read the last ``trailerSize`` bytes and call ``metadataLength(trailer:fileSize:path:)``;
/// 2. read the `length` bytes before the trailer and call ``decode(metadata:fileSize:path:)``.
///
/// Files with an encrypted footer (`PARE`) and plaintext-footer encrypted files are rejected as `.unsupported`.
package enum ParquetFooter {
    /// The magic at the start and end of every Parquet file.
    package static let magic: [UInt8] = Array("PAR1".utf8)
    /// The magic ending a file with an encrypted footer.
    package static let encryptedMagic: [UInt8] = Array("PARE".utf8)
    /// Size of the trailer: 4-byte metadata length plus the magic.
    package static let trailerSize = 8
    /// The smallest possible file: leading magic plus trailer.
    package static let minimumFileSize: Int64 = 12

    /// Checks the 8-byte trailer of a file of `fileSize` bytes and returns the length of the metadata before it.
    ///
    /// Throws `.corrupt` when the file is too small, the magic is missing or the length does not fit the file, and
    /// `.unsupported` for encrypted footers.
    package static func metadataLength(trailer: UnsafeRawBufferPointer, fileSize: Int64, path: String) throws -> Int {
        guard fileSize >= minimumFileSize, trailer.count == trailerSize else {
            throw StrataError(.corrupt, "file of \(fileSize) bytes is too small to be a Parquet file", path: path)
        }
        let tailMagic = Array(trailer[4 ..< 8])
        if tailMagic == encryptedMagic {
            throw StrataError(.unsupported, "encrypted Parquet files are not supported", path: path)
        }
        guard tailMagic == magic else {
            throw StrataError(.corrupt, "not a Parquet file, or corrupt or truncated (no PAR1 magic at the end)",
                              path: path,
                              offset: fileSize - 4)
        }
        let length = UInt32(littleEndian: trailer.loadUnaligned(fromByteOffset: 0, as: UInt32.self))
        guard Int64(length) <= fileSize - minimumFileSize else {
            throw StrataError(.corrupt, "corrupt footer: its length \(length) exceeds the file size \(fileSize)",
                              path: path,
                              offset: fileSize - 8)
        }
        return Int(length)
    }

    /// Decodes the metadata bytes, which sit directly before the trailer of a file of `fileSize` bytes.
    ///
    /// Error offsets are absolute file offsets; errors carry `path`.
    /// With `columns`, only those leaves' column chunks are built (``FileMetaData/init(from:keepingColumns:)``).
    package static func decode(metadata: UnsafeRawBufferPointer, fileSize: Int64, path: String,
                               columns: Set<String>? = nil) throws -> FileMetaData {
        let baseOffset = fileSize - Int64(trailerSize) - Int64(metadata.count)
        var reader = ThriftCompactReader(metadata, baseOffset: baseOffset)
        let fileMetaData: FileMetaData
        do {
            fileMetaData = try FileMetaData(from: &reader, keepingColumns: columns)
        } catch let error as StrataError {
            throw error.with(path: path)
        }
        let hasEncryptedColumn = fileMetaData.rowGroups.contains { $0.columns.contains(where: \.isEncrypted) }
        if fileMetaData.isEncrypted || hasEncryptedColumn {
            throw StrataError(.unsupported, "encrypted Parquet files are not supported", path: path)
        }
        return fileMetaData
    }

    /// Decodes the footer of a whole file held in memory (convenience for small files and tests).
    package static func decode(file: UnsafeRawBufferPointer, path: String) throws -> FileMetaData {
        let fileSize = Int64(file.count)
        guard file.count >= trailerSize else {
            throw StrataError(.corrupt, "file of \(fileSize) bytes is too small to be a Parquet file", path: path)
        }
        let trailer = UnsafeRawBufferPointer(rebasing: file[(file.count - trailerSize)...])
        let length = try metadataLength(trailer: trailer, fileSize: fileSize, path: path)
        let end = file.count - trailerSize
        let metadata = UnsafeRawBufferPointer(rebasing: file[(end - length) ..< end])
        return try decode(metadata: metadata, fileSize: fileSize, path: path)
    }

    /// Encodes `metadata` followed by the trailer: the bytes a writer appends after the last column chunk.
    package static func encode(_ metadata: FileMetaData) -> [UInt8] {
        var writer = ThriftCompactWriter(reservingCapacity: 1024)
        metadata.write(to: &writer)
        var bytes = writer.bytes
        let length = UInt32(truncatingIfNeeded: bytes.count)
        withUnsafeBytes(of: length.littleEndian) { bytes.append(contentsOf: $0) }
        bytes.append(contentsOf: magic)
        return bytes
    }
}
