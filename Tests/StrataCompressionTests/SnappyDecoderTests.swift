import StrataCore
import Testing
@testable import StrataCompression
import StrataTestSupport

@Suite struct SnappyDecoderTests {
    /// "a" as a literal, then a copy-1 and a copy-2 at offset 1: a 20-byte run.
    static let literalThenRun = (
        packed: [0x14, 0x00, 0x61, 0x1D, 0x01, 0x1E, 0x01, 0x00] as [UInt8],
        original: [UInt8](repeating: 0x61, count: 20)
    )

    private func decode(_ packed: [UInt8], count: Int) throws -> [UInt8] {
        try decompressed(packed, .snappy, count: count)
    }

    @Test func literal() throws {
        #expect(try decode([0x05, 0x10] + Array("hello".utf8), count: 5) == Array("hello".utf8))
    }

    @Test func emptyBlock() throws {
        #expect(try decode([0x00], count: 0) == [])
    }

    @Test func runLengthWithOffsetOne() throws {
        #expect(try decode(Self.literalThenRun.packed, count: 20) == Self.literalThenRun.original)
    }

    @Test func overlappingCopyRepeatsPattern() throws {
        // "abc", then copy-2 of length 10 at offset 3.
        let packed: [UInt8] = [13, 0x08, 0x61, 0x62, 0x63, (9 << 2) | 0b10, 3, 0]
        #expect(try decode(packed, count: 13) == Array("abcabcabcabca".utf8))
    }

    @Test func copyWithFourByteOffset() throws {
        // "abcd", then copy-4 of length 8 at offset 4.
        let packed: [UInt8] = [12, 0x0C, 0x61, 0x62, 0x63, 0x64, (7 << 2) | 0b11, 4, 0, 0, 0]
        #expect(try decode(packed, count: 12) == Array("abcdabcdabcd".utf8))
    }

    @Test func copyOneUsesHighOffsetBits() throws {
        // A 300-byte literal (two-byte length), then copy-1 of length 4 at offset 300 (high bits 1, low byte 0x2C).
        let literal = TestData.random(300, seed: 1)
        var packed: [UInt8] = [0xB0, 0x02]  // varint 304
        packed += [61 << 2, 0x2B, 0x01] + literal
        packed += [(1 << 5) | 0b01, 0x2C]
        #expect(try decode(packed, count: 304) == literal + literal.prefix(4))
    }

    @Test func literalWithOneByteLength() throws {
        let literal = TestData.random(100, seed: 2)
        #expect(try decode([100, 60 << 2, 99] + literal, count: 100) == literal)
    }

    @Test func nonOverlappingLongCopy() throws {
        let literal = TestData.random(64, seed: 3)
        // 64-byte literal, then copy-2 of 64 bytes at offset 64.
        let packed: [UInt8] = [128, 1, 60 << 2, 63] + literal + [(63 << 2) | 0b10, 64, 0]
        #expect(try decode(packed, count: 128) == literal + literal)
    }

    @Test func rejectsMalformedBlocks() throws {
        let cases: [(String, [UInt8], Int)] = [
            ("empty input", [], 0),
            ("truncated varint", [0x80], 0),
            ("varint too long", [0x80, 0x80, 0x80, 0x80, 0x80, 0x01], 0),
            ("length over 32 bits", [0xFF, 0xFF, 0xFF, 0xFF, 0x7F], 0),
            ("declared length differs", [0x04, 0x0C] + Array("abcd".utf8), 5),
            ("literal past input end", [0x05, 0x10, 0x61], 5),
            ("literal past output end", [0x02, 0x08, 0x61, 0x62, 0x63], 2),
            ("huge literal length", [0x0A, 0xFC, 0xFF, 0xFF, 0xFF, 0xFF], 10),
            ("truncated literal length", [0x0A, 0xF4, 0x01], 10),
            ("copy before any output", [0x04, 0x01, 0x01], 4),
            ("copy offset zero", [0x05, 0x00, 0x61, 0x01, 0x00], 5),
            ("copy offset beyond output", [0x06, 0x04, 0x61, 0x62, 0x02, 0x03, 0x00], 6),
            ("copy past output end", [0x03, 0x00, 0x61, 0x01, 0x01], 3),
            ("truncated copy-1", [0x05, 0x00, 0x61, 0x01], 5),
            ("truncated copy-2", [0x05, 0x00, 0x61, 0x0E, 0x01], 5),
            ("truncated copy-4", [0x05, 0x00, 0x61, 0x0F, 0x01, 0x00, 0x00], 5),
            ("output not filled", [0x05, 0x04, 0x61, 0x62], 5),
            ("elements after empty block", [0x00, 0x00, 0x61], 0),
        ]
        for (name, packed, count) in cases {
            let error = #expect(throws: StrataError.self, "\(name)") { _ = try decode(packed, count: count) }
            #expect(error?.code == .corrupt, "\(name)")
        }
    }

    /// Random element streams after a valid preamble: decoding may succeed or throw, but must never crash or overrun.
    @Test func randomElementStreamsNeverCrash() throws {
        var generator = SplitMix64(seed: 77)
        var decodedSome = 0
        for _ in 0..<5000 {
            let count = Int.random(in: 1...127, using: &generator)
            let body = (0..<Int.random(in: 0...40, using: &generator)).map { _ in
                UInt8.random(in: 0...255, using: &generator)
            }
            if (try? decode([UInt8(count)] + body, count: count)) != nil { decodedSome += 1 }
        }
        #expect(decodedSome >= 0)
    }
}
