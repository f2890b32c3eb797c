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
        // Version 1 is created together with the first import's rows; every version is one more complete import.
        #expect(info.rowCount == RepoPaths.tripsRows * Int64(info.version),
                "\(context): version \(info.version) holds \(info.rowCount) rows")
        var cursor = try db.scan("trips")
        var scanned: Int64 = 0
        while let batch = try cursor.next() { scanned += Int64(batch.count) }
        #expect(scanned == info.rowCount, "\(context): scan returned \(scanned) rows, info says \(info.rowCount)")
        return (info.version, info.rowCount)
    }

    @Test func killDuringImport() throws {
        let bundle = CommandLine.arguments.first ?? "?"
        let strata = try #require(RepoPaths.strataExecutable(),
                                  "strata executable not found next to the test bundle (\(bundle)); run swift build --build-tests first")
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
        let versions = try FileManager.default.contentsOfDirectory(atPath: table + "/_strata/versions")
        #expect(versions.allSatisfy { $0.hasSuffix(".json") && !$0.hasPrefix(".") }, "\(versions.sorted())")
        let storeEntries = try FileManager.default.contentsOfDirectory(atPath: store)
        #expect(Set(storeEntries) == ["strata-store.json", "tables"], "\(storeEntries)")
    }

    /// The partition files listed by a version's manifest (`_strata/versions/<20 digits>.json`).
    static func referencedFiles(table: String, version: Int) throws -> Set<String> {
        let digits = String(version)
        let name = String(repeating: "0", count: 20 - digits.count) + digits + ".json"
        let data = try Data(contentsOf: URL(fileURLWithPath: table + "/_strata/versions/" + name))
        let json = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        let partitions = json?["partitions"] as? [[String: Any]] ?? []
        return Set(partitions.compactMap { $0["file"] as? String })
    }
}
