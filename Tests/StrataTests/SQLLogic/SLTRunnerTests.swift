import Foundation
import StrataCore
import Testing

/// A scripted engine: answers each SQL text from a table, and remembers what it was asked.
final class FakeSLTEngine: SLTEngine {
    /// The answer to one statement.
    enum Answer {
        case rows(Schema, [Batch])
        case failure(String)
    }

    var answers: [String: Answer]
    private(set) var loads: [(table: String, path: String)] = []
    private(set) var statements: [String] = []

    init(_ answers: [String: Answer] = [:]) { self.answers = answers }

    func load(table: String, parquetPath: String) throws { loads.append((table, parquetPath)) }

    func query(_ sql: String) throws -> (schema: Schema, batches: [Batch]) {
        statements.append(sql)
        switch answers[sql] {
        case let .rows(schema, batches): return (schema, batches)
        case let .failure(message): throw StrataError(.invalidArgument, message)
        case nil: throw StrataError(.notFound, "no answer scripted for \(sql)")
        }
    }
}

extension SQLLogicTests {
    /// The SQL logic test runner itself, against ``FakeSLTEngine``: parsing, matrices, formatting, sorting, real
    /// tolerance, error matching and the reports of mismatches.
    @Suite struct SLTRunnerTests {
        /// Every file of `Tests/sql` passes against an engine that answers each query with that record's own
        /// expected rows as typed columns and fails each `statement error` with its expected text: the files parse,
        /// and every value the oracle wrote reads back and formats to the same text.
        @Test(arguments: SLTFile.all())
        func theFilesRoundTripThroughAnEchoEngine(_ file: SLTFile) throws {
            #expect(file.errors.isEmpty, "\(file.errors)")
            let runner = SLTRunner(root: RepoPaths.root) { _, _ in FakeSLTEngine() }
            var answers: [String: FakeSLTEngine.Answer] = [:]
            for record in file.records {
                let sql = runner.resolve(sql: record.sql)
                switch record.kind {
                case .statementOK: answers[sql] = try Self.rows([("ok", .bool, [])])
                case let .statementError(expected): answers[sql] = .failure(expected ?? "error")
                case let .query(types, _, expected):
                    answers[sql] = try Self.rows(try types.enumerated().map { column, type in
                        try Self.typed("c\(column + 1)", expected.map { $0[column] }, type)
                    })
                }
            }
            let echo = SLTRunner(root: RepoPaths.root) { _, _ in FakeSLTEngine(answers) }
            let failures = try echo.run(file)
            #expect(failures.isEmpty, "\(failures.prefix(3))")
        }

        /// A column `name` of `type`'s Strata type holding the values written as `texts`.
        static func typed(_ name: String, _ texts: [String],
                          _ type: SLTColumnType) throws -> (String, DataType, [Value]) {
            let dataType: DataType = switch type {
            case .integer: .int64
            case .real: .double
            case .text: .string
            case .bool: .bool
            case .date: .date
            case .timestamp: .timestamp
            }
            let values = try texts.map { text throws -> Value in
                if text == "NULL" { return .null }
                switch type {
                case .integer: return .int64(try #require(Int64(text)))
                case .real: return .double(try #require(Double(text)))
                case .text: return .string(text == "(empty)" ? "" : text)
                case .bool: return .bool(text == "true")
                case .date: return .date(Int32(try Self.days(text)))
                case .timestamp:
                    let parts = text.split(separator: " ")
                    try #require(parts.count == 2, "\(text)")
                    let time = parts[1].split(separator: ".")
                    let hms = time[0].split(separator: ":").compactMap { Int64($0) }
                    try #require(hms.count == 3, "\(text)")
                    let fraction = time.count == 2
                        ? String(time[1]).padding(toLength: 6, withPad: "0", startingAt: 0) : "0"
                    let micros = try #require(Int64(fraction))
                    let seconds = Int64(try Self.days(String(parts[0]))) * 86_400 + hms[0] * 3600 + hms[1] * 60 + hms[2]
                    return .timestamp(seconds * 1_000_000 + micros)
                }
            }
            return (name, dataType, values)
        }

        /// Days since 1970-01-01 of `YYYY-MM-DD`.
        static func days(_ text: String) throws -> Int {
            let parts = text.split(separator: "-").compactMap { Int($0) }
            try #require(parts.count == 3, "\(text)")
            return CivilDate.days(year: parts[0], month: parts[1], day: parts[2])
        }

        /// A one-batch answer with columns `(name, type, values)`.
        static func rows(_ columns: [(String, DataType, [Value])]) throws -> FakeSLTEngine.Answer {
            let schema = try Schema(columns.map { Field($0.0, $0.1) })
            let batch = try Batch(schema: schema, columns: columns.map { try Column(type: $0.1, values: $0.2) })
            return .rows(schema, [batch])
        }

        static func file(_ text: String) -> SLTFile {
            SLTFile(path: "/repo/Tests/sql/t.slt", relativePath: "Tests/sql/t.slt", text: text)
        }

        /// The failures of running `text` once (one thread, default pool) against `engine`.
        static func failures(_ text: String, _ engine: FakeSLTEngine) throws -> [SLTFailure] {
            let file = file(text)
            #expect(file.errors.isEmpty, "\(file.errors)")
            let runner = SLTRunner(root: "/repo") { _, _ in engine }
            return try runner.run(file, configuration: SLTConfiguration(threads: 1, pool: nil))
        }

        /// Expects running `text` once against `engine` to fail exactly one record with a message containing `text`.
        static func expectFailure(_ text: String, _ engine: FakeSLTEngine, containing part: String,
                                  sourceLocation: SourceLocation = #_sourceLocation) throws {
            let failures = try failures(text, engine)
            #expect(failures.count == 1, "\(failures)", sourceLocation: sourceLocation)
            #expect(failures.first?.message.contains(part) == true, "\(failures)", sourceLocation: sourceLocation)
        }

        @Test func parsesDirectivesAndRecords() throws {
            let file = Self.file("""
                # name: t.slt
                load people Fixtures/sql/data/people.parquet
                foreach threads 1 2
                foreach pool default 64KiB

                statement ok
                SELECT 1

                # strata-only
                statement error
                SELECT nope
                FROM t
                ----
                not found

                statement error
                SELECT broken

                query ITR rowsort
                SELECT id, name, score
                FROM people
                ----
                1\tAnn\t3.5
                2\t(empty)\tNULL

                query B
                SELECT true
                ----
                true
                """)
            #expect(file.errors.isEmpty, "\(file.errors)")
            #expect(file.loads == [SLTLoad(table: "people", path: "Fixtures/sql/data/people.parquet", line: 2)])
            #expect(file.configurations == [
                SLTConfiguration(threads: 1, pool: nil), SLTConfiguration(threads: 1, pool: 65536),
                SLTConfiguration(threads: 2, pool: nil), SLTConfiguration(threads: 2, pool: 65536),
            ])
            #expect(file.records == [
                SLTRecord(line: 6, sql: "SELECT 1", kind: .statementOK),
                SLTRecord(line: 10, sql: "SELECT nope\nFROM t", kind: .statementError(expected: "not found")),
                SLTRecord(line: 16, sql: "SELECT broken", kind: .statementError(expected: nil)),
                SLTRecord(line: 19, sql: "SELECT id, name, score\nFROM people",
                          kind: .query(types: [.integer, .text, .real],
                                       sort: .rowsort, expected: [["1", "Ann", "3.5"], ["2", "(empty)", "NULL"]])),
                SLTRecord(line: 26, sql: "SELECT true",
                          kind: .query(types: [.bool], sort: .nosort, expected: [["true"]])),
            ])
        }

        @Test func matrices() {
            #expect(Self.file("statement ok\nSELECT 1\n").configurations == SLTConfiguration.defaultMatrix)
            #expect(Self.file("foreach threads 4 2\n").configurations == [
                SLTConfiguration(threads: 4, pool: nil), SLTConfiguration(threads: 2, pool: nil),
            ])
            #expect(Self.file("foreach pool 1MiB default\n").configurations == [
                SLTConfiguration(threads: 1, pool: 1 << 20), SLTConfiguration(threads: 1, pool: nil),
            ])
        }

        @Test func parseErrorsCarryTheirLines() {
            let cases: [(text: String, line: Int, message: String)] = [
                ("query IX\nSELECT 1\n----\n1\n", 1, "unknown type letter"),
                ("query II\nSELECT 1, 2\n----\n1\t2\n3\n", 5, "the row has 1 values"),
                ("query I\nSELECT 1\n", 1, "no `----`"),
                ("query I sorted\nSELECT 1\n----\n1\n", 1, "unknown sort mode"),
                ("query R\nSELECT 1\n----\nabc\n", 4, "not a valid R value"),
                ("query I\nSELECT 1\n----\n1.5\n", 4, "not a valid I value"),
                ("query B\nSELECT 1\n----\nyes\n", 4, "not a valid B value"),
                ("statement ok\nSELECT 1\n\nload t x.parquet\n", 4, "before the first record"),
                ("statement ok\nSELECT 1\n----\nx\n", 1, "takes no `----`"),
                ("statement maybe\nSELECT 1\n", 1, "expected `statement ok` or `statement error`"),
                ("\n\nstatement ok\n\n", 3, "no SQL"),
                ("foreach pool 12 lots\n", 1, "pool size \"lots\""),
                ("foreach threads 0\n", 1, "positive integers"),
                ("foreach colour red\n", 1, "unknown foreach variable"),
                ("load t\n", 1, "expected `load NAME PATH`"),
                ("frobnicate\n", 1, "expected `load`, `foreach`, `statement` or `query`"),
            ]
            for (text, line, message) in cases {
                let errors = Self.file(text).errors
                #expect(errors.count == 1, "\(text.debugDescription): \(errors)")
                #expect(errors.first?.line == line, "\(text.debugDescription): \(errors)")
                #expect(errors.first?.message.contains(message) == true, "\(text.debugDescription): \(errors)")
            }
        }

        @Test func rowsortIgnoresTheOrderNosortDoesNot() throws {
            let engine = FakeSLTEngine(["SELECT x": try Self.rows([
                ("i", .int64, [.int64(2), .int64(10), .int64(1)]),
                ("r", .double, [.double(0.5), .null, .double(-1)]),
            ])])
            #expect(try Self.failures("query IR rowsort\nSELECT x\n----\n1\t-1.0\n10\tNULL\n2\t0.5\n", engine).isEmpty)
            #expect(try Self.failures("query IR nosort\nSELECT x\n----\n2\t0.5\n10\tNULL\n1\t-1\n", engine).isEmpty)
            try Self.expectFailure("query IR\nSELECT x\n----\n1\t-1.0\n10\tNULL\n2\t0.5\n", engine,
                                   containing: "first difference at row 1")
        }

        @Test func realsCompareWithinTheTolerance() throws {
            #expect(SLTRunner.realsMatch("0.3", "0.30000000000000004"))
            #expect(SLTRunner.realsMatch("1e20", "\(1e20 * (1 + 1e-10))"))
            #expect(SLTRunner.realsMatch("0.0", "1e-13"))
            #expect(SLTRunner.realsMatch("-0.0", "0.0"))
            #expect(SLTRunner.realsMatch("nan", "nan"))
            #expect(SLTRunner.realsMatch("inf", "inf"))
            #expect(SLTRunner.realsMatch("NULL", "NULL"))
            #expect(!SLTRunner.realsMatch("0.3", "0.3000001"))
            #expect(!SLTRunner.realsMatch("0.0", "1e-11"))
            #expect(!SLTRunner.realsMatch("nan", "1.0"))
            #expect(!SLTRunner.realsMatch("inf", "-inf"))
            #expect(!SLTRunner.realsMatch("NULL", "0.0"))

            let engine = FakeSLTEngine(["SELECT r": try Self.rows([
                ("r", .double, [.double(0.1 + 0.2), .double(.nan), .double(2411.2500000000005)]),
                ("f", .float, [.float(1.5), .float(0.1), .null]),
            ])])
            let ok = "query RR\nSELECT r\n----\n0.3\t1.5\nnan\t0.10000000149011612\n2411.25\tNULL\n"
            #expect(try Self.failures(ok, engine).isEmpty)
            let off = "query RR\nSELECT r\n----\n0.3\t1.5\nnan\t0.1\n2411.25\tNULL\n"
            try Self.expectFailure(off, engine, containing: "first difference at row 2")
        }

        @Test func rowsortOrdersRealsAlikeWithinTheTolerance() throws {
            let engine = FakeSLTEngine(["SELECT r": try Self.rows([
                ("r", .double, [.double(0.30000000000000004), .double(0.29), .double(-0.0)]),
            ])])
            #expect(try Self.failures("query R rowsort\nSELECT r\n----\n0.0\n0.29\n0.3\n", engine).isEmpty)
        }

        @Test func valuesAreFormattedLikeTheFiles() throws {
            #expect(SLTRunner.format(.null) == "NULL")
            #expect(SLTRunner.format(.string("")) == "(empty)")
            #expect(SLTRunner.format(.string("Zoë O'Brien")) == "Zoë O'Brien")
            #expect(SLTRunner.format(.bool(true)) == "true")
            #expect(SLTRunner.format(.int32(-7)) == "-7")
            #expect(SLTRunner.format(.int64(3_000_000_000)) == "3000000000")
            #expect(SLTRunner.format(.double(5)) == "5.0")
            #expect(SLTRunner.format(.double(-.nan)) == "nan")
            #expect(SLTRunner.format(.date(0)) == "1970-01-01")
            #expect(SLTRunner.format(.date(-1)) == "1969-12-31")
            #expect(SLTRunner.format(.date(19782)) == "2024-02-29")
            #expect(SLTRunner.format(.timestamp(0)) == "1970-01-01 00:00:00")
            #expect(SLTRunner.format(.timestamp(1_500_000)) == "1970-01-01 00:00:01.5")
            #expect(SLTRunner.format(.timestamp(-1)) == "1969-12-31 23:59:59.999999")
            #expect(SLTRunner.format(.timestamp(1_709_214_293_151_723)) == "2024-02-29 13:44:53.151723")

            let engine = FakeSLTEngine(["SELECT *": try Self.rows([
                ("t", .string, [.string(""), .null, .string("a b")]),
                ("b", .bool, [.bool(false), .null, .bool(true)]),
                ("d", .date, [.date(19782), .null, .date(-1)]),
                ("p", .timestamp, [.timestamp(1_709_164_800_250_000), .null, .timestamp(0)]),
                ("i", .int32, [.int32(0), .null, .int32(-2)]),
            ])])
            let text = """
                query TBDPI
                SELECT *
                ----
                (empty)\tfalse\t2024-02-29\t2024-02-29 00:00:00.25\t0
                NULL\tNULL\tNULL\tNULL\tNULL
                a b\ttrue\t1969-12-31\t1970-01-01 00:00:00\t-2
                """
            #expect(try Self.failures(text, engine).isEmpty)
        }

        @Test func errorsMatchByCaseInsensitiveSubstring() throws {
            let engine = FakeSLTEngine([
                "SELECT nope": .failure("column \"nope\" not found"),
                "SELECT 1": try Self.rows([("x", .int32, [.int32(1)])]),
            ])
            #expect(try Self.failures("statement error\nSELECT nope\n----\nnot found\n", engine).isEmpty)
            #expect(try Self.failures("statement error\nSELECT nope\n----\nNOT FOUND\n", engine).isEmpty)
            #expect(try Self.failures("statement error\nSELECT nope\n", engine).isEmpty)
            #expect(try Self.failures("statement ok\nSELECT 1\n", engine).isEmpty)

            let wrongText = "statement error\nSELECT nope\n----\nsyntax error\n"
            try Self.expectFailure(wrongText, engine, containing: "does not contain \"syntax error\"")
            try Self.expectFailure(wrongText, engine, containing: "column \"nope\" not found")
            try Self.expectFailure("statement error\nSELECT 1\n----\nnot found\n", engine,
                                   containing: "statement succeeded, expected an error")
            try Self.expectFailure("statement ok\nSELECT nope\n", engine, containing: "statement failed")
            try Self.expectFailure("query I\nSELECT nope\n----\n1\n", engine, containing: "query failed")
        }

        @Test func aMismatchIsReportedWithItsContext() throws {
            let engine = FakeSLTEngine(["SELECT id, name FROM people ORDER BY id": try Self.rows([
                ("id", .int64, [.int64(1), .int64(2), .int64(3)]),
                ("name", .string, [.string("Ann"), .string("Bob"), .null]),
            ])])
            let text = """
                load people Fixtures/sql/data/people.parquet

                statement ok
                SELECT id, name FROM people ORDER BY id

                query IT nosort
                SELECT id, name FROM people ORDER BY id
                ----
                1\tAnn
                2\tBeth
                3\tNULL
                """
            let file = Self.file(text)
            let runner = SLTRunner(root: "/repo") { _, _ in engine }
            let failures = try runner.run(file)
            #expect(failures.count == 3)
            #expect(failures.map(\.configuration) == SLTConfiguration.defaultMatrix)
            let report = try #require(failures.first).description
            #expect(report.hasPrefix("Tests/sql/t.slt:6 [threads 1, pool default]: wrong result"), "\(report)")
            #expect(report.contains("first difference at row 2"), "\(report)")
            #expect(report.contains("expected: 2\tBeth\n"), "\(report)")
            #expect(report.contains("actual:   2\tBob\n"), "\(report)")
            #expect(report.hasSuffix("\nSELECT id, name FROM people ORDER BY id"), "\(report)")
            #expect(failures[1].description.hasPrefix("Tests/sql/t.slt:6 [threads 2, pool 256.0 KiB]"),
                    "\(failures[1])")

            let twoRows = "query IT\nSELECT id, name FROM people ORDER BY id\n----\n1\tAnn\n2\tBob\n"
            try Self.expectFailure(twoRows, engine, containing: "3 rows, expected 2")
            try Self.expectFailure(twoRows, engine, containing: "expected: (no row)")
        }

        @Test func columnCountAndTypeLettersAreChecked() throws {
            let engine = FakeSLTEngine(["SELECT x": try Self.rows([
                ("a", .int32, [.int32(1)]), ("b", .double, [.double(1)]),
            ])])
            try Self.expectFailure("query I\nSELECT x\n----\n1\n", engine, containing: "the result has 2 columns")
            try Self.expectFailure("query II\nSELECT x\n----\n1\t1\n", engine,
                                   containing: "column 2 (b:double) does not fit type I")
            try Self.expectFailure("query RR\nSELECT x\n----\n1.0\t1.0\n", engine,
                                   containing: "column 1 (a:int32) does not fit type R")
        }

        @Test func batchesAreConcatenated() throws {
            let schema = try Schema([Field("i", .int64)])
            let batches = try [[1, 2], [], [3]].map { values in
                try Batch(schema: schema, columns: [Column(type: .int64, values: values.map { Value.int64($0) })])
            }
            let engine = FakeSLTEngine(["SELECT i": .rows(schema, batches)])
            #expect(try Self.failures("query I\nSELECT i\n----\n1\n2\n3\n", engine).isEmpty)
        }

        @Test func pathsAreResolvedAgainstTheRoot() throws {
            let sql = "SELECT count(*) FROM read_parquet('Fixtures/sql/data/events/*.parquet')"
            let resolved = "SELECT count(*) FROM read_parquet('/repo/Fixtures/sql/data/events/*.parquet')"
            let engine = FakeSLTEngine([resolved: try Self.rows([("n", .int64, [.int64(1200)])])])
            let text = "load people Fixtures/sql/data/people.parquet\nload abs /data/x.parquet\n\n"
                + "query I\n\(sql)\n----\n1200\n"
            #expect(try Self.failures(text, engine).isEmpty)
            #expect(engine.loads.map(\.table) == ["people", "abs"])
            #expect(engine.loads.map(\.path) == ["/repo/Fixtures/sql/data/people.parquet", "/data/x.parquet"])
            #expect(engine.statements == [resolved])
        }

        @Test func everyConfigurationGetsItsOwnEngine() throws {
            var made: [SLTConfiguration] = []
            let runner = SLTRunner(root: "/repo") { threads, pool in
                made.append(SLTConfiguration(threads: threads, pool: pool))
                return FakeSLTEngine()
            }
            let file = Self.file("foreach threads 1 2\nforeach pool 64KiB default\n\nstatement error\nSELECT 1\n")
            #expect(try runner.run(file).isEmpty)
            #expect(made == file.configurations)
            #expect(made.count == 4)
        }

        @Test func aSkipStopsTheFileAndOtherFactoryErrorsFailIt() throws {
            let file = Self.file("statement ok\nSELECT 1\n")
            let skipping = SLTRunner(root: "/repo") { _, _ in throw SLTSkip("not yet") }
            #expect(throws: SLTSkip.self) { try skipping.run(file) }
            let broken = SLTRunner(root: "/repo") { _, _ in throw StrataError(.io, "disk on fire") }
            let failures = try broken.run(file)
            #expect(failures.count == 3)
            #expect(failures.first?.message.contains("cannot create the engine: disk on fire") == true, "\(failures)")

            final class FailingLoad: SLTEngine {
                func load(table: String, parquetPath: String) throws { throw StrataError(.io, "no such file") }
                func query(_ sql: String) throws -> (schema: Schema, batches: [Batch]) { throw SLTSkip("unused") }
            }
            let loadFails = SLTRunner(root: "/repo") { _, _ in FailingLoad() }
            let loadFailures = try loadFails.run(Self.file("load t x.parquet\n\nstatement ok\nSELECT 1\n"))
            #expect(loadFailures.map(\.line) == [1, 1, 1])
            #expect(loadFailures.first?.message.contains("load t x.parquet failed") == true, "\(loadFailures)")
        }
    }
}
