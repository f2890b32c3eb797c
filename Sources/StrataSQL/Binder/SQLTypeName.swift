import StrataCore

/// SQL type names (DuckDB's spellings and common aliases) and the Strata types they mean.
package enum SQLTypeName {
    /// The type `name` stands for, or nil.
    package static func type(_ name: String) -> DataType? {
        let words = name.lowercased().split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" })
            .joined(separator: " ")
        switch words {
        case "boolean", "bool", "logical": return .bool
        case "integer", "int", "int4", "int32", "signed", "smallint", "int2", "int16", "tinyint", "int1":
            return .int32
        case "bigint", "int8", "int64", "long": return .int64
        case "real", "float", "float4", "float32": return .float
        case "double", "double precision", "float8", "float64": return .double
        case "varchar", "text", "string", "char", "bpchar": return .string
        case "date": return .date
        case "timestamp", "datetime", "timestamp without time zone": return .timestamp
        case "timestamp_ns": return .timestampNanos
        case "blob", "bytea", "binary", "varbinary": return .blob
        case "time", "time without time zone": return .time
        case "decimal", "numeric", "dec": return .decimal(precision: 18, scale: 3)
        default:
            if words.hasPrefix("varchar(") || words.hasPrefix("char(") { return .string }
            if words.hasPrefix("decimal") || words.hasPrefix("numeric") || words.hasPrefix("dec(") {
                return DataType(name: words.hasPrefix("dec(") ? "decimal" + words.dropFirst(3) : words)
            }
            return nil
        }
    }

    /// DuckDB's name of `type`, as DESCRIBE and SUMMARIZE show it: `INTEGER`, `VARCHAR`, `DECIMAL(10,2)`.
    package static func name(of type: DataType) -> String {
        switch type {
        case .bool: "BOOLEAN"
        case .int32: "INTEGER"
        case .int64: "BIGINT"
        case .float: "FLOAT"
        case .double: "DOUBLE"
        case .string: "VARCHAR"
        case .date: "DATE"
        case .timestamp: "TIMESTAMP"
        case .timestampNanos: "TIMESTAMP_NS"
        case .blob: "BLOB"
        case .time: "TIME"
        case let .decimal(precision, scale): "DECIMAL(\(precision),\(scale))"
        }
    }
}
