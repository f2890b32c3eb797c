// Page compression and decompression, measured on the codec calls the Parquet writer and reader make.
//
// 1. init PLAIN-encodes every column of the given batches with the writer's encoder (one byte stream per column)
//    and cuts the streams into pieces of `pieceBytes` (the writer's page size by default), taking full pieces
//    from the columns in turn until `inputBytes` are gathered; it then compresses every piece once, for
//    `decompress()`, and allocates the output buffers.
// 2. compress() compresses every piece into one reused buffer, as the writer compresses a page body.
// 3. decompress() decompresses every stored piece into its preallocated buffer, as the reader does a page.
// 4. decompressedMatchesInput compares those buffers with the pieces.
import Strata
import StrataCompression
import StrataStorage

extension Diagnostics {
    /// Compresses and decompresses page-sized pieces of PLAIN-encoded column data with a page codec.
    public final class CompressionWorkload {
        /// The codec.
        public let codec: Codec
        /// Bytes of one piece (1 MiB, the Parquet writer's page size, by default).
        public let pieceBytes: Int
        /// Uncompressed bytes of all pieces together.
        public let inputBytes: Int
        /// Number of pieces.
        public var pieceCount: Int { pieces.count }
        /// Compressed bytes of all pieces together (as compressed in `init`).
        public var compressedBytes: Int { compressed.reduce(0) { $0 + $1.count } }

        private let compressionCodec: CompressionCodec
        private let pieces: [[UInt8]]
        private let compressed: [[UInt8]]
        private var outputs: [[UInt8]]
        private var scratch: [UInt8] = []

        /// The writer's target size of a data page.
        public static var parquetPageBytes: Int { ParquetWriteOptions().pageBytes }

        /// Prepares `inputBytes` of pieces from the PLAIN encoding of `batches` (all of one schema).
        /// - Throws: ``StrataError`` `.invalidArgument` when the batches hold fewer full pieces than needed or the
        ///   sizes are not positive.
        public init(batches: [Batch], codec: Codec, inputBytes: Int, pieceBytes: Int = parquetPageBytes) throws {
            guard pieceBytes > 0, inputBytes > 0 else {
                throw StrataError(.invalidArgument, "piece and input sizes must be positive")
            }
            let columnCount = batches.first?.columns.count ?? 0
            var streams = [[UInt8]](repeating: [], count: columnCount)
            for batch in batches {
                guard batch.columns.count == columnCount else {
                    throw StrataError(.invalidArgument, "the batches differ in their number of columns")
                }
                for (c, column) in batch.columns.enumerated() {
                    PlainEncoder.append(column.data, validity: column.validity, range: 0..<column.count,
                                        to: &streams[c])
                }
            }
            var pieces: [[UInt8]] = []
            var total = 0
            var round = 0
            while total < inputBytes {
                var tookAny = false
                for stream in streams where total < inputBytes && (round + 1) * pieceBytes <= stream.count {
                    let size = min(pieceBytes, inputBytes - total)
                    pieces.append(Array(stream[round * pieceBytes ..< round * pieceBytes + size]))
                    total += size
                    tookAny = true
                }
                guard tookAny else {
                    throw StrataError(.invalidArgument, "the batches encode to \(total) bytes in full pieces of "
                        + "\(pieceBytes), fewer than the \(inputBytes) asked for")
                }
                round += 1
            }
            self.codec = codec
            self.pieceBytes = pieceBytes
            self.inputBytes = total
            self.pieces = pieces
            let compressionCodec = codec.compressionCodec
            self.compressionCodec = compressionCodec
            var compressed: [[UInt8]] = []
            for piece in pieces {
                var output: [UInt8] = []
                try piece.withUnsafeBytes { try Compression.compress($0, codec: compressionCodec, into: &output) }
                compressed.append(output)
            }
            self.compressed = compressed
            outputs = pieces.map { [UInt8](repeating: 0, count: $0.count) }
            scratch.reserveCapacity(Compression.maxCompressedSize(pieceBytes, codec: compressionCodec))
        }

        /// Compresses every piece (the measured operation); returns the compressed bytes.
        public func compress() throws -> Int {
            var total = 0
            for piece in pieces {
                scratch.removeAll(keepingCapacity: true)
                try piece.withUnsafeBytes { try Compression.compress($0, codec: compressionCodec, into: &scratch) }
                total += scratch.count
            }
            return total
        }

        /// Decompresses every piece into its output buffer (the measured operation).
        public func decompress() throws {
            for index in compressed.indices {
                try compressed[index].withUnsafeBytes { input in
                    try outputs[index].withUnsafeMutableBytes { output in
                        try Compression.decompress(input, codec: compressionCodec, into: output)
                    }
                }
            }
        }

        /// Whether the output buffers hold exactly the pieces (true after `decompress()`).
        public var decompressedMatchesInput: Bool { outputs == pieces }
    }
}
