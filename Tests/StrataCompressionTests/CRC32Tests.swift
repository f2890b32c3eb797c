import Testing
@testable import StrataCompression

@Suite struct CRC32Tests {
    @Test func checkValue() {
        #expect(crc32(Array("123456789".utf8)) == 0xCBF4_3926)
    }

    @Test func emptyInputKeepsTheSeed() {
        #expect(crc32([]) == 0)
        let empty: [UInt8] = []
        #expect(empty.withUnsafeBytes { CRC32.checksum($0, seed: 0xDEAD_BEEF) } == 0xDEAD_BEEF)
    }

    @Test func continuesFromSeed() {
        let data = TestData.random(10_000, seed: 21)
        let first = crc32(Array(data.prefix(3333)))
        let whole = Array(data.dropFirst(3333)).withUnsafeBytes { CRC32.checksum($0, seed: first) }
        #expect(whole == crc32(data))
    }
}
