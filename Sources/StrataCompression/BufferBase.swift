import StrataCore

/// Non-nil base addresses for buffers that may be empty. The C libraries reject null pointers even for zero-length
/// buffers, while Swift gives empty buffers a nil base address.
enum BufferBase {
    /// Calls `body` with `buffer`'s base address, or with a valid scratch address when the buffer is empty.
    static func with<R>(_ buffer: UnsafeRawBufferPointer, _ body: (UnsafeRawPointer) throws -> R) throws -> R {
        if let base = buffer.baseAddress { return try body(base) }
        return try withUnsafeTemporaryAllocation(byteCount: 1, alignment: 1) { scratch in
            guard let base = scratch.baseAddress else {
                throw StrataError(.internal, "temporary allocation has no address")
            }
            return try body(UnsafeRawPointer(base))
        }
    }

    /// Calls `body` with `buffer`'s base address, or with a valid scratch address when the buffer is empty.
    static func with<R>(_ buffer: UnsafeMutableRawBufferPointer,
                        _ body: (UnsafeMutableRawPointer) throws -> R) throws -> R {
        if let base = buffer.baseAddress { return try body(base) }
        return try withUnsafeTemporaryAllocation(byteCount: 1, alignment: 1) { scratch in
            guard let base = scratch.baseAddress else {
                throw StrataError(.internal, "temporary allocation has no address")
            }
            return try body(base)
        }
    }
}
