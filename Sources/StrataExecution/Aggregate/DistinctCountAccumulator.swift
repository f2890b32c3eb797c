import StrataCore

/// `count(DISTINCT x)` for any type.
///
/// 1. Every non-null value is kept in its group-key encoding (``KeyEncoder``), with its group id.
/// 2. At the end each (group id, encoded value) pair goes through a ``GroupHashTable``; a pair seen for the first
///    time adds one to its group's count.
final class DistinctCountAccumulator: Accumulator {
    private let encoder: KeyEncoder
    private var groupIds: [UInt32] = []
    private var bytes: [UInt8] = []
    private var offsets: [Int] = [0]
    private let scratch = EncodedKeys()
    private var groupCount = 0

    init(type: DataType) { encoder = KeyEncoder(types: [type]) }

    var resultType: DataType { .int64 }
    var stateTypes: [DataType] { [] }
    var valueType: DataType? { .string }

    var byteCount: Int {
        StateArray.bytes(groupIds) + bytes.capacity + StateArray.bytes(offsets) + scratch.byteCount
    }

    func projectedBytes(groups: Int, rows: Int) -> Int {
        let values = groupIds.count + rows, valueBytes = bytes.count + rows * (encoder.fixedWidth + 16)
        return StateArray.projected(groupIds, count: values)
            + StateArray.projected(offsets, count: offsets.count + rows)
            + StateArray.projected(bytes, count: valueBytes)
            + scratch.byteCount + rows * (encoder.fixedWidth + 40)
            + DistinctCountAccumulator.finalizeBytes(values: values, valueBytes: valueBytes)
    }

    /// What step 2 allocates on top of the held values, reserved with them so the end never overruns the pool:
    /// the (group id, value) pairs with their offsets and hashes, the dedup table's slots (up to 4 per pair), keys
    /// (growing by doubling), hashes and offsets, and the ids.
    static func finalizeBytes(values n: Int, valueBytes: Int) -> Int {
        (valueBytes + 4 * n) + 16 * n + 32 * n + 2 * (valueBytes + 4 * n) + 16 * n + 16 * n + 4 * n
    }

    func resize(groups: Int) { groupCount = max(groupCount, groups) }

    func update(_ arguments: [Column], rows: Range<Int>, groupIds ids: UnsafePointer<UInt32>) throws(StrataError) {
        guard let column = arguments.first else { throw StrataError(.internal, "count distinct without an argument") }
        encoder.encode([column], rows: rows, into: scratch)
        let validity = column.validity
        scratch.bytes.withUnsafeBufferPointer { encoded in
            var i = 0
            for r in rows {
                defer { i += 1 }
                if let validity, !validity.isValid(r) { continue }
                groupIds.append(ids[i])
                bytes.append(contentsOf: encoded[scratch.offsets[i]..<scratch.offsets[i + 1]])
                offsets.append(bytes.count)
            }
        }
    }

    func states(_ groups: [Int]?) -> [Column] { [] }

    func merge(states: ArraySlice<Column>, rows: Range<Int>, groupIds: UnsafePointer<UInt32>) throws(StrataError) {}

    func takeValues() -> (groupIds: [UInt32], values: Column)? {
        let buffer: StringBuffer
        do {
            buffer = try StringBuffer(offsets: offsets.map { Int32(truncatingIfNeeded: $0) }, bytes: bytes)
        } catch {
            return nil
        }
        let taken = (groupIds, Column(unchecked: .string, data: .string(buffer), validity: nil))
        groupIds = []
        bytes = []
        offsets = [0]
        return taken
    }

    func appendValues(_ column: Column, rows: Range<Int>, groupIds ids: UnsafePointer<UInt32>) throws(StrataError) {
        guard case let .string(buffer) = column.data else {
            throw StrataError(.corrupt, "count distinct values are not encoded keys")
        }
        buffer.bytes.withUnsafeBufferPointer { raw in
            var i = 0
            for r in rows {
                groupIds.append(ids[i])
                bytes.append(contentsOf: raw[buffer.range(r)])
                offsets.append(bytes.count)
                i += 1
            }
        }
    }

    func finalize(groups: Int) throws(StrataError) -> Column {
        resize(groups: groups)
        var counts = [Int64](repeating: 0, count: groups)
        // 2. (group id, value) pairs, encoded as a 4-byte group id followed by the value's key encoding.
        let pairs = EncodedKeys()
        let n = groupIds.count
        guard n > 0 else { return Column(unchecked: .int64, data: .int64(counts), validity: nil) }
        pairs.prepare(rows: n)
        pairs.ensureByteCapacity(bytes.count + 4 * n)
        pairs.bytes.withUnsafeMutableBytes { out in
            bytes.withUnsafeBytes { values in
                guard let dst = out.baseAddress else { return }
                var cursor = 0
                for i in 0..<n {
                    out.storeBytes(of: groupIds[i], toByteOffset: cursor, as: UInt32.self)
                    let start = offsets[i], length = offsets[i + 1] - offsets[i]
                    if length > 0, let src = values.baseAddress {
                        (dst + cursor + 4).copyMemory(from: src + start, byteCount: length)
                    }
                    pairs.hashes[i] = KeyHasher.hash(UnsafeRawPointer(dst + cursor), count: 4 + length)
                    cursor += 4 + length
                    pairs.offsets[i + 1] = cursor
                }
            }
        }
        pairs.count = n
        // A string-typed encoder makes the table treat keys as variable-width byte strings.
        let seen = GroupHashTable(encoder: KeyEncoder(types: [.string]))
        var ids = [UInt32](repeating: 0, count: n)
        ids.withUnsafeMutableBufferPointer { buffer in
            if let base = buffer.baseAddress { seen.findOrInsert(pairs, groupIds: base) }
        }
        var next: UInt32 = 0
        for i in 0..<n where ids[i] == next {
            counts[Int(groupIds[i])] += 1
            next += 1
        }
        groupIds = []
        bytes = []
        offsets = [0]
        return Column(unchecked: .int64, data: .int64(counts), validity: nil)
    }

    func reset() {
        groupIds = []
        bytes = []
        offsets = [0]
        groupCount = 0
    }
}
