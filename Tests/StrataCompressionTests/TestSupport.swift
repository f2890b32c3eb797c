import Foundation
import StrataCore
@testable import StrataCompression
import StrataTestSupport

enum TestData {
    /// `count` random bytes from a fixed seed.
    static func random(_ count: Int, seed: UInt64 = 42) -> [UInt8] {
        var generator = SplitMix64(seed: seed)
        return (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
    }

    /// `count` highly repetitive bytes: a short text repeated, with a counter every 4 KiB.
    static func repetitive(_ count: Int) -> [UInt8] {
        let pattern = Array("strata columnar storage, page after page; ".utf8)
        var bytes = [UInt8](repeating: 0, count: count)
        for index in 0..<count {
            bytes[index] = index % 4096 == 0 ? UInt8(truncatingIfNeeded: index / 4096) : pattern[index % pattern.count]
        }
        return bytes
    }

    /// Bytes from a hex string.
    static func bytes(hex: String) -> [UInt8] {
        let digits = Array(hex.utf8)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(digits.count / 2)
        var index = 0
        while index + 1 < digits.count {
            if let value = UInt8(String(decoding: digits[index...index + 1], as: UTF8.self), radix: 16) {
                bytes.append(value)
            }
            index += 2
        }
        return bytes
    }

    /// The repository's Fixtures/compression directory, found from this file's path.
    static var fixturesDirectory: URL {
        URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent()  // StrataCompressionTests
            .deletingLastPathComponent()  // Tests
            .deletingLastPathComponent()  // package root
            .appendingPathComponent("Fixtures/compression")
    }
}

/// Compresses `input` into a fresh array.
func compressed(_ input: [UInt8], _ codec: CompressionCodec) throws -> [UInt8] {
    var output: [UInt8] = []
    try input.withUnsafeBytes { try Compression.compress($0, codec: codec, into: &output) }
    return output
}

/// Decompresses `input` into a fresh array of `count` bytes.
func decompressed(_ input: [UInt8], _ codec: CompressionCodec, count: Int) throws -> [UInt8] {
    var output = [UInt8](repeating: 0, count: count)
    try input.withUnsafeBytes { source in
        try output.withUnsafeMutableBytes { destination in
            try Compression.decompress(source, codec: codec, into: destination)
        }
    }
    return output
}

/// The CRC-32 of `bytes`.
func crc32(_ bytes: [UInt8]) -> UInt32 {
    bytes.withUnsafeBytes { CRC32.checksum($0) }
}

/// Big-endian bytes of a 32-bit value.
func bigEndianBytes(_ value: UInt32) -> [UInt8] {
    [UInt8(value >> 24), UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF)]
}
