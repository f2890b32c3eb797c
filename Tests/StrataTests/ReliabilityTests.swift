import Foundation
import Strata
import StrataTestSupport
import Testing

/// What a hostile or careless user tried: links planted inside a store, hostile manifests, absurd options, full
/// streams, NaN, link loops under a glob, stray NUL bytes. Each case must give a clean error or the right answer,
/// never touch anything outside the store, never crash.
@Suite struct ReliabilityTests {
    /// A store with table `t` (two rows) in a fresh directory, plus a folder `outside` holding two files.
    static func setUp() throws -> (TempDirectory, store: String, outside: String) {
        let dir = try TempDirectory("strata-reliability")
        let csv = dir.path("t.csv")
        try TestFiles.write("a,b\n1,x\n2,y\n", to: csv)
        let store = dir.path("store")
        CSVImportCLITests.expectSuccess(try StrataCLI.run(["import", csv, "--store", store, "--table", "t",
                                                           "--quiet"]), "import")
        let outside = dir.path("outside")
        try FileManager.default.createDirectory(atPath: outside, withIntermediateDirectories: true)
        for name in ["precious-1", "precious-2"] { try TestFiles.write("keep me", to: outside + "/" + name) }
        return (dir, store, outside)
    }

    static func contents(_ path: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted()
    }

    // MARK: - Nothing outside the store

    @Test func linkedStagingFolderIsRefusedAndOutsideKept() throws {
        let (dir, store, outside) = try Self.setUp()
        let staging = store + "/tables/t/_strata/staging"
        try? FileManager.default.removeItem(atPath: staging)
        try FileManager.default.createSymbolicLink(atPath: staging, withDestinationPath: outside)
        defer { try? FileManager.default.removeItem(atPath: staging) }
        let result = try StrataCLI.run(["import", dir.path("t.csv"), "--store", store, "--table", "t", "--append"])
        let message = CSVImportCLITests.expectOneLineError(result, "append through a linked staging folder")
        #expect(message.contains("symbolic link"), "\(message)")
        #expect(Self.contents(outside) == ["precious-1", "precious-2"])
    }

    @Test func linkedTableFolderIsRefusedAndOutsideKept() throws {
        let (dir, store, outside) = try Self.setUp()
        try FileManager.default.createSymbolicLink(atPath: store + "/tables/u", withDestinationPath: outside)
        defer { try? FileManager.default.removeItem(atPath: store + "/tables/u") }
        let bad = dir.path("bad.csv")
        try TestFiles.write("a,b\n1,x\nonly-one-field\n", to: bad)
        let result = try StrataCLI.run(["import", bad, "--store", store, "--table", "u"])
        let message = CSVImportCLITests.expectOneLineError(result, "import into a linked table folder")
        #expect(message.contains("symbolic link"), "\(message)")
        #expect(Self.contents(outside) == ["precious-1", "precious-2"])
        // Reading through it is refused as well.
        let read = try StrataCLI.run(["sql", store, "SELECT count(*) FROM u"])
        #expect(read.status == 1 && read.stderr.contains("symbolic link"), "\(read)")
    }

    @Test func logPointingOutsideTheTableIsRefused() throws {
        let (dir, store, _) = try Self.setUp()
        let log = store + "/tables/t/_delta_log/"
        let first = try String(contentsOfFile: log + "00000000000000000000.json", encoding: .utf8)
        let add = try #require(first.split(separator: "\n").first { $0.hasPrefix("{\"add\"") })
        for hostile in ["../../../part-0-0-00000000.parquet", "..%2F..%2Fpart-0-0-00000000.parquet", "/etc/passwd"] {
            let line = add.replacingOccurrences(of: "\"path\":\"part-", with: "\"path\":\"\(hostile)#")
            #expect(line.contains(hostile))
            try TestFiles.write(line + "\n", to: log + "00000000000000000001.json")
            let result = try StrataCLI.run(["sql", store, "SELECT count(*) FROM t"])
            let message = CSVImportCLITests.expectOneLineError(result, "hostile log path \(hostile)")
            #expect(message.contains("not directly inside the table folder"), "\(message)")
        }
        _ = dir
    }

    @Test func aGapInTheLogIsAnErrorNotACrash() throws {
        let (dir, store, _) = try Self.setUp()
        let log = store + "/tables/t/_delta_log/"
        let first = try String(contentsOfFile: log + "00000000000000000000.json", encoding: .utf8)
        try TestFiles.write(first, to: log + "0\(Int.max).json")
        let result = try StrataCLI.run(["import", dir.path("t.csv"), "--store", store, "--table", "t", "--append"])
        let message = CSVImportCLITests.expectOneLineError(result, "append after a commit at version Int.max")
        #expect(message.contains("missing commits"), "\(message)")
    }

    // MARK: - Options and streams

    @Test func absurdOptionsAreOneLineErrors() throws {
        let (dir, store, _) = try Self.setUp()
        defer { _ = dir }
        let threads = CSVImportCLITests.expectOneLineError(
            try StrataCLI.run(["sql", store, "SELECT 1", "--threads", "100000"]), "--threads 100000")
        #expect(threads.contains("at most 1024"), "\(threads)")
        let negative = CSVImportCLITests.expectOneLineError(
            try StrataCLI.run(["sql", store, "SELECT 1", "--memory-limit", "-5"]), "--memory-limit -5")
        #expect(negative.contains("invalid size \"-5\""), "\(negative)")
        let importThreads = try StrataCLI.run(["import", "x.csv", "--store", store, "--table", "t", "--threads", "0"])
        #expect(importThreads.status != 0 && importThreads.stderr.contains("at least 1"), "\(importThreads)")
    }

    @Test func sqlTextThatIsNotUTF8IsRejected() throws {
        let (dir, store, _) = try Self.setUp()
        defer { _ = dir }
        let text = Array("SELECT 'caf".utf8) + [0xE9] + Array("' AS x".utf8)
        let result = try StrataCLI.run(["sql", store, "-"], stdin: Data(text))
        let message = CSVImportCLITests.expectOneLineError(result, "invalid UTF-8 on stdin")
        #expect(message.contains("not valid UTF-8 (at byte 11)"), "\(message)")
    }

    @Test func hugeOffsetReturnsNoRows() throws {
        let (dir, store, _) = try Self.setUp()
        defer { _ = dir }
        // The second and third came from the SQL fuzzer: an offset without a count overflowed the sort's end.
        for statement in ["SELECT * FROM t ORDER BY a LIMIT 5 OFFSET \(Int64.max)",
                          "SELECT * FROM t ORDER BY 2 OFFSET 92233720",
                          "SELECT * FROM t ORDER BY a OFFSET \(Int64.max)",
                          "SELECT * FROM t ORDER BY a LIMIT \(Int64.max) OFFSET \(Int64.max)",
                          "SELECT * FROM t LIMIT \(Int64.max) OFFSET \(Int64.max)"] {
            let result = try StrataCLI.run(["sql", store, statement, "--format", "csv"])
            #expect(result.status == 0 && result.stdout == "a,b\n", "\(statement): \(result)")
        }
        let tail = try StrataCLI.run(["sql", store, "SELECT count(*) FROM (SELECT * FROM t ORDER BY a OFFSET 1)",
                                      "--format", "csv"])
        #expect(tail.status == 0 && tail.stdout.hasSuffix("\n1\n"), "\(tail)")
    }

    @Test func fullStreamsAreErrorsNotCrashes() throws {
        guard FileManager.default.fileExists(atPath: "/dev/full") else { return }
        let (dir, store, _) = try Self.setUp()
        defer { _ = dir }
        let executable = try StrataCLI.executable()
        for (arguments, redirect) in [(["sql", store, "SELECT nosuch"], "2>/dev/full"),
                                      (["sql", store, "SELECT 1"], ">/dev/full")] {
            let command = ([executable] + arguments).map { "'\($0)'" }.joined(separator: " ") + " " + redirect
            let result = try StrataCLI.run(executable: "/bin/sh", ["-c", command])
            #expect(result.status == 1, "\(redirect): \(result)")
        }
    }

    @Test func failedOutputLeavesThePreviousFile() throws {
        let (dir, store, _) = try Self.setUp()
        let output = dir.path("out.csv")
        try TestFiles.write("previous\n", to: output)
        let result = try StrataCLI.run(["sql", store, "SELECT a // (a - 2) FROM t", "--format", "csv",
                                        "--output", output])
        #expect(result.status == 1, "\(result)")
        #expect(try String(contentsOfFile: output, encoding: .utf8) == "previous\n")
        #expect(Self.contents(dir.path).filter { $0.contains(".tmp-") }.isEmpty, "\(Self.contents(dir.path))")
        let ok = try StrataCLI.run(["sql", store, "SELECT a FROM t ORDER BY a", "--format", "csv", "--output", output])
        #expect(ok.status == 0, "\(ok)")
        #expect(try String(contentsOfFile: output, encoding: .utf8) == "a\n1\n2\n")
    }

    // MARK: - Answers

    /// NaN sorts above every number, as in DuckDB: row-group pruning must not drop it, min/max must place it.
    @Test func nanIsTheLargestValue() throws {
        let dir = try TempDirectory("strata-nan")
        let db = try Database(path: dir.path("store"), createIfMissing: true)
        let schema = try Schema([Field("k", .double)])
        for (i, order) in [[1.0, 5, .nan, 3], [.nan, 1, 5, 3]].enumerated() {
            let table = "n\(i)"
            try db.createTable(table, schema: schema)
            let column = try Column(type: .double, data: .double(order))
            try db.append(to: table, batches: [try Batch(schema: schema, columns: [column])])
            let rows = try db.query("SELECT count(*) FILTER (WHERE k > 6), count(*) FILTER (WHERE k >= 6), "
                + "count(*) FILTER (WHERE k <> 5), min(k), max(k) FROM \(table)").collect()
            let row = try #require(rows.first)
            #expect(row.columns[0].value(at: 0) == .int64(1), "k > 6 over \(order)")
            #expect(row.columns[1].value(at: 0) == .int64(1), "k >= 6 over \(order)")
            #expect(row.columns[2].value(at: 0) == .int64(3), "k <> 5 over \(order)")
            #expect(row.columns[3].value(at: 0) == .double(1), "min over \(order)")
            #expect(row.columns[4].value(at: 0).isNaNDouble, "max over \(order)")
            let pruned = try db.query("SELECT count(*) FROM \(table) WHERE k > 6").collect()
            #expect(pruned.first?.columns[0].value(at: 0) == .int64(1), "pruned scan over \(order)")
        }
    }

    @Test func globThroughALinkLoopReturnsEachFileOnce() throws {
        let dir = try TempDirectory("strata-glob-loop")
        let sub = dir.path("d/sub")
        try FileManager.default.createDirectory(atPath: sub, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: RepoPaths.trips, toPath: sub + "/trips.parquet")
        try FileManager.default.createSymbolicLink(atPath: sub + "/loop", withDestinationPath: "..")
        let db = try Database(path: dir.path("store"), createIfMissing: true)
        let pattern = dir.path("d") + "/**/*.parquet"
        let rows = try db.query("SELECT count(*) FROM read_parquet('\(pattern)')").collect()
        #expect(rows.first?.columns[0].value(at: 0) == .int64(RepoPaths.tripsRows))
    }

    /// A scan holds descriptors for the row groups it reads at once, not one per partition: 300 partitions scan
    /// under `ulimit -n 64`.
    @Test func manyPartitionsScanUnderALowDescriptorLimit() throws {
        let dir = try TempDirectory("strata-fds")
        let store = dir.path("store")
        let db = try Database(path: store, createIfMissing: true)
        let schema = try Schema([Field("k", .int64)])
        try db.createTable("t", schema: schema)
        for i in 0..<300 {
            let column = try Column(type: .int64, data: .int64([Int64(i), Int64(i) + 1000]))
            try db.append(to: "t", batches: [try Batch(schema: schema, columns: [column])])
        }
        #expect(try db.info("t").partitionCount == 300)
        let executable = try StrataCLI.executable()
        let command = "ulimit -n 64 && '\(executable)' sql '\(store)' 'SELECT count(*), sum(k) FROM t' --format csv"
        let result = try StrataCLI.run(executable: "/bin/sh", ["-c", command])
        #expect(result.status == 0 && result.stdout == "count_star(),sum(k)\n600,389700\n", "\(result)")
    }

    // MARK: - CSV

    @Test func csvNulByteAndCarriageReturnsSayWhere() throws {
        let dir = try TempDirectory("strata-csv-odd")
        let store = dir.path("store")
        let nul = dir.path("nul.csv")
        try TestFiles.write(Array("a,b\n1,x\n2,y\u{0}z\n3,w\n".utf8), to: nul)
        let nulMessage = CSVImportCLITests.expectOneLineError(
            try StrataCLI.run(["import", nul, "--store", store, "--table", "t"]), "NUL byte")
        #expect(nulMessage.hasPrefix(nul + ":3:") && nulMessage.contains("NUL byte"), "\(nulMessage)")
        let cr = dir.path("cr.csv")
        try TestFiles.write("a,b\r1,x\r2,y\r", to: cr)
        let crMessage = CSVImportCLITests.expectOneLineError(
            try StrataCLI.run(["import", cr, "--store", store, "--table", "t"]), "CR line endings")
        #expect(crMessage.contains("carriage return"), "\(crMessage)")
    }
}

private extension Value {
    var isNaNDouble: Bool {
        if case let .double(x) = self { return x.isNaN }
        return false
    }
}

/// Ctrl-C and SIGTERM end a command with 130/143 and leave no temporary file behind.
@Suite struct InterruptTests {
    /// Starts `strata import - …` with a pipe as stdin, feeds it part of a CSV (keeping the pipe open, so the import
    /// waits for more), then sends `signal` once the spool folder exists.
    static func interruptImport(signal: Int32) throws -> (status: Int32, stderr: String, store: String,
                                                           dir: TempDirectory) {
        let dir = try TempDirectory("strata-interrupt")
        let store = dir.path("store")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try StrataCLI.executable())
        process.arguments = ["import", "-", "--store", store, "--table", "t"]
        let input = Pipe(), errors = Pipe()
        process.standardInput = input
        process.standardOutput = FileHandle.nullDevice
        process.standardError = errors
        try process.run()
        var text = "id,name\n"
        for i in 0..<20_000 { text += "\(i),name \(i)\n" }
        try input.fileHandleForWriting.write(contentsOf: Data(text.utf8))
        var spooled = false
        for _ in 0..<200 where !spooled {
            usleep(50_000)
            spooled = (try? FileManager.default.contentsOfDirectory(atPath: store))?
                .contains { $0.hasPrefix(".import-spool-") } ?? false
        }
        #expect(spooled, "no spool folder appeared in \(store)")
        kill(process.processIdentifier, signal)
        process.waitUntilExit()
        try? input.fileHandleForWriting.close()
        let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(process.terminationReason == .exit, "killed by the signal instead of exiting: \(stderr)")
        return (process.terminationStatus, stderr, store, dir)
    }

    /// Every file left in `store` (skipping the table's lock file and empty folders).
    static func leftovers(_ store: String) -> [String] {
        let files = FileManager.default.enumerator(atPath: store)?.compactMap { $0 as? String } ?? []
        return files.filter { name in
            var isDirectory: ObjCBool = false
            FileManager.default.fileExists(atPath: store + "/" + name, isDirectory: &isDirectory)
            return !isDirectory.boolValue && !name.hasSuffix("_strata/lock") && name != "strata-store.json"
        }
    }

    @Test(arguments: [(SIGINT, Int32(130)), (SIGTERM, Int32(143))])
    func anInterruptedImportLeavesNothing(_ signal: Int32, _ status: Int32) throws {
        let (exit, stderr, store, dir) = try Self.interruptImport(signal: signal)
        #expect(exit == status, "\(stderr)")
        #expect(stderr.contains(signal == SIGINT ? "interrupted" : "terminated"), "\(stderr)")
        #expect(Self.leftovers(store).isEmpty, "left behind: \(Self.leftovers(store))")
        _ = dir
    }
}

extension InterruptTests {
    /// In the shell, Ctrl-C cancels the running statement only: the next one runs.
    @Test func ctrlCInTheShellCancelsTheStatement() throws {
        let dir = try TempDirectory("strata-shell-interrupt")
        let store = dir.path("store")
        CSVImportCLITests.expectSuccess(try StrataCLI.run(["import", RepoPaths.trips, "--store", store, "--table",
                                                           "trips", "--quiet"]), "import")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try StrataCLI.executable())
        process.arguments = ["shell", store]
        let input = Pipe(), output = Pipe(), errors = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        // 20,000³ rows: it runs until cancelled.
        try input.fileHandleForWriting.write(contentsOf: Data("SELECT count(*) FROM trips a, trips b, trips c;\n".utf8))
        usleep(1_500_000)
        kill(process.processIdentifier, SIGINT)
        usleep(500_000)
        try input.fileHandleForWriting.write(contentsOf: Data("SELECT 42 AS answer;\n".utf8))
        try input.fileHandleForWriting.close()
        let stdout = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(process.terminationReason == .exit && process.terminationStatus == 1, "\(stderr)")
        #expect(stderr.contains("query cancelled"), "\(stderr)")
        #expect(stdout.contains("answer") && stdout.contains("42"), "\(stdout)")
    }
}

/// Disks that fill up: a 2 MiB tmpfs (mounted when the tests run as root; skipped otherwise).
@Suite(.serialized) struct FullDiskTests {
    /// Mounts a 2 MiB tmpfs at a fresh folder under `dir`; nil when mounting is not allowed here.
    static func tinyDisk(in dir: TempDirectory) throws -> String? {
        guard getuid() == 0 else { return nil }
        let mountPoint = dir.path("tiny")
        try FileManager.default.createDirectory(atPath: mountPoint, withIntermediateDirectories: true)
        let result = try StrataCLI.run(executable: "/bin/mount", ["-t", "tmpfs", "-o", "size=2m", "tmpfs", mountPoint])
        return result.status == 0 ? mountPoint : nil
    }

    static func unmount(_ path: String) {
        _ = try? StrataCLI.run(executable: "/bin/umount", [path])
    }

    @Test func aFullDiskLeavesTheOutputAndTheTableAsTheyWere() throws {
        let (dir, store, _) = try ReliabilityTests.setUp()
        guard let disk = try Self.tinyDisk(in: dir) else { return }
        defer { Self.unmount(disk) }
        var text = "a,b\n"
        var random = SplitMix64(seed: 7)
        for i in 0..<120_000 { text += "\(i),\(random.next())\(random.next())\n" }
        let large = dir.path("large.csv")
        try TestFiles.write(text, to: large)
        CSVImportCLITests.expectSuccess(try StrataCLI.run(["import", large, "--store", store, "--table", "big",
                                                           "--quiet"]), "import of the large table")
        // A result bigger than the disk: the earlier file stays, no temporary file is left.
        let output = disk + "/out.csv"
        try TestFiles.write("previous\n", to: output)
        let big = try StrataCLI.run(["sql", store, "SELECT * FROM big", "--format", "csv", "--output", output])
        #expect(big.status == 1 && big.stderr.contains("No space left"), "\(big)")
        #expect(try String(contentsOfFile: output, encoding: .utf8) == "previous\n")
        #expect(ReliabilityTests.contents(disk) == ["out.csv"], "\(ReliabilityTests.contents(disk))")

        // An import that fills the disk: an error, the table's version unchanged, nothing staged left behind.
        let diskStore = disk + "/store"
        let small = dir.path("small.csv")
        try TestFiles.write("a,b\n1,x\n", to: small)
        CSVImportCLITests.expectSuccess(try StrataCLI.run(["import", small, "--store", diskStore, "--table", "t",
                                                           "--quiet"]), "first import")
        let failed = try StrataCLI.run(["import", large, "--store", diskStore, "--table", "t", "--append",
                                        "--codec", "uncompressed"])
        #expect(failed.status == 1 && failed.stderr.contains("No space left"), "\(failed)")
        let info = try Database(path: diskStore).info("t")
        #expect(info.version == 0 && info.rowCount == 1)
        let tableFiles = ReliabilityTests.contents(diskStore + "/tables/t").filter { $0.hasSuffix(".parquet") }
        #expect(tableFiles.count == 1, "\(tableFiles)")
        #expect(ReliabilityTests.contents(diskStore + "/tables/t/_strata/staging").isEmpty)
    }
}
