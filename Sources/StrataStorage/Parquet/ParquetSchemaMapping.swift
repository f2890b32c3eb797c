import StrataCore

/// How Strata types map to Parquet schema elements, both ways (see `docs/format.md`).
package enum ParquetSchemaMapping {
    /// How a reader turns the stored physical values of a leaf into a Strata column.
    package enum Conversion: Sendable, Equatable {
        /// Values are used as stored.
        case none
        /// INT32 holding an unsigned 32-bit value, widened to int64.
        case uint32ToInt64
        /// INT64 holding an unsigned 64-bit value, widened to ``ParquetSchemaMapping/uint64Type`` (decimal(20,0)).
        case uint64ToDecimal
        /// INT64 milliseconds to microseconds.
        case millisToMicros
        /// INT32 TIME(MILLIS) to microseconds since midnight.
        case timeMillisToMicros
        /// INT64 TIME(NANOS) to microseconds since midnight; a value that is no whole microsecond is an error.
        case timeNanosToMicros
        /// FIXED_LEN_BYTE_ARRAY(2) FLOAT16 (little-endian half precision) to float, exactly.
        case float16ToFloat
        /// INT96 legacy timestamps to microseconds.
        case int96ToMicros
        /// A DECIMAL stored as INT32, INT64, FIXED_LEN_BYTE_ARRAY or BYTE_ARRAY (big-endian two's complement),
        /// widened to the decimal type's storage.
        case decimal
    }

    /// A leaf column as the reader needs it.
    package struct Leaf: Sendable, Equatable {
        /// The Strata field.
        package var field: Field
        /// The stored physical type.
        package var physicalType: PhysicalType
        /// How stored values become Strata values.
        package var conversion: Conversion
        /// 1 for OPTIONAL leaves, 0 for REQUIRED; inside structs (``flattenedLeaves(of:path:)``), the number of
        /// OPTIONAL groups and fields from the root to the leaf.
        package var maxDefinitionLevel: Int
        /// The byte length of FIXED_LEN_BYTE_ARRAY values (0 for other physical types).
        package var typeLength: Int = 0
        /// Why the leaf cannot be read (inside a list or map, or of a type Strata does not read); nil when it can.
        package var unreadable: String?
    }

    /// The physical type Strata writes for `type`.
    package static func physicalType(of type: DataType) -> PhysicalType {
        switch type {
        case .bool: .boolean
        case .int32, .date: .int32
        case .int64, .timestamp, .timestampNanos, .time: .int64
        case .decimal: type.isWideDecimal ? .fixedLenByteArray : .int64
        case .float: .float
        case .double: .double
        case .string, .blob: .byteArray
        }
    }

    /// The Strata type of UINT64 columns: decimal(20,0) holds every value up to 2^64 - 1 exactly and prints the
    /// digits DuckDB prints for its UBIGINT.
    package static let uint64Type = DataType.decimal(precision: 20, scale: 0)

    /// The FIXED_LEN_BYTE_ARRAY width Strata writes for decimals of precision above 18.
    package static let wideDecimalBytes = 16

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
            case .timestampNanos:
                // No converted type exists for nanoseconds.
                element.logicalType = .timestamp(isAdjustedToUTC: true, unit: .nanos)
            case .time:
                // A wall-clock time, as DuckDB and Arrow write TIME (TIME_MICROS would claim isAdjustedToUTC).
                element.logicalType = .time(isAdjustedToUTC: false, unit: .micros)
            case let .decimal(precision, scale):
                element.logicalType = .decimal(scale: Int32(scale), precision: Int32(precision))
                element.convertedType = .decimal
                element.precision = Int32(precision)
                element.scale = Int32(scale)
                if field.type.isWideDecimal { element.typeLength = Int32(wideDecimalBytes) }
            case .bool, .float, .double, .blob:
                // A blob is BYTE_ARRAY without annotation, as DuckDB and Arrow write binary.
                break
            }
            elements.append(element)
        }
        return elements
    }

    /// The leaves of a schema that may nest structs (a Delta checkpoint's), in file order, each named by its dotted
    /// path (`add.path`): leaves under a repeated group (lists, maps) or of a type Strata does not read are kept,
    /// marked ``Leaf/unreadable``, so that leaf i is still column chunk i of each row group.
    package static func flattenedLeaves(of elements: [SchemaElement], path: String) throws -> [Leaf] {
        var leaves: [Leaf] = []
        var index = 1
        // Walks the children of the group ending before `index`: `count` of them.
        func walk(count: Int, prefix: String, definition: Int, repeated: Bool, depth: Int) throws {
            guard depth < 64 else { throw StrataError(.corrupt, "schema nested too deeply", path: path) }
            for _ in 0..<count {
                guard index < elements.count else {
                    throw StrataError(.corrupt, "the schema has fewer elements than its groups claim", path: path)
                }
                let element = elements[index]
                index += 1
                let name = prefix.isEmpty ? element.name : prefix + "." + element.name
                let level = definition + (element.repetitionType == .required ? 0 : 1)
                let isRepeated = repeated || element.repetitionType == .repeated
                if let children = element.numChildren, element.type == nil {
                    guard children >= 0 else { throw StrataError(.corrupt, "negative child count", path: path) }
                    try walk(count: Int(children), prefix: name, definition: level, repeated: isRepeated,
                             depth: depth + 1)
                    continue
                }
                guard let physical = element.type else {
                    throw StrataError(.corrupt, "schema element \(name) has neither a type nor children", path: path)
                }
                var leaf = Leaf(field: Field(name, .int64), physicalType: physical, conversion: .none,
                                maxDefinitionLevel: level)
                if isRepeated {
                    leaf.unreadable = "inside a list or map"
                } else if let (type, conversion) = try? strataType(of: element, physical: physical, path: path) {
                    leaf.field = Field(name, type, nullable: level > 0)
                    leaf.conversion = conversion
                    leaf.typeLength = Int(element.typeLength ?? 0)
                } else {
                    leaf.unreadable = "of a type Strata does not read"
                }
                leaves.append(leaf)
            }
        }
        guard let root = elements.first else { throw StrataError(.corrupt, "the schema is empty", path: path) }
        try walk(count: Int(root.numChildren ?? 0), prefix: "", definition: 0, repeated: false, depth: 0)
        guard index == elements.count else {
            throw StrataError(.corrupt, "the schema has elements outside its root", path: path)
        }
        return leaves
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
            var leaf = Leaf(field: Field(name, type, nullable: nullable), physicalType: physical,
                            conversion: conversion, maxDefinitionLevel: nullable ? 1 : 0)
            if physical == .fixedLenByteArray {
                guard let length = element.typeLength, length > 0 else {
                    throw StrataError(.corrupt, "FIXED_LEN_BYTE_ARRAY column without a type_length", path: path,
                                      column: name)
                }
                leaf.typeLength = Int(length)
            }
            leaves.append(leaf)
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
        if let type = try decimalType(of: element, physical: physical, path: path) { return (type, .decimal) }
        switch physical {
        case .boolean:
            return (.bool, .none)
        case .int32:
            switch logical {
            case .date?: return (.date, .none)
            case let .integer(bits, signed)?:
                if !signed && bits == 32 { return (.int64, .uint32ToInt64) }
                return (.int32, .none)
            case let .time(_, unit)?:
                guard unit == .millis else { throw unsupported("INT32 TIME(\(unit))") }
                return (.time, .timeMillisToMicros)
            case nil, .other?, .unknown?: break
            default: throw unsupported("INT32 with logical type \(String(describing: logical))")
            }
            switch converted {
            case .date?: return (.date, .none)
            case .uint32?: return (.int64, .uint32ToInt64)
            case .int8?, .int16?, .int32?, .uint8?, .uint16?, nil: return (.int32, .none)
            case .timeMillis?: return (.time, .timeMillisToMicros)
            default: throw unsupported("INT32 with converted type \(String(describing: converted))")
            }
        case .int64:
            switch logical {
            case let .timestamp(_, unit)?:
                switch unit {
                case .millis: return (.timestamp, .millisToMicros)
                case .micros: return (.timestamp, .none)
                case .nanos: return (.timestampNanos, .none)
                }
            case let .integer(bits, signed)?:
                if !signed && bits == 64 { return (uint64Type, .uint64ToDecimal) }
                return (.int64, .none)
            case let .time(_, unit)?:
                switch unit {
                case .micros: return (.time, .none)
                case .nanos: return (.time, .timeNanosToMicros)
                case .millis: throw unsupported("INT64 TIME(MILLIS)")
                }
            case nil, .other?, .unknown?: break
            default: throw unsupported("INT64 with logical type \(String(describing: logical))")
            }
            switch converted {
            case .timestampMillis?: return (.timestamp, .millisToMicros)
            case .timestampMicros?: return (.timestamp, .none)
            case .uint64?: return (uint64Type, .uint64ToDecimal)
            case .int64?, nil: return (.int64, .none)
            case .timeMicros?: return (.time, .none)
            default: throw unsupported("INT64 with converted type \(String(describing: converted))")
            }
        case .int96:
            return (.timestamp, .int96ToMicros)
        case .float:
            return (.float, .none)
        case .double:
            return (.double, .none)
        case .byteArray:
            // Text when annotated as such; anything else (no annotation, BSON, unknown kinds) is bytes, as DuckDB
            // reads it.
            switch logical {
            case .string?, .enum?, .json?: return (.string, .none)
            case nil: break
            default: return (.blob, .none)
            }
            switch converted {
            case .utf8?, .enum?, .json?: return (.string, .none)
            default: return (.blob, .none)
            }
        case .fixedLenByteArray where logical == .float16:
            guard element.typeLength == 2 else {
                throw StrataError(.corrupt, "FLOAT16 column of \(element.typeLength ?? 0) bytes (2 expected)",
                                  path: path, column: element.name)
            }
            return (.float, .float16ToFloat)
        case .fixedLenByteArray:
            // Fixed-width bytes without DECIMAL (UUID, INTERVAL, hashes): a blob of `type_length` bytes.
            return (.blob, .none)
        }
    }

    /// The Strata decimal type of a DECIMAL-annotated leaf (logical type, or converted type with the element's
    /// precision and scale), `nil` when the leaf is not a decimal.
    private static func decimalType(of element: SchemaElement, physical: PhysicalType, path: String) throws
        -> DataType?
    {
        let precision: Int32, scale: Int32
        if case let .decimal(s, p)? = element.logicalType {
            (precision, scale) = (p, s)
        } else if element.convertedType == .decimal {
            guard let p = element.precision else {
                throw StrataError(.corrupt, "DECIMAL column without a precision", path: path, column: element.name)
            }
            (precision, scale) = (p, element.scale ?? 0)
        } else {
            return nil
        }
        guard let type = DataType.checkedDecimal(precision: Int(precision), scale: Int(scale)) else {
            throw StrataError(.unsupported, "DECIMAL(\(precision), \(scale)) is outside DECIMAL(1...38, 0...precision)",
                              path: path, column: element.name)
        }
        switch physical {
        case .int32, .int64, .byteArray: return type
        case .fixedLenByteArray:
            guard let length = element.typeLength, (1...16).contains(length) else {
                throw StrataError(.unsupported, "DECIMAL in FIXED_LEN_BYTE_ARRAY(\(element.typeLength ?? 0)) wider "
                    + "than 16 bytes", path: path, column: element.name)
            }
            return type
        default:
            throw StrataError(.unsupported, "DECIMAL stored as \(physical)", path: path, column: element.name)
        }
    }
}
