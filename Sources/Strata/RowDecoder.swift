import Foundation

extension Row {
    /// The row as a `Decodable` value: each coding key names a column (exact name first, then ignoring case).
    ///
    /// ```swift
    /// struct Trip: Decodable { let vendor: String; let fare: Double?; let pickup: Date }
    /// let trips = try db.fetchAll("SELECT vendor, fare, pickup FROM trips LIMIT 10").map { try $0.decode(Trip.self) }
    /// ```
    /// Integers convert to any integer type they fit, numbers to `Double`/`Float`, DECIMAL to `Decimal` or `Double`,
    /// dates and timestamps to `Date`, blobs to `Data`/`[UInt8]`, and any value to `String` only when it is one.
    /// NULL decodes as nil for optionals; for anything else it is an error naming the column, as is a missing column
    /// or a value that does not fit.
    public func decode<T: Decodable>(_ type: T.Type = T.self) throws -> T {
        do {
            return try T(from: RowDecoder(row: self))
        } catch let error as StrataError {
            throw error
        } catch let DecodingError.keyNotFound(key, _) {
            throw StrataError(.invalidArgument, "the row has no column \"\(key.stringValue)\" for \(T.self)",
                              column: key.stringValue)
        } catch {
            throw StrataError(.invalidArgument, "cannot decode \(T.self) from the row: \(error)")
        }
    }
}

extension Statement {
    /// Runs the statement and decodes every row as `T` (see ``Row/decode(_:)``).
    public func fetchAll<T: Decodable>(_ type: T.Type, _ arguments: [Value] = []) throws -> [T] {
        try fetchAll(arguments).map { try $0.decode(T.self) }
    }

    /// Runs the statement and decodes its first row as `T` (nil when there is none).
    public func fetchOne<T: Decodable>(_ type: T.Type, _ arguments: [Value] = []) throws -> T? {
        try fetchOne(arguments).map { try $0.decode(T.self) }
    }
}

extension Database {
    /// Runs `sql` and decodes every row as `T` (see ``Row/decode(_:)``).
    public func fetchAll<T: Decodable>(_ type: T.Type, _ sql: String, _ arguments: [Value] = []) throws -> [T] {
        try prepare(sql).fetchAll(type, arguments)
    }

    /// Runs `sql` and decodes its first row as `T` (nil when there is none).
    public func fetchOne<T: Decodable>(_ type: T.Type, _ sql: String, _ arguments: [Value] = []) throws -> T? {
        try prepare(sql).fetchOne(type, arguments)
    }
}

/// Decodes a ``Row`` by column name: a keyed container over the row, each value through ``ValueDecoder``.
struct RowDecoder: Decoder {
    let row: Row
    var codingPath: [any CodingKey] = []
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        KeyedDecodingContainer(Container<Key>(row: row))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        throw StrataError(.invalidArgument, "a row decodes as a struct or class with one property per column")
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        guard row.values.count == 1, let value = row.values.first else {
            throw StrataError(.invalidArgument, "only a row of one column decodes as a single value")
        }
        return ValueDecoder(value: value, column: row.columnNames.first ?? "")
    }

    struct Container<Key: CodingKey>: KeyedDecodingContainerProtocol {
        let row: Row
        var codingPath: [any CodingKey] { [] }
        var allKeys: [Key] { row.columnNames.compactMap { Key(stringValue: $0) } }

        func contains(_ key: Key) -> Bool { row[key.stringValue] != nil }

        private func value(_ key: Key) throws -> Value {
            guard let value = row[key.stringValue] else {
                throw DecodingError.keyNotFound(key, .init(codingPath: [], debugDescription: "no such column"))
            }
            return value
        }

        func decodeNil(forKey key: Key) throws -> Bool { try value(key).isNull }

        func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
            try ValueDecoder(value: try value(key), column: key.stringValue).decode(T.self)
        }

        func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws
            -> KeyedDecodingContainer<NestedKey> {
            throw StrataError(.invalidArgument, "column \"\(key.stringValue)\" is a single value, not a struct",
                              column: key.stringValue)
        }

        func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
            throw StrataError(.invalidArgument, "column \"\(key.stringValue)\" is a single value, not a list",
                              column: key.stringValue)
        }

        func superDecoder() throws -> any Decoder { RowDecoder(row: row) }
        func superDecoder(forKey key: Key) throws -> any Decoder { RowDecoder(row: row) }
    }
}

/// Decodes one value of one column: the standard scalar types, `Date`, `Data`, `Decimal`, and any `Decodable` that
/// decodes itself from one of those (a `RawRepresentable` enum, a wrapper).
struct ValueDecoder: Decoder, SingleValueDecodingContainer {
    let value: Value
    let column: String
    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        throw mismatch("a struct")
    }
    func unkeyedContainer() throws -> any UnkeyedDecodingContainer { throw mismatch("a list") }
    func singleValueContainer() throws -> any SingleValueDecodingContainer { self }

    func decodeNil() -> Bool { value.isNull }

    private func mismatch(_ wanted: String) -> StrataError {
        let found = value.isNull ? "NULL" : "\(value)"
        return StrataError(.invalidArgument, "column \"\(column)\" holds \(found), which is not \(wanted)",
                           column: column)
    }

    private func convert<T: ValueConvertible>(_ type: T.Type, _ name: String) throws -> T {
        guard let converted = T(strataValue: value) else { throw mismatch(name) }
        return converted
    }

    private func integer<T: FixedWidthInteger>(_ type: T.Type) throws -> T {
        let wide: Int64
        switch value {
        case let .int32(v): wide = Int64(v)
        case let .int64(v): wide = v
        case let .decimal(units, _, 0):
            guard let exact = Int64(exactly: units.value) else { throw mismatch("a \(T.self) (out of range)") }
            wide = exact
        default: throw mismatch("\(T.self)")
        }
        guard let narrow = T(exactly: wide) else { throw mismatch("a \(T.self) (out of range)") }
        return narrow
    }

    func decode(_ type: Bool.Type) throws -> Bool { try convert(Bool.self, "a Bool") }
    func decode(_ type: String.Type) throws -> String { try convert(String.self, "a String") }
    func decode(_ type: Double.Type) throws -> Double {
        if case let .decimal(units, _, scale) = value { return DecimalMath.toDouble(units.value, scale: Int(scale)) }
        return try convert(Double.self, "a Double")
    }
    func decode(_ type: Float.Type) throws -> Float {
        if case let .decimal(units, _, scale) = value {
            return Float(DecimalMath.toDouble(units.value, scale: Int(scale)))
        }
        if let double = Double(strataValue: value) { return Float(double) }
        throw mismatch("a Float")
    }
    func decode(_ type: Int.Type) throws -> Int { try integer(Int.self) }
    func decode(_ type: Int8.Type) throws -> Int8 { try integer(Int8.self) }
    func decode(_ type: Int16.Type) throws -> Int16 { try integer(Int16.self) }
    func decode(_ type: Int32.Type) throws -> Int32 { try integer(Int32.self) }
    func decode(_ type: Int64.Type) throws -> Int64 { try integer(Int64.self) }
    func decode(_ type: UInt.Type) throws -> UInt { try integer(UInt.self) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try integer(UInt8.self) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try integer(UInt16.self) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try integer(UInt32.self) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try integer(UInt64.self) }

    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        if value.isNull { throw mismatch("\(T.self) (declare the property optional to allow NULL)") }
        switch type {
        case is Date.Type:
            guard let date = Date(strataValue: value) as? T else { throw mismatch("a Date") }
            return date
        case is Data.Type:
            guard case let .blob(bytes) = value, let data = Data(bytes) as? T else { throw mismatch("Data") }
            return data
        case is [UInt8].Type:
            guard case let .blob(bytes) = value, let typed = bytes as? T else { throw mismatch("bytes") }
            return typed
        case is Decimal.Type:
            let decimal: Decimal?
            switch value {
            case .decimal: decimal = Decimal(string: "\(value)", locale: Locale(identifier: "en_US_POSIX"))
            case let .int32(v): decimal = Decimal(Int(v))
            case let .int64(v): decimal = Decimal(v)
            default: decimal = nil
            }
            guard let result = decimal as? T else { throw mismatch("a Decimal") }
            return result
        default:
            return try T(from: self)
        }
    }
}
