import CLZ4
import StrataCore

/// Bare LZ4 blocks (Parquet LZ4_RAW): no header, no framing, no checksum.
package enum Lz4Block {
    /// The largest input one LZ4 block can hold (LZ4_MAX_INPUT_SIZE).
    package static let maxInputSize = 0x7E00_0000

    /// Worst-case size of the block for `n` input bytes.
    package static func maxCompressedSize(_ n: Int) -> Int {
        if n <= maxInputSize { return Int(LZ4_compressBound(Int32(n))) }
        return n.addingSaturated(n / 255).addingSaturated(16)
    }

    /// Compresses `input` into `output`, which must hold at least `maxCompressedSize(input.count)` bytes; returns
    /// the number of bytes written.
    package static func compress(_ input: UnsafeRawBufferPointer,
                                 into output: UnsafeMutableRawBufferPointer) throws -> Int {
        guard input.count <= maxInputSize else {
            throw StrataError(.invalidArgument,
                              "\(input.count) bytes are too many for one LZ4 block (at most \(maxInputSize))")
        }
        let capacity = Int32(clamping: output.count)
        let written = try BufferBase.with(input) { source in
            try BufferBase.with(output) { destination in
                LZ4_compress_default(source.assumingMemoryBound(to: CChar.self),
                                     destination.assumingMemoryBound(to: CChar.self),
                                     Int32(input.count), capacity)
            }
        }
        guard written > 0 else { throw StrataError(.internal, "LZ4 compression failed") }
        return Int(written)
    }

    /// Decompresses one block, which must fill `output` exactly.
    package static func decompress(_ input: UnsafeRawBufferPointer,
                                   into output: UnsafeMutableRawBufferPointer) throws {
        guard let produced = decompressIfValid(input, into: output), produced == output.count else {
            throw StrataError(.corrupt, "LZ4 block is malformed or does not decompress to \(output.count) bytes")
        }
    }

    /// Decompresses one block into `output`; returns the number of bytes produced, or nil if the block is
    /// malformed, empty, or does not fit.
    package static func decompressIfValid(_ input: UnsafeRawBufferPointer,
                                          into output: UnsafeMutableRawBufferPointer) -> Int? {
        guard input.count > 0, input.count <= Int(Int32.max), output.count <= Int(Int32.max) else { return nil }
        let produced = try? BufferBase.with(input) { source in
            try BufferBase.with(output) { destination in
                LZ4_decompress_safe(source.assumingMemoryBound(to: CChar.self),
                                    destination.assumingMemoryBound(to: CChar.self),
                                    Int32(input.count), Int32(output.count))
            }
        }
        guard let produced, produced >= 0 else { return nil }
        return Int(produced)
    }
}
