import Testing
@testable import StrataCore

/// DuckDB's BLOB text: `SELECT CAST(b AS VARCHAR)` and `CAST(t AS BLOB)` in DuckDB 2.0 give these.
@Suite struct BlobTextTests {
    @Test func formatsAsDuckDB() {
        #expect(BlobText.format([0xAA, 0x00] + Array("abc".utf8)) == #"\xAA\x00abc"#)
        #expect(BlobText.format([]) == "")
        // Backslash, both quotes and everything outside 0x20...0x7E are escaped; space and ~ are not.
        #expect(BlobText.format([0x5C, 0x22, 0x27, 0x20, 0x7E, 0x7F, 0x1F, 0x0A, 0xFF]) == #"\x5C\x22\x27 ~\x7F\x1F\x0A\xFF"#)
        #expect(BlobText.format(Array("é".utf8)) == #"\xC3\xA9"#)
    }

    @Test func parsesWhatItFormats() {
        let all = (0...255).map { UInt8($0) }
        var out: [UInt8] = []
        let text = Array(BlobText.format(all).utf8)
        #expect(text.withUnsafeBytes { BlobText.parse($0, into: &out) })
        #expect(out == all)
        // Lower-case hex digits are accepted too.
        out = []
        #expect(Array(#"a\xaa\x0F"#.utf8).withUnsafeBytes { BlobText.parse($0, into: &out) })
        #expect(out == [0x61, 0xAA, 0x0F])
    }

    @Test func rejectsWhatDuckDBRejects() {
        for bad in [#"\xZZ"#, #"\xa"#, #"\"#, #"a\b"#, #"\X41"#, "é"] {
            var out: [UInt8] = []
            #expect(!Array(bad.utf8).withUnsafeBytes { BlobText.parse($0, into: &out) }, "\(bad)")
        }
    }
}
