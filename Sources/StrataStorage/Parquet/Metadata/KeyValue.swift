/// One entry of file or column key/value metadata.
package struct KeyValue: ThriftCodable, Hashable {
    /// The key (1, required).
    package var key: String
    /// The value (2, optional: some writers leave it out).
    package var value: String?

    /// Creates an entry.
    package init(key: String, value: String? = nil) {
        self.key = key
        self.value = value
    }

    /// Decodes the struct.
    package init(from reader: inout ThriftCompactReader) throws {
        let start = reader.position
        let mark = try reader.readStructBegin()
        var key: String?
        var value: String?
        while let field = try reader.readFieldHeader() {
            switch field.id {
            case 1 where field.type == .binary: key = try reader.readString()
            case 2 where field.type == .binary: value = try reader.readString()
            default: try reader.skip(field.type)
            }
        }
        reader.readStructEnd(mark)
        self.key = try reader.required(key, "KeyValue", 1, "key", structStart: start)
        self.value = value
    }

    /// Encodes the struct.
    package func write(to writer: inout ThriftCompactWriter) {
        writer.writeStructBegin()
        writer.writeStringField(1, key)
        if let value { writer.writeStringField(2, value) }
        writer.writeStructEnd()
    }
}
