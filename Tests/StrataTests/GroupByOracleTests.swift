import Foundation
import Strata
import StrataCore
import StrataExecution
import StrataTestSupport
import Synchronization
import Testing

/// The queries of `Fixtures/groupby/queries.json` against the answers DuckDB gave (`Fixtures/groupby/expected`),
/// each run three ways: one thread with room to spare, two threads with a 256 KiB operator budget (nearly
/// everything spills and partitions are merged recursively), and four threads with 4 MiB.
@Suite struct GroupByOracleTests {
    /// How each query is run.
    struct Configuration: Sendable, CustomStringConvertible {
        let threads: Int
        let pool: Int?
        var description: String { "\(threads) threads, pool \(pool.map { ByteCount.format($0) } ?? "default")" }
    }

    static let configurations = [
        Configuration(threads: 1, pool: nil),
        Configuration(threads: 2, pool: 256 << 10),
        Configuration(threads: 4, pool: 4 << 20),
    ]

    @Test func fixturesAreDiscovered() {
        #expect(GroupByFixtures.cases.count >= 70)
        #expect(GroupByFixtures.cases.contains { $0.expectError })
    }

    @Test(arguments: GroupByFixtures.cases.map(\.name))
    func answersEqualDuckDBs(_ name: String) throws {
        let fixture = try #require(GroupByFixtures.cases.first { $0.name == name })
        let db = try GroupByFixtures.database(for: fixture.dataset)
        for configuration in Self.configurations {
            let spillDirectory = try TempDirectory("strata-spill")
            var options = ExecutionOptions(threads: configuration.threads, spillDirectory: spillDirectory.path)
            options.poolLimitOverride = configuration.pool
            let query = try fixture.query(db)
            if fixture.expectError {
                #expect(throws: StrataError.self, "\(name), \(configuration)") { try query.collect(options: options) }
            } else {
                let result = try query.collect(options: options)
                try fixture.check(result, context: "\(name), \(configuration)")
            }
            let left = GroupByFixtures.entries(of: spillDirectory)
            #expect(left.isEmpty, "\(name), \(configuration): spill files left: \(left)")
        }
    }

    /// A 32 KiB budget really forces spilling: q10 (one group per row) spills, its partitions are too big to merge
    /// in one go and are repartitioned, and the answer is still DuckDB's.
    @Test func aTinyBudgetSpillsAndRepartitions() throws {
        let fixture = try #require(GroupByFixtures.cases.first { $0.name == "g1_q10" })
        let db = try GroupByFixtures.database(for: fixture.dataset)
        let spillDirectory = try TempDirectory("strata-spill")
        var options = ExecutionOptions(threads: 2, spillDirectory: spillDirectory.path)
        options.poolLimitOverride = 32 << 10
        let result = try fixture.query(db).collect(options: options)
        try fixture.check(result, context: "g1_q10 spilling")
        #expect(result.statistics.spills > 0)
        #expect(result.statistics.spilledBytes > 0)
        #expect(result.statistics.repartitionLevel >= 1)
        #expect(result.statistics.peakReservedBytes < 8 << 20, "\(result.statistics)")
    }
}

/// The group-by oracle fixtures: datasets, queries and expected answers.
enum GroupByFixtures {
    static var directory: String { RepoPaths.root + "/Fixtures/groupby" }

    /// One query of `queries.json`.
    struct Case: Sendable {
        let name: String
        let dataset: String
        let by: [String]
        let aggregates: [AggregateCall]
        let filters: [Expr]
        let post: [String: Expr]
        let select: [String]
        let order: [SortKey]
        let limit: Int?
        let schema: [(String, String)]
        let expectError: Bool
        let expected: String

        /// The query through the Swift API.
        func query(_ db: Database) throws -> Query {
            var query = db.table("x")
            if let first = filters.first {
                query = query.filter(filters.dropFirst().reduce(first) { .binary(.and, $0, $1) })
            }
            query = by.isEmpty ? Query(database: db, plan: .aggregate(keys: [], aggregates: aggregates, query.plan))
                : query.groupBy(by.map(NamedExpr.column)).aggregate(aggregates)
            let produced = by + aggregates.map(\.name)
            if !post.isEmpty || select != produced {
                query = query.select(select.map { name in post[name].map { NamedExpr($0, as: name) } ?? .column(name) })
            }
            if !order.isEmpty { query = Query(database: db, plan: .sort(order, query.plan)) }
            if let limit { query = query.limit(limit) }
            return query
        }

        /// Compares `result` with the expected answer: same columns and types, same rows (doubles within
        /// max(1e-9 relative, 1e-12 absolute); NaN equals NaN), in order for top-N queries, by key otherwise.
        func check(_ result: QueryResult, context: String) throws {
            #expect(result.schema.fields.map(\.name) == schema.map(\.0), "\(context): columns")
            #expect(result.schema.fields.map(\.type.name) == schema.map(\.1), "\(context): types")
            let expectedRows = try GroupByFixtures.expectedRows(self)
            var actual = result.rows
            var wanted = expectedRows
            if order.isEmpty {
                let keyCount = by.count
                func key(_ row: [Value]) -> String { row.prefix(keyCount).map(\.description).joined(separator: "\u{1}") }
                actual.sort { key($0) < key($1) }
                wanted.sort { key($0) < key($1) }
            }
            #expect(actual.count == wanted.count, "\(context): \(actual.count) rows, expected \(wanted.count)")
            var mismatches = 0
            for (a, w) in zip(actual, wanted) where !GroupByFixtures.rowsMatch(a, w) {
                mismatches += 1
                if mismatches <= 3 { Issue.record("\(context): got \(a), expected \(w)") }
            }
            #expect(mismatches == 0, "\(context): \(mismatches) rows differ")
        }
    }

    static let cases: [Case] = {
        guard let data = FileManager.default.contents(atPath: directory + "/queries.json"),
              let text = String(data: data, encoding: .utf8), let json = try? JSON.parse(text),
              let list = json.arrayValue
        else { return [] }
        return list.compactMap(parse)
    }()

    private static func literal(_ json: JSON) -> Expr {
        switch json {
        case let .bool(b): return .literal(.bool(b))
        case let .string(s): return .literal(.string(s))
        case let .number(n):
            if let i = Int64(n) { return .literal(.int64(i)) }
            return .literal(.double(Double(n) ?? .nan))
        default: return .literal(.null)
        }
    }

    private static func parse(_ json: JSON) -> Case? {
        guard let name = json["name"]?.stringValue, let dataset = json["dataset"]?.stringValue,
              let expected = json["expected"]?.stringValue
        else { return nil }
        let by = (json["by"]?.arrayValue ?? []).compactMap(\.stringValue)
        var aggregates: [AggregateCall] = []
        for agg in json["aggs"]?.arrayValue ?? [] {
            guard let parts = agg.arrayValue, parts.count >= 3, let fn = parts[0].stringValue,
                  let output = parts[2].stringValue, let function = AggregateFunction(rawValue: fn)
            else { return nil }
            let arguments: [Expr]
            switch parts[1] {
            case let .string(column): arguments = [.column(column)]
            case let .array(columns): arguments = columns.compactMap(\.stringValue).map(Expr.column)
            default: arguments = []
            }
            var parameter: Double?
            if parts.count > 3, case let .number(n) = parts[3] { parameter = Double(n) }
            aggregates.append(AggregateCall(function, arguments, parameter: parameter, as: output))
        }
        var filters: [Expr] = []
        for conjunct in json["where"]?.arrayValue ?? [] {
            guard let parts = conjunct.arrayValue, parts.count >= 2, let column = parts[0].stringValue,
                  let op = parts[1].stringValue
            else { return nil }
            let c = Expr.column(column)
            let operands = parts.dropFirst(2).map(literal)
            let binary: [String: Expr.BinaryOperator] = ["=": .equal, "<>": .notEqual, "<": .less, "<=": .lessOrEqual,
                                                         ">": .greater, ">=": .greaterOrEqual]
            switch op {
            case "is_null": filters.append(.isNull(c, negated: false))
            case "is_not_null": filters.append(.isNull(c, negated: true))
            case "in": filters.append(.inList(c, (parts[2].arrayValue ?? []).map(literal), negated: false))
            case "between": filters.append(.between(c, low: operands[0], high: operands[1], negated: false))
            case "like": filters.append(.like(c, pattern: operands[0], negated: false, caseInsensitive: false))
            default:
                guard let binaryOp = binary[op], let operand = operands.first else { return nil }
                filters.append(.binary(binaryOp, c, operand))
            }
        }
        var post: [String: Expr] = [:]
        for item in json["post"]?.arrayValue ?? [] {
            guard let parts = item.arrayValue, let output = parts.first?.stringValue,
                  let op = parts.count > 1 ? parts[1].stringValue : nil
            else { return nil }
            let inputs = parts.dropFirst(2).compactMap(\.stringValue).map(Expr.column)
            switch op {
            case "-" where inputs.count == 2: post[output] = .binary(.subtract, inputs[0], inputs[1])
            case "pow2" where inputs.count == 1: post[output] = .function("pow", [inputs[0], .literal(.int64(2))])
            default: return nil
            }
        }
        let order = (json["order"]?.arrayValue ?? []).compactMap { item -> SortKey? in
            guard let parts = item.arrayValue, let column = parts.first?.stringValue else { return nil }
            return SortKey(.column(column), ascending: parts.last?.stringValue != "desc")
        }
        var limit: Int?
        if case let .number(n)? = json["limit"] { limit = Int(n) }
        let schema = (json["schema"]?.arrayValue ?? []).compactMap { item -> (String, String)? in
            guard let parts = item.arrayValue, parts.count == 2, let n = parts[0].stringValue,
                  let t = parts[1].stringValue
            else { return nil }
            return (n, t)
        }
        return Case(name: name, dataset: dataset, by: by, aggregates: aggregates, filters: filters, post: post,
                    select: (json["select"]?.arrayValue ?? []).compactMap(\.stringValue), order: order,
                    limit: limit, schema: schema, expectError: json["expect_error"]?.boolValue ?? false,
                    expected: expected)
    }

    /// What a spill directory holds after a query (nothing, when the query cleaned up).
    static func entries(of directory: TempDirectory) -> [String] {
        (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
    }

    // MARK: Datasets

    private static let stores = Mutex<[String: Database]>([:])
    private static let storeDirectory = Mutex<TempDirectory?>(nil)

    /// A store holding `dataset` as table `x`, imported once per test process.
    static func database(for dataset: String) throws -> Database {
        try stores.withLock { (stores) throws -> Database in
            if let db = stores[dataset] { return db }
            let root = try storeDirectory.withLock { (dir) throws -> String in
                if dir == nil { dir = try TempDirectory("strata-groupby") }
                return dir?.path ?? ""
            }
            let db = try Database(path: root + "/" + dataset, createIfMissing: true)
            try db.importCSV(from: directory + "/" + dataset, into: "x")
            stores[dataset] = db
            return db
        }
    }

    // MARK: Expected answers

    static func expectedRows(_ fixture: Case) throws -> [[Value]] {
        let path = directory + "/" + fixture.expected
        let text: String
        if path.hasSuffix(".gz") {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["gzip", "-dc", path]
            let pipe = Pipe()
            process.standardOutput = pipe
            try process.run()
            let data = pipe.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            text = String(decoding: data, as: UTF8.self)
        } else {
            text = try String(contentsOfFile: path, encoding: .utf8)
        }
        let records = CSVRecords.parse(text)
        guard let header = records.first else { return [] }
        #expect(header.map(\.text) == fixture.schema.map(\.0), "\(fixture.name): expected header")
        return try records.dropFirst().map { record in
            try zip(record, fixture.schema).map { field, column in try value(field, type: column.1) }
        }
    }

    private static func value(_ field: CSVRecords.Field, type: String) throws -> Value {
        if field.text.isEmpty && !field.quoted { return .null }
        let text = field.text
        switch type {
        case "string": return .string(text)
        case "bool": return .bool(text == "true")
        case "int64": return .int64(try #require(Int64(text)))
        case "double": return .double(try #require(Double(text)))
        case "date":
            let parts = text.split(separator: "-").compactMap { Int($0) }
            return .date(Int32(CivilDate.days(year: parts[0], month: parts[1], day: parts[2])))
        case "timestamp":
            let halves = text.split(separator: "T")
            let day = halves[0].split(separator: "-").compactMap { Int($0) }
            let time = halves[1].split(separator: ":")
            let seconds = Double(time[2]) ?? 0
            let days = CivilDate.days(year: day[0], month: day[1], day: day[2])
            let micros = Int64(days) * 86_400_000_000 + Int64(Int(time[0]) ?? 0) * 3_600_000_000
                + Int64(Int(time[1]) ?? 0) * 60_000_000 + Int64((seconds * 1_000_000).rounded())
            return .timestamp(micros)
        default:
            throw StrataError(.invalidArgument, "unknown type \(type) in queries.json")
        }
    }

    static func rowsMatch(_ a: [Value], _ b: [Value]) -> Bool {
        guard a.count == b.count else { return false }
        return zip(a, b).allSatisfy { x, y in
            if case let .double(p) = x, case let .double(q) = y {
                if p.isNaN || q.isNaN { return p.isNaN && q.isNaN }
                if p == q { return true }
                return abs(p - q) <= max(1e-9 * max(abs(p), abs(q)), 1e-12)
            }
            return x == y
        }
    }
}

/// A small RFC 4180 reader that remembers which fields were quoted (`""` is an empty string, an empty unquoted
/// field is NULL).
enum CSVRecords {
    struct Field {
        var text = ""
        var quoted = false
    }

    static func parse(_ text: String) -> [[Field]] {
        var records: [[Field]] = []
        var record: [Field] = []
        var field = Field()
        var inQuotes = false
        var chars = Array(text.unicodeScalars)[...]
        while let c = chars.popFirst() {
            if inQuotes {
                if c == "\"" {
                    if chars.first == "\"" { field.text.unicodeScalars.append(c); chars.removeFirst() } else { inQuotes = false }
                } else {
                    field.text.unicodeScalars.append(c)
                }
            } else if c == "\"" {
                inQuotes = true
                field.quoted = true
            } else if c == "," {
                record.append(field)
                field = Field()
            } else if c == "\n" {
                record.append(field)
                records.append(record)
                record = []
                field = Field()
            } else if c != "\r" {
                field.text.unicodeScalars.append(c)
            }
        }
        if !record.isEmpty || !field.text.isEmpty || field.quoted {
            record.append(field)
            records.append(record)
        }
        return records
    }
}
