@testable import StrataStorage
import StrataCore

/// A small deterministic random number generator (SplitMix64) so fuzz-style tests are reproducible.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Encodes one struct.
func encode<T: ThriftCodable>(_ value: T) -> [UInt8] {
    var writer = ThriftCompactWriter()
    value.write(to: &writer)
    return writer.bytes
}

/// Decodes one struct from `bytes` and returns it with the number of bytes consumed.
func decodeCounting<T: ThriftCodable>(_: T.Type, _ bytes: [UInt8], baseOffset: Int64 = 0) throws -> (T, Int) {
    try bytes.withUnsafeBytes { buffer throws in
        var reader = ThriftCompactReader(buffer, baseOffset: baseOffset)
        let value = try T(from: &reader)
        return (value, reader.position)
    }
}

/// Decodes one struct from `bytes`.
func decode<T: ThriftCodable>(_ type: T.Type, _ bytes: [UInt8], baseOffset: Int64 = 0) throws -> T {
    try decodeCounting(type, bytes, baseOffset: baseOffset).0
}

/// Parses space-separated hex bytes, e.g. "15 00 2c".
func hexBytes(_ text: String) -> [UInt8] {
    text.split(separator: " ").compactMap { UInt8($0, radix: 16) }
}

/// The error thrown by `body`, if it is a StrataError.
func strataError(_ body: () throws -> Void) -> StrataError? {
    do {
        try body()
        return nil
    } catch let error as StrataError {
        return error
    } catch {
        return nil
    }
}
