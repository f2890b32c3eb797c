import Foundation
import StrataCore

/// Maps a Strata schema to a Delta `schemaString` (Spark's struct JSON) and back.
///
/// Strata → Delta: bool → boolean, int32 → integer, int64 → long, float, double, string, date, timestamp (UTC) →
/// timestamp, blob → binary, decimal(p,s) → decimal(p,s). Delta has no nanosecond timestamp and no time of day:
/// timestamp_ns is declared `timestamp` and time `long`, each with `strata.type` in the field's metadata so Strata
/// reads the exact type back (other engines see microseconds, or microseconds since midnight).
/// Delta → Strata adds byte and short → int32 and timestamp_ntz → timestamp; nested types are an error naming the
/// column.
package enum DeltaSchema {
    /// The metadata key that records a Strata type Delta cannot declare.
    static let strataTypeKey = "strata.type"

    /// The `schemaString` of `schema`.
    package static func schemaString(for schema: Schema) throws -> String {
        let fields = schema.fields.map { field -> StructField in
            var metadata: [String: String] = [:]
            let deltaType: String
            switch field.type {
            case .bool: deltaType = "boolean"
            case .int32: deltaType = "integer"
            case .int64: deltaType = "long"
            case .float: deltaType = "float"
            case .double: deltaType = "double"
            case .string: deltaType = "string"
            case .date: deltaType = "date"
            case .timestamp: deltaType = "timestamp"
            case .timestampNanos:
                deltaType = "timestamp"
                metadata[strataTypeKey] = field.type.name
            case .blob: deltaType = "binary"
            case .time:
                deltaType = "long"
                metadata[strataTypeKey] = field.type.name
            case let .decimal(precision, scale): deltaType = "decimal(\(precision),\(scale))"
            }
            return StructField(name: field.name, type: .primitive(deltaType), nullable: field.nullable,
                               metadata: metadata)
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        do {
            let bytes = try encoder.encode(StructType(type: "struct", fields: fields))
            return String(decoding: bytes, as: UTF8.self)
        } catch {
            throw StrataError(.internal, "cannot encode the Delta schema: \(error)")
        }
    }

    /// The Strata schema declared by `schemaString`; `path` names the log file in errors.
    package static func schema(from schemaString: String, path: String) throws -> Schema {
        let decoded: StructType
        do {
            decoded = try JSONDecoder().decode(StructType.self, from: Data(schemaString.utf8))
        } catch {
            throw StrataError(.corrupt, "Delta schema is not valid: \(error)", path: path)
        }
        guard decoded.type == "struct" else {
            throw StrataError(.corrupt, "Delta schema is a \(decoded.type), not a struct", path: path)
        }
        var fields: [Field] = []
        for field in decoded.fields {
            guard case let .primitive(name) = field.type else {
                throw StrataError(.unsupported, "column \"\(field.name)\" has a nested type (struct, array or map), "
                    + "which Strata does not read", path: path, column: field.name)
            }
            let type: DataType
            if let recorded = field.metadata?[strataTypeKey], let strata = DataType(name: recorded) {
                type = strata
            } else {
                guard let mapped = strataType(deltaType: name) else {
                    throw StrataError(.unsupported, "column \"\(field.name)\" has Delta type \(name), which Strata "
                        + "does not read", path: path, column: field.name)
                }
                type = mapped
            }
            fields.append(Field(field.name, type, nullable: field.nullable ?? true))
        }
        do {
            return try Schema(fields)
        } catch {
            throw StrataError(.corrupt, "Delta schema is not usable: \(error)", path: path)
        }
    }

    /// Why Strata must not write a table with this schema, or nil: columns whose Delta type is narrower than the
    /// Strata type they are read as (byte, short: a value beyond their range would be written), naive timestamps
    /// (timestamp_ntz: Strata writes UTC timestamps) and column invariants (`delta.invariants`), which it does not
    /// check.
    package static func writeBlocker(_ schemaString: String) -> String? {
        guard let decoded = try? JSONDecoder().decode(StructType.self, from: Data(schemaString.utf8)) else {
            return nil
        }
        for field in decoded.fields {
            if case let .primitive(name) = field.type, ["byte", "short", "timestamp_ntz"].contains(name),
               field.metadata?[strataTypeKey] == nil {
                return "column \"\(field.name)\" has Delta type \(name), which Strata reads but does not write"
            }
            if field.metadata?["delta.invariants"] != nil {
                return "column \"\(field.name)\" has an invariant (delta.invariants), which Strata does not check"
            }
        }
        return nil
    }

    /// The Strata type of a Delta primitive type name.
    static func strataType(deltaType name: String) -> DataType? {
        switch name {
        case "boolean": return .bool
        case "byte", "short", "integer": return .int32
        case "long": return .int64
        case "float": return .float
        case "double": return .double
        case "string": return .string
        case "date": return .date
        case "timestamp", "timestamp_ntz": return .timestamp
        case "binary": return .blob
        default:
            guard name.hasPrefix("decimal("), name.hasSuffix(")") else { return nil }
            let parts = name.dropFirst(8).dropLast().split(separator: ",")
            guard parts.count == 2,
                  let precision = UInt8(parts[0].trimmingCharacters(in: .whitespaces)),
                  let scale = UInt8(parts[1].trimmingCharacters(in: .whitespaces)),
                  (1...38).contains(precision), scale <= precision
            else { return nil }
            return .decimal(precision: precision, scale: scale)
        }
    }

    private struct StructType: Codable {
        var type: String
        var fields: [StructField]
    }

    private struct StructField: Codable {
        var name: String
        var type: FieldType
        var nullable: Bool?
        var metadata: [String: String]?

        init(name: String, type: FieldType, nullable: Bool, metadata: [String: String]) {
            self.name = name
            self.type = type
            self.nullable = nullable
            self.metadata = metadata
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            name = try container.decode(String.self, forKey: .name)
            type = try container.decode(FieldType.self, forKey: .type)
            nullable = try container.decodeIfPresent(Bool.self, forKey: .nullable)
            // Metadata values may be any JSON (Spark writes comments, column-mapping ids); only strings matter here.
            metadata = (try? container.decodeIfPresent([String: String].self, forKey: .metadata)) ?? nil
        }
    }

    private enum FieldType: Codable {
        case primitive(String)
        case nested

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let name = try? container.decode(String.self) {
                self = .primitive(name)
            } else {
                self = .nested
            }
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            switch self {
            case let .primitive(name): try container.encode(name)
            case .nested: try container.encodeNil()
            }
        }
    }
}
