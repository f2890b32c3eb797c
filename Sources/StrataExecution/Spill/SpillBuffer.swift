/// A growable byte buffer that a spill writer or reader keeps across frames, so that a run of many batches
/// allocates its serialization and compression space once instead of once per batch.
///
/// The buffer is not zeroed; `count` says how many leading bytes hold data. `free()` returns the memory early.
final class SpillBuffer {
    /// The allocation; empty (nil base) until the first `reset(capacity:)`.
    private(set) var storage = UnsafeMutableRawBufferPointer(start: nil, count: 0)
    /// Number of leading bytes in use.
    private(set) var count = 0

    deinit { free() }

    /// Bytes allocated.
    var capacity: Int { storage.count }

    /// The bytes in use.
    var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(rebasing: storage[0..<count]) }

    /// Empties the buffer and makes room for at least `capacity` bytes (the old contents are not kept).
    func reset(capacity needed: Int) {
        count = 0
        guard needed > storage.count else { return }
        free()
        storage = .allocate(byteCount: needed, alignment: 16)
    }

    /// Marks the first `count` bytes as in use (after they were filled through `storage`).
    func setCount(_ newCount: Int) {
        precondition(newCount >= 0 && newCount <= storage.count, "spill buffer count out of range")
        count = newCount
    }

    /// Appends raw bytes; the caller reserved room for them with `reset(capacity:)`.
    func append(_ source: UnsafeRawBufferPointer) {
        guard let from = source.baseAddress, source.count > 0 else { return }
        precondition(count + source.count <= storage.count, "spill buffer overflow")
        storage.baseAddress.map { ($0 + count).copyMemory(from: from, byteCount: source.count) }
        count += source.count
    }

    /// Appends the raw bytes of `elements[range]`.
    func append<T>(_ elements: [T], _ range: Range<Int>) {
        elements.withUnsafeBytes { raw in
            let stride = MemoryLayout<T>.stride
            append(UnsafeRawBufferPointer(rebasing: raw[range.lowerBound * stride ..< range.upperBound * stride]))
        }
    }

    /// Appends an integer in little-endian byte order.
    func append<T: FixedWidthInteger>(_ value: T) {
        precondition(count + MemoryLayout<T>.size <= storage.count, "spill buffer overflow")
        storage.storeBytes(of: value.littleEndian, toByteOffset: count, as: T.self)
        count += MemoryLayout<T>.size
    }

    /// Releases the memory; the buffer can be reused afterwards.
    func free() {
        storage.deallocate()
        storage = UnsafeMutableRawBufferPointer(start: nil, count: 0)
        count = 0
    }
}
