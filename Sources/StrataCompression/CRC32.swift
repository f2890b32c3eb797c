import CZlib

/// CRC-32 checksums, as used by gzip, zip and PNG.
package enum CRC32 {
    /// Standard CRC-32 (zlib polynomial), continuing from `seed` (0 to start).
    package static func checksum(_ data: UnsafeRawBufferPointer, seed: UInt32 = 0) -> UInt32 {
        guard let base = data.baseAddress, data.count > 0 else { return seed }
        // zlib takes 32-bit lengths; feed very large buffers in pieces.
        var crc = uLong(seed)
        var offset = 0
        while offset < data.count {
            let length = min(data.count - offset, Int(UInt32.max))
            crc = crc32(crc, (base + offset).assumingMemoryBound(to: Bytef.self), uInt(length))
            offset += length
        }
        return UInt32(truncatingIfNeeded: crc)
    }
}
