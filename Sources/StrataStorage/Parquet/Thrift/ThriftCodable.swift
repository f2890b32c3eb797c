/// A Thrift struct that can be decoded from and encoded to the compact protocol.
///
/// `init(from:)` reads the whole struct including its stop byte; `write(to:)` writes it including the stop byte.
/// Neither reads nor writes the field header that precedes a nested struct.
package protocol ThriftCodable: Sendable, Equatable {
    /// Decodes one struct at the reader's position.
    init(from reader: inout ThriftCompactReader) throws
    /// Encodes the struct at the end of the writer's bytes.
    func write(to writer: inout ThriftCompactWriter)
}
