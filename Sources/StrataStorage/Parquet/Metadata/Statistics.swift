/// Column chunk or page statistics; bounds are PLAIN-encoded values without a length prefix.
package struct Statistics: ThriftCodable, Hashable {
    /// Deprecated maximum (signed order only) (field 1, optional).
    package var max: [UInt8]?
    /// Deprecated minimum (signed order only) (field 2, optional).
    package var min: [UInt8]?
    /// Number of nulls; absent is not the same as 0 (field 3, optional).
    package var nullCount: Int64?
    /// Number of distinct values (field 4, optional).
    package var distinctCount: Int64?
    /// Upper bound under the column order (field 5, optional).
    package var maxValue: [UInt8]?
    /// Lower bound under the column order (field 6, optional).
    package var minValue: [UInt8]?
    /// Whether `maxValue` is the actual maximum (field 7, optional).
    package var isMaxValueExact: Bool?
    /// Whether `minValue` is the actual minimum (field 8, optional).
    package var isMinValueExact: Bool?
    /// Number of NaN values (floating-point columns) (field 9, optional).
    package var nanCount: Int64?

    /// Creates a value; optional fields default to absent.
    package init(max: [UInt8]? = nil, min: [UInt8]? = nil, nullCount: Int64? = nil, distinctCount: Int64? = nil,
        maxValue: [UInt8]? = nil, minValue: [UInt8]? = nil, isMaxValueExact: Bool? = nil, isMinValueExact: Bool? = nil,
        nanCount: Int64? = nil) {
        self.max = max
        self.min = min
        self.nullCount = nullCount
        self.distinctCount = distinctCount
        self.maxValue = maxValue
        self.minValue = minValue
        self.isMaxValueExact = isMaxValueExact
        self.isMinValueExact = isMinValueExact
        self.nanCount = nanCount
    }

    /// Decodes the struct; unknown fields and known fields of an unexpected wire type are skipped.
    package init(from reader: inout ThriftCompactReader) throws {
        let mark = try reader.readStructBegin()
        var max: [UInt8]?
        var min: [UInt8]?
        var nullCount: Int64?
        var distinctCount: Int64?
        var maxValue: [UInt8]?
        var minValue: [UInt8]?
        var isMaxValueExact: Bool?
        var isMinValueExact: Bool?
        var nanCount: Int64?
        while let field = try reader.readFieldHeader() {
            switch field.id {
            case 1 where field.type == .binary: max = try reader.readBinary()
            case 2 where field.type == .binary: min = try reader.readBinary()
            case 3 where field.type == .i64: nullCount = try reader.readI64()
            case 4 where field.type == .i64: distinctCount = try reader.readI64()
            case 5 where field.type == .binary: maxValue = try reader.readBinary()
            case 6 where field.type == .binary: minValue = try reader.readBinary()
            case 7 where field.type.isBool: isMaxValueExact = field.boolValue
            case 8 where field.type.isBool: isMinValueExact = field.boolValue
            case 9 where field.type == .i64: nanCount = try reader.readI64()
            default: try reader.skip(field.type)
            }
        }
        reader.readStructEnd(mark)
        self.max = max
        self.min = min
        self.nullCount = nullCount
        self.distinctCount = distinctCount
        self.maxValue = maxValue
        self.minValue = minValue
        self.isMaxValueExact = isMaxValueExact
        self.isMinValueExact = isMinValueExact
        self.nanCount = nanCount
    }

    /// Encodes the struct.
    package func write(to writer: inout ThriftCompactWriter) {
        writer.writeStructBegin()
        if let max { writer.writeBinaryField(1, max) }
        if let min { writer.writeBinaryField(2, min) }
        if let nullCount { writer.writeI64Field(3, nullCount) }
        if let distinctCount { writer.writeI64Field(4, distinctCount) }
        if let maxValue { writer.writeBinaryField(5, maxValue) }
        if let minValue { writer.writeBinaryField(6, minValue) }
        if let isMaxValueExact { writer.writeBoolField(7, isMaxValueExact) }
        if let isMinValueExact { writer.writeBoolField(8, isMinValueExact) }
        if let nanCount { writer.writeI64Field(9, nanCount) }
        writer.writeStructEnd()
    }
}
