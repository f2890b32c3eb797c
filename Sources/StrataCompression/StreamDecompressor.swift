import CZlib
import CZstd
import StrataCore

/// Incremental decompression of a gzip or zstd stream, for inputs read block by block (`strata import x.csv.gz`).
///
/// 1. `decompress(_:into:)` feeds some input and fills some output, returning how much of each it used; callers loop
///    until the input is consumed, refilling input and draining output as they go.
/// 2. gzip: zlib `inflate` with windowBits 47 (gzip or zlib header); when a member ends and more input follows, the
///    stream is reset so concatenated members (`cat a.gz b.gz`) decode as one.
/// 3. zstd: `ZSTD_decompressStream`, which handles concatenated frames by itself.
/// 4. `isAtEnd` says whether the data so far ended exactly at a member / frame boundary; a stream that stops
///    elsewhere is truncated.
package final class StreamDecompressor {
    /// The compressed formats a stream may use.
    package enum Format: Sendable {
        /// RFC 1952 gzip (also a zlib stream).
        case gzip
        /// Zstandard frames.
        case zstd
    }

    /// The stream's format.
    package let format: Format
    private let zlib: UnsafeMutablePointer<z_stream>?
    private let zstd: OpaquePointer?
    /// True when everything fed so far ends at a member or frame boundary (and something was decoded).
    package private(set) var isAtEnd = false

    /// Starts decoding a stream of `format`.
    package init(format: Format) throws {
        self.format = format
        switch format {
        case .gzip:
            let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
            stream.initialize(to: z_stream())
            let result = inflateInit2_(stream, 15 + 32, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
            guard result == Z_OK else {
                stream.deallocate()
                throw StrataError(.internal, "cannot start gzip decompression (zlib error \(result))")
            }
            zlib = stream
            zstd = nil
        case .zstd:
            guard let context = ZSTD_createDStream() else {
                throw StrataError(.outOfMemory, "cannot allocate a zstd decompression stream")
            }
            zlib = nil
            zstd = context
        }
    }

    deinit {
        if let zlib {
            inflateEnd(zlib)
            zlib.deallocate()
        }
        if let zstd { ZSTD_freeDStream(zstd) }
    }

    /// Decodes from `input` into `output`; returns the bytes consumed and produced. Call again with the rest of the
    /// input (and fresh output room) until `consumed` reaches the input's size.
    package func decompress(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) throws
        -> (consumed: Int, produced: Int)
    {
        guard let outBase = output.baseAddress, output.count > 0 else { return (0, 0) }
        guard let inBase = input.baseAddress, input.count > 0 else { return (0, 0) }
        if let zlib { return try inflateSome(zlib, inBase, min(input.count, Int(UInt32.max)), outBase,
                                             min(output.count, Int(UInt32.max))) }
        if let zstd {
            var inBuffer = ZSTD_inBuffer(src: inBase, size: input.count, pos: 0)
            var outBuffer = ZSTD_outBuffer(dst: outBase, size: output.count, pos: 0)
            let result = ZSTD_decompressStream(zstd, &outBuffer, &inBuffer)
            if ZSTD_isError(result) != 0 {
                let name = String(cString: ZSTD_getErrorName(result))
                throw StrataError(.corrupt, "zstd stream is corrupt: \(name)")
            }
            if inBuffer.pos > 0 || outBuffer.pos > 0 { isAtEnd = result == 0 }
            return (inBuffer.pos, outBuffer.pos)
        }
        return (0, 0)
    }

    private func inflateSome(_ stream: UnsafeMutablePointer<z_stream>, _ input: UnsafeRawPointer, _ inputCount: Int,
                             _ output: UnsafeMutableRawPointer, _ outputCount: Int) throws -> (Int, Int)
    {
        if isAtEnd {
            // Another member follows the one that ended.
            guard inflateReset(stream) == Z_OK else { throw StrataError(.internal, "cannot reset gzip stream") }
            isAtEnd = false
        }
        stream.pointee.next_in = UnsafeMutablePointer(mutating: input.assumingMemoryBound(to: Bytef.self))
        stream.pointee.avail_in = uInt(inputCount)
        stream.pointee.next_out = output.assumingMemoryBound(to: Bytef.self)
        stream.pointee.avail_out = uInt(outputCount)
        let result = inflate(stream, Z_NO_FLUSH)
        let consumed = inputCount - Int(stream.pointee.avail_in)
        let produced = outputCount - Int(stream.pointee.avail_out)
        stream.pointee.next_in = nil
        stream.pointee.next_out = nil
        switch result {
        case Z_STREAM_END: isAtEnd = true
        case Z_OK, Z_BUF_ERROR: break
        default:
            let detail = stream.pointee.msg.map { String(cString: $0) } ?? "zlib error \(result)"
            throw StrataError(.corrupt, "gzip stream is corrupt: \(detail)")
        }
        return (consumed, produced)
    }
}
