import Foundation
import Strata
import StrataExecution
import Testing

/// A running statement's progress and the profile of its run, through the Swift API, on a query that spills.
@Suite struct QueryProfileTests {
    /// The g1 group-by data opened with a 128 KiB operator pool (so the aggregation spills) and a spill folder of
    /// its own.
    static func spillingDatabase(threads: Int = 2) throws -> (Database, TempDirectory) {
        let fixture = try #require(GroupByFixtures.cases.first { $0.name == "g1_q10" })
        let shared = try GroupByFixtures.database(for: fixture.dataset)
        let spill = try TempDirectory("strata-spill")
        var configuration = Configuration(threads: threads, spillDirectory: spill.path)
        configuration.poolLimitOverride = 128 << 10
        return (try Database(path: shared.path, configuration: configuration), spill)
    }

    static let query = "SELECT id1, id2, id3, id4, id5, id6, sum(v3) AS v3, count(*) AS n FROM x "
        + "GROUP BY id1, id2, id3, id4, id5, id6 ORDER BY v3 DESC, id6 LIMIT 5"

    @Test func progressGrowsToTheWholeInputAndEndsFinished() async throws {
        let (db, spill) = try Self.spillingDatabase()
        guard case let .int64(rows)? = try db.fetchOne("SELECT count(*) AS n FROM x")?["n"] else {
            Issue.record("no count")
            return
        }
        let cursor = try db.query(Self.query)
        let before = try #require(cursor.progress)
        #expect(before.rowGroupsRead == 0 && before.bytesRead == 0 && before.elapsedSeconds == 0 && !before.finished)
        #expect(before.rowGroupsTotal > 0 && before.bytesTotal > 0, "the scans' totals are known before the run")
        let updates = Task { () -> [QueryProgress] in
            var seen: [QueryProgress] = []
            for await progress in cursor.progressUpdates(every: .milliseconds(5)) { seen.append(progress) }
            return seen
        }
        var resultRows = 0
        while let batch = try cursor.next() { resultRows += batch.count }
        #expect(resultRows == 5)
        let after = try #require(cursor.progress)
        #expect(after.finished)
        #expect(after.rowGroupsRead == after.rowGroupsTotal && after.bytesRead == after.bytesTotal, "\(after)")
        #expect(after.rowsRead == Int(rows))
        #expect(after.tasksTotal > 0 && after.tasksFinished == after.tasksTotal, "\(after)")
        #expect(after.spilledBytes > 0 && after.spillReadBytes > 0, "the 128 KiB pool spills: \(after)")
        #expect(after.memoryLimit == db.configuration.memoryLimit ?? ExecutionOptions.defaultMemoryLimit)
        #expect(after.fractionRead == 1 && after.fractionDone == 1 && after.estimatedSecondsLeft == nil)
        let seen = await updates.value
        #expect(seen.last?.finished == true, "the stream ends with the finished snapshot")
        for (earlier, later) in zip(seen, seen.dropFirst()) {
            #expect(later.bytesRead >= earlier.bytesRead && later.rowsRead >= earlier.rowsRead
                    && later.spilledBytes >= earlier.spilledBytes && later.elapsedSeconds >= earlier.elapsedSeconds)
        }
        #expect(cursor.profile == nil, "no profile unless asked for")
        #expect(GroupByFixtures.entries(of: spill).isEmpty)
    }

    @Test(arguments: [1, 4])
    func theProfileDescribesTheRun(threads: Int) throws {
        let (db, spill) = try Self.spillingDatabase(threads: threads)
        let cursor = try db.prepare(Self.query).execute(profile: true)
        #expect(cursor.profile == nil, "no profile before the run ends")
        let batches = try cursor.collect()
        #expect(batches.map(\.count).reduce(0, +) == 5)
        let statistics = try #require(cursor.statistics)
        let profile = try #require(cursor.profile)
        #expect(profile.query == Self.query)
        #expect(profile.rows == 5 && profile.seconds == statistics.seconds)
        #expect(profile.options.threads == threads && profile.options.memoryLimit == statistics.memoryLimit)
        #expect(profile.machine.cores >= 1 && profile.machine.memoryBytes > 0 && !profile.machine.system.isEmpty)
        // Totals match EXPLAIN ANALYZE's figures.
        #expect(profile.totals.spilledBytes == Int(statistics.spilledBytes) && profile.totals.spilledBytes > 0)
        #expect(profile.totals.spillRuns == statistics.spillRuns && profile.totals.spillReadBytes > 0)
        #expect(profile.totals.repartitionLevel == statistics.repartitionLevel)
        #expect(profile.totals.tasks == statistics.tasks && profile.totals.peakResidentBytes > 0)
        // The operator tree, with parents one level up, and the pipelines over it.
        #expect(profile.operators.map(\.name) == statistics.operators.map(\.name))
        for op in profile.operators {
            if let parent = op.parent {
                #expect(profile.operators[parent].depth == op.depth - 1)
            } else {
                #expect(op.depth == 0)
            }
            #expect(!op.pipelines.isEmpty, "\(op.name) is in no pipeline")
        }
        #expect(profile.pipelines.map(\.number) == Array(1...profile.pipelines.count))
        // The task stream: every task run, within the run, on a worker of the run.
        #expect(profile.tasks.count == statistics.tasks && profile.droppedTasks == 0)
        for task in profile.tasks {
            #expect(task.worker >= 0 && task.worker < threads)
            #expect(profile.stages.indices.contains(task.stage))
            #expect(task.start >= 0 && task.start <= task.end && task.end <= profile.seconds + 0.05, "\(task)")
        }
        #expect(profile.stages.map(\.tasks).reduce(0, +) == profile.tasks.count)
        #expect(profile.stages.allSatisfy { $0.pipeline >= 1 && $0.pipeline <= profile.pipelines.count })
        // Samples: in time order, one reservation figure per operator, spill growing to the total.
        #expect(!profile.samples.isEmpty)
        for (earlier, later) in zip(profile.samples, profile.samples.dropFirst()) {
            #expect(later.time >= earlier.time && later.spilledBytes >= earlier.spilledBytes)
        }
        #expect(profile.samples.allSatisfy { $0.operatorReservedBytes.count == profile.operators.count })
        #expect(profile.samples.last?.spilledBytes == profile.totals.spilledBytes)
        // JSON round-trips; the HTML draws one bar per task and one box per operator.
        let decoded = try JSONDecoder().decode(QueryProfile.self, from: try profile.json())
        #expect(decoded.tasks.count == profile.tasks.count && decoded.operators.count == profile.operators.count)
        let html = profile.html()
        #expect(html.components(separatedBy: "<rect class=\"task\"").count - 1 == profile.tasks.count)
        #expect(html.components(separatedBy: "<g class=\"op\"").count - 1 == profile.operators.count)
        for part in ["summary", "task-stream", "memory", "spill", "plan"] {
            #expect(html.contains("<section id=\"\(part)\">"), "\(part) missing")
        }
        #expect(!html.contains("<script"), "self-contained: no script")
        #expect(html.replacingOccurrences(of: "http://www.w3.org/2000/svg", with: "").range(of: "http") == nil,
                "self-contained: no address but the SVG namespace")
        #expect(GroupByFixtures.entries(of: spill).isEmpty)
    }

    @Test func explainAnalyzeWritesTheReportAsJSONOrHTML() throws {
        let (db, spill) = try Self.spillingDatabase()
        defer { _ = spill }
        let json = try #require(try db.fetchOne("EXPLAIN (ANALYZE, FORMAT json) " + Self.query)?["explain"])
        guard case let .string(text) = json else {
            Issue.record("not a string: \(json)")
            return
        }
        let profile = try JSONDecoder().decode(QueryProfile.self, from: Data(text.utf8))
        #expect(profile.query == "EXPLAIN (ANALYZE, FORMAT json) " + Self.query)
        #expect(profile.rows == 5 && profile.totals.spilledBytes > 0)
        let html = try db.fetchAll("EXPLAIN ANALYZE (FORMAT html) " + Self.query)
        #expect(html.count == 1)
        guard case let .string(page)? = html.first?["explain"] else {
            Issue.record("no page")
            return
        }
        #expect(page.hasPrefix("<!DOCTYPE html>") && page.contains("<section id=\"task-stream\">"))
    }
}
