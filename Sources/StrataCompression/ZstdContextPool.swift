import CZstd
import StrataCore
import Synchronization

/// Zstandard compression and decompression through a small pool of reusable contexts, so that repeated calls do not
/// allocate fresh (multi-megabyte) zstd state each time. A context is used by one caller at a time: it is taken out
/// of the pool under a lock, used without it, and put back afterwards.
enum ZstdContextPool {
    /// A compression context; owned by whoever took it from the pool.
    private struct CompressionContext: @unchecked Sendable {
        let pointer: OpaquePointer
    }

    /// A decompression context; owned by whoever took it from the pool.
    private struct DecompressionContext: @unchecked Sendable {
        let pointer: OpaquePointer
    }

    /// How many idle contexts of each kind are kept.
    private static let capacity = 8
    private static let idleCompressors = Mutex<[CompressionContext]>([])
    private static let idleDecompressors = Mutex<[DecompressionContext]>([])

    /// Compresses `input` as one zstd frame into `output` (at least `ZSTD_compressBound(input.count)` bytes); returns
    /// the number of bytes written.
    static func compress(_ input: UnsafeRawBufferPointer, level: Int32,
                         into output: UnsafeMutableRawBufferPointer) throws -> Int {
        let context = try takeCompressor()
        defer { give(context) }
        let result = try BufferBase.with(input) { source in
            try BufferBase.with(output) { destination in
                ZSTD_compressCCtx(context.pointer, destination, output.count, source, input.count, level)
            }
        }
        if ZSTD_isError(result) != 0 {
            throw StrataError(.internal, "zstd compression failed: \(errorName(result))")
        }
        return result
    }

    /// Decompresses one or more concatenated zstd frames, which must fill `output` exactly.
    static func decompress(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) throws {
        guard input.count > 0 else { throw StrataError(.corrupt, "zstd data is empty") }
        let context = try takeDecompressor()
        defer { give(context) }
        let result = try BufferBase.with(input) { source in
            try BufferBase.with(output) { destination in
                ZSTD_decompressDCtx(context.pointer, destination, output.count, source, input.count)
            }
        }
        if ZSTD_isError(result) != 0 {
            if ZSTD_getErrorCode(result) == ZSTD_error_dstSize_tooSmall {
                throw StrataError(.corrupt, "zstd data decompresses to more than \(output.count) bytes")
            }
            throw StrataError(.corrupt, "zstd data is malformed: \(errorName(result))")
        }
        guard result == output.count else {
            throw StrataError(.corrupt, "zstd data decompresses to \(result) bytes, expected \(output.count)")
        }
    }

    private static func errorName(_ code: Int) -> String {
        guard let name = ZSTD_getErrorName(code) else { return "error \(code)" }
        return String(cString: name)
    }

    private static func takeCompressor() throws -> CompressionContext {
        if let idle = idleCompressors.withLock({ $0.popLast() }) { return idle }
        guard let pointer = ZSTD_createCCtx() else {
            throw StrataError(.outOfMemory, "cannot allocate a zstd compression context")
        }
        return CompressionContext(pointer: pointer)
    }

    private static func give(_ context: CompressionContext) {
        let kept = idleCompressors.withLock { idle in
            guard idle.count < capacity else { return false }
            idle.append(context)
            return true
        }
        if !kept { ZSTD_freeCCtx(context.pointer) }
    }

    private static func takeDecompressor() throws -> DecompressionContext {
        if let idle = idleDecompressors.withLock({ $0.popLast() }) { return idle }
        guard let pointer = ZSTD_createDCtx() else {
            throw StrataError(.outOfMemory, "cannot allocate a zstd decompression context")
        }
        return DecompressionContext(pointer: pointer)
    }

    private static func give(_ context: DecompressionContext) {
        let kept = idleDecompressors.withLock { idle in
            guard idle.count < capacity else { return false }
            idle.append(context)
            return true
        }
        if !kept { ZSTD_freeDCtx(context.pointer) }
    }
}
