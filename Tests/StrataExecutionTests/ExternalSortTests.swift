import Testing
@testable import StrataExecution
import StrataCore
import StrataTestSupport

@Suite struct ExternalSortTests {
    // MARK: - Normalized keys

    /// The byte order of encoded keys is the ORDER BY order, for every type, both directions and both NULL
    /// placements: checked on every pair of 160 values (NaN above +infinity, -0.0 equal to 0.0, strings with
    /// zero bytes and shared prefixes, NULLs).
    @Test(arguments: [DataType.bool, .int32, .int64, .float, .double, .string, .date, .timestamp,
                      .decimal(precision: 15, scale: 2), .decimal(precision: 38, scale: 10)])
    func encodedKeysCompareAsTheValues(_ type: DataType) throws {
        var generator = SplitMix64(seed: 7)
        let values: [Value] = (0..<160).map { i in ExternalSortTests.randomValue(type, &generator, index: i) }
        let column = try Column(type: type, values: values)
        for ascending in [true, false] {
            for nullsFirst in [true, false] {
                let encoder = SortKeyEncoder([.init(type: type, ascending: ascending, nullsFirst: nullsFirst)])
                let keys = try encoder.encode([column], rows: values.count)
                if let width = encoder.fixedWidth {
                    #expect(keys.bytes.count == width * values.count)
                }
                for a in values.indices {
                    for b in values.indices {
                        let expected = ExternalSortTests.order(values[a], values[b], ascending: ascending,
                                                               nullsFirst: nullsFirst)
                        let got = keys.bytes.withUnsafeBytes { raw in
                            SortKeyCompare.compare(raw, keys.range(a).lowerBound, keys.range(a).upperBound,
                                                   raw, keys.range(b).lowerBound, keys.range(b).upperBound)
                        }
                        if got != expected {
                            Issue.record("\(type) asc \(ascending) nullsFirst \(nullsFirst): \(values[a]) vs \(values[b]) gave \(got), expected \(expected)")
                            return
                        }
                    }
                }
            }
        }
    }

    /// Several key columns: the first decides, the next breaks its ties, and so on.
    @Test func severalKeysCompareLexicographically() throws {
        var generator = SplitMix64(seed: 11)
        let rows = 400
        let a: [Value] = (0..<rows).map { _ in generator.chance(0.1) ? .null : .int32(Int32(generator.next() % 5)) }
        let b: [Value] = (0..<rows).map { i in ExternalSortTests.randomValue(.string, &generator, index: i) }
        let c: [Value] = (0..<rows).map { _ in .double(Double(generator.next() % 7) - 3) }
        let keys: [SortKeyEncoder.Key] = [.init(type: .int32, ascending: false, nullsFirst: true),
                                          .init(type: .string, ascending: true, nullsFirst: false),
                                          .init(type: .double, ascending: false, nullsFirst: false)]
        let encoded = try SortKeyEncoder(keys).encode([try Column(type: .int32, values: a),
                                                       try Column(type: .string, values: b),
                                                       try Column(type: .double, values: c)], rows: rows)
        for x in 0..<rows {
            for y in 0..<rows {
                var expected = 0
                for (values, key) in zip([a, b, c], keys) where expected == 0 {
                    expected = ExternalSortTests.order(values[x], values[y], ascending: key.ascending,
                                                       nullsFirst: key.nullsFirst)
                }
                let got = encoded.bytes.withUnsafeBytes { raw in
                    SortKeyCompare.compare(raw, encoded.range(x).lowerBound, encoded.range(x).upperBound,
                                           raw, encoded.range(y).lowerBound, encoded.range(y).upperBound)
                }
                #expect(got == expected, "rows \(x) and \(y)")
                if got != expected { return }
            }
        }
    }

    // MARK: - Sorting

    /// The radix sort with its tie-breaking gives the same order as a stable comparison sort of the keys.
    @Test(arguments: [DataType.int64, .string, .double, .bool])
    func keySorterIsAStableSort(_ type: DataType) throws {
        var generator = SplitMix64(seed: 3)
        var buffers: [StringBuffer] = []
        var all: [(key: [UInt8], pick: UInt64)] = []
        let encoder = SortKeyEncoder([.init(type: type, ascending: false, nullsFirst: false)])
        for b in 0..<5 {
            let rows = 3_000 + b * 17
            let values: [Value] = (0..<rows).map { i in ExternalSortTests.randomValue(type, &generator, index: i) }
            let keys = try encoder.encode([try Column(type: type, values: values)], rows: rows)
            buffers.append(keys)
            for r in 0..<rows {
                all.append((Array(keys.bytes[keys.range(r)]), MultiSourceGather.pick(source: b, row: r)))
            }
        }
        let expected = all.sorted { x, y in
            x.key.lexicographicallyPrecedes(y.key) || (x.key == y.key && x.pick < y.pick)
        }.map(\.pick)
        #expect(KeySorter.sort(buffers) == expected)
    }

    /// Rows of (int64 with NULLs and ties, string) sorted by (a ASC, b DESC NULLS FIRST): the output is the stable
    /// sort of the input at every pool size (in memory, many spilled runs, several merge passes) and worker count,
    /// with LIMIT/OFFSET applied in the merge; no spill file is left and tiny pools really spill.
    @Test(arguments: [64 << 10, 1 << 20, 256 << 20])
    func externalSortMatchesAStableSort(pool limit: Int) throws {
        var generator = SplitMix64(seed: 99)
        let schema = try Schema([Field("a", .int64), Field("b", .string), Field("n", .int64)])
        var batches: [Batch] = []
        var rows: [(a: Value, b: Value, n: Int64)] = []
        for _ in 0..<40 {
            var a: [Value] = [], b: [Value] = [], n: [Value] = []
            for _ in 0..<(1_000 + Int(generator.next() % 2_000)) {
                let x: Value = generator.chance(0.05) ? .null : .int64(Int64(generator.next() % 500) - 250)
                let y: Value = generator.chance(0.05) ? .null : .string("s\(generator.next() % 40)")
                a.append(x)
                b.append(y)
                n.append(.int64(Int64(rows.count)))
                rows.append((x, y, Int64(rows.count)))
            }
            batches.append(try Batch(schema: schema, columns: [try Column(type: .int64, values: a),
                                                               try Column(type: .string, values: b),
                                                               try Column(type: .int64, values: n)]))
        }
        let expected = rows.sorted { x, y in
            let first = ExternalSortTests.order(x.a, y.a, ascending: true, nullsFirst: false)
            if first != 0 { return first < 0 }
            let second = ExternalSortTests.order(x.b, y.b, ascending: false, nullsFirst: true)
            return second != 0 ? second < 0 : x.n < y.n
        }.map(\.n)
        let directory = try SpillTestDirectory()
        for workers in [1, 2, 4] {
            for (offset, count) in [(0, nil), (1_234, 5_000), (0, 77), (70_000, 10)] as [(Int, Int?)] {
                let pool = MemoryPool(limit: limit)
                let spill = SpillManager(directory: directory.path)
                let sort = ExternalSort(schema: schema, keys: [.init(type: .int64, ascending: true, nullsFirst: false),
                                                               .init(type: .string, ascending: false, nullsFirst: true)],
                                        pool: pool, spill: spill, workers: workers)
                for (index, batch) in batches.enumerated() {
                    try sort.add(batch, keys: [batch.columns[0], batch.columns[1]], worker: index % workers,
                                 morsel: index)
                }
                for worker in 0..<workers { try sort.finish(worker: worker) }
                try sort.prepare()
                var got: [Int64] = []
                try sort.merge(offset: offset, count: count) { batch in
                    #expect(batch.schema == schema)
                    guard case let .int64(n) = batch.columns[2].data else { return }
                    got += n
                }
                let end = count.map { min(expected.count, offset + $0) } ?? expected.count
                let want = Array(expected[min(offset, end)..<end])
                #expect(got == want, "pool \(limit), \(workers) workers, offset \(offset), count \(String(describing: count))")
                if limit < 1 << 20 { #expect(spill.runsCreated > 0) }
                #expect(pool.reserved == 0)
                spill.cleanup()
            }
        }
        #expect(try directory.contents().isEmpty)
    }

    // MARK: - Reference order

    /// A value of `type`, with NULLs, ties and the special values of each type.
    static func randomValue(_ type: DataType, _ g: inout SplitMix64, index: Int) -> Value {
        if g.chance(0.08) { return .null }
        switch type {
        case .bool: return .bool(g.chance(0.5))
        case .int32: return .int32(g.pick([Int32.min, Int32.max, 0, -1, 1, Int32(truncatingIfNeeded: g.next())]))
        case .date: return .date(Int32(truncatingIfNeeded: g.next() % 40_000) - 20_000)
        case .int64: return .int64(g.pick([Int64.min, Int64.max, 0, -1, 1, Int64(bitPattern: g.next()),
                                           Int64(g.next() % 100)]))
        case .timestamp: return .timestamp(Int64(bitPattern: g.next()) >> 8)
        case .time: return .time(g.pick([0, 1, 86_400_000_000, Int64(g.next() % 86_400_000_000)]))
        case .blob: return .blob(g.pick([[], [0], [0, 0], [0xFF], [0x7F, 0x80], [UInt8(truncatingIfNeeded: g.next())]]))
        case .timestampNanos: return .timestampNanos(g.pick([Int64.min, Int64.max, 0, -1, Int64(bitPattern: g.next())]))
        case .float: return .float(g.pick([-0.0, 0.0, .infinity, -.infinity, .nan, Float(Int64(g.next() % 200) - 100) / 8]))
        case .double: return .double(g.pick([-0.0, 0.0, .infinity, -.infinity, .nan, -.nan,
                                             Double(Int64(bitPattern: g.next())) / 1e10, Double(g.next() % 9) - 4]))
        case .string:
            let stems = ["", "a", "a\u{0}", "a\u{0}b", "ab", "abc", "abcdefghijklmnopq", "abcdefghijklmnopqr", "ü",
                         "\u{0}", "\u{0}\u{0}", "zz"]
            let stem = g.pick(stems)
            return .string(g.chance(0.4) ? stem + String(g.next() % 5) : stem)
        case let .decimal(precision, scale):
            let bound = DecimalMath.power(Int(precision)) - 1
            let wide = Int128(Int64(bitPattern: g.next())) * Int128(Int64(bitPattern: g.next())) % bound
            return .decimal(g.pick([bound, -bound, 0, -1, 1, wide % 100, wide]), precision: precision, scale: scale)
        }
    }

    /// DuckDB's order of two values: -1, 0 or 1.
    static func order(_ x: Value, _ y: Value, ascending: Bool, nullsFirst: Bool) -> Int {
        if x == .null || y == .null {
            if x == .null && y == .null { return 0 }
            return (x == .null) == nullsFirst ? -1 : 1
        }
        let raw = compareValues(x, y)
        return ascending ? raw : -raw
    }

    private static func compareValues(_ x: Value, _ y: Value) -> Int {
        func sign<T: Comparable>(_ a: T, _ b: T) -> Int { a < b ? -1 : (a > b ? 1 : 0) }
        func real(_ a: Double, _ b: Double) -> Int {
            if a.isNaN || b.isNaN { return sign(a.isNaN ? 1 : 0, b.isNaN ? 1 : 0) }
            return sign(a, b)
        }
        switch (x, y) {
        case let (.bool(a), .bool(b)): return sign(a ? 1 : 0, b ? 1 : 0)
        case let (.int32(a), .int32(b)), let (.date(a), .date(b)): return sign(a, b)
        case let (.int64(a), .int64(b)), let (.timestamp(a), .timestamp(b)): return sign(a, b)
        case let (.float(a), .float(b)): return real(Double(a), Double(b))
        case let (.double(a), .double(b)): return real(a, b)
        case let (.decimal(a, _, _), .decimal(b, _, _)): return sign(a.value, b.value)
        case let (.string(a), .string(b)):
            let u = Array(a.utf8), v = Array(b.utf8)
            return u == v ? 0 : (u.lexicographicallyPrecedes(v) ? -1 : 1)
        default: return 0
        }
    }
}
