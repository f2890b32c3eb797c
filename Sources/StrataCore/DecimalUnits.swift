/// A decimal's units (its value × 10^scale) as two 64-bit halves, for ``Value/decimal(_:precision:scale:)``.
///
/// Stored as halves rather than one `Int128` so that a ``Value`` needs only 8-byte alignment: values live in
/// async frames, which do not always honour 16-byte alignment, and the aligned vector moves `Int128` allows then
/// fault.
public struct DecimalUnits: Sendable, Hashable {
    private let high: Int64
    private let low: UInt64

    /// The units `value`.
    public init(_ value: Int128) {
        high = Int64(truncatingIfNeeded: value >> 64)
        low = UInt64(truncatingIfNeeded: value)
    }

    /// The units as one integer.
    public var value: Int128 { Int128(high) << 64 | Int128(low) }
}
