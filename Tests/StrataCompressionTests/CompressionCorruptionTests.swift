import StrataCore
import Testing
@testable import StrataCompression
import StrataTestSupport

@Suite struct CompressionCorruptionTests {
    /// Valid compressed data for every codec, with its uncompressed form.
    static func samples() throws -> [(CompressionCodec, packed: [UInt8], original: [UInt8])] {
        let original = TestData.random(3000, seed: 3) + TestData.repetitive(20_000)
        var samples: [(CompressionCodec, packed: [UInt8], original: [UInt8])] = []
        for codec in [CompressionCodec.uncompressed, .gzip, .lz4Raw, .zstd(level: 3)] {
            samples.append((codec, try compressed(original, codec), original))
        }
        samples.append((.lz4Hadoop, try Lz4HadoopTests.framed([original]), original))
        let snappy = SnappyDecoderTests.literalThenRun
        samples.append((.snappy, snappy.packed, snappy.original))
        return samples
    }

    @Test func wrongOutputSizeThrows() throws {
        for (codec, packed, original) in try Self.samples() {
            for count in [original.count - 1, original.count + 1, 0] {
                let error = #expect(throws: StrataError.self, "\(codec.name) into \(count) bytes") {
                    _ = try decompressed(packed, codec, count: count)
                }
                #expect(error?.code == .corrupt)
            }
            #expect(try decompressed(packed, codec, count: original.count) == original)
        }
    }

    @Test func truncatedInputThrows() throws {
        for (codec, packed, original) in try Self.samples() {
            for keep in Set([0, 1, packed.count / 2, packed.count - 1]) where keep < packed.count {
                let error = #expect(throws: StrataError.self, "\(codec.name) cut to \(keep) bytes") {
                    _ = try decompressed(Array(packed.prefix(keep)), codec, count: original.count)
                }
                #expect(error?.code == .corrupt)
            }
        }
    }

    @Test func trailingGarbageThrows() throws {
        for (codec, packed, original) in try Self.samples() {
            #expect(throws: StrataError.self, "\(codec.name)") {
                _ = try decompressed(packed + [0x13, 0x37, 0x00, 0x42], codec, count: original.count)
            }
        }
    }

    @Test func damagedHeadersThrow() throws {
        for (codec, packed, original) in try Self.samples() where codec != .uncompressed && codec != .lz4Raw {
            var damaged = packed
            damaged[0] ^= 0xFF
            damaged[1] ^= 0xFF
            #expect(throws: StrataError.self, "\(codec.name)") {
                _ = try decompressed(damaged, codec, count: original.count)
            }
        }
    }

    @Test func gzipChecksumMismatchThrows() throws {
        let original = TestData.repetitive(5000)
        var packed = try compressed(original, .gzip)
        packed[packed.count - 6] ^= 0x01  // inside the CRC-32 trailer
        #expect(throws: StrataError.self) { _ = try decompressed(packed, .gzip, count: original.count) }
    }

    @Test func garbageInputThrows() throws {
        let garbage: [[UInt8]] = [[], [0xFF], [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF], TestData.random(64, seed: 9)]
        for codec in [CompressionCodec.gzip, .lz4Raw, .lz4Hadoop, .zstd(level: 1), .snappy] {
            for input in garbage {
                #expect(throws: StrataError.self, "\(codec.name) on \(input.count) bytes") {
                    _ = try decompressed(input, codec, count: 1000)
                }
            }
        }
    }

    /// Flips random bytes of valid data: decoding may succeed or throw, but must never crash or overrun.
    @Test func randomDamageNeverCrashes() throws {
        var generator = SplitMix64(seed: 1234)
        for (codec, packed, original) in try Self.samples() {
            for _ in 0..<300 {
                var damaged = packed
                for _ in 0..<Int.random(in: 1...4, using: &generator) {
                    let index = Int.random(in: 0..<damaged.count, using: &generator)
                    damaged[index] = UInt8.random(in: 0...255, using: &generator)
                }
                let count = Bool.random(using: &generator)
                    ? original.count : Int.random(in: 0...(2 * original.count), using: &generator)
                _ = try? decompressed(damaged, codec, count: count)
            }
        }
    }
}
