import StrataCore

// BYTE_STREAM_SPLIT decoder (FLOAT, DOUBLE, INT32, INT64).
//
// Algorithm:
// 1. With K = value width and N = buffer bytes / K (the buffer is the rest of the page), byte j of value i is at
//    j * N + i. The buffer length must be a multiple of K and `count` must not exceed N.
// 2. For each of the `count` values, gather its K bytes from the K streams into the output slot (little-endian).

/// Decodes BYTE_STREAM_SPLIT-encoded fixed-width values.
package enum ByteStreamSplitDecoder {
    /// Decodes `count` FLOAT values from the whole of `buffer`, appending them to `out`.
    package static func decodeFloat(_ buffer: UnsafeRawBufferPointer, count: Int,
                                    into out: inout [Float]) throws(StrataError) {
        try decode(buffer, count: count, into: &out)
    }

    /// Decodes `count` DOUBLE values from the whole of `buffer`, appending them to `out`.
    package static func decodeDouble(_ buffer: UnsafeRawBufferPointer, count: Int,
                                     into out: inout [Double]) throws(StrataError) {
        try decode(buffer, count: count, into: &out)
    }

    /// Decodes `count` INT32 values from the whole of `buffer`, appending them to `out`.
    package static func decodeInt32(_ buffer: UnsafeRawBufferPointer, count: Int,
                                    into out: inout [Int32]) throws(StrataError) {
        try decode(buffer, count: count, into: &out)
    }

    /// Decodes `count` INT64 values from the whole of `buffer`, appending them to `out`.
    package static func decodeInt64(_ buffer: UnsafeRawBufferPointer, count: Int,
                                    into out: inout [Int64]) throws(StrataError) {
        try decode(buffer, count: count, into: &out)
    }

    /// Decodes `count` values of `T` (4 or 8 bytes wide) from the whole of `buffer`, appending them to `out`.
    package static func decode<T: BitwiseCopyable>(_ buffer: UnsafeRawBufferPointer, count: Int,
                                                  into out: inout [T]) throws(StrataError) {
        guard count > 0 else { return }
        let width = MemoryLayout<T>.stride
        guard buffer.count % width == 0, count <= buffer.count / width, let src = buffer.baseAddress else {
            throw StrataError(.corrupt, "BYTE_STREAM_SPLIT data of \(buffer.count) bytes cannot hold \(count) "
                + "values of \(width) bytes")
        }
        let stride = buffer.count / width
        let values = [T](unsafeUninitializedCapacity: count) { dest, initialized in
            guard let base = dest.baseAddress else { return }
            let bytes = UnsafeMutableRawPointer(base)
            let streams = src.assumingMemoryBound(to: UInt8.self)
            for j in 0 ..< width {
                let stream = streams + j &* stride
                for i in 0 ..< count {
                    bytes.storeBytes(of: stream[i], toByteOffset: i &* width &+ j, as: UInt8.self)
                }
            }
            initialized = count
        }
        if out.isEmpty { out = values } else { out.append(contentsOf: values) }
    }
}
