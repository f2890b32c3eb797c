/// One node of the depth-first schema list; element 0 is the root group.
package struct SchemaElement: ThriftCodable, Hashable {
    /// The physical type; absent for groups (field 1, optional).
    package var type: PhysicalType?
    /// Byte width of FIXED_LEN_BYTE_ARRAY values (field 2, optional).
    package var typeLength: Int32?
    /// Required, optional or repeated (field 3, optional).
    package var repetitionType: FieldRepetitionType?
    /// The column or group name (field 4, required).
    package var name: String
    /// Number of children; set for groups only (field 5, optional).
    package var numChildren: Int32?
    /// The deprecated logical annotation (field 6, optional).
    package var convertedType: ConvertedType?
    /// Decimal scale (field 7, optional).
    package var scale: Int32?
    /// Decimal precision (field 8, optional).
    package var precision: Int32?
    /// Field id from the writer's schema (field 9, optional).
    package var fieldId: Int32?
    /// The logical type (field 10, optional).
    package var logicalType: LogicalType?

    /// Creates a value; optional fields default to absent.
    package init(type: PhysicalType? = nil, typeLength: Int32? = nil, repetitionType: FieldRepetitionType? = nil,
        name: String, numChildren: Int32? = nil, convertedType: ConvertedType? = nil, scale: Int32? = nil,
        precision: Int32? = nil, fieldId: Int32? = nil, logicalType: LogicalType? = nil) {
        self.type = type
        self.typeLength = typeLength
        self.repetitionType = repetitionType
        self.name = name
        self.numChildren = numChildren
        self.convertedType = convertedType
        self.scale = scale
        self.precision = precision
        self.fieldId = fieldId
        self.logicalType = logicalType
    }

    /// Decodes the struct; unknown fields and known fields of an unexpected wire type are skipped.
    package init(from reader: inout ThriftCompactReader) throws {
        let start = reader.position
        let mark = try reader.readStructBegin()
        var type: PhysicalType?
        var typeLength: Int32?
        var repetitionType: FieldRepetitionType?
        var name: String?
        var numChildren: Int32?
        var convertedType: ConvertedType?
        var scale: Int32?
        var precision: Int32?
        var fieldId: Int32?
        var logicalType: LogicalType?
        while let field = try reader.readFieldHeader() {
            switch field.id {
            case 1 where field.type == .i32: type = try reader.readEnum(PhysicalType.self, "physical type")
            case 2 where field.type == .i32: typeLength = try reader.readI32()
            case 3 where field.type == .i32:
                repetitionType = try reader.readEnum(FieldRepetitionType.self, "repetition type")
            case 4 where field.type == .binary: name = try reader.readString()
            case 5 where field.type == .i32: numChildren = try reader.readI32()
            case 6 where field.type == .i32: convertedType = try reader.readEnum(ConvertedType.self, "converted type")
            case 7 where field.type == .i32: scale = try reader.readI32()
            case 8 where field.type == .i32: precision = try reader.readI32()
            case 9 where field.type == .i32: fieldId = try reader.readI32()
            case 10 where field.type == .struct: logicalType = try LogicalType(from: &reader)
            default: try reader.skip(field.type)
            }
        }
        reader.readStructEnd(mark)
        self.type = type
        self.typeLength = typeLength
        self.repetitionType = repetitionType
        self.name = try reader.required(name, "SchemaElement", 4, "name", structStart: start)
        self.numChildren = numChildren
        self.convertedType = convertedType
        self.scale = scale
        self.precision = precision
        self.fieldId = fieldId
        self.logicalType = logicalType
    }

    /// Encodes the struct.
    package func write(to writer: inout ThriftCompactWriter) {
        writer.writeStructBegin()
        if let type { writer.writeI32Field(1, type.rawValue) }
        if let typeLength { writer.writeI32Field(2, typeLength) }
        if let repetitionType { writer.writeI32Field(3, repetitionType.rawValue) }
        writer.writeStringField(4, name)
        if let numChildren { writer.writeI32Field(5, numChildren) }
        if let convertedType { writer.writeI32Field(6, convertedType.rawValue) }
        if let scale { writer.writeI32Field(7, scale) }
        if let precision { writer.writeI32Field(8, precision) }
        if let fieldId { writer.writeI32Field(9, fieldId) }
        if let logicalType { writer.writeStructField(10, logicalType) }
        writer.writeStructEnd()
    }
}
