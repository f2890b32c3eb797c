/// Variable-width UTF-8 strings stored as one byte buffer plus `count + 1` offsets (Arrow's layout).
///
/// Value `i` is `bytes[offsets[i] ..< offsets[i + 1]]`. Null rows hold empty strings.
public struct StringBuffer: Sendable, Hashable {
    /// `count + 1` monotonically increasing offsets into `bytes`; `offsets[0] == 0`.
    public private(set) var offsets: [Int32]
    /// The concatenated UTF-8 bytes of every value.
    public private(set) var bytes: [UInt8]

    /// An empty buffer.
    public init() {
        offsets = [0]
        bytes = []
    }

    /// Creates a buffer from prepared offsets and bytes; throws when they are inconsistent.
    public init(offsets: [Int32], bytes: [UInt8]) throws(StrataError) {
        guard let first = offsets.first, first == 0, Int(offsets[offsets.count - 1]) == bytes.count else {
            throw StrataError(.internal, "string offsets do not cover the byte buffer")
        }
        self.offsets = offsets
        self.bytes = bytes
    }

    /// Creates a buffer holding `strings`.
    public init(_ strings: [String]) throws(StrataError) {
        self.init()
        for s in strings { try append(s) }
    }

    /// Reserves room for `count` more values and `byteCount` more bytes.
    public mutating func reserve(count: Int, byteCount: Int) {
        offsets.reserveCapacity(offsets.count + count)
        bytes.reserveCapacity(bytes.count + byteCount)
    }

    /// Number of values.
    public var count: Int { offsets.count - 1 }

    /// Appends raw UTF-8 bytes; throws when the buffer would exceed 2 GiB.
    public mutating func append(_ value: UnsafeRawBufferPointer) throws(StrataError) {
        guard bytes.count + value.count <= Int(Int32.max) else {
            throw StrataError(.outOfMemory, "a string column exceeds 2 GiB in one batch")
        }
        bytes.append(contentsOf: value.bindMemory(to: UInt8.self))
        offsets.append(Int32(truncatingIfNeeded: bytes.count))
    }

    /// Appends a string.
    public mutating func append(_ value: String) throws(StrataError) {
        let utf8 = value.utf8
        guard bytes.count + utf8.count <= Int(Int32.max) else {
            throw StrataError(.outOfMemory, "a string column exceeds 2 GiB in one batch")
        }
        bytes.append(contentsOf: utf8)
        offsets.append(Int32(truncatingIfNeeded: bytes.count))
    }

    /// Appends raw bytes and the offsets of the values they hold (each already rebased onto this buffer).
    mutating func appendRaw<Offsets: Sequence<Int32>>(bytes more: [UInt8], offsets ends: Offsets) {
        bytes.append(contentsOf: more)
        offsets.append(contentsOf: ends)
    }

    /// Removes the first `n` values and returns them as a buffer of their own, sized exactly; self keeps the rest,
    /// moved to its front, and its capacity (so that a buffer refilled and drained again does not reallocate).
    package mutating func removePrefix(_ n: Int) -> StringBuffer {
        let n = Swift.max(0, Swift.min(n, count))
        let cut = Int(offsets[n])
        var head = StringBuffer()
        head.bytes = bytes.exactPrefix(cut)
        head.offsets = offsets.exactPrefix(n + 1)
        bytes.removeFirst(cut)
        let shift = Int32(truncatingIfNeeded: cut)
        offsets.removeFirst(n)
        if shift != 0 {
            offsets.withUnsafeMutableBufferPointer { all in
                for i in all.indices { all[i] &-= shift }
            }
        }
        return head
    }

    /// Appends an empty string (the placeholder for a null row).
    public mutating func appendEmpty() {
        offsets.append(Int32(truncatingIfNeeded: bytes.count))
    }

    /// The byte range of value `i`.
    @inlinable
    public func range(_ i: Int) -> Range<Int> {
        Int(offsets[i]) ..< Int(offsets[i + 1])
    }

    /// Value `i` as a Swift string (invalid UTF-8 is repaired).
    public subscript(i: Int) -> String {
        let r = range(i)
        return bytes.withUnsafeBufferPointer { String(decoding: UnsafeBufferPointer(rebasing: $0[r]), as: UTF8.self) }
    }
}

extension Array {
    /// A copy of the first `n` elements (at most `count`) in a buffer of exactly their size. `Array(self[..<n])`
    /// would share the whole buffer, capacity included, when `n` is the count.
    package func exactPrefix(_ n: Int) -> [Element] {
        let n = Swift.max(0, Swift.min(n, count))
        return withUnsafeBufferPointer { all in
            [Element](unsafeUninitializedCapacity: n) { target, initialized in
                if let base = all.baseAddress, n > 0 { target.baseAddress?.initialize(from: base, count: n) }
                initialized = n
            }
        }
    }
}
