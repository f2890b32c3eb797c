import StrataCore
import Testing
@testable import StrataCompression

/// Brotli decompression (read only): streams made by pyarrow's `pa.compress(data, codec='brotli')`.
@Suite struct BrotliTests {
    /// `b'Strata reads BROTLI pages. ' * 3` (81 bytes).
    static let text = Array(String(repeating: "Strata reads BROTLI pages. ", count: 3).utf8)
    static let stream: [UInt8] = [
        0x1B, 0x50, 0x00, 0x00, 0x04, 0x74, 0x63, 0xA9, 0x2E, 0xA4, 0x97, 0xF0, 0x26, 0x08, 0x82, 0x9A, 0x82, 0x60,
        0x2B, 0xB2, 0xC8, 0x35, 0x02, 0xE9, 0x0A, 0xDB, 0x3E, 0xCE, 0x79, 0xA0, 0x9D, 0xC7, 0x5D, 0x9B, 0xC1, 0x55,
        0x06, 0x02, 0x03,
    ]

    @Test func decompressesAStream() throws {
        #expect(try decompressed(Self.stream, .brotli, count: Self.text.count) == Self.text)
        // The empty stream.
        #expect(try decompressed([0x06], .brotli, count: 0) == [])
    }

    @Test func wrongSizesTruncationAndTrailingBytesAreCorrupt() {
        let cases: [(String, [UInt8], Int)] = [
            ("output too small", Self.stream, Self.text.count - 1),
            ("output too large", Self.stream, Self.text.count + 1),
            ("truncated", Array(Self.stream.dropLast(5)), Self.text.count),
            ("trailing bytes", Self.stream + [0], Self.text.count),
            ("garbage", [0xFF, 0xFF, 0xFF, 0xFF], 10),
            ("empty input", [], 0),
        ]
        for (label, input, count) in cases {
            #expect(throws: StrataError.self, "\(label)") { _ = try decompressed(input, .brotli, count: count) }
            do {
                _ = try decompressed(input, .brotli, count: count)
            } catch let error as StrataError {
                #expect(error.code == .corrupt, "\(label): \(error)")
            } catch {
                Issue.record("\(label): \(error)")
            }
        }
    }

    @Test func compressingIsUnsupported() {
        var out: [UInt8] = []
        #expect(throws: StrataError.self) {
            try Self.text.withUnsafeBytes { try Compression.compress($0, codec: .brotli, into: &out) }
        }
        #expect(!CompressionCodec.brotli.canCompress)
    }
}
