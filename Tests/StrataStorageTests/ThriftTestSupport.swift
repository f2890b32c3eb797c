@testable import StrataStorage
import StrataCore

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
