/// The compression codec of a Parquet column chunk, kept as the raw Thrift value so unknown codecs still decode.
///
/// Whether a codec is supported is decided by the chunk reader, not here.
package struct ParquetCompressionCodec: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    /// The Thrift enum value.
    package var rawValue: Int32

    /// Wraps a raw Thrift enum value.
    package init(rawValue: Int32) { self.rawValue = rawValue }

    /// No compression.
    package static let uncompressed = ParquetCompressionCodec(rawValue: 0)
    /// Raw Snappy blocks.
    package static let snappy = ParquetCompressionCodec(rawValue: 1)
    /// Gzip members (RFC 1952).
    package static let gzip = ParquetCompressionCodec(rawValue: 2)
    /// LZO.
    package static let lzo = ParquetCompressionCodec(rawValue: 3)
    /// Brotli.
    package static let brotli = ParquetCompressionCodec(rawValue: 4)
    /// LZ4 with Hadoop framing (deprecated).
    package static let lz4 = ParquetCompressionCodec(rawValue: 5)
    /// Zstandard frames.
    package static let zstd = ParquetCompressionCodec(rawValue: 6)
    /// One bare LZ4 block.
    package static let lz4Raw = ParquetCompressionCodec(rawValue: 7)

    /// The Parquet name, or `CODEC(<n>)` for values this code does not know.
    package var description: String {
        switch rawValue {
        case 0: "UNCOMPRESSED"
        case 1: "SNAPPY"
        case 2: "GZIP"
        case 3: "LZO"
        case 4: "BROTLI"
        case 5: "LZ4"
        case 6: "ZSTD"
        case 7: "LZ4_RAW"
        default: "CODEC(\(rawValue))"
        }
    }
}
