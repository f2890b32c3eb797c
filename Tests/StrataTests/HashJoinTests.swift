import Foundation
import Strata
import StrataExecution
import Testing

/// The hash join through the Swift API, checked against a nested-loop join computed here from the same rows (an
/// independent oracle): every join kind, NULL and duplicate keys, string and multi-column keys, residual
/// conditions and cross products, each at operator pools that force spilling of nearly everything and at 1, 2 and
/// 4 threads, with the spill directory empty afterwards.
@Suite struct HashJoinTests {
    /// One row of either table: an integer key (NULL every 17th row), a string key, a value.
    struct Row: Sendable {
        var k: Int64?
        var s: String?
        var v: Int64
    }

    /// `count` rows whose keys repeat over `keys` values (so most keys have duplicates on both sides).
    static func rows(_ count: Int, keys: Int, seed: UInt64) -> [Row] {
        var state = seed
        func next() -> UInt64 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return state >> 33
        }
        return (0..<count).map { i in
            let k = Int64(next() % UInt64(keys))
            let s = next() % 13 == 0 ? nil : "s\(next() % 7)"
            return Row(k: i % 17 == 5 ? nil : k, s: s, v: Int64(next() % 1000))
        }
    }

    /// A store with tables `l` (k, s, v) and `r` (k2, s2, w).
    static func database(_ directory: TempDirectory, left: [Row], right: [Row]) throws -> Database {
        let db = try Database(path: directory.path("store"), createIfMissing: true)
        for (name, rows, names) in [("l", left, ["k", "s", "v"]), ("r", right, ["k2", "s2", "w"])] {
            let schema = try Schema([Field(names[0], .int64), Field(names[1], .string), Field(names[2], .int64)])
            try db.createTable(name, schema: schema)
            var batches: [Batch] = []
            var start = 0
            while start < rows.count {
                let part = rows[start..<min(rows.count, start + 700)]
                batches.append(try Batch(schema: schema, columns: [
                    try Column(type: .int64, values: part.map { $0.k.map(Value.int64) ?? .null }),
                    try Column(type: .string, values: part.map { $0.s.map(Value.string) ?? .null }),
                    try Column(type: .int64, values: part.map { .int64($0.v) }),
                ]))
                start += 700
            }
            try db.append(to: name, batches: batches)
        }
        return db
    }

    /// A join to check: how the API builds it and how the oracle computes it.
    struct Case: Sendable {
        let name: String
        let kind: JoinKind
        let condition: Expr?
        /// Whether left row `l` and right row `r` pair (SQL's `=`: NULL matches nothing).
        let matches: @Sendable (Row, Row) -> Bool
        /// Left rows kept before joining (v below this), to keep cross products small.
        var leftBelow: Int64?
    }

    static let cases: [Case] = {
        @Sendable func equal(_ a: Int64?, _ b: Int64?) -> Bool { a != nil && a == b }
        let byKey: @Sendable (Row, Row) -> Bool = { equal($0.k, $1.k) }
        let keyCondition = Expr.binary(.equal, .column("k"), .column("k2"))
        let both = Expr.binary(.and, keyCondition, .binary(.equal, .column("s"), .column("s2")))
        let residual = Expr.binary(.and, keyCondition, .binary(.less, .column("v"), .column("w")))
        return [
            Case(name: "inner", kind: .inner, condition: keyCondition, matches: byKey),
            Case(name: "left", kind: .left, condition: keyCondition, matches: byKey),
            Case(name: "right", kind: .right, condition: keyCondition, matches: byKey),
            Case(name: "full", kind: .full, condition: keyCondition, matches: byKey),
            Case(name: "semi", kind: .semi, condition: keyCondition, matches: byKey),
            Case(name: "anti", kind: .anti, condition: keyCondition, matches: byKey),
            Case(name: "mark", kind: .mark(column: "m", nullAware: true), condition: keyCondition, matches: byKey),
            Case(name: "two keys", kind: .full, condition: both,
                 matches: { equal($0.k, $1.k) && $0.s != nil && $0.s == $1.s }),
            Case(name: "residual", kind: .left, condition: residual, matches: { equal($0.k, $1.k) && $0.v < $1.v }),
            Case(name: "residual anti", kind: .anti, condition: residual,
                 matches: { equal($0.k, $1.k) && $0.v < $1.v }),
            Case(name: "theta", kind: .inner,
                 condition: .binary(.greater, .column("v"), .binary(.multiply, .column("w"), .literal(.int64(9)))),
                 matches: { $0.v > $1.v * 9 }, leftBelow: 150),
            Case(name: "cross", kind: .inner, condition: nil, matches: { _, _ in true }, leftBelow: 20),
        ]
    }()

    /// The oracle's rows, as sorted text lines.
    static func expected(_ test: Case, left: [Row], right: [Row]) -> [String] {
        func text(_ row: Row?) -> [String] {
            guard let row else { return ["NULL", "NULL", "NULL"] }
            return [row.k.map(String.init) ?? "NULL", row.s ?? "NULL", String(row.v)]
        }
        var lines: [String] = []
        var rightMatched = [Bool](repeating: false, count: right.count)
        let buildHasNull = right.contains { $0.k == nil }
        // Every keyed case requires equal k: only those right rows can match (the rest would only cost time).
        var byKey: [Int64: [Int]] = [:]
        for (j, r) in right.enumerated() { if let k = r.k { byKey[k, default: []].append(j) } }
        for l in left where test.leftBelow.map({ l.v < $0 }) ?? true {
            var any = false
            let candidates = test.leftBelow == nil ? (l.k.flatMap { byKey[$0] } ?? []) : Array(right.indices)
            for j in candidates where test.matches(l, right[j]) {
                let r = right[j]
                any = true
                rightMatched[j] = true
                if test.kind.keepsRightColumns { lines.append((text(l) + text(r)).joined(separator: "|")) }
            }
            switch test.kind {
            case .left, .full: if !any { lines.append((text(l) + text(nil)).joined(separator: "|")) }
            case .semi: if any { lines.append(text(l).joined(separator: "|")) }
            case .anti: if !any { lines.append(text(l).joined(separator: "|")) }
            case .mark:
                let mark = any ? "true" : (l.k == nil ? (right.isEmpty ? "false" : "NULL")
                                           : (buildHasNull ? "NULL" : "false"))
                lines.append((text(l) + [mark]).joined(separator: "|"))
            default: break
            }
        }
        if test.kind == .right || test.kind == .full {
            for (j, r) in right.enumerated() where !rightMatched[j] {
                lines.append((text(nil) + text(r)).joined(separator: "|"))
            }
        }
        return lines.sorted()
    }

    /// The engine's rows, as sorted text lines.
    static func actual(_ result: QueryResult) -> [String] {
        result.rows.map { row in
            row.map { value -> String in
                switch value {
                case .null: "NULL"
                case let .int64(v): String(v)
                case let .string(s): s
                case let .bool(b): b ? "true" : "false"
                default: "\(value)"
                }
            }.joined(separator: "|")
        }.sorted()
    }

    @Test(arguments: [1, 2, 4])
    func everyKindMatchesTheOracleAtEveryBudget(threads: Int) throws {
        let directory = try TempDirectory()
        let left = HashJoinTests.rows(2_500, keys: 300, seed: 7)
        let right = HashJoinTests.rows(1_800, keys: 300, seed: 11)
        let db = try HashJoinTests.database(directory, left: left, right: right)
        for test in HashJoinTests.cases {
            let expected = HashJoinTests.expected(test, left: left, right: right)
            for pool in [64 << 10, 1 << 20, nil] {
                let spill = try TempDirectory("strata-spill")
                var options = ExecutionOptions(threads: threads, spillDirectory: spill.path)
                options.poolLimitOverride = pool
                var leftInput = db.table("l")
                if let below = test.leftBelow { leftInput = leftInput.filter(col("v") < lit(.int64(below))) }
                let query = try test.condition.map { try leftInput.join(db.table("r"), on: $0, kind: test.kind) }
                    ?? leftInput.crossJoin(db.table("r"))
                let result = try query.collect(options: options)
                let got = HashJoinTests.actual(result)
                #expect(got.count == expected.count,
                        "\(test.name), pool \(pool ?? 0), \(threads) threads: \(got.count) rows, expected \(expected.count)")
                #expect(got == expected, "\(test.name), pool \(pool ?? 0), \(threads) threads: rows differ")
                if pool == 64 << 10 && test.leftBelow == nil {
                    #expect(result.statistics.spilledBytes > 0, "\(test.name) did not spill at 64 KiB")
                }
                let left = GroupByFixtures.entries(of: spill)
                #expect(left.isEmpty, "\(test.name): spill files left: \(left)")
            }
        }
    }

    /// One key holds most rows of both sides: its partition cannot be split by hash bits, so at small pools its
    /// build rows are joined a chunk at a time with the probe rows replayed; counts and sums match the oracle, and
    /// the peak reservation stays bounded.
    @Test func aSkewedKeyCompletesWithinTheLimit() throws {
        let directory = try TempDirectory()
        var left = HashJoinTests.rows(2_000, keys: 50, seed: 3)
        var right = HashJoinTests.rows(1_500, keys: 50, seed: 5)
        for i in left.indices where i % 5 != 0 { left[i].k = 7 }
        for i in right.indices where i % 5 != 0 { right[i].k = 7 }
        let db = try HashJoinTests.database(directory, left: left, right: right)
        var pairs = 0, leftRows = 0, anti = 0, sumV = 0
        for l in left {
            let n = l.k.map { k in right.filter { $0.k == k }.count } ?? 0
            pairs += n
            leftRows += max(n, 1)
            if n == 0 { anti += 1 }
            sumV += Int(l.v) * n
        }
        for (threads, pool) in [(1, 64 << 10), (2, 256 << 10), (4, 64 << 10)] {
            let spill = try TempDirectory("strata-spill")
            var options = ExecutionOptions(threads: threads, spillDirectory: spill.path)
            options.poolLimitOverride = pool
            let condition = Expr.binary(.equal, .column("k"), .column("k2"))
            let inner = try db.table("l").join(db.table("r"), on: condition)
                .aggregate(.countStar(as: "n"), .sum(col("v"), as: "v"))
            let result = try inner.collect(options: options)
            #expect(result.rows == [[.int64(Int64(pairs)), .int64(Int64(sumV))]], "\(threads) threads, pool \(pool)")
            #expect(result.statistics.spilledBytes > 0)
            #expect(result.statistics.peakReservedBytes < 8 << 20, "\(result.statistics)")
            let outer = try db.table("l").join(db.table("r"), on: condition, kind: .left).aggregate(.countStar(as: "n"))
            #expect(try outer.collect(options: options).rows == [[.int64(Int64(leftRows))]])
            let unmatched = try db.table("l").join(db.table("r"), on: condition, kind: .anti)
                .aggregate(.countStar(as: "n"))
            #expect(try unmatched.collect(options: options).rows == [[.int64(Int64(anti))]])
            let entries = GroupByFixtures.entries(of: spill)
            #expect(entries.isEmpty, "spill files left: \(entries)")
        }
    }
}
