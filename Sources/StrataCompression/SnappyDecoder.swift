// Decoder for the raw Snappy block format (no framing, no checksums).
//
// 1. Read the preamble: the uncompressed length as a little-endian base-128 varint of at most 5 bytes (32 bits).
//    It must equal the size of the output buffer.
// 2. Read elements until the input is exhausted. Each starts with a tag byte whose low two bits give its kind:
//    - 0b00 literal: length - 1 is tag >> 2 when below 60; for 60...63 it is held in the next 1...4 bytes
//      (little-endian). The literal bytes follow and are copied to the output as they are.
//    - 0b01 copy with 1-byte offset: length is 4 + ((tag >> 2) & 7); offset is ((tag >> 5) << 8) | next byte.
//    - 0b10 copy with 2-byte offset: length is (tag >> 2) + 1; offset is the next 2 bytes (little-endian).
//    - 0b11 copy with 4-byte offset: length is (tag >> 2) + 1; offset is the next 4 bytes (little-endian).
// 3. A copy repeats `length` bytes starting `offset` bytes back from the current output position. The offset must
//    be at least 1 and at most the number of bytes produced so far. When offset < length the source overlaps the
//    bytes being written and the copy repeats a pattern of period `offset` (offset 1 is a run of one byte).
// 4. Every read is checked against the input end and every write against the output end before it happens.
// 5. When the input ends, the output must be exactly full.
import StrataCore

/// Decodes raw Snappy blocks.
enum SnappyDecoder {
    /// Decompresses a raw Snappy block that must fill `output` exactly.
    static func decompress(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) throws {
        guard let inputBase = input.baseAddress, input.count > 0 else {
            throw StrataError(.corrupt, "snappy data is empty")
        }

        // Step 1: preamble.
        var position = 0
        var declaredLength: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard position < input.count, shift <= 28 else {
                throw StrataError(.corrupt, "snappy length preamble is truncated or too long")
            }
            let byte = inputBase.load(fromByteOffset: position, as: UInt8.self)
            position += 1
            declaredLength |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { break }
            shift += 7
        }
        guard declaredLength <= UInt64(UInt32.max), declaredLength == UInt64(output.count) else {
            throw StrataError(.corrupt, "snappy data declares \(declaredLength) bytes, expected \(output.count)")
        }
        let outputCount = output.count
        guard outputCount > 0 else {
            guard position == input.count else {
                throw StrataError(.corrupt, "snappy data holds elements beyond its declared length of 0")
            }
            return
        }
        guard let outputBase = output.baseAddress else {
            throw StrataError(.internal, "snappy output buffer has no address")
        }

        // Step 2: elements.
        let inputEnd = input.count
        var produced = 0
        while position < inputEnd {
            let tag = inputBase.load(fromByteOffset: position, as: UInt8.self)
            position += 1
            let length: Int
            let offset: Int
            switch tag & 0b11 {
            case 0b00:
                var literalLength = Int(tag >> 2)
                if literalLength >= 60 {
                    let extraBytes = literalLength - 59
                    guard inputEnd - position >= extraBytes else {
                        throw StrataError(.corrupt, "snappy literal length is truncated")
                    }
                    literalLength = Int(loadLittleEndian(inputBase + position, byteCount: extraBytes))
                    position += extraBytes
                }
                literalLength += 1
                guard inputEnd - position >= literalLength else {
                    throw StrataError(.corrupt, "snappy literal runs past the end of the input")
                }
                guard outputCount - produced >= literalLength else {
                    throw StrataError(.corrupt, "snappy data decompresses to more than \(outputCount) bytes")
                }
                (outputBase + produced).copyMemory(from: inputBase + position, byteCount: literalLength)
                position += literalLength
                produced += literalLength
                continue
            case 0b01:
                guard position < inputEnd else { throw StrataError(.corrupt, "snappy copy is truncated") }
                length = 4 + Int((tag >> 2) & 0b111)
                offset = Int(tag >> 5) << 8 | Int(inputBase.load(fromByteOffset: position, as: UInt8.self))
                position += 1
            case 0b10:
                guard inputEnd - position >= 2 else { throw StrataError(.corrupt, "snappy copy is truncated") }
                length = Int(tag >> 2) + 1
                offset = Int(loadLittleEndian(inputBase + position, byteCount: 2))
                position += 2
            default:
                guard inputEnd - position >= 4 else { throw StrataError(.corrupt, "snappy copy is truncated") }
                length = Int(tag >> 2) + 1
                offset = Int(loadLittleEndian(inputBase + position, byteCount: 4))
                position += 4
            }

            // Step 3: copy from earlier output.
            guard offset >= 1, offset <= produced else {
                throw StrataError(.corrupt, "snappy copy offset \(offset) is invalid after \(produced) bytes")
            }
            guard outputCount - produced >= length else {
                throw StrataError(.corrupt, "snappy data decompresses to more than \(outputCount) bytes")
            }
            let source = outputBase + (produced - offset)
            var target = outputBase + produced
            var remaining = length
            if offset >= length {
                target.copyMemory(from: source, byteCount: length)
            } else {
                // Overlapping: the bytes in [source, target) are a whole number of pattern periods, and copying them
                // (never more than that distance at once) doubles the span each round.
                while remaining > 0 {
                    let chunk = min(target - source, remaining)
                    target.copyMemory(from: source, byteCount: chunk)
                    target += chunk
                    remaining -= chunk
                }
            }
            produced += length
        }

        // Step 5.
        guard produced == outputCount else {
            throw StrataError(.corrupt, "snappy data decompresses to \(produced) bytes, expected \(outputCount)")
        }
    }

    /// The little-endian unsigned integer in the `byteCount` (1...4) bytes at `pointer`.
    @inline(__always)
    private static func loadLittleEndian(_ pointer: UnsafeRawPointer, byteCount: Int) -> UInt32 {
        var value: UInt32 = 0
        for index in 0..<byteCount {
            value |= UInt32(pointer.load(fromByteOffset: index, as: UInt8.self)) << (8 * UInt32(index))
        }
        return value
    }
}
