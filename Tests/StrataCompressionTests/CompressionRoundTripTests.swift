import StrataCore
import Testing
@testable import StrataCompression

@Suite struct CompressionRoundTripTests {
    static let writableCodecs: [CompressionCodec] = [
        .uncompressed, .gzip, .lz4Raw, .zstd(level: 1), .zstd(level: 3), .zstd(level: 19), .zstd(level: -5),
    ]

    static let inputs: [(String, [UInt8])] = [
        ("empty", []),
        ("one byte", [0x5A]),
        ("random 100 KB", TestData.random(100_000)),
        ("repetitive 1 MB", TestData.repetitive(1 << 20)),
    ]

    @Test(arguments: writableCodecs)
    func roundTripsEveryInput(codec: CompressionCodec) throws {
        for (name, input) in Self.inputs {
            let packed = try compressed(input, codec)
            #expect(packed.count <= Compression.maxCompressedSize(input.count, codec: codec), "\(name)")
            let unpacked = try decompressed(packed, codec, count: input.count)
            #expect(unpacked == input, "\(name)")
        }
    }

    @Test(arguments: writableCodecs)
    func repetitiveInputShrinks(codec: CompressionCodec) throws {
        guard codec != .uncompressed else { return }
        let input = TestData.repetitive(1 << 20)
        let packed = try compressed(input, codec)
        #expect(packed.count < input.count / 20)
    }

    @Test(arguments: writableCodecs)
    func compressAppendsWithoutClearing(codec: CompressionCodec) throws {
        let input = TestData.random(1000, seed: 7)
        let prefix: [UInt8] = [1, 2, 3]
        var output = prefix
        try input.withUnsafeBytes { try Compression.compress($0, codec: codec, into: &output) }
        #expect(Array(output.prefix(3)) == prefix)
        let unpacked = try decompressed(Array(output.dropFirst(3)), codec, count: input.count)
        #expect(unpacked == input)
    }

    @Test(arguments: [CompressionCodec.snappy, .lz4Hadoop])
    func readOnlyCodecsRefuseToCompress(codec: CompressionCodec) throws {
        var output: [UInt8] = [9]
        let error = #expect(throws: StrataError.self) {
            try [UInt8](repeating: 1, count: 10).withUnsafeBytes {
                try Compression.compress($0, codec: codec, into: &output)
            }
        }
        #expect(error?.code == .unsupported)
        #expect(output == [9])
        #expect(!codec.canCompress)
    }

    @Test func maxCompressedSizeCoversIncompressibleData() {
        for codec in Self.writableCodecs + [.snappy, .lz4Hadoop] {
            #expect(Compression.maxCompressedSize(0, codec: codec) >= 0)
            #expect(Compression.maxCompressedSize(1000, codec: codec) >= 1000)
            #expect(Compression.maxCompressedSize(Int.max, codec: codec) >= Int.max / 2)
        }
    }

    @Test func zstdContextsWorkFromManyTasksAtOnce() async throws {
        try await withThrowingTaskGroup(of: Bool.self) { group in
            for task in 0..<16 {
                group.addTask {
                    let input = TestData.random(20_000, seed: UInt64(task)) + TestData.repetitive(50_000)
                    for level: Int32 in [1, 5] {
                        let packed = try compressed(input, .zstd(level: level))
                        guard try decompressed(packed, .zstd(level: 1), count: input.count) == input else {
                            return false
                        }
                    }
                    return true
                }
            }
            for try await ok in group { #expect(ok) }
        }
    }
}
