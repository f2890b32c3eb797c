import StrataCore
import Testing
@testable import StrataCompression

@Suite struct GzipTests {
    @Test func concatenatedMembersDecodeAsOne() throws {
        let first = Array("first member, ".utf8) + TestData.repetitive(10_000)
        let second = TestData.random(2000, seed: 5)
        let third: [UInt8] = []
        let packed = try compressed(first, .gzip) + compressed(second, .gzip) + compressed(third, .gzip)
        let unpacked = try decompressed(packed, .gzip, count: first.count + second.count)
        #expect(unpacked == first + second + third)
    }

    @Test func writesGzipMembers() throws {
        let packed = try compressed(Array("hello".utf8), .gzip)
        #expect(Array(packed.prefix(3)) == [0x1F, 0x8B, 0x08])
        // ISIZE trailer: uncompressed length, little-endian.
        #expect(Array(packed.suffix(4)) == [5, 0, 0, 0])
    }

    @Test func concatenatedMembersMustFillOutputExactly() throws {
        let packed = try compressed([1, 2, 3], .gzip) + compressed([4, 5], .gzip)
        #expect(throws: StrataError.self) { _ = try decompressed(packed, .gzip, count: 4) }
        #expect(throws: StrataError.self) { _ = try decompressed(packed, .gzip, count: 6) }
        #expect(try decompressed(packed, .gzip, count: 5) == [1, 2, 3, 4, 5])
    }
}
