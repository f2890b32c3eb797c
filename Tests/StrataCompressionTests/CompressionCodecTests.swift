import StrataCore
import Testing
@testable import StrataCompression

@Suite struct CompressionCodecTests {
    @Test func parquetCodesRoundTrip() {
        let expected: [(CompressionCodec, Int32, String)] = [
            (.uncompressed, 0, "none"), (.snappy, 1, "snappy"), (.gzip, 2, "gzip"), (.lz4Hadoop, 5, "lz4"),
            (.zstd(level: 1), 6, "zstd"), (.lz4Raw, 7, "lz4_raw"), (.brotli, 4, "brotli"),
        ]
        for (codec, code, name) in expected {
            #expect(codec.parquetCode == code)
            #expect(codec.name == name)
            #expect(CompressionCodec(parquetCode: code) == codec)
        }
        #expect(CompressionCodec.zstd(level: 9).parquetCode == 6)
    }

    @Test func unknownParquetCodesAreNil() {
        for code: Int32 in [-1, 3, 8, 100] {
            #expect(CompressionCodec(parquetCode: code) == nil)
        }
    }

    @Test func parsesCommandLineNames() throws {
        #expect(try CompressionCodec(parsing: "none") == .uncompressed)
        #expect(try CompressionCodec(parsing: "uncompressed") == .uncompressed)
        #expect(try CompressionCodec(parsing: "lz4") == .lz4Raw)
        #expect(try CompressionCodec(parsing: "LZ4_RAW") == .lz4Raw)
        #expect(try CompressionCodec(parsing: "gzip") == .gzip)
        #expect(try CompressionCodec(parsing: "zstd") == .zstd(level: CompressionCodec.defaultZstdLevel))
        #expect(try CompressionCodec(parsing: "zstd:7") == .zstd(level: 7))
        #expect(try CompressionCodec(parsing: "Zstd:-3") == .zstd(level: -3))
    }

    @Test func rejectsUnknownNamesListingChoices() {
        for text in ["", "brotli", "snappy", "zstd:", "zstd:x", "zstd:99", "zstd:3:4", "lz4:1"] {
            let error = #expect(throws: StrataError.self, "\(text)") { _ = try CompressionCodec(parsing: text) }
            #expect(error?.code == .invalidArgument)
            #expect(error?.message.contains("none, zstd") == true)
        }
    }
}
