import CLZ4
import CZlib
import CZstd
import StrataCore

/// Compresses and decompresses whole buffers with a `CompressionCodec`.
package enum Compression {
    /// Appends the compressed form of `input` to `output` (output is not cleared). Throws StrataError(.unsupported)
    /// for read-only codecs (snappy, Hadoop LZ4, brotli).
    package static func compress(_ input: UnsafeRawBufferPointer, codec: CompressionCodec,
                                 into output: inout [UInt8]) throws {
        switch codec {
        case .uncompressed:
            output.append(contentsOf: input)
        case .snappy, .lz4Hadoop, .brotli:
            throw StrataError(.unsupported, "compressing with \(codec.name) is not supported; it is read only")
        case .gzip:
            try GzipCodec.compress(input, into: &output)
        case .lz4Raw:
            try appendBounded(maxCompressedSize(input.count, codec: codec), to: &output) { destination in
                try Lz4Block.compress(input, into: destination)
            }
        case .zstd(let level):
            try appendBounded(maxCompressedSize(input.count, codec: codec), to: &output) { destination in
                try ZstdContextPool.compress(input, level: level, into: destination)
            }
        }
    }

    /// Worst-case compressed size for input of n bytes (for preallocation). For the read-only codecs it is the
    /// worst case of their format, as another writer may have produced it.
    package static func maxCompressedSize(_ n: Int, codec: CompressionCodec) -> Int {
        let n = max(n, 0)
        switch codec {
        case .uncompressed:
            return n
        case .snappy:
            // Snappy's own bound: 32 + n + n / 6.
            return n.addingSaturated(32).addingSaturated(n / 6)
        case .gzip:
            return GzipCodec.maxCompressedSize(n)
        case .lz4Raw:
            return Lz4Block.maxCompressedSize(n)
        case .lz4Hadoop:
            return Lz4Block.maxCompressedSize(n).addingSaturated(Lz4HadoopFraming.headerSize)
        case .brotli:
            return BrotliDecoder.maxCompressedSize(n)
        case .zstd:
            // ZSTD_COMPRESSBOUND, computed here so that it saturates instead of wrapping for huge n.
            let smallInputMargin = n < (128 << 10) ? ((128 << 10) - n) >> 11 : 0
            return n.addingSaturated(n >> 8).addingSaturated(smallInputMargin)
        }
    }

    /// Decompresses `input` into `output`, which must be exactly the expected uncompressed size. Throws
    /// StrataError(.corrupt, ...) if the data is malformed or does not produce exactly output.count bytes. Never
    /// crashes or reads/writes out of bounds on malicious input.
    package static func decompress(_ input: UnsafeRawBufferPointer, codec: CompressionCodec,
                                   into output: UnsafeMutableRawBufferPointer) throws {
        switch codec {
        case .uncompressed:
            guard input.count == output.count else {
                throw StrataError(.corrupt, "uncompressed data holds \(input.count) bytes, expected \(output.count)")
            }
            if input.count > 0 { output.copyMemory(from: input) }
        case .snappy:
            try SnappyDecoder.decompress(input, into: output)
        case .gzip:
            try GzipCodec.decompress(input, into: output)
        case .lz4Raw:
            try Lz4Block.decompress(input, into: output)
        case .lz4Hadoop:
            try Lz4HadoopFraming.decompress(input, into: output)
        case .zstd:
            try ZstdContextPool.decompress(input, into: output)
        case .brotli:
            try BrotliDecoder.decompress(input, into: output)
        }
    }

    /// Grows `output` by `bound` bytes, lets `body` write into them and returns how many it wrote, then trims the
    /// rest. On error `output` is left as it was.
    private static func appendBounded(_ bound: Int, to output: inout [UInt8],
                                      _ body: (UnsafeMutableRawBufferPointer) throws -> Int) throws {
        let start = output.count
        output.append(contentsOf: repeatElement(0, count: bound))
        do {
            let written = try output.withUnsafeMutableBytes { bytes in
                try body(UnsafeMutableRawBufferPointer(rebasing: bytes[start...]))
            }
            guard written >= 0, written <= bound else {
                throw StrataError(.internal, "compressor wrote \(written) bytes into a buffer of \(bound)")
            }
            output.removeLast(bound - written)
        } catch {
            output.removeLast(output.count - start)
            throw error
        }
    }
}

extension Int {
    /// `self + other`, clamped to `Int.max` instead of overflowing.
    func addingSaturated(_ other: Int) -> Int {
        let (sum, overflow) = addingReportingOverflow(other)
        return overflow ? Int.max : sum
    }
}
