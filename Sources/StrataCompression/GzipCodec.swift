import CZlib
import StrataCore

/// Gzip (RFC 1952) compression and decompression through zlib.
///
/// 1. Compression writes one gzip member: `deflateInit2` with windowBits 31 (15-bit window plus gzip wrapper),
///    then `deflate(Z_FINISH)` until the stream ends.
/// 2. Decompression runs `inflate` with windowBits 47 (15-bit window, gzip or zlib header detected automatically).
///    When a member ends and input remains, the stream is reset and the next member decodes into the output right
///    after the previous one.
/// 3. zlib counts bytes in 32 bits, so both directions feed input and output in slices of at most 4 GiB - 1.
/// 4. The members must consume the input exactly and fill the output exactly; anything else is corrupt.
enum GzipCodec {
    /// Slice size for zlib's 32-bit counters.
    private static let maxSlice = Int(UInt32.max)

    /// Worst-case size of one gzip member for `n` input bytes: zlib's bound plus the larger gzip wrapper.
    static func maxCompressedSize(_ n: Int) -> Int {
        // compressBound assumes the 6-byte zlib wrapper; gzip's is 18 bytes.
        let zlibBound = Int(clamping: compressBound(uLong(n)))
        return zlibBound.addingSaturated(12)
    }

    /// Appends one gzip member holding `input` to `output`.
    static func compress(_ input: UnsafeRawBufferPointer, into output: inout [UInt8]) throws {
        let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
        defer { stream.deallocate() }
        let initResult = deflateInit2_(stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY,
                                       zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        guard initResult == Z_OK else { throw zlibError(initResult, stream, "cannot start gzip compression") }
        defer { deflateEnd(stream) }

        let start = output.count
        var written = 0
        var consumed = 0
        var capacity = Int(clamping: deflateBound(stream, uLong(input.count))).addingSaturated(64)
        output.append(contentsOf: repeatElement(0, count: capacity))
        do {
            while true {
                if written == capacity {
                    // The bound was not enough (it should be); grow and continue.
                    let extra = max(capacity / 2, 4096)
                    output.append(contentsOf: repeatElement(0, count: extra))
                    capacity += extra
                }
                let result = try BufferBase.with(input) { source in
                    try output.withUnsafeMutableBytes { bytes -> Int32 in
                        guard let destination = bytes.baseAddress else {
                            throw StrataError(.internal, "gzip output buffer has no address")
                        }
                        let inputSlice = min(input.count - consumed, maxSlice)
                        let outputSlice = min(capacity - written, maxSlice)
                        stream.pointee.next_in = UnsafeMutablePointer(
                            mutating: (source + consumed).assumingMemoryBound(to: Bytef.self))
                        stream.pointee.avail_in = uInt(inputSlice)
                        stream.pointee.next_out = (destination + start + written).assumingMemoryBound(to: Bytef.self)
                        stream.pointee.avail_out = uInt(outputSlice)
                        let flush = consumed + inputSlice == input.count ? Z_FINISH : Z_NO_FLUSH
                        let result = deflate(stream, flush)
                        consumed += inputSlice - Int(stream.pointee.avail_in)
                        written += outputSlice - Int(stream.pointee.avail_out)
                        stream.pointee.next_in = nil
                        stream.pointee.next_out = nil
                        return result
                    }
                }
                if result == Z_STREAM_END { break }
                guard result == Z_OK || result == Z_BUF_ERROR else {
                    throw zlibError(result, stream, "gzip compression failed")
                }
            }
            output.removeLast(capacity - written)
        } catch {
            output.removeLast(output.count - start)
            throw error
        }
    }

    /// Decompresses one or more concatenated gzip members, which must fill `output` exactly.
    static func decompress(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) throws {
        guard input.count > 0 else { throw StrataError(.corrupt, "gzip data is empty") }
        let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
        defer { stream.deallocate() }
        let initResult = inflateInit2_(stream, 15 + 32, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        guard initResult == Z_OK else { throw zlibError(initResult, stream, "cannot start gzip decompression") }
        defer { inflateEnd(stream) }

        try BufferBase.with(input) { source in
            try BufferBase.with(output) { destination in
                var consumed = 0
                var produced = 0
                while true {
                    let inputSlice = min(input.count - consumed, maxSlice)
                    let outputSlice = min(output.count - produced, maxSlice)
                    stream.pointee.next_in = UnsafeMutablePointer(
                        mutating: (source + consumed).assumingMemoryBound(to: Bytef.self))
                    stream.pointee.avail_in = uInt(inputSlice)
                    stream.pointee.next_out = (destination + produced).assumingMemoryBound(to: Bytef.self)
                    stream.pointee.avail_out = uInt(outputSlice)
                    let result = inflate(stream, Z_NO_FLUSH)
                    let consumedNow = inputSlice - Int(stream.pointee.avail_in)
                    let producedNow = outputSlice - Int(stream.pointee.avail_out)
                    consumed += consumedNow
                    produced += producedNow
                    stream.pointee.next_in = nil
                    stream.pointee.next_out = nil
                    switch result {
                    case Z_STREAM_END:
                        if consumed == input.count {
                            guard produced == output.count else {
                                throw StrataError(.corrupt,
                                                  "gzip data decompresses to \(produced) bytes, expected \(output.count)")
                            }
                            return
                        }
                        // Another member follows.
                        let resetResult = inflateReset(stream)
                        guard resetResult == Z_OK else {
                            throw zlibError(resetResult, stream, "cannot continue gzip decompression")
                        }
                    case Z_OK, Z_BUF_ERROR:
                        if consumedNow == 0 && producedNow == 0 {
                            // No progress possible: input ran out or output is full.
                            if produced == output.count && consumed < input.count {
                                throw StrataError(.corrupt, "gzip data decompresses to more than \(output.count) bytes")
                            }
                            throw StrataError(.corrupt, "gzip data is truncated")
                        }
                    case Z_MEM_ERROR:
                        throw StrataError(.outOfMemory, "out of memory while decompressing gzip data")
                    default:
                        throw zlibError(result, stream, "gzip data is malformed")
                    }
                }
            }
        }
    }

    /// A StrataError for a failed zlib call, with zlib's message when it has one.
    private static func zlibError(_ code: Int32, _ stream: UnsafeMutablePointer<z_stream>,
                                  _ context: String) -> StrataError {
        let kind: StrataError.Code
        switch code {
        case Z_MEM_ERROR: kind = .outOfMemory
        case Z_DATA_ERROR, Z_NEED_DICT: kind = .corrupt
        default: kind = .internal
        }
        if let message = stream.pointee.msg {
            return StrataError(kind, "\(context): \(String(cString: message))")
        }
        return StrataError(kind, "\(context) (zlib error \(code))")
    }
}
