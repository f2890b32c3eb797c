import StrataCore

/// Decodes Parquet statistics bounds (PLAIN bytes without a length prefix) into Strata values.
enum StatisticsValue {
    /// The bound as a value of the leaf's Strata type, or nil when it cannot be decoded or is not usable
    /// (NaN bounds, invalid UTF-8, wrong width).
    static func decode(_ bytes: [UInt8], leaf: ParquetSchemaMapping.Leaf) -> Value? {
        func load<T: FixedWidthInteger>(_: T.Type) -> T? {
            guard bytes.count == MemoryLayout<T>.size else { return nil }
            return bytes.withUnsafeBytes { T(littleEndian: $0.loadUnaligned(as: T.self)) }
        }
        if case let .decimal(precision, scale) = leaf.field.type {
            let units: Int128?
            switch leaf.physicalType {
            case .int32: units = load(Int32.self).map { Int128($0) }
            case .int64 where leaf.conversion == .uint64ToDecimal: units = load(UInt64.self).map { Int128($0) }
            case .int64: units = load(Int64.self).map { Int128($0) }
            case .byteArray, .fixedLenByteArray:
                guard (1...16).contains(bytes.count) else { return nil }
                var value = Int128(Int8(bitPattern: bytes[0]))
                for byte in bytes.dropFirst() { value = value << 8 | Int128(byte) }
                units = value
            default: units = nil
            }
            guard let units, DecimalMath.fits(units, precision: Int(precision)) else { return nil }
            return .decimal(units, precision: precision, scale: scale)
        }
        switch (leaf.physicalType, leaf.field.type) {
        case (.boolean, _):
            guard bytes.count == 1 else { return nil }
            return .bool(bytes[0] != 0)
        case (.int32, .date):
            return load(Int32.self).map(Value.date)
        case (.int32, .int64):
            return load(UInt32.self).map { .int64(Int64($0)) }
        case (.int32, .time):
            return load(Int32.self).map { .time(Int64($0) * 1000) }
        case (.int64, .time):
            guard let raw = load(Int64.self) else { return nil }
            guard leaf.conversion == .timeNanosToMicros else { return .time(raw) }
            // A bound between microseconds would not bound the values read (which must be whole microseconds).
            return raw % 1000 == 0 ? .time(raw / 1000) : nil
        case (.int32, _):
            return load(Int32.self).map(Value.int32)
        case (.int64, .timestamp):
            guard let raw = load(Int64.self) else { return nil }
            switch leaf.conversion {
            case .millisToMicros:
                let (micros, overflow) = raw.multipliedReportingOverflow(by: 1000)
                return overflow ? nil : .timestamp(micros)
            default:
                return .timestamp(raw)
            }
        case (.int64, .timestampNanos):
            return load(Int64.self).map(Value.timestampNanos)
        case (.int64, _):
            return load(Int64.self).map(Value.int64)
        case (.fixedLenByteArray, .float):
            guard leaf.conversion == .float16ToFloat, let bits = load(UInt16.self) else { return nil }
            let value = HalfFloat.float(bits: bits)
            return value.isNaN ? nil : .float(value)
        case (.float, _):
            guard let bits = load(UInt32.self) else { return nil }
            let value = Float(bitPattern: bits)
            return value.isNaN ? nil : .float(value)
        case (.double, _):
            guard let bits = load(UInt64.self) else { return nil }
            let value = Double(bitPattern: bits)
            return value.isNaN ? nil : .double(value)
        case (.byteArray, .blob), (.fixedLenByteArray, .blob):
            return .blob(bytes)
        case (.byteArray, _):
            return String(validating: bytes, as: UTF8.self).map(Value.string)
        default:
            return nil
        }
    }
}
