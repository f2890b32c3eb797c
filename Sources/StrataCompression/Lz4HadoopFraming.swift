import StrataCore

/// Parquet's deprecated LZ4 codec (codec 5) as written by Hadoop and older Arrow versions.
///
/// 1. The data is a sequence of frames `[u32 BE decompressed length][u32 BE compressed length][LZ4 block]`.
/// 2. Each frame's block must decompress to exactly its stated length, and the frames must consume the input
///    exactly and fill the output exactly.
/// 3. If that framing does not parse, some writers used a bare LZ4 block instead: decode the whole input as one.
enum Lz4HadoopFraming {
    /// Bytes of a frame header: two big-endian 32-bit lengths.
    static let headerSize = 8

    /// Decompresses Hadoop-framed (or, failing that, bare) LZ4 data that must fill `output` exactly.
    static func decompress(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) throws {
        if decodeFrames(input, into: output) { return }
        try Lz4Block.decompress(input, into: output)
    }

    /// Decodes the Hadoop frames; returns false if the input is not exactly such a sequence filling `output`.
    private static func decodeFrames(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) -> Bool {
        guard input.count >= headerSize else { return false }
        var inputOffset = 0
        var outputOffset = 0
        while inputOffset < input.count {
            guard input.count - inputOffset >= headerSize else { return false }
            let decompressedLength = Int(bigEndianUInt32(input, at: inputOffset))
            let compressedLength = Int(bigEndianUInt32(input, at: inputOffset + 4))
            inputOffset += headerSize
            guard compressedLength <= input.count - inputOffset,
                  decompressedLength <= output.count - outputOffset else { return false }
            let block = UnsafeRawBufferPointer(rebasing: input[inputOffset..<(inputOffset + compressedLength)])
            let target = UnsafeMutableRawBufferPointer(
                rebasing: output[outputOffset..<(outputOffset + decompressedLength)])
            guard Lz4Block.decompressIfValid(block, into: target) == decompressedLength else { return false }
            inputOffset += compressedLength
            outputOffset += decompressedLength
        }
        return outputOffset == output.count
    }

    /// The big-endian 32-bit integer at `offset`; the caller has checked that four bytes are there.
    private static func bigEndianUInt32(_ bytes: UnsafeRawBufferPointer, at offset: Int) -> UInt32 {
        UInt32(bytes[offset]) << 24 | UInt32(bytes[offset + 1]) << 16 | UInt32(bytes[offset + 2]) << 8
            | UInt32(bytes[offset + 3])
    }
}
