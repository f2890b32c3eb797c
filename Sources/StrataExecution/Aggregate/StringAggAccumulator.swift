import StrataCore

/// `string_agg(x [, separator] [ORDER BY k, …])`: the group's non-NULL values joined by the separator.
///
/// 1. Every non-NULL value is kept with its group id as one entry: the 4-byte length of its ORDER BY key, the key
///    (the keys' order-preserving encoding, `SortKeyEncoder`, NULLs last) and the value's bytes. Entries are the
///    accumulator's value rows, so they spill like median's values when the memory pool refuses them.
/// 2. At the end the entries are bucketed by group (a stable counting sort on the group ids), each group's entries
///    are sorted by key (stable, so equal keys keep their arrival order; without ORDER BY all keys are empty and the
///    arrival order stays), and the values are joined with the separator. A group without values is NULL.
final class StringAggAccumulator: Accumulator {
    private let separator: [UInt8]
    private let encoder: SortKeyEncoder?
    private var groupIds: [UInt32] = []
    private var entries = StringBuffer()
    private var groupCount = 0

    init(separator: String, keys: [SortKeyEncoder.Key]) {
        self.separator = Array(separator.utf8)
        encoder = keys.isEmpty ? nil : SortKeyEncoder(keys)
    }

    var resultType: DataType { .string }
    var stateTypes: [DataType] { [] }
    var valueType: DataType? { .string }
    var byteCount: Int { StateArray.bytes(groupIds) + entries.bytes.capacity + entries.offsets.capacity * 4 }

    func projectedBytes(groups: Int, rows: Int) -> Int {
        // A guess of 32 bytes per new entry; entries of longer values grow the byte buffer beyond it.
        StateArray.projected(groupIds, count: groupIds.count + rows) + entries.bytes.capacity + rows * 36
            + entries.offsets.capacity * 4
    }

    func resize(groups: Int) { groupCount = max(groupCount, groups) }

    func update(_ arguments: [Column], rows: Range<Int>, groupIds ids: UnsafePointer<UInt32>) throws(StrataError) {
        guard let column = arguments.first, case let .string(values) = column.data else {
            throw StrataError(.internal, "string_agg without a string argument")
        }
        var keys: StringBuffer?
        if let encoder {
            keys = try encoder.encode(arguments.dropFirst().map { $0.slice(rows) }, rows: rows.count)
        }
        var entry: [UInt8] = []
        for (i, r) in rows.enumerated() where !column.isNull(r) {
            entry.removeAll(keepingCapacity: true)
            // The key's bytes are appended in place (no array per row).
            let keyRange = keys.map { $0.range(i) } ?? 0..<0
            withUnsafeBytes(of: UInt32(keyRange.count).littleEndian) { entry.append(contentsOf: $0) }
            if let keys { entry.append(contentsOf: keys.bytes[keyRange]) }
            entry.append(contentsOf: values.bytes[values.range(r)])
            try Self.append(entry[...], to: &entries)
            groupIds.append(ids[i])
        }
    }

    func states(_ groups: [Int]?) -> [Column] { [] }

    func merge(states: ArraySlice<Column>, rows: Range<Int>, groupIds: UnsafePointer<UInt32>) throws(StrataError) {}

    func takeValues() -> (groupIds: [UInt32], values: Column)? {
        let taken = (groupIds, Column(unchecked: .string, data: .string(entries), validity: nil))
        groupIds = []
        entries = StringBuffer()
        return taken
    }

    func appendValues(_ column: Column, rows: Range<Int>, groupIds ids: UnsafePointer<UInt32>) throws(StrataError) {
        guard case let .string(values) = column.data else {
            throw StrataError(.corrupt, "string_agg values are not strings")
        }
        for (i, r) in rows.enumerated() {
            try Self.append(values.bytes[values.range(r)], to: &entries)
            groupIds.append(ids[i])
        }
    }

    func finalize(groups: Int) throws(StrataError) -> Column {
        resize(groups: groups)
        // 2. Stable counting sort of the entries by group.
        let (starts, order) = StateArray.bucketsByGroup(groupIds, groups: groups)
        var out = StringBuffer()
        var valid = [Bool](repeating: true, count: groups)
        let all = entries
        var failure: StrataError?
        all.bytes.withUnsafeBytes { raw in
            /// The key and value bytes of entry `index`.
            func parts(_ index: Int) -> (key: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer) {
                let range = all.range(index)
                let keyLength = Int(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: range.lowerBound,
                                                                           as: UInt32.self)))
                let keyStart = range.lowerBound + 4
                return (UnsafeRawBufferPointer(rebasing: raw[keyStart ..< keyStart + keyLength]),
                        UnsafeRawBufferPointer(rebasing: raw[keyStart + keyLength ..< range.upperBound]))
            }
            var text: [UInt8] = []
            for g in 0..<groups {
                var members = Array(order[starts[g] ..< starts[g + 1]])
                guard !members.isEmpty else {
                    valid[g] = false
                    out.appendEmpty()
                    continue
                }
                if encoder != nil {
                    // Stable: ties keep their arrival order.
                    members = members.enumerated().sorted { a, b in
                        let order = ByteOrder.compare(parts(a.element).key, parts(b.element).key)
                        return order != 0 ? order < 0 : a.offset < b.offset
                    }.map(\.element)
                }
                text.removeAll(keepingCapacity: true)
                for (n, index) in members.enumerated() {
                    if n > 0 { text.append(contentsOf: separator) }
                    text.append(contentsOf: parts(index).value)
                }
                do throws(StrataError) {
                    try Self.append(text[...], to: &out)
                } catch {
                    failure = error
                    return
                }
            }
        }
        if let failure { throw failure }
        groupIds = []
        entries = StringBuffer()
        return Column(unchecked: .string, data: .string(out), validity: ValidityMask(valid))
    }

    func reset() {
        groupIds = []
        entries = StringBuffer()
        groupCount = 0
    }

    /// Appends `bytes` as one value of `buffer`; throws when the buffer would exceed 2 GiB.
    private static func append(_ bytes: ArraySlice<UInt8>, to buffer: inout StringBuffer) throws(StrataError) {
        var failure: StrataError?
        bytes.withUnsafeBytes { raw in
            do throws(StrataError) { try buffer.append(raw) } catch { failure = error }
        }
        if let failure { throw failure }
    }
}
