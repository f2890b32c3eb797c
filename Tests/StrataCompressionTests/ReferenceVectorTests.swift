import Foundation
import StrataCore
import Testing
@testable import StrataCompression

/// Decodes data produced by an independent implementation (pyarrow); see Fixtures/compression/make_vectors.py.
@Suite struct ReferenceVectorTests {
    struct Vector {
        var codec: String
        var name: String
        var length: Int
        var crc: UInt32
        var packed: [UInt8]
    }

    static func vectors() throws -> [Vector] {
        let url = TestData.fixturesDirectory.appendingPathComponent("vectors.txt")
        let text = try String(contentsOf: url, encoding: .utf8)
        return text.split(separator: "\n").compactMap { line -> Vector? in
            guard !line.hasPrefix("#") else { return nil }
            let fields = line.split(separator: " ")
            guard fields.count == 5 || fields.count == 4,
                  let length = Int(fields[2]), let crc = UInt32(fields[3], radix: 16) else { return nil }
            let hex = fields.count == 5 ? String(fields[4]) : ""
            return Vector(codec: String(fields[0]), name: String(fields[1]), length: length, crc: crc,
                          packed: TestData.bytes(hex: hex))
        }
    }

    static func codecs(for name: String) -> [CompressionCodec] {
        switch name {
        case "snappy": [.snappy]
        case "gzip": [.gzip]
        case "zstd": [.zstd(level: 1)]
        case "lz4_raw": [.lz4Raw, .lz4Hadoop]  // a bare block is also Hadoop LZ4's fallback form
        default: []
        }
    }

    @Test func decodesEveryVector() throws {
        let vectors = try Self.vectors()
        #expect(vectors.count >= 32)
        #expect(Set(vectors.map(\.codec)) == ["snappy", "gzip", "zstd", "lz4_raw"])
        for vector in vectors {
            let codecs = Self.codecs(for: vector.codec)
            #expect(!codecs.isEmpty)
            for codec in codecs {
                let unpacked = try decompressed(vector.packed, codec, count: vector.length)
                #expect(crc32(unpacked) == vector.crc, "\(vector.codec) \(vector.name) via \(codec.name)")
            }
        }
    }

    @Test func referenceVectorsRejectWrongSizes() throws {
        for vector in try Self.vectors() where vector.length > 0 {
            for codec in Self.codecs(for: vector.codec) {
                #expect(throws: StrataError.self, "\(vector.codec) \(vector.name)") {
                    _ = try decompressed(vector.packed, codec, count: vector.length - 1)
                }
            }
        }
    }
}
