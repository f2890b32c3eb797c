import StrataCore

/// How Strata types map to Parquet schema elements, both ways (see `docs/format.md`).
package enum ParquetSchemaMapping {
    /// How a reader turns the stored physical values of a leaf into a Strata column.
    package enum Conversion: Sendable, Equatable {
        /// Values are used as stored.
        case none
        /// INT32 holding an unsigned 32-bit value, widened to int64.
        case uint32ToInt64
        /// INT64 milliseconds to microseconds.
        case millisToMicros
        /// INT64 nanoseconds to microseconds (floor).
        case nanosToMicros
        /// INT96 legacy timestamps to microseconds.
        case int96ToMicros
    }

    /// A leaf column as the reader needs it.
    package struct Leaf: Sendable, Equatable {
        /// The Strata field.
        package var field: Field
        /// The stored physical type.
        package var physicalType: PhysicalType
        /// How stored values become Strata values.
        package var conversion: Conversion
        /// 1 for OPTIONAL leaves, 0 for REQUIRED.
        package var maxDefinitionLevel: Int
    }

    /// The physical type Strata writes for `type`.
    package static func physicalType(of type: DataType) -> PhysicalType {
        switch type {
        case .bool: .boolean
        case .int32, .date: .int32
        case .int64, .timestamp: .int64
        case .float: .float
        case .double: .double
        case .string: .byteArray
        }
    }

    /// The schema elements Strata writes: a root group followed by one leaf per field.
    package static func schemaElements(for schema: Schema) -> [SchemaElement] {
        var elements = [SchemaElement(repetitionType: .required, name: "schema", numChildren: Int32(schema.count))]
        for field in schema.fields {
            var element = SchemaElement(type: physicalType(of: field.type),
                                        repetitionType: field.nullable ? .optional : .required, name: field.name)
            switch field.type {
            case .int32:
                element.logicalType = .integer(bitWidth: 32, isSigned: true)
                element.convertedType = .int32
            case .int64:
                element.logicalType = .integer(bitWidth: 64, isSigned: true)
                element.convertedType = .int64
            case .string:
                element.logicalType = .string
                element.convertedType = .utf8
            case .date:
                element.logicalType = .date
                element.convertedType = .date
            case .timestamp:
                element.logicalType = .timestamp(isAdjustedToUTC: true, unit: .micros)
                element.convertedType = .timestampMicros
            case .bool, .float, .double:
                break
            }
            elements.append(element)
        }
        return elements
    }

    /// Maps a file's schema elements to Strata leaves; throws `.unsupported` for anything Strata cannot represent.
    package static func leaves(of elements: [SchemaElement], path: String) throws -> [Leaf] {
        guard let root = elements.first else {
            throw StrataError(.corrupt, "the schema is empty", path: path)
        }
        let childCount = Int(root.numChildren ?? 0)
        guard childCount == elements.count - 1 else {
            throw StrataError(.unsupported, "nested schemas are not supported (the root has \(childCount) children "
                + "but there are \(elements.count - 1) schema elements)", path: path)
        }
        var leaves: [Leaf] = []
        var names = Set<String>()
        for element in elements.dropFirst() {
            let name = element.name
            if element.numChildren != nil || element.type == nil {
                throw StrataError(.unsupported, "nested columns (groups, lists, maps, structs) are not supported",
                                  path: path, column: name)
            }
            if element.repetitionType == .repeated {
                throw StrataError(.unsupported, "nested (repeated) columns are not supported", path: path,
                                  column: name)
            }
            guard names.insert(name).inserted else {
                throw StrataError(.unsupported, "duplicate column name", path: path, column: name)
            }
            guard let physical = element.type else { continue }
            let (type, conversion) = try strataType(of: element, physical: physical, path: path)
            let nullable = element.repetitionType != .required
            leaves.append(Leaf(field: Field(name, type, nullable: nullable), physicalType: physical,
                               conversion: conversion, maxDefinitionLevel: nullable ? 1 : 0))
        }
        return leaves
    }

    private static func strataType(of element: SchemaElement, physical: PhysicalType, path: String) throws
        -> (DataType, Conversion)
    {
        func unsupported(_ what: String) -> StrataError {
            StrataError(.unsupported, "\(what) columns are not supported", path: path, column: element.name)
        }
        let logical = element.logicalType
        let converted = element.convertedType
        if case .decimal = logical { throw unsupported("DECIMAL") }
        if converted == .decimal { throw unsupported("DECIMAL") }
        switch physical {
        case .boolean:
            return (.bool, .none)
        case .int32:
            switch logical {
            case .date?: return (.date, .none)
            case let .integer(bits, signed)?:
                if !signed && bits == 32 { return (.int64, .uint32ToInt64) }
                return (.int32, .none)
            case .time?: throw unsupported("TIME")
            case nil, .other?, .unknown?: break
            default: throw unsupported("INT32 with logical type \(String(describing: logical))")
            }
            switch converted {
            case .date?: return (.date, .none)
            case .uint32?: return (.int64, .uint32ToInt64)
            case .int8?, .int16?, .int32?, .uint8?, .uint16?, nil: return (.int32, .none)
            case .timeMillis?: throw unsupported("TIME")
            default: throw unsupported("INT32 with converted type \(String(describing: converted))")
            }
        case .int64:
            switch logical {
            case let .timestamp(_, unit)?:
                switch unit {
                case .millis: return (.timestamp, .millisToMicros)
                case .micros: return (.timestamp, .none)
                case .nanos: return (.timestamp, .nanosToMicros)
                }
            case let .integer(bits, signed)?:
                if !signed && bits == 64 { throw unsupported("UINT64") }
                return (.int64, .none)
            case .time?: throw unsupported("TIME")
            case nil, .other?, .unknown?: break
            default: throw unsupported("INT64 with logical type \(String(describing: logical))")
            }
            switch converted {
            case .timestampMillis?: return (.timestamp, .millisToMicros)
            case .timestampMicros?: return (.timestamp, .none)
            case .uint64?: throw unsupported("UINT64")
            case .int64?, nil: return (.int64, .none)
            case .timeMicros?: throw unsupported("TIME")
            default: throw unsupported("INT64 with converted type \(String(describing: converted))")
            }
        case .int96:
            return (.timestamp, .int96ToMicros)
        case .float:
            if case .float16 = logical { throw unsupported("FLOAT16") }
            return (.float, .none)
        case .double:
            return (.double, .none)
        case .byteArray:
            return (.string, .none)
        case .fixedLenByteArray:
            throw unsupported("FIXED_LEN_BYTE_ARRAY")
        }
    }
}
