import StrataCompression

/// How the pages of partition files are compressed.
public enum Codec: Sendable, Hashable, CustomStringConvertible {
    /// Zstandard at a level (1 is fast; higher levels are smaller and slower). The default.
    case zstd(level: Int32)
    /// LZ4 block compression (Parquet `LZ4_RAW`): fastest to decode.
    case lz4
    /// No compression.
    case uncompressed

    /// The default codec, ZSTD level 1.
    public static let `default` = Codec.zstd(level: 1)

    /// Parses `zstd`, `zstd:LEVEL`, `lz4` or `none`.
    public init(parsing text: String) throws {
        switch try CompressionCodec(parsing: text) {
        case let .zstd(level): self = .zstd(level: level)
        case .lz4Raw: self = .lz4
        case .uncompressed: self = .uncompressed
        default: throw StrataError(.invalidArgument, "codec \"\(text)\" cannot be written; use zstd, lz4 or none")
        }
    }

    /// The Parquet codec this stands for.
    package var compressionCodec: CompressionCodec {
        switch self {
        case let .zstd(level): .zstd(level: level)
        case .lz4: .lz4Raw
        case .uncompressed: .uncompressed
        }
    }

    public var description: String { compressionCodec.name }
}
