import StrataCore
import Testing
@testable import StrataCompression

@Suite struct Lz4HadoopTests {
    /// Hadoop framing: one `[u32 BE decompressed][u32 BE compressed][LZ4 block]` frame per chunk.
    static func framed(_ chunks: [[UInt8]]) throws -> [UInt8] {
        var bytes: [UInt8] = []
        for chunk in chunks {
            let block = try compressed(chunk, .lz4Raw)
            bytes += bigEndianBytes(UInt32(chunk.count)) + bigEndianBytes(UInt32(block.count)) + block
        }
        return bytes
    }

    @Test func decodesHadoopFrames() throws {
        let chunks = [TestData.repetitive(30_000), TestData.random(500, seed: 11), [7], TestData.repetitive(100)]
        let packed = try Self.framed(chunks)
        let expected = chunks.flatMap { $0 }
        #expect(try decompressed(packed, .lz4Hadoop, count: expected.count) == expected)
    }

    @Test func fallsBackToBareBlock() throws {
        for input in [TestData.repetitive(30_000), TestData.random(300, seed: 12), [42]] {
            let block = try compressed(input, .lz4Raw)
            #expect(try decompressed(block, .lz4Hadoop, count: input.count) == input)
        }
    }

    @Test func framesMustMatchTheirStatedSizes() throws {
        let input = TestData.repetitive(5000)
        let block = try compressed(input, .lz4Raw)
        // Stated decompressed size one too small, and compressed size one too large: neither framing nor the bare
        // block parses.
        let wrongDecompressed = bigEndianBytes(UInt32(input.count - 1)) + bigEndianBytes(UInt32(block.count)) + block
        #expect(throws: StrataError.self) { _ = try decompressed(wrongDecompressed, .lz4Hadoop, count: input.count) }
        let wrongCompressed = bigEndianBytes(UInt32(input.count)) + bigEndianBytes(UInt32(block.count + 1)) + block
        #expect(throws: StrataError.self) { _ = try decompressed(wrongCompressed, .lz4Hadoop, count: input.count) }
    }

    @Test func parquetCodeFiveIsHadoopLz4() {
        #expect(CompressionCodec(parquetCode: 5) == .lz4Hadoop)
        #expect(CompressionCodec(parquetCode: 7) == .lz4Raw)
    }
}
