import StrataCore

/// `count(*)` (every row) or `count(x)` (rows where x is not NULL).
final class CountAccumulator: Accumulator {
    private let countsNulls: Bool
    private var counts: [Int64] = []

    init(countsNulls: Bool) { self.countsNulls = countsNulls }

    var resultType: DataType { .int64 }
    var stateTypes: [DataType] { [.int64] }
    var byteCount: Int { StateArray.bytes(counts) }
    func projectedBytes(groups: Int, rows: Int) -> Int { StateArray.projected(counts, count: groups) }
    func resize(groups: Int) { StateArray.extend(&counts, to: groups, with: 0) }

    func update(_ arguments: [Column], rows: Range<Int>, groupIds: UnsafePointer<UInt32>) throws(StrataError) {
        let validity = countsNulls ? nil : arguments.first?.validity
        counts.withUnsafeMutableBufferPointer { c in
            if let validity {
                var i = 0
                for r in rows {
                    if validity.isValid(r) { c[Int(groupIds[i])] &+= 1 }
                    i += 1
                }
            } else {
                for i in 0..<rows.count { c[Int(groupIds[i])] &+= 1 }
            }
        }
    }

    func states(_ groups: [Int]?) -> [Column] {
        [Column(unchecked: .int64, data: .int64(StateArray.gather(counts, groups)), validity: nil)]
    }

    func merge(states: ArraySlice<Column>, rows: Range<Int>, groupIds: UnsafePointer<UInt32>) throws(StrataError) {
        guard let first = states.first else { throw StrataError(.corrupt, "count state missing") }
        let incoming = try int64Values(first)
        counts.withUnsafeMutableBufferPointer { c in
            var i = 0
            for r in rows {
                c[Int(groupIds[i])] &+= incoming[r]
                i += 1
            }
        }
    }

    func finalize(groups: Int) throws(StrataError) -> Column {
        resize(groups: groups)
        return Column(unchecked: .int64, data: .int64(Array(counts.prefix(groups))), validity: nil)
    }

    func reset() { counts = [] }
}
