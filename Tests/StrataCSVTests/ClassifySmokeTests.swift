import Testing
@testable import StrataCSV

/// The sniffing classification of a few values every CSV has.
struct ClassifySmokeTests {
    static func kind(_ text: String) -> ValueKind {
        var bytes = Array(text.utf8)
        return bytes.withUnsafeMutableBufferPointer { ValueParser.classify($0.baseAddress!, $0.count) }
    }

    @Test func commonValues() {
        #expect(Self.kind("42") == .integer)
        #expect(Self.kind("007") == .string)
        #expect(Self.kind("9007199254740993") == .largeInteger)
        #expect(Self.kind("99999999999999999999") == .string)
        #expect(Self.kind("2.5") == .double)
        #expect(Self.kind("2024-02-29") == .date)
        #expect(Self.kind("2023-02-29") == .string)
        #expect(Self.kind("2024-01-02T03:04:05Z") == .timestamp)
        #expect(Self.kind("TRUE") == .bool)
        #expect(Self.kind("pen") == .string)
    }
}
