import Foundation
import Strata
import Testing
import StrataTestSupport

/// `kill -9` during `strata import` never leaves a store that cannot be opened, a version with partial data, or
/// (after the next import) files that no version references.
@Suite(.serialized) struct CrashSafetyTests {
    /// What a reader sees in the store, checked for consistency; nil when the store or table does not exist yet.
    static func observe(_ store: String, _ context: String) throws -> (version: Int, rows: Int64)? {
        guard FileManager.default.fileExists(atPath: store) else { return nil }
        let db = try Database(path: store)
        guard try db.tableExists("trips") else { return nil }
        let info = try db.info("trips")
        #expect(info.rowCount % RepoPaths.tripsRows == 0, "\(context): \(info.rowCount) rows")
        // Version 0 is created together with the first import's rows; every version is one more complete import.
        #expect(info.rowCount == RepoPaths.tripsRows * Int64(info.version + 1),
                "\(context): version \(info.version) holds \(info.rowCount) rows")
        var cursor = try db.scan("trips")
        var scanned: Int64 = 0
        while let batch = try cursor.next() { scanned += Int64(batch.count) }
        #expect(scanned == info.rowCount, "\(context): scan returned \(scanned) rows, info says \(info.rowCount)")
        return (info.version, info.rowCount)
    }

    /// The `strata` executable and a fresh store holding the sample trips as table `trips`.
    static func tripsStore() throws -> (strata: String, dir: TempDirectory, store: String, db: Database) {
        let dir = try TempDirectory("strata-crash")
        let store = dir.path("store")
        let db = try Database(path: store, createIfMissing: true)
        try db.importParquet(from: RepoPaths.trips, into: "trips")
        return (try StrataCLI.executable(), dir, store, db)
    }

    @Test func killDuringImport() throws {
        let strata = try StrataCLI.executable()
        let dir = try TempDirectory("strata-crash")
        let store = dir.path("store")
        var random = SplitMix64(seed: 20_260_101)
        var rows: Int64 = 0

        for iteration in 0..<20 {
            let delay = Int(random.next() % 301)  // milliseconds
            let process = Process()
            process.executableURL = URL(fileURLWithPath: strata)
            process.arguments = ["import", RepoPaths.trips, "--store", store, "--table", "trips", "--append"]
            let errors = Pipe()
            process.standardOutput = FileHandle.nullDevice
            process.standardError = errors
            try process.run()
            usleep(useconds_t(delay * 1000))
            var exitedOnItsOwn = !process.isRunning
            if !exitedOnItsOwn {
                kill(process.processIdentifier, SIGKILL)
            }
            process.waitUntilExit()
            let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            if process.terminationReason == .exit {
                exitedOnItsOwn = true
                #expect(process.terminationStatus == 0, "iteration \(iteration): strata import failed: \(stderr)")
            }

            let context = "iteration \(iteration) (\(exitedOnItsOwn ? "ran to completion" : "killed after \(delay) ms"))"
            let seen: (version: Int, rows: Int64)?
            do {
                seen = try Self.observe(store, context)
            } catch {
                Issue.record("\(context): store unreadable after kill -9: \(error)")
                return
            }
            let now = seen?.rows ?? 0
            if exitedOnItsOwn {
                #expect(now == rows + RepoPaths.tripsRows, "\(context): \(now) rows after a completed import of \(rows)")
            } else {
                #expect(now == rows || now == rows + RepoPaths.tripsRows, "\(context): \(rows) -> \(now) rows")
            }
            rows = now
        }

        // One more import, run to completion, cleans up whatever the killed ones left.
        let final = Process()
        final.executableURL = URL(fileURLWithPath: strata)
        final.arguments = ["import", RepoPaths.trips, "--store", store, "--table", "trips", "--append"]
        final.standardOutput = FileHandle.nullDevice
        try final.run()
        final.waitUntilExit()
        #expect(final.terminationReason == .exit && final.terminationStatus == 0)
        let after = try #require(try Self.observe(store, "final import"))
        #expect(after.rows == rows + RepoPaths.tripsRows)

        let table = store + "/tables/trips"
        let referenced = try Self.referencedFiles(table: table, version: after.version)
        let present = Set((try FileManager.default.contentsOfDirectory(atPath: table)).filter { $0.hasPrefix("part-") })
        #expect(present == referenced, "unreferenced: \(present.subtracting(referenced)), missing: \(referenced.subtracting(present))")
        let staging = (try? FileManager.default.contentsOfDirectory(atPath: table + "/_strata/staging")) ?? []
        #expect(staging.isEmpty, "staging not empty: \(staging)")
        let log = try FileManager.default.contentsOfDirectory(atPath: table + "/_delta_log")
        #expect(log.allSatisfy { $0.hasSuffix(".json") && !$0.hasPrefix("_") }, "\(log.sorted())")
        let storeEntries = try FileManager.default.contentsOfDirectory(atPath: store)
        #expect(Set(storeEntries) == ["strata-store.json", "tables"], "\(storeEntries)")
    }

    /// `kill -9` at random moments during table statements (UPDATE, DELETE, INSERT):
    /// afterwards the table is at its previous version or the statement's, with exactly that version's rows.
    @Test func killDuringTableStatements() throws {
        let (strata, dir, store, db) = try Self.tripsStore()
        defer { withExtendedLifetime(dir) {} }  // the folder goes when `dir` does
        var random = SplitMix64(seed: 20_261_207)
        let statements = ["UPDATE trips SET passengers = passengers + 1", "DELETE FROM trips WHERE trip_id % 10 = 0",
                          "INSERT INTO trips SELECT * FROM trips WHERE trip_id < 100"]
        func state() throws -> (version: Int, rows: Int64, sum: Int64) {
            let row = try db.fetchAll("SELECT count(*), coalesce(sum(passengers), 0) FROM trips")[0]
            guard case let .int64(rows) = row[0] else { throw StrataError(.internal, "no count") }
            let sum: Int64 = switch row[1] {
            case let .int64(v): v
            case let .decimal(units, _, _): Int64(units.value)
            default: -1
            }
            return (try db.info("trips").version, rows, sum)
        }
        for iteration in 0..<12 {
            let sql = statements[iteration % statements.count]
            let before = try state()
            // What the statement leaves if it commits, computed by queries before it runs.
            let expected: (rows: Int64, sum: Int64)
            switch iteration % statements.count {
            case 0:
                let nonNull = try db.fetchAll("SELECT count(passengers) FROM trips")[0]
                guard case let .int64(count) = nonNull[0] else { throw StrataError(.internal, "?") }
                expected = (before.rows, before.sum + count)  // NULL + 1 stays NULL
            case 1:
                let kept = try db.fetchAll("SELECT count(*), coalesce(sum(passengers), 0) FROM trips WHERE NOT (trip_id % 10 = 0)")[0]
                guard case let .int64(rows) = kept[0], case let .int64(sum) = kept[1] else { throw StrataError(.internal, "?") }
                expected = (rows, sum)
            default:
                let added = try db.fetchAll("SELECT count(*), coalesce(sum(passengers), 0) FROM trips WHERE trip_id < 100")[0]
                guard case let .int64(rows) = added[0], case let .int64(sum) = added[1] else { throw StrataError(.internal, "?") }
                expected = (before.rows + rows, before.sum + sum)
            }
            let delay = Int(random.next() % 400)  // milliseconds
            try Self.runKilled(strata, ["sql", store, sql], afterMilliseconds: delay)
            let after = try state()
            let context = "iteration \(iteration), \(sql), killed after \(delay) ms"
            if after.version == before.version {
                #expect(after.rows == before.rows && after.sum == before.sum, "\(context): changed without a commit")
            } else {
                #expect(after.version == before.version + 1, "\(context): \(before.version) -> \(after.version)")
                #expect(after.rows == expected.rows && after.sum == expected.sum,
                        "\(context): \(after.rows) rows, sum \(after.sum); expected \(expected)")
            }
        }
        // A finished statement cleans up what the killed ones left; only the live and older versions' files stay.
        _ = try db.fetchAll("UPDATE trips SET passengers = passengers WHERE trip_id = 1")
        let table = store + "/tables/trips"
        let version = try db.info("trips").version
        var everAdded = Set<String>()
        for v in 0...version { everAdded.formUnion(try Self.referencedFiles(table: table, version: v)) }
        let present = Set((try FileManager.default.contentsOfDirectory(atPath: table)).filter { $0.hasPrefix("part-") })
        #expect(present.isSubset(of: everAdded), "unreferenced: \(present.subtracting(everAdded))")
        let staging = (try? FileManager.default.contentsOfDirectory(atPath: table + "/_strata/staging")) ?? []
        #expect(staging.isEmpty, "staging not empty: \(staging)")
    }

    /// `kill -9` at random moments during CREATE TABLE … AS, COPY … FROM and DROP TABLE: a created table is there
    /// whole or not at all, a copy adds all its rows or none, a dropped table is there whole or gone.
    @Test func killDuringCreateCopyAndDrop() throws {
        let (strata, dir, store, db) = try Self.tripsStore()
        defer { withExtendedLifetime(dir) {} }  // the folder goes when `dir` does
        var random = SplitMix64(seed: 20_261_208)
        func count(_ table: String) throws -> Int64? {
            guard try db.tableExists(table) else { return nil }
            guard case let .int64(n) = try db.fetchAll("SELECT count(*) FROM \(table)")[0][0] else { return -1 }
            return n
        }
        for iteration in 0..<12 {
            let tripsBefore = try count("trips") ?? 0
            let copyBefore = try count("copy")
            let sql: String
            switch iteration % 3 {
            case 0: sql = "CREATE OR REPLACE TABLE copy AS SELECT * FROM trips"
            case 1: sql = "COPY trips FROM '\(RepoPaths.trips)'"
            default: sql = "DROP TABLE IF EXISTS copy"
            }
            let delay = Int(random.next() % 300)  // milliseconds
            try Self.runKilled(strata, ["sql", store, sql], afterMilliseconds: delay)
            let context = "iteration \(iteration), \(sql), killed after \(delay) ms"
            let tripsAfter = try count("trips")
            let copyAfter = try count("copy")
            switch iteration % 3 {
            case 0:
                #expect(copyAfter == copyBefore || copyAfter == tripsBefore, "\(context): copy has \(String(describing: copyAfter))")
            case 1:
                #expect(tripsAfter == tripsBefore || tripsAfter == tripsBefore + RepoPaths.tripsRows, "\(context)")
            default:
                #expect(copyAfter == copyBefore || copyAfter == nil, "\(context)")
            }
        }
        let entries = try FileManager.default.contentsOfDirectory(atPath: store + "/tables")
        #expect(entries.allSatisfy { $0 == "trips" || $0 == "copy" || $0.hasPrefix(".dropped-") }, "\(entries)")
    }

    /// Runs `strata arguments…` and kills it with SIGKILL after `delay` ms unless it has ended by then.
    static func runKilled(_ strata: String, _ arguments: [String], afterMilliseconds delay: Int) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: strata)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        usleep(useconds_t(delay * 1000))
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    /// The live partition files of a version: the Delta log's `add`s minus its `remove`s, commits 0 through
    /// `version` (`_delta_log/<20 digits>.json`, one JSON action per line).
    static func referencedFiles(table: String, version: Int) throws -> Set<String> {
        var live = Set<String>()
        for current in 0...version {
            let digits = String(current)
            let name = String(repeating: "0", count: 20 - digits.count) + digits + ".json"
            let text = try String(contentsOfFile: table + "/_delta_log/" + name, encoding: .utf8)
            for line in text.split(separator: "\n") {
                let action = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
                if let add = action?["add"] as? [String: Any], let path = add["path"] as? String { live.insert(path) }
                if let remove = action?["remove"] as? [String: Any], let path = remove["path"] as? String {
                    live.remove(path)
                }
            }
        }
        return live
    }
}
