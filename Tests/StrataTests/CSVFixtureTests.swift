import StrataTestSupport
import Foundation
import Strata
import StrataCore
import Testing

/// `Database.importCSV` against the hand-written fixtures of `Fixtures/csv` (see its README and
/// `docs/csv-import.md`): every schema, value, summary field, rejects file and error, also with tiny blocks and
/// several threads; plus chunk boundaries inside quoted fields, a large random file, and atomicity.
@Suite struct CSVFixtureTests {
    static let table = "t"

    @Test func fixturesAreDiscovered() {
        #expect(CSVFixtures.good.count >= 45, "good fixtures: \(CSVFixtures.good)")
        #expect(CSVFixtures.rowErrors.count >= 7, "row-error fixtures: \(CSVFixtures.rowErrors)")
        #expect(CSVFixtures.fileErrors == ["err_binary", "err_empty", "err_header_only"], "\(CSVFixtures.fileErrors)")
        #expect(CSVFixtures.good.contains("skip_rejects") && CSVFixtures.good.contains("widen_chain"))
    }

    /// A fresh store in a temporary directory.
    static func freshStore(_ label: String = "strata-csv") throws -> (TempDirectory, Database) {
        let dir = try TempDirectory(label)
        return (dir, try Database(path: dir.path("store"), createIfMissing: true))
    }

    /// Regular files under the store's `tables` directory (what a failed import must not leave behind).
    static func filesUnderTables(_ db: Database) -> [String] {
        let root = db.path + "/tables"
        guard let walker = FileManager.default.enumerator(atPath: root) else { return [] }
        var files: [String] = []
        while let entry = walker.nextObject() as? String {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: root + "/" + entry, isDirectory: &isDirectory), !isDirectory.boolValue {
                files.append(entry)
            }
        }
        return files.sorted()
    }

    // MARK: - Good fixtures

    @Test(arguments: CSVFixtures.good, ImportConfig.all)
    func importsEveryValue(_ name: String, _ config: ImportConfig) throws {
        let expected = try CSVFixtures.expected(name)
        let (dir, db) = try Self.freshStore()
        var options = try CSVFixtures.options(name)
        config.apply(to: &options)
        let rejectsPath = dir.path("rejects.csv")
        if expected.rejects != nil { options.rejectsPath = rejectsPath }
        let path = CSVFixtures.path(name)
        let label = "\(name) (\(config))"

        let summary = try db.importCSV(from: path, into: Self.table, options: options)

        for problem in try TableContents.differences(db, Self.table, columns: expected.columns, rows: expected.rows) {
            Issue.record("\(label): \(problem)")
        }
        #expect(summary.rowsImported == expected.rowsImported, "\(label): rowsImported")
        #expect(summary.rowsRejected == expected.rowsRejected, "\(label): rowsRejected")
        #expect(summary.passes == expected.passes, "\(label): passes")
        let widened = TableContents.widenedNames(summary.widenedColumns, columns: expected.columns.map(\.name))
        #expect(widened == expected.widenedColumns.sorted(), "\(label): widenedColumns \(summary.widenedColumns)")
        #expect(summary.inputBytes == (try TestFiles.size(path)), "\(label): inputBytes")
        #expect(summary.table.name == Self.table)
        #expect(summary.table.version == 0, "\(label): a new table's first version holds schema and rows")
        #expect(summary.table.rowCount == expected.rowsImported, "\(label): table rowCount")
        #expect(summary.table.schema.fields.map(\.type.name) == expected.columns.map(\.type), "\(label): summary schema")
        #expect(try db.info(Self.table) == summary.table, "\(label): summary.table is not the committed version")

        if let want = expected.rejects {
            let got = try CSVFixtures.bytes(rejectsPath)
            #expect(got == want, """
                \(label): rejects file differs
                got:      \(String(decoding: got, as: UTF8.self).debugDescription)
                expected: \(String(decoding: want, as: UTF8.self).debugDescription)
                """)
        }
    }

    /// A `--on-error skip` import without a rejects path still leaves the bad rows out and counts them.
    @Test func skipWithoutRejectsFile() throws {
        let expected = try CSVFixtures.expected("skip_rejects")
        let (dir, db) = try Self.freshStore()
        defer { withExtendedLifetime(dir) {} }
        let summary = try db.importCSV(from: CSVFixtures.path("skip_rejects"), into: Self.table,
                                       options: try CSVFixtures.options("skip_rejects"))
        #expect(summary.rowsRejected == 4 && summary.rowsImported == 3)
        for problem in try TableContents.differences(db, Self.table, columns: expected.columns, rows: expected.rows) {
            Issue.record("\(problem)")
        }
    }

    /// Without `--on-error skip` the first bad row of the same file stops the import.
    @Test func skipFixturesFailByDefault() throws {
        for (name, line, contains) in [("skip_rejects", 6, "expected 3 fields, found 2 | 4,d"),
                                       ("skip_invalid_utf8", 3, "invalid UTF-8 | 2,"),
                                       ("skip_schema", 3, "cannot parse \"x\" as int64 | 2,x")] {
            let (dir, db) = try Self.freshStore()
        defer { withExtendedLifetime(dir) {} }
            var options = try CSVFixtures.options(name)
            options.onError = .fail
            let error = #expect(throws: StrataError.self) {
                try db.importCSV(from: CSVFixtures.path(name), into: Self.table, options: options)
            }
            #expect(error?.code == .invalidData && error?.line == line, "\(name): \(String(describing: error))")
            #expect(error?.message.contains(contains) == true, "\(name): \(String(describing: error))")
            #expect(try !db.tableExists(Self.table))
        }
    }

    // MARK: - Bad fixtures

    static func expectFailure(_ name: String, _ config: ImportConfig) throws {
        let (dir, db) = try Self.freshStore()
        defer { withExtendedLifetime(dir) {} }
        var options = try CSVFixtures.options(name)
        config.apply(to: &options)
        let path = CSVFixtures.path(name)
        do {
            let summary = try db.importCSV(from: path, into: Self.table, options: options)
            Issue.record("\(name) (\(config)): imported \(summary.rowsImported) rows instead of failing")
        } catch {
            for problem in try CSVFixtures.errorProblems(error, fixture: name, path: path) {
                Issue.record("\(problem) (\(config))")
            }
        }
        #expect(try !db.tableExists(Self.table), "\(name) (\(config)): a failed import created the table")
        #expect(try db.tableNames().isEmpty)
        #expect(Self.filesUnderTables(db).isEmpty, "\(name) (\(config)): left \(Self.filesUnderTables(db))")
    }

    /// Every bad row is reported at the same line and column whatever the block size and thread count.
    @Test(arguments: CSVFixtures.rowErrors, ImportConfig.all)
    func rejectsBadRow(_ name: String, _ config: ImportConfig) throws {
        try Self.expectFailure(name, config)
    }

    @Test(arguments: CSVFixtures.fileErrors)
    func rejectsBadFile(_ name: String) throws {
        try Self.expectFailure(name, ImportConfig())
    }

    @Test func missingFileAndDirectory() throws {
        let (dir, db) = try Self.freshStore()
        let missing = dir.path("no-such-file.csv")
        let notFound = #expect(throws: StrataError.self) { try db.importCSV(from: missing, into: Self.table) }
        #expect(notFound?.code == .notFound, "\(String(describing: notFound))")

        let directory = dir.path("a-directory")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let isDirectory = #expect(throws: StrataError.self) { try db.importCSV(from: directory, into: Self.table) }
        #expect(isDirectory?.code == .invalidArgument, "\(String(describing: isDirectory))")
        #expect(isDirectory?.message.lowercased().contains("directory") == true, "\(String(describing: isDirectory))")
        #expect(try db.tableNames().isEmpty)
    }

    // MARK: - Chunk boundaries

    /// A quoted field holding LF, CRLF, an empty line, doubled quotes and a multi-byte character, with the first
    /// block boundary moved across every byte of it (and, with smaller blocks, several boundaries inside it).
    static let straddleHead = "id,text,n\r\n1,plain,10\n2,"
    static let straddleValue = "a\nb\r\nc\n\n\"d\" ,é\r\n"
    static var straddleQuoted: String { "\"" + straddleValue.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
    static var straddleText: String { straddleHead + straddleQuoted + ",20\n3,after,30\n" }

    @Test func quotedNewlinesStraddleEveryBlockBoundary() throws {
        let (dir, db) = try Self.freshStore()
        let path = dir.path("straddle.csv")
        try TestFiles.write(Self.straddleText, to: path)
        let end = Self.straddleHead.utf8.count + Self.straddleQuoted.utf8.count
        let columns: [(name: String, type: String)] = [("id", "int64"), ("text", "string"), ("n", "int64")]
        let rows: [JSON] = [
            .object([("id", .string("1")), ("text", .string("plain")), ("n", .string("10"))]),
            .object([("id", .string("2")), ("text", .string(Self.straddleValue)), ("n", .string("20"))]),
            .object([("id", .string("3")), ("text", .string("after")), ("n", .string("30"))]),
        ]
        for blockBytes in 1...(end + 1) {
            var options = CSVImportOptions()
            options.blockBytes = blockBytes
            options.threads = blockBytes % 2 == 0 ? 4 : 1
            let table = "t\(blockBytes)"
            let summary = try db.importCSV(from: path, into: table, options: options)
            #expect(summary.rowsImported == 3, "blockBytes \(blockBytes)")
            for problem in try TableContents.differences(db, table, columns: columns, rows: rows) {
                Issue.record("blockBytes \(blockBytes): \(problem)")
            }
        }
    }

    /// Line numbers are counted across chunks, inside quoted fields included.
    @Test func lineNumbersAcrossEveryBlockBoundary() throws {
        let (dir, db) = try Self.freshStore()
        let path = dir.path("straddle-bad.csv")
        try TestFiles.write(Self.straddleText + "4,x\n5,y,50\n", to: path)
        let end = Self.straddleHead.utf8.count + Self.straddleQuoted.utf8.count
        for blockBytes in 1...(end + 1) {
            var options = CSVImportOptions()
            options.blockBytes = blockBytes
            options.threads = blockBytes % 2 == 0 ? 1 : 4
            let error = #expect(throws: StrataError.self, "blockBytes \(blockBytes)") {
                try db.importCSV(from: path, into: "t", options: options)
            }
            #expect(error?.line == 10 && error?.column == "n", "blockBytes \(blockBytes): \(String(describing: error))")
            #expect(error?.message.contains("expected 3 fields, found 2 | 4,x") == true,
                    "blockBytes \(blockBytes): \(String(describing: error))")
        }
        #expect(try db.tableNames().isEmpty)
    }

    // MARK: - A large random file

    /// Pieces of the random strings: delimiters, quotes, every kind of line break, multi-byte characters.
    static let stringPieces: [String] = [
        "a", "b", "Z", "x y", ",", "\"", "\n", "\r\n", "\r", "é", "日本", "🦀", "e\u{301}", "\t", " ", ";", "|", "ß",
        "\u{FEFF}", "0", "7", "NA", "true",
    ]

    /// `YYYY-MM-DD[T ]HH:MM:SS[.ffffff[000]][Z|±HH:MM|±HHMM|±HH]` of `micros` (UTC), written in a random zone.
    static func timestampText(_ micros: Int64, _ g: inout SplitMix64) -> String {
        let perDay: Int64 = 86_400_000_000
        let form = Int(g.next() % 5)  // 0 none, 1 Z, 2 ±HH:MM, 3 ±HHMM, 4 ±HH
        let offsetMinutes: Int64 = form < 2 ? 0 : form == 4 ? g.int(-12...14) * 60 : g.int(-48...56) * 15
        let local = micros + offsetMinutes * 60_000_000
        let days = local >= 0 ? local / perDay : (local - perDay + 1) / perDay
        let rest = local - days * perDay
        func pad(_ v: Int64, _ width: Int) -> String {
            let s = String(v)
            return String(repeating: "0", count: max(0, width - s.count)) + s
        }
        let seconds = rest / 1_000_000, fraction = rest % 1_000_000
        var text = CivilDate.format(days: Int32(days)) + (g.chance(0.5) ? "T" : " ")
            + pad(seconds / 3600, 2) + ":" + pad(seconds / 60 % 60, 2) + ":" + pad(seconds % 60, 2)
        if fraction != 0 || g.chance(0.2) {
            var digits = pad(fraction, 6)
            if g.chance(0.5) { while digits.count > 1, digits.hasSuffix("0") { digits.removeLast() } }
            if g.chance(0.2) { digits += "000" }
            text += "." + digits
        }
        let sign = offsetMinutes < 0 ? "-" : "+"
        let h = pad(abs(offsetMinutes) / 60, 2), m = pad(abs(offsetMinutes) % 60, 2)
        switch form {
        case 1: text += "Z"
        case 2: text += sign + h + ":" + m
        case 3: text += sign + h + m
        case 4: text += sign + h
        default: break
        }
        return text
    }

    /// A random CSV file and the values it holds, column by column.
    static func randomFile(rows: Int, seed: UInt64) -> (text: String, columns: [[Value]]) {
        var g = SplitMix64(seed: seed)
        var text = "id,name,amount,day,at,flag,big\n"
        var columns = Array(repeating: [Value](), count: 7)
        for c in columns.indices { columns[c].reserveCapacity(rows) }
        /// NULL in a non-string column: an unquoted empty field or a quoted empty one.
        func null(_ c: Int) -> String {
            columns[c].append(.null)
            return g.chance(0.5) ? "" : "\"\""
        }
        for i in 0..<rows {
            var fields: [String] = [String(i)]
            columns[0].append(.int64(Int64(i)))

            if g.chance(0.05) {
                columns[1].append(.null)
                fields.append("")
            } else {
                var s = ""
                for _ in 0..<Int(g.next() % 12) { s += g.pick(stringPieces) }
                if s.isEmpty { s = g.chance(0.5) ? "" : "word" }
                columns[1].append(.string(s))
                let quote = s.isEmpty || g.chance(0.2)
                    || s.unicodeScalars.contains { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }
                fields.append(quote ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s)
            }

            if g.chance(0.1) { fields.append(null(2)) } else {
                var x: Double
                repeat {
                    x = g.chance(0.5) ? Double(bitPattern: g.next()) : Double(g.int(-10_000_000...10_000_000)) / 100
                } while !x.isFinite
                columns[2].append(.double(x))
                fields.append(x.description)
            }

            if g.chance(0.1) { fields.append(null(3)) } else {
                let day = Int32(g.int(-719_162...2_932_896))  // 0001-01-01 ... 9999-12-31
                columns[3].append(.date(day))
                fields.append(CivilDate.format(days: day))
            }

            if g.chance(0.1) { fields.append(null(4)) } else {
                // 1000-01-01 ... 8999-12-31, so that any zone offset keeps the local time within 0001 ... 9999
                let micros = g.int(-30_610_224_000_000_000...221_845_392_000_000_000)
                columns[4].append(.timestamp(micros))
                fields.append(timestampText(micros, &g))
            }

            if g.chance(0.1) { fields.append(null(5)) } else {
                let v = g.chance(0.5)
                columns[5].append(.bool(v))
                fields.append(g.pick(v ? ["true", "TRUE", "True", "tRUE"] : ["false", "FALSE", "False", "fALSE"]))
            }

            if g.chance(0.1) { fields.append(null(6)) } else {
                let v: Int64 = g.chance(0.05) ? g.pick([.min, .max, 0, -1, 9_007_199_254_740_993])
                    : Int64(bitPattern: g.next()) >> Int64(g.next() % 64)
                columns[6].append(.int64(v))
                fields.append(String(v))
            }
            text += fields.joined(separator: ",") + (g.chance(0.3) ? "\r\n" : "\n")
        }
        return (text, columns)
    }

    /// Progress reports seen during an import.
    final class ProgressLog: @unchecked Sendable {
        private let lock = NSLock()
        private var reports: [ImportProgress] = []
        func add(_ p: ImportProgress) { lock.withLock { reports.append(p) } }
        var all: [ImportProgress] { lock.withLock { reports } }
    }

    @Test func largeRandomFile() throws {
        let rows = 50_000
        let (text, expected) = Self.randomFile(rows: rows, seed: 0x00C5_F11E_2026)
        let (dir, db) = try Self.freshStore()
        let path = dir.path("large.csv")
        try TestFiles.write(text, to: path)
        let size = Int64(text.utf8.count)
        let types: [DataType] = [.int64, .string, .double, .date, .timestamp, .bool, .int64]

        for (index, config) in [ImportConfig(), ImportConfig(blockBytes: 16_411, threads: 4)].enumerated() {
            var options = CSVImportOptions()
            config.apply(to: &options)
            let log = ProgressLog()
            let table = "large\(index)"
            let summary = try db.importCSV(from: path, into: table, options: options) { log.add($0) }
            #expect(summary.rowsImported == Int64(rows) && summary.rowsRejected == 0, "\(config)")
            #expect(summary.passes == 1 && summary.widenedColumns.isEmpty, "\(config): \(summary.widenedColumns)")
            #expect(summary.inputBytes == size, "\(config)")
            for report in log.all {
                #expect(report.rows <= Int64(rows) && report.pass == 1 && report.bytesRead <= size, "\(config): \(report)")
                if let total = report.totalBytes { #expect(total == size, "\(config): \(report)") }
            }

            let batch = try TableContents.read(db, table)
            #expect(batch.schema.fields.map(\.name) == ["id", "name", "amount", "day", "at", "flag", "big"])
            #expect(batch.schema.fields.map(\.type) == types, "\(config): \(batch.schema)")
            guard batch.schema.fields.map(\.type) == types else { continue }
            #expect(batch.count == rows, "\(config)")
            var mismatches = 0
            for (c, field) in batch.schema.fields.enumerated() {
                let column = batch.columns[c]
                for r in 0..<min(batch.count, rows) where column.value(at: r) != expected[c][r] {
                    mismatches += 1
                    Issue.record("\(config): row \(r) column \(field.name): got \(column.value(at: r).description.debugDescription), expected \(expected[c][r].description.debugDescription)")
                    if mismatches >= 10 { return }
                }
            }
        }
    }

    /// With the default sample (20,480 rows) a value after it widens the column and the import restarts once.
    @Test func wideningAfterTheDefaultSample() throws {
        let (dir, db) = try Self.freshStore()
        var text = "id,x,d\n"
        let rows = 20_600
        for i in 0..<rows {
            let x = i == 20_550 ? "2.5" : String(i * 3)
            let d = i == 20_590 ? "2024-01-01T06:00:00+06:00" : "2024-01-01"
            text += "\(i),\(x),\(d)\n"
        }
        let path = dir.path("late.csv")
        try TestFiles.write(text, to: path)
        var options = CSVImportOptions()
        options.blockBytes = 8_191
        options.threads = 4
        let summary = try db.importCSV(from: path, into: Self.table, options: options)
        #expect(summary.passes == 2)
        #expect(TableContents.widenedNames(summary.widenedColumns, columns: ["id", "x", "d"]) == ["d", "x"],
                "\(summary.widenedColumns)")
        #expect(summary.rowsImported == Int64(rows))
        let batch = try TableContents.read(db, Self.table)
        #expect(batch.schema.fields.map(\.type) == [.int64, .double, .timestamp], "\(batch.schema)")
        guard batch.count == rows, batch.schema.fields.map(\.type) == [.int64, .double, .timestamp] else { return }
        let midnight: Int64 = 1_704_067_200_000_000  // 2024-01-01T00:00:00Z
        for i in 0..<rows {
            let x = batch.columns[1].value(at: i), d = batch.columns[2].value(at: i)
            let wantX: Value = .double(i == 20_550 ? 2.5 : Double(i * 3))
            if x != wantX { Issue.record("row \(i): x \(x)"); return }
            if d != .timestamp(midnight) { Issue.record("row \(i): d \(d)"); return }
        }
    }

    // MARK: - Modes and atomicity

    static func writeCSV(_ dir: TempDirectory, _ name: String, _ text: String) throws -> String {
        let path = dir.path(name)
        try TestFiles.write(text, to: path)
        return path
    }

    static func rows(_ db: Database, _ table: String) throws -> [[Value]] {
        let batch = try TableContents.read(db, table)
        return (0..<batch.count).map { r in batch.columns.map { $0.value(at: r) } }
    }

    @Test func appendReplaceAndCreateModes() throws {
        let (dir, db) = try Self.freshStore()
        let a = try Self.writeCSV(dir, "a.csv", "id,name\n1,ann\n2,bob\n")
        let b = try Self.writeCSV(dir, "b.csv", "id,name\n3,cy\n4,\n5,eve\n")
        let c = try Self.writeCSV(dir, "c.csv", "x,y\nfoo,1.5\nbar,2.5\n")

        let first = try db.importCSV(from: a, into: Self.table)
        #expect(first.table.version == 0 && first.table.rowCount == 2)

        var create = CSVImportOptions()
        create.mode = .create
        let exists = #expect(throws: StrataError.self) { try db.importCSV(from: b, into: Self.table, options: create) }
        #expect(exists?.code == .alreadyExists, "\(String(describing: exists))")
        #expect(try db.info(Self.table).version == 0)

        var append = CSVImportOptions()
        append.mode = .append
        let second = try db.importCSV(from: b, into: Self.table, options: append)
        #expect(second.table.version == 1 && second.table.rowCount == 5 && second.rowsImported == 3)
        #expect(try Self.rows(db, Self.table) == [
            [.int64(1), .string("ann")], [.int64(2), .string("bob")], [.int64(3), .string("cy")],
            [.int64(4), .null], [.int64(5), .string("eve")],
        ])
        let version1Files = try CrashSafetyTests.referencedFiles(table: db.path + "/tables/" + Self.table, version: 1)
        #expect(!version1Files.isEmpty)

        var replace = CSVImportOptions()
        replace.mode = .replace
        let third = try db.importCSV(from: c, into: Self.table, options: replace)
        #expect(third.table.version == 2 && third.table.rowCount == 2 && third.rowsImported == 2)
        #expect(try db.schema(of: Self.table).fields.map(\.name) == ["x", "y"])
        #expect(try db.schema(of: Self.table).fields.map(\.type) == [.string, .double])
        #expect(try Self.rows(db, Self.table) == [[.string("foo"), .double(1.5)], [.string("bar"), .double(2.5)]])
        for file in version1Files {
            #expect(FileManager.default.fileExists(atPath: db.path + "/tables/" + Self.table + "/" + file),
                    "replace deleted \(file) of version 1")
        }

        // Appending a file whose columns do not match the table fails and changes nothing.
        #expect(throws: StrataError.self) { try db.importCSV(from: a, into: Self.table, options: append) }
        #expect(try db.info(Self.table).version == 2)
        #expect(try db.info(Self.table).rowCount == 2)
    }

    @Test func failedImportIntoExistingTableChangesNothing() throws {
        let (dir, db) = try Self.freshStore()
        let good = try Self.writeCSV(dir, "good.csv", "a,b,c\n10,x,20\n11,y,21\n")
        try db.importCSV(from: good, into: Self.table)
        let before = try db.info(Self.table)
        let beforeRows = try Self.rows(db, Self.table)
        #expect(before.version == 0 && beforeRows.count == 2)

        for (mode, fixture) in [(ImportMode.append, "err_too_few"), (.replace, "err_too_few"),
                                (.append, "err_unterminated_quote"), (.replace, "err_invalid_utf8")] {
            var options = CSVImportOptions()
            options.mode = mode
            options.blockBytes = 16
            let path = CSVFixtures.path(fixture)
            do {
                try db.importCSV(from: path, into: Self.table, options: options)
                Issue.record("\(fixture) \(mode): imported instead of failing")
            } catch {
                for problem in try CSVFixtures.errorProblems(error, fixture: fixture, path: path) {
                    Issue.record("\(problem) (\(mode))")
                }
            }
            #expect(try db.info(Self.table) == before, "\(fixture) \(mode): the table changed")
            #expect(try Self.rows(db, Self.table) == beforeRows, "\(fixture) \(mode)")
        }
        let staging = (try? FileManager.default.contentsOfDirectory(
            atPath: db.path + "/tables/" + Self.table + "/_strata/staging")) ?? []
        #expect(staging.isEmpty, "staging not empty: \(staging)")
    }

    @Test func skipWithFixedSchemaRejectsIntoExistingTable() throws {
        // Rejected rows never reach the table, also when appending.
        let (dir, db) = try Self.freshStore()
        let seed = try Self.writeCSV(dir, "seed.csv", "id,n\n100,1\n")
        try db.importCSV(from: seed, into: Self.table)
        var options = try CSVFixtures.options("skip_schema")
        options.mode = .append
        let summary = try db.importCSV(from: CSVFixtures.path("skip_schema"), into: Self.table, options: options)
        #expect(summary.rowsImported == 3 && summary.rowsRejected == 2)
        #expect(summary.table.version == 1 && summary.table.rowCount == 4)
        #expect(try Self.rows(db, Self.table) == [
            [.int64(100), .int64(1)], [.int64(1), .int64(5)], [.int64(3), .int64(6)], [.int64(5), .null],
        ])
    }

    @Test func parquetImportModes() throws {
        let (dir, db) = try Self.freshStore()
        defer { withExtendedLifetime(dir) {} }
        let first = try db.importParquet(from: RepoPaths.trips, into: "trips", mode: .create)
        #expect(first.rowCount == RepoPaths.tripsRows)
        let exists = #expect(throws: StrataError.self) {
            try db.importParquet(from: RepoPaths.trips, into: "trips", mode: .create)
        }
        #expect(exists?.code == .alreadyExists)
        let appended = try db.importParquet(from: RepoPaths.trips, into: "trips", mode: .append)
        #expect(appended.version == first.version + 1 && appended.rowCount == 2 * RepoPaths.tripsRows)
        let replaced = try db.importParquet(from: RepoPaths.trips, into: "trips", mode: .replace)
        #expect(replaced.version == appended.version + 1 && replaced.rowCount == RepoPaths.tripsRows)
    }
}
