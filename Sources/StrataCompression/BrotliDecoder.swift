import CBrotli
import StrataCore

/// Brotli (RFC 7932) decompression through the system libbrotlidec, for Parquet BROTLI pages (read only).
///
/// One streaming call decodes the whole input into the output buffer: the stream must end exactly when the input is
/// consumed and the output is full; anything else (a truncated or overlong stream, trailing bytes, a wrong size)
/// is corrupt.
enum BrotliDecoder {
    /// Decompresses `input`, one Brotli stream, which must fill `output` exactly.
    static func decompress(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) throws {
        guard let state = BrotliDecoderCreateInstance(nil, nil, nil) else {
            throw StrataError(.outOfMemory, "cannot start brotli decompression")
        }
        defer { BrotliDecoderDestroyInstance(state) }
        // A non-null pointer for empty buffers; nothing is read or written through it then.
        var placeholder: UInt8 = 0
        let result: BrotliDecoderResult
        var availableIn = input.count, availableOut = output.count
        result = withUnsafeMutablePointer(to: &placeholder) { dummy in
            var nextIn: UnsafePointer<UInt8>? = input.baseAddress?.assumingMemoryBound(to: UInt8.self)
                ?? UnsafePointer(dummy)
            var nextOut: UnsafeMutablePointer<UInt8>? = output.baseAddress?.assumingMemoryBound(to: UInt8.self)
                ?? dummy
            return BrotliDecoderDecompressStream(state, &availableIn, &nextIn, &availableOut, &nextOut, nil)
        }
        guard result == BROTLI_DECODER_RESULT_SUCCESS else {
            let detail = result == BROTLI_DECODER_RESULT_ERROR
                ? String(cString: BrotliDecoderErrorString(BrotliDecoderGetErrorCode(state)))
                : result == BROTLI_DECODER_RESULT_NEEDS_MORE_OUTPUT ? "more than \(output.count) bytes"
                : "the stream is truncated"
            throw StrataError(.corrupt, "brotli data does not decompress: \(detail)")
        }
        guard availableIn == 0, availableOut == 0 else {
            throw StrataError(.corrupt, "brotli data holds \(output.count - availableOut) bytes, expected "
                + "\(output.count)" + (availableIn == 0 ? "" : ", and \(availableIn) bytes follow the stream"))
        }
    }

    /// Brotli's worst case for `n` input bytes (uncompressed meta-blocks: `BrotliEncoderMaxCompressedSize`).
    static func maxCompressedSize(_ n: Int) -> Int {
        n == 0 ? 2 : n.addingSaturated(2 + 4 * (n >> 14) + 3 + 1)
    }
}
