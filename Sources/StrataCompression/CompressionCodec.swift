import CZstd
import StrataCore

/// A compression codec for page bodies and spill files, named after the Parquet codecs.
package enum CompressionCodec: Sendable, Hashable {
    /// No compression: bytes are stored as they are.
    case uncompressed
    /// Raw Snappy blocks. Read only: `Compression.compress` throws `.unsupported`.
    case snappy
    /// RFC 1952 gzip members. Decompression accepts several concatenated members.
    case gzip
    /// Parquet's deprecated LZ4 (codec 5) with Hadoop framing, or a bare LZ4 block as a fallback. Read only.
    case lz4Hadoop
    /// Zstandard frames compressed at `level`.
    case zstd(level: Int32)
    /// Parquet LZ4_RAW (codec 7): one bare LZ4 block, no framing.
    case lz4Raw
    /// Brotli streams (Parquet codec 4), through the system libbrotlidec. Read only.
    case brotli

    /// The zstd level used when a codec is named without one ("zstd"): level 1, fast to write and to read.
    package static let defaultZstdLevel: Int32 = 1

    /// Parquet CompressionCodec enum value: UNCOMPRESSED 0, SNAPPY 1, GZIP 2, BROTLI 4, LZ4 5, ZSTD 6, LZ4_RAW 7.
    package var parquetCode: Int32 {
        switch self {
        case .uncompressed: 0
        case .snappy: 1
        case .gzip: 2
        case .lz4Hadoop: 5
        case .zstd: 6
        case .lz4Raw: 7
        case .brotli: 4
        }
    }

    /// Maps a Parquet codec number to a codec (zstd gets level 1 for reading purposes); returns nil for
    /// unknown/unsupported codecs (LZO 3, others).
    package init?(parquetCode: Int32) {
        switch parquetCode {
        case 0: self = .uncompressed
        case 1: self = .snappy
        case 2: self = .gzip
        case 5: self = .lz4Hadoop
        case 6: self = .zstd(level: 1)
        case 7: self = .lz4Raw
        case 4: self = .brotli
        default: return nil
        }
    }

    /// Lower-case name: "none", "snappy", "gzip", "lz4", "zstd", "lz4_raw" or "brotli".
    package var name: String {
        switch self {
        case .uncompressed: "none"
        case .snappy: "snappy"
        case .gzip: "gzip"
        case .lz4Hadoop: "lz4"
        case .zstd: "zstd"
        case .lz4Raw: "lz4_raw"
        case .brotli: "brotli"
        }
    }

    /// Whether `Compression.compress` supports this codec (snappy, Hadoop LZ4 and brotli are read only).
    package var canCompress: Bool {
        switch self {
        case .snappy, .lz4Hadoop, .brotli: false
        case .uncompressed, .gzip, .zstd, .lz4Raw: true
        }
    }

    /// Parses a codec name as given on the command line: "none" (or "uncompressed"), "zstd" or "zstd:LEVEL",
    /// "lz4" (meaning LZ4_RAW, also spelled "lz4_raw") and "gzip"; case-insensitive. Only writable codecs are
    /// accepted; anything else throws `StrataError(.invalidArgument)` listing the valid choices.
    package init(parsing text: String) throws {
        let minLevel = ZSTD_minCLevel()
        let maxLevel = ZSTD_maxCLevel()
        let choices = "none, zstd, zstd:LEVEL (LEVEL in \(minLevel)...\(maxLevel)), lz4, gzip"
        let lowered = text.lowercased()
        switch lowered {
        case "none", "uncompressed":
            self = .uncompressed
        case "lz4", "lz4_raw":
            self = .lz4Raw
        case "gzip":
            self = .gzip
        case "zstd":
            self = .zstd(level: CompressionCodec.defaultZstdLevel)
        default:
            guard lowered.hasPrefix("zstd:") else {
                throw StrataError(.invalidArgument, "unknown compression codec \"\(text)\"; valid choices: \(choices)")
            }
            let levelText = lowered.dropFirst("zstd:".count)
            guard let level = Int32(levelText), level >= minLevel, level <= maxLevel else {
                throw StrataError(.invalidArgument, "invalid zstd level \"\(levelText)\"; valid choices: \(choices)")
            }
            self = .zstd(level: level)
        }
    }
}
