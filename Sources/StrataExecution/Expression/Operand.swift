import StrataCore

/// A fixed-width element type of a column buffer.
protocol ColumnElement {
    /// The buffer of `data` when it holds this element type.
    static func unwrap(_ data: ColumnData) -> [Self]?
    /// A buffer holding `values`.
    static func wrap(_ values: [Self]) -> ColumnData
}

extension Bool: ColumnElement {
    static func unwrap(_ data: ColumnData) -> [Bool]? { if case let .bool(v) = data { v } else { nil } }
    static func wrap(_ values: [Bool]) -> ColumnData { .bool(values) }
}

extension Int32: ColumnElement {
    static func unwrap(_ data: ColumnData) -> [Int32]? { if case let .int32(v) = data { v } else { nil } }
    static func wrap(_ values: [Int32]) -> ColumnData { .int32(values) }
}

extension Int64: ColumnElement {
    static func unwrap(_ data: ColumnData) -> [Int64]? { if case let .int64(v) = data { v } else { nil } }
    static func wrap(_ values: [Int64]) -> ColumnData { .int64(values) }
}

extension Int128: ColumnElement {
    static func unwrap(_ data: ColumnData) -> [Int128]? { if case let .int128(v) = data { v } else { nil } }
    static func wrap(_ values: [Int128]) -> ColumnData { .int128(values) }
}

extension Float: ColumnElement {
    static func unwrap(_ data: ColumnData) -> [Float]? { if case let .float(v) = data { v } else { nil } }
    static func wrap(_ values: [Float]) -> ColumnData { .float(values) }
}

extension Double: ColumnElement {
    static func unwrap(_ data: ColumnData) -> [Double]? { if case let .double(v) = data { v } else { nil } }
    static func wrap(_ values: [Double]) -> ColumnData { .double(values) }
}

/// The typed values of a ``Vector``: a buffer, or one scalar for a constant.
enum Operand<Element> {
    case array([Element])
    case scalar(Element)
}

extension Vector {
    /// The values as `T`; the buffer kind must already be `T`'s.
    func operand<T: ColumnElement>(_: T.Type) throws(StrataError) -> Operand<T> {
        guard let values = T.unwrap(column.data) else {
            throw StrataError(.internal, "a \(type) value was read as \(T.self)")
        }
        if isConstant, let first = values.first { return .scalar(first) }
        return .array(values)
    }

    /// Integer values widened to `Int64` (a constant converts for free; an `Int32` column is copied once).
    func int64Operand() throws(StrataError) -> Operand<Int64> {
        if case .int32 = column.data {
            switch try operand(Int32.self) {
            case let .scalar(v): return .scalar(Int64(v))
            case let .array(v): return .array(v.map { Int64($0) })
            }
        }
        return try operand(Int64.self)
    }

    /// Numeric values widened to `Double` (exact for `Int32` and `Float`; `Int64` rounds beyond 2^53; decimals are
    /// their units over 10^scale).
    func doubleOperand() throws(StrataError) -> Operand<Double> {
        func widen<T: ColumnElement>(_: T.Type, _ convert: (T) -> Double) throws(StrataError) -> Operand<Double> {
            switch try operand(T.self) {
            case let .scalar(v): return .scalar(convert(v))
            case let .array(v): return .array(v.map(convert))
            }
        }
        if case let .decimal(_, scale) = type {
            let s = Int(scale)
            if type.isWideDecimal { return try widen(Int128.self) { DecimalMath.toDouble($0, scale: s) } }
            return try widen(Int64.self) { DecimalMath.toDouble(Int128($0), scale: s) }
        }
        switch column.data {
        case .int32: return try widen(Int32.self) { Double($0) }
        case .int64: return try widen(Int64.self) { Double($0) }
        case .float: return try widen(Float.self) { Double($0) }
        default: return try operand(Double.self)
        }
    }

    /// The string values: the buffer, or a constant's bytes.
    func stringOperand() throws(StrataError) -> StringOperand {
        guard case let .string(buffer) = column.data else {
            throw StrataError(.internal, "a \(type) value was read as a string")
        }
        if isConstant { return .scalar(Array(buffer.bytes[buffer.range(0)])) }
        return .buffer(buffer)
    }
}

/// The string values of a ``Vector``: a buffer, or one constant's UTF-8 bytes.
enum StringOperand {
    case buffer(StringBuffer)
    case scalar([UInt8])
}

/// Reads row `i` of an operand inside a kernel loop.
protocol RowReader {
    associatedtype Element
    subscript(_ i: Int) -> Element { get }
}

/// Reads rows of a typed buffer.
struct BufferReader<Element>: RowReader {
    let base: UnsafeBufferPointer<Element>
    @inline(__always) subscript(_ i: Int) -> Element { base[i] }
}

/// Reads the same scalar for every row.
struct ScalarReader<Element>: RowReader {
    let value: Element
    @inline(__always) subscript(_ i: Int) -> Element { value }
}

/// Reads row `i` of a string buffer as its UTF-8 bytes.
struct StringReader: RowReader {
    let bytes: UnsafeRawBufferPointer
    let offsets: UnsafeBufferPointer<Int32>
    @inline(__always) subscript(_ i: Int) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: bytes[Int(offsets[i]) ..< Int(offsets[i + 1])])
    }
}
