import Foundation
import Strata
import StrataExecution
import Testing

/// What happens when a query's memory cannot be found: clear errors naming the operator and the limit, and no
/// spill file left behind.
@Suite struct QueryMemoryTests {
    /// ORDER BY without LIMIT sorts more rows than the pool holds: it spills sorted runs and merges them, giving
    /// the same rows in the same order as with a large pool, and removes its spill files.
    @Test func anOrderByLargerThanThePoolSpillsAndMerges() throws {
        let fixture = try #require(GroupByFixtures.cases.first { $0.name == "g1_q10" })
        let db = try GroupByFixtures.database(for: fixture.dataset)
        let query = db.table("x").groupBy("id1", "id2", "id3", "id4", "id5", "id6")
            .aggregate(.sum(col("v3"), as: "v3")).orderBy(SortKey(col("v3")), SortKey(col("id6")))
        let expected = try query.collect(options: ExecutionOptions(threads: 1))
        for threads in [1, 2, 4] {
            let spillDirectory = try TempDirectory("strata-spill")
            var options = ExecutionOptions(threads: threads, spillDirectory: spillDirectory.path)
            options.poolLimitOverride = 64 << 10
            let result = try query.collect(options: options)
            #expect(result.rows == expected.rows, "\(threads) threads")
            #expect(result.statistics.spilledBytes > 0)
            let left = GroupByFixtures.entries(of: spillDirectory)
            #expect(left.isEmpty, "spill files left: \(left)")
        }
    }

    /// A cap on spill bytes that the query needs to exceed fails it with an error naming the cap; the spill
    /// directory is cleaned up.
    @Test func theSpillCapIsEnforced() throws {
        let fixture = try #require(GroupByFixtures.cases.first { $0.name == "g1_q10" })
        let db = try GroupByFixtures.database(for: fixture.dataset)
        let spillDirectory = try TempDirectory("strata-spill")
        var options = ExecutionOptions(threads: 2, spillDirectory: spillDirectory.path, maxSpillBytes: 16 << 10)
        options.poolLimitOverride = 64 << 10
        do {
            _ = try fixture.query(db).collect(options: options)
            Issue.record("the query spilled past a 16 KiB cap")
        } catch let error as StrataError {
            #expect(error.code == .outOfMemory)
            #expect(error.message.contains("spill limit"), "\(error)")
        }
        let left = GroupByFixtures.entries(of: spillDirectory)
        #expect(left.isEmpty, "spill files left: \(left)")
    }

    /// The same aggregation gives the same answer at every budget and thread count, and reports spilling only
    /// where the budget forces it.
    @Test func answersDoNotDependOnTheBudget() throws {
        let fixture = try #require(GroupByFixtures.cases.first { $0.name == "g1_q6" })
        let db = try GroupByFixtures.database(for: fixture.dataset)
        var spilled: [Int: Int64] = [:]
        for pool in [256 << 10, 64 << 20] {
            for threads in [1, 2, 4] {
                var options = ExecutionOptions(threads: threads)
                options.poolLimitOverride = pool
                let result = try fixture.query(db).collect(options: options)
                try fixture.check(result, context: "g1_q6 pool \(pool) threads \(threads)")
                spilled[pool, default: 0] += result.statistics.spilledBytes
            }
        }
        #expect((spilled[256 << 10] ?? 0) > 0)
        #expect(spilled[64 << 20] == 0)
    }

    /// A cancelled query throws `.cancelled` and leaves no spill file.
    @Test func cancellationStopsTheQuery() throws {
        let fixture = try #require(GroupByFixtures.cases.first { $0.name == "g1_q10" })
        let db = try GroupByFixtures.database(for: fixture.dataset)
        let spillDirectory = try TempDirectory("strata-spill")
        let cancellation = QueryCancellation()
        var options = ExecutionOptions(threads: 2, spillDirectory: spillDirectory.path, cancellation: cancellation)
        options.poolLimitOverride = 64 << 10
        cancellation.cancel()
        do {
            _ = try fixture.query(db).collect(options: options)
            Issue.record("a cancelled query ran")
        } catch let error as StrataError {
            #expect(error.code == .cancelled)
        }
        let left = GroupByFixtures.entries(of: spillDirectory)
        #expect(left.isEmpty, "spill files left: \(left)")
    }

    /// explain() shows the operators and the task graph's stages; dot() is a Graphviz digraph.
    @Test func explainAndDot() throws {
        let fixture = try #require(GroupByFixtures.cases.first { $0.name == "g1_q1" })
        let db = try GroupByFixtures.database(for: fixture.dataset)
        let query = db.table("x").filter(col("v1") > 2).groupBy("id1").aggregate(.sum(col("v1"), as: "v1"))
            .orderBy(SortKey(col("v1"), ascending: false)).limit(3)
        let text = try query.explain(options: ExecutionOptions(threads: 2))
        for part in ["Sort v1 DESC limit 3", "HashAggregate keys [id1]", "Filter (v1 > 2)", "Scan x",
                     "P1: Scan → Filter → HashAggregate", "P2: HashAggregate → Sort", "P3: Sort → Result",
                     "P1 source", "P1 combine", "P2 source (HashAggregate → Sort: 64 hash partitions)",
                     "P3 source"] {
            #expect(text.contains(part), "explain lacks \(part):\n\(text)")
        }
        let dot = try query.dot(options: ExecutionOptions(threads: 2))
        #expect(dot.hasPrefix("digraph"))
        #expect(dot.contains("P2 source"))
        let result = try query.collect(options: ExecutionOptions(threads: 2))
        #expect(result.rowCount == 3)
    }
}
