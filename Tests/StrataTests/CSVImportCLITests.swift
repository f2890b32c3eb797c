import Foundation
import Strata
import Testing

/// Runs the `strata` executable built next to the test bundle.
enum StrataCLI {
    struct Result: CustomStringConvertible {
        var status: Int32
        var stdout: String
        var stderr: String

        var description: String {
            "exit \(status)\nstdout: \(stdout.debugDescription)\nstderr: \(stderr.debugDescription)"
        }
    }

    static func executable() throws -> String {
        let bundle = CommandLine.arguments.first ?? "?"
        return try #require(RepoPaths.strataExecutable(),
                            "strata executable not found next to the test bundle (\(bundle)); run swift build --build-tests first")
    }

    /// Runs `strata arguments…` to completion with `stdin` as its standard input (empty when nil); stdout and
    /// stderr are pipes, so stderr is not a terminal. The process is killed after `timeout` seconds.
    /// (`environment`: variables set on top of the test's own.)
    static func run(_ arguments: [String], stdin: Data? = nil, environment: [String: String] = [:],
                    timeout: Double = 60) throws -> Result {
        try run(executable: try executable(), arguments, stdin: stdin, environment: environment, timeout: timeout)
    }

    static func run(executable: String, _ arguments: [String], stdin: Data? = nil,
                    environment: [String: String] = [:], timeout: Double = 60) throws -> Result
    {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        let input = stdin.map { _ in Pipe() }
        process.standardInput = input ?? FileHandle.nullDevice
        try process.run()
        let pid = process.processIdentifier
        let watchdog = DispatchWorkItem { kill(pid, SIGKILL) }
        DispatchQueue.global().asyncAfter(deadline: .now() + timeout, execute: watchdog)
        if let input, let stdin {
            let writer = Thread {
                try? input.fileHandleForWriting.write(contentsOf: stdin)
                try? input.fileHandleForWriting.close()
            }
            writer.start()
        }
        let errData = DataBox()
        let reader = Thread { errData.set(err.fileHandleForReading.readDataToEndOfFile()) }
        reader.start()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        watchdog.cancel()
        let errBytes = errData.wait()
        if process.terminationReason != .exit {
            let name = URL(fileURLWithPath: executable).lastPathComponent
            Issue.record("\(name) \(arguments.joined(separator: " ")) was killed (timeout \(timeout) s?)")
        }
        return Result(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                      stderr: String(decoding: errBytes, as: UTF8.self))
    }

    /// Runs another program (looked up on PATH) writing its stdout to `output`; returns its exit status.
    @discardableResult
    static func tool(_ arguments: [String], stdoutTo output: String) throws -> Int32 {
        _ = FileManager.default.createFile(atPath: output, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: output))
        defer { try? handle.close() }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        process.standardOutput = handle
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// How zstd files can be made here: the `zstd` tool, else Python's `zstandard`, else nil.
    static let zstdMaker: [String]? = {
        let probe = NSTemporaryDirectory() + "/strata-zstd-probe-\(getpid())"
        defer { try? FileManager.default.removeItem(atPath: probe) }
        if (try? tool(["zstd", "--version"], stdoutTo: probe)) == 0 { return ["zstd", "-q", "-c"] }
        if (try? tool(["python3", "-c", "import zstandard"], stdoutTo: probe)) == 0 {
            return ["python3", "-c", "import sys, zstandard; "
                + "sys.stdout.buffer.write(zstandard.ZstdCompressor().compress(open(sys.argv[1], 'rb').read()))"]
        }
        return nil
    }()

    static let gzipAvailable: Bool = {
        let probe = NSTemporaryDirectory() + "/strata-gzip-probe-\(getpid())"
        defer { try? FileManager.default.removeItem(atPath: probe) }
        return (try? tool(["gzip", "--version"], stdoutTo: probe)) == 0
    }()

    /// Whether `text` holds `n` as a number of its own (not part of a longer number).
    static func mentions(_ text: String, _ n: Int) -> Bool {
        let digits = Array(text.unicodeScalars), needle = Array(String(n).unicodeScalars)
        guard digits.count >= needle.count else { return false }
        func isDigit(_ i: Int) -> Bool { i >= 0 && i < digits.count && ("0"..."9").contains(digits[i]) }
        for start in 0...(digits.count - needle.count) where Array(digits[start..<start + needle.count]) == needle {
            if !isDigit(start - 1), !isDigit(start + needle.count),
               !(start >= 2 && (digits[start - 1] == "," || digits[start - 1] == ".") && isDigit(start - 2)) {
                return true
            }
        }
        return false
    }
}

private final class DataBox: @unchecked Sendable {
    private let condition = NSCondition()
    private var data: Data?

    func set(_ value: Data) {
        condition.withLock {
            data = value
            condition.broadcast()
        }
    }

    func wait() -> Data {
        condition.withLock {
            while data == nil { condition.wait() }
            return data ?? Data()
        }
    }
}

/// `strata import` on CSV input: summary, standard input, compressed files, every bad input's exit code and
/// one-line error, rejects, modes and the dialect and schema flags. See `docs/csv-import.md`.
@Suite struct CSVImportCLITests {
    static let table = "t"

    static func importArguments(_ file: String, store: String, table: String = table, _ flags: [String] = [])
        -> [String]
    {
        ["import", file, "--store", store, "--table", table] + flags
    }

    /// Exit 0 and nothing on stderr (it is a pipe, not a terminal).
    static func expectSuccess(_ result: StrataCLI.Result, _ context: String,
                              sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(result.status == 0, "\(context): \(result)", sourceLocation: sourceLocation)
        #expect(result.stderr.isEmpty, "\(context): stderr is not a terminal, yet: \(result.stderr.debugDescription)",
                sourceLocation: sourceLocation)
    }

    /// Exit 1, nothing on stdout, one line `strata: error: …` on stderr; returns the text after the prefix.
    @discardableResult
    static func expectOneLineError(_ result: StrataCLI.Result, _ context: String,
                                   sourceLocation: SourceLocation = #_sourceLocation) -> String {
        #expect(result.status == 1, "\(context): \(result)", sourceLocation: sourceLocation)
        #expect(result.stdout.isEmpty, "\(context): \(result)", sourceLocation: sourceLocation)
        let prefix = "strata: error: "
        #expect(result.stderr.hasPrefix(prefix) && result.stderr.hasSuffix("\n")
                    && result.stderr.filter { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }.count == 1,
                "\(context): not one error line: \(result.stderr.debugDescription)", sourceLocation: sourceLocation)
        var text = result.stderr
        if text.hasPrefix(prefix) { text.removeFirst(prefix.count) }
        if text.hasSuffix("\n") { text.removeLast() }
        return text
    }

    static func expectTable(_ store: String, fixture name: String, table: String = table, _ context: String,
                            sourceLocation: SourceLocation = #_sourceLocation) throws {
        let expected = try CSVFixtures.expected(name)
        let db = try Database(path: store)
        for problem in try TableContents.differences(db, table, columns: expected.columns, rows: expected.rows) {
            Issue.record("\(context): \(problem)", sourceLocation: sourceLocation)
        }
    }

    // MARK: - Success

    @Test func successPrintsSummary() throws {
        let dir = try TempDirectory("strata-cli-csv")
        var text = "id,name,score\n"
        for i in 0..<613 { text += "\(i),name \(i),\(Double(i) / 4)\n" }
        let file = dir.path("data.csv")
        try TestFiles.write(text, to: file)
        let store = dir.path("store")

        let result = try StrataCLI.run(Self.importArguments(file, store: store))
        Self.expectSuccess(result, "import")
        #expect(StrataCLI.mentions(result.stdout, 613), "summary does not give the 613 rows: \(result.stdout)")
        for word in ["id", "name", "score", "int64", "string", "double"] {
            #expect(result.stdout.contains(word), "summary does not list \(word): \(result.stdout)")
        }
        let info = try Database(path: store).info(Self.table)
        #expect(info.rowCount == 613 && info.version == 0)
        #expect(info.schema.fields.map(\.type) == [.int64, .string, .double])
    }

    @Test func quietAndOtherFlags() throws {
        let dir = try TempDirectory("strata-cli-csv")
        let store = dir.path("store")
        let result = try StrataCLI.run(Self.importArguments(
            CSVFixtures.path("types_timestamp"), store: store,
            ["--quiet", "--threads", "2", "--memory-limit", "64MiB", "--codec", "lz4"]))
        Self.expectSuccess(result, "--quiet")
        #expect(result.stdout.isEmpty, "--quiet prints nothing on success: \(result.stdout)")
        try Self.expectTable(store, fixture: "types_timestamp", "--quiet")
        #expect(try Database(path: store).info(Self.table).codecs == ["lz4_raw"])
    }

    @Test func standardInput() throws {
        let dir = try TempDirectory("strata-cli-csv")
        let store = dir.path("store")
        let bytes = try Data(contentsOf: URL(fileURLWithPath: CSVFixtures.path("rfc4180_quoting")))
        let result = try StrataCLI.run(Self.importArguments("-", store: store), stdin: bytes)
        Self.expectSuccess(result, "stdin")
        #expect(StrataCLI.mentions(result.stdout, 12), "\(result.stdout)")
        try Self.expectTable(store, fixture: "rfc4180_quoting", "stdin")
    }

    /// A widening after the sample restarts the import; from stdin the input is spooled and read again.
    @Test func standardInputWithWidening() throws {
        let dir = try TempDirectory("strata-cli-csv")
        let store = dir.path("store")
        var text = "id,x\n"
        let rows = 20_600
        for i in 0..<rows { text += "\(i),\(i == 20_555 ? "0.5" : String(i))\n" }
        let result = try StrataCLI.run(Self.importArguments("-", store: store), stdin: Data(text.utf8))
        Self.expectSuccess(result, "stdin widening")
        let db = try Database(path: store)
        #expect(try db.schema(of: Self.table).fields.map(\.type) == [.int64, .double])
        let batch = try TableContents.read(db, Self.table)
        #expect(batch.count == rows)
        if batch.count == rows, batch.schema.fields.map(\.type) == [.int64, .double] {
            #expect(batch.columns[1].value(at: 20_555) == .double(0.5))
            #expect(batch.columns[1].value(at: 20_599) == .double(20_599))
            #expect(batch.columns[0].value(at: 20_599) == .int64(20_599))
        }
        let staging = (try? FileManager.default.contentsOfDirectory(
            atPath: store + "/tables/" + Self.table + "/_strata/staging")) ?? []
        #expect(staging.isEmpty, "spooled input left behind: \(staging)")
    }

    /// A compressed file is recognised by its magic bytes, with or without the usual extension.
    static func compressedInput(_ maker: [String], suffix: String) throws {
        let dir = try TempDirectory("strata-cli-csv")
        let source = CSVFixtures.path("rfc4180_quoting")
        let compressed = dir.path("data.csv." + suffix)
        let status = try StrataCLI.tool(maker + [source], stdoutTo: compressed)
        try #require(status == 0, "\(maker.first ?? "?") failed")
        let renamed = dir.path("data.bin")
        try FileManager.default.copyItem(atPath: compressed, toPath: renamed)
        let store = dir.path("store")
        for (index, file) in [compressed, renamed].enumerated() {
            let table = "t\(index)"
            let result = try StrataCLI.run(Self.importArguments(file, store: store, table: table))
            Self.expectSuccess(result, file)
            try Self.expectTable(store, fixture: "rfc4180_quoting", table: table, file)
        }
    }

    @Test(.enabled(if: StrataCLI.gzipAvailable, "the gzip command line tool is not installed"))
    func gzipInput() throws {
        try Self.compressedInput(["gzip", "-c"], suffix: "gz")
    }

    @Test(.enabled(if: StrataCLI.zstdMaker != nil,
                   "cannot make a .zst file: neither the zstd command nor python3 with zstandard is installed"))
    func zstdInput() throws {
        try Self.compressedInput(try #require(StrataCLI.zstdMaker), suffix: "zst")
    }

    @Test func parquetInputByMagic() throws {
        let dir = try TempDirectory("strata-cli-csv")
        let file = dir.path("trips.data")
        try FileManager.default.copyItem(atPath: RepoPaths.trips, toPath: file)
        let store = dir.path("store")
        let result = try StrataCLI.run(Self.importArguments(file, store: store))
        Self.expectSuccess(result, "parquet")
        #expect(try Database(path: store).info(Self.table).rowCount == RepoPaths.tripsRows)
    }

    // MARK: - Flags

    /// Fixtures whose options all have flags, run through the command line.
    static let flagFixtures: [String] = CSVFixtures.good.filter { name in
        guard let flags = try? CSVFixtures.cliFlags(name) else { return false }
        return !flags.isEmpty && !flags.contains("--on-error")
    }

    @Test(arguments: flagFixtures)
    func fixtureWithFlags(_ name: String) throws {
        let dir = try TempDirectory("strata-cli-csv")
        let store = dir.path("store")
        let flags = try #require(try CSVFixtures.cliFlags(name))
        let result = try StrataCLI.run(Self.importArguments(CSVFixtures.path(name), store: store, flags))
        Self.expectSuccess(result, "\(name) \(flags)")
        try Self.expectTable(store, fixture: name, "\(name) \(flags)")
    }

    @Test func flagFixturesAreDiscovered() {
        for name in ["delim_explicit_tab", "quote_single", "header_forced_off", "header_forced_on", "null_tokens",
                     "schema_full", "schema_partial", "schema_small_types"] {
            #expect(Self.flagFixtures.contains(name), "\(name) not in \(Self.flagFixtures)")
        }
    }

    @Test func delimiterSpellings() throws {
        let dir = try TempDirectory("strata-cli-csv")
        let store = dir.path("store")
        for (index, spelling) in ["\\t", "tab", "\t"].enumerated() {
            let table = "t\(index)"
            let result = try StrataCLI.run(Self.importArguments(
                CSVFixtures.path("delim_explicit_tab"), store: store, table: table, ["--delimiter", spelling]))
            Self.expectSuccess(result, "--delimiter \(spelling.debugDescription)")
            try Self.expectTable(store, fixture: "delim_explicit_tab", table: table,
                                 "--delimiter \(spelling.debugDescription)")
        }
    }

    @Test func rejectsFile() throws {
        let dir = try TempDirectory("strata-cli-csv")
        let store = dir.path("store")
        for name in ["skip_rejects", "skip_invalid_utf8", "skip_schema"] {
            let rejects = dir.path(name + ".rejects.csv")
            let flags = try #require(try CSVFixtures.cliFlags(name))
            let expected = try CSVFixtures.expected(name)
            let result = try StrataCLI.run(Self.importArguments(
                CSVFixtures.path(name), store: store, table: name, flags + ["--rejects", rejects]))
            Self.expectSuccess(result, name)
            #expect(StrataCLI.mentions(result.stdout, Int(expected.rowsImported))
                        && StrataCLI.mentions(result.stdout, Int(expected.rowsRejected)),
                    "\(name): summary does not give \(expected.rowsImported) imported and \(expected.rowsRejected) rejected: \(result.stdout)")
            try Self.expectTable(store, fixture: name, table: name, name)
            let got = try CSVFixtures.bytes(rejects)
            #expect(got == expected.rejects, """
                \(name): rejects file differs
                got:      \(String(decoding: got, as: UTF8.self).debugDescription)
                expected: \(String(decoding: expected.rejects ?? [], as: UTF8.self).debugDescription)
                """)
        }
    }

    @Test func appendAndReplace() throws {
        let dir = try TempDirectory("strata-cli-csv")
        let store = dir.path("store")
        let a = dir.path("a.csv"), b = dir.path("b.csv"), c = dir.path("c.csv")
        try TestFiles.write("id,name\n1,ann\n2,bob\n", to: a)
        try TestFiles.write("id,name\n3,cy\n", to: b)
        try TestFiles.write("when,amount\n2024-01-01,1.5\n", to: c)

        Self.expectSuccess(try StrataCLI.run(Self.importArguments(a, store: store)), "create")
        let again = try StrataCLI.run(Self.importArguments(b, store: store))
        let message = Self.expectOneLineError(again, "existing table without --append/--replace")
        #expect(message.contains("exist"), "\(message)")
        #expect(try Database(path: store).info(Self.table).version == 0)

        Self.expectSuccess(try StrataCLI.run(Self.importArguments(b, store: store, ["--append"])), "--append")
        var info = try Database(path: store).info(Self.table)
        #expect(info.version == 1 && info.rowCount == 3)

        Self.expectSuccess(try StrataCLI.run(Self.importArguments(c, store: store, ["--replace"])), "--replace")
        info = try Database(path: store).info(Self.table)
        #expect(info.version == 2 && info.rowCount == 1)
        #expect(info.schema.fields.map(\.name) == ["when", "amount"])
        #expect(info.schema.fields.map(\.type) == [.date, .double])

        let mismatch = try StrataCLI.run(Self.importArguments(a, store: store, ["--append"]))
        Self.expectOneLineError(mismatch, "--append with other columns")
        #expect(try Database(path: store).info(Self.table).version == 2)
    }

    // MARK: - Bad inputs

    @Test(arguments: CSVFixtures.bad)
    func badInput(_ name: String) throws {
        let dir = try TempDirectory("strata-cli-csv")
        let store = dir.path("store")
        let path = CSVFixtures.path(name)
        let want = try CSVFixtures.expectedError(name)
        let flags = try #require(try CSVFixtures.cliFlags(name), "\(name): options without flags")
        let result = try StrataCLI.run(Self.importArguments(path, store: store, flags))
        let text = Self.expectOneLineError(result, name)
        if let line = want.line {
            let location = "\(path):\(line): " + (want.column.map { "column \"\($0)\": " } ?? "")
            #expect(text.hasPrefix(location), "\(name): expected \(location.debugDescription)…, got \(text.debugDescription)")
            #expect(text.contains(want.contains), "\(name): \(text.debugDescription)")
            if want.column == nil {
                #expect(!text.contains("column \""), "\(name): names a column: \(text.debugDescription)")
            }
        } else {
            #expect(text.lowercased().contains(want.contains.lowercased()), "\(name): \(text.debugDescription)")
        }
        for forbidden in want.notContains {
            #expect(!text.contains(forbidden), "\(name): \(text.debugDescription)")
        }
        if FileManager.default.fileExists(atPath: store) {
            #expect(try !Database(path: store).tableExists(Self.table), "\(name): a failed import created the table")
        }
    }

    @Test func missingFileAndDirectory() throws {
        let dir = try TempDirectory("strata-cli-csv")
        let store = dir.path("store")
        let missing = dir.path("no-such-file.csv")
        let notFound = Self.expectOneLineError(try StrataCLI.run(Self.importArguments(missing, store: store)), "missing")
        #expect(notFound.contains(missing), "\(notFound)")

        let directory = dir.path("a-directory")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let isDirectory = Self.expectOneLineError(
            try StrataCLI.run(Self.importArguments(directory, store: store)), "directory")
        #expect(isDirectory.lowercased().contains("directory"), "\(isDirectory)")
        if FileManager.default.fileExists(atPath: store) {
            #expect(try Database(path: store).tableNames().isEmpty)
        }
    }
}
